/**
 * `hookflow/temporal`: the stable entry point for adding Hookflow to a Temporal worker (docs/plugin.md).
 *
 *   import { hookflowWorkerPlugin, createHookflowDatabase } from 'hookflow/temporal';
 *   await Worker.create({ connection, taskQueue: 'hookflow', plugins: [hookflowWorkerPlugin({ database, secretKey })] });
 *
 * Callers' workflows import the Nexus service from `hookflow/nexus` instead: it holds no worker code.
 */
export { hookflowWorkerPlugin, HOOKFLOW_WORKFLOWS_PATH, type HookflowPluginOptions } from './plugin';
export { createPrismaClient as createHookflowDatabase } from '../server/db';
export { loadSettings as loadHookflowSettings, type Settings as HookflowSettings } from '../server/config';
export { SlotClient, type SlotClientOptions } from '../server/ratelimit/client';
export { hookflowService, HOOKFLOW_NEXUS_ENDPOINT } from '../domain/nexus/service';
export type { GetRunInput, GetRunOutput, StartFlowInput, StartFlowOutput, TriggerEventInput, TriggerEventOutput } from '../domain/nexus/service';
