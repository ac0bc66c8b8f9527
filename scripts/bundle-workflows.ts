/**
 * Writes the workflow bundle to the path given (scripts/workflow-bundle.ts runs this in its own process).
 * `--tracing`: with OpenTelemetry's workflow interceptors, for a worker that exports traces.
 */
import { writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bundleWorkflowCode } from '@temporalio/worker';
import { HOOKFLOW_WORKFLOWS_PATH } from '../lib/plugin';

const args = process.argv.slice(2);
const tracing = args.includes('--tracing');
const out = args.find((a) => a !== '--tracing');
if (!out) throw new Error('usage: bundle-workflows.ts [--tracing] <output file>');
const workflowInterceptorModules = tracing ? [createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')] : [];
const quiet = { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} };
const { code } = await bundleWorkflowCode({ workflowsPath: HOOKFLOW_WORKFLOWS_PATH, workflowInterceptorModules, logger: quiet as never });
// Written whole or not at all: a worker starting meanwhile never reads half a bundle.
writeFileSync(`${out}.tmp`, code);
renameSync(`${out}.tmp`, out);
