/** Builds the Hookflow worker: task queue `hookflow`, the interpreter workflow and the activities. */
import { createRequire } from 'node:module';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { temporalConnectConfig } from '../server/temporal/connection';

const require = createRequire(import.meta.url);
export const WORKFLOWS_PATH = require.resolve('../../workflows/index.ts');

export interface HookflowWorkerOptions {
  deps: ActivityDeps;
  connection?: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  /** a prebuilt bundle (bundleWorkflowCode) so several workers in one test share one build */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** runs kept in memory between their steps; the rest are replayed from history when they wake */
  maxCachedWorkflows?: number;
  /** wraps workflow and activity calls (tests pause a worker at a chosen point before killing it) */
  interceptors?: WorkerOptions['interceptors'];
}

export async function createHookflowWorker(options: HookflowWorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const config = temporalConnectConfig();
  const connection = options.connection ?? (await NativeConnection.connect(config.connectionOptions));
  const worker = await Worker.create({
    connection,
    namespace: options.namespace ?? config.namespace,
    taskQueue: options.taskQueue ?? config.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(options.deps),
    ...(options.maxCachedWorkflows ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    ...(options.interceptors ? { interceptors: options.interceptors } : {}),
  });
  return { worker, connection };
}
