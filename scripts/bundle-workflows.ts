/** Writes the workflow bundle to the path given (scripts/workflow-bundle.ts runs this in its own process). */
import { writeFileSync, renameSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { HOOKFLOW_WORKFLOWS_PATH } from '../lib/plugin';

const out = process.argv[2];
if (!out) throw new Error('usage: bundle-workflows.ts <output file>');
const quiet = { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} };
const { code } = await bundleWorkflowCode({ workflowsPath: HOOKFLOW_WORKFLOWS_PATH, logger: quiet as never });
// Written whole or not at all: a worker starting meanwhile never reads half a bundle.
writeFileSync(`${out}.tmp`, code);
renameSync(`${out}.tmp`, out);
