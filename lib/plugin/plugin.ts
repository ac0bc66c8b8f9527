/**
 * `hookflowWorkerPlugin(options)`: everything Hookflow needs on a Temporal worker, as a WorkerPlugin
 * (docs/plugin.md). Added to any worker, it brings Hookflow's workflows (through the bundler, next to the
 * worker's own), its activities, the `hookflow` Nexus service, and the loop that starts runs stored while
 * Temporal was unreachable. Hookflow's own worker (`npm run worker`) is built from it and nothing else.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { NativeConnection, type BundleOptions, type BundlerPlugin, type ReplayWorkerOptions, type WorkerOptions, type WorkerPlugin } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { PrismaClient } from '../server/db';
import { loadSettings, type Settings } from '../server/config';
import { SlotClient } from '../server/ratelimit/client';
import { startDispatcher } from '../server/runs/dispatch';
import { log } from '../server/log';
import { temporalConnectConfig } from '../server/temporal/connection';
import { hookflowServiceHandler } from './nexus';

const require = createRequire(import.meta.url);
/** Hookflow's workflows module: `customerFlow` (the interpreter), `rateLimiter` and `logRetention`. */
export const HOOKFLOW_WORKFLOWS_PATH = require.resolve('../../workflows/index.ts');
const HOOKFLOW_WORKFLOWS = ['customerFlow', 'rateLimiter', 'logRetention'];

export interface HookflowPluginOptions {
  /** Hookflow's database (`createHookflowDatabase(url)`): SQLite or Postgres, the one its web app uses */
  database: PrismaClient;
  /** the 32-byte key secret header values are encrypted with (HOOKFLOW_SECRET_KEY); read only by activities */
  secretKey: Buffer | (() => Buffer);
  /**
   * Hands out rate-limit slots. Default: one built on the worker's connection and task queue with the
   * settings' limits. Every worker of a namespace shares each integration's limiter (`rate-limit/<id>`).
   */
  slots?: SlotClient;
  /** Hookflow's settings (HOOKFLOW_*, TEMPORAL_UI_URL); default: read from the environment */
  settings?: Settings;
  /**
   * A prebuilt bundle of Hookflow's workflows alone (scripts/bundle-workflows.ts), for a worker with no
   * workflows of its own: no webpack in the worker process. Without it, the worker bundles them.
   */
  workflowBundlePath?: string;
  /** the most of a response body a webhook step reads (default DEFAULT_SEND_OPTIONS.maxResponseBytes) */
  maxResponseBytes?: number;
  /** serve the `hookflow` Nexus service on this worker's task queue (default true) */
  nexus?: boolean;
  /** start runs stored while Temporal was unreachable, every HOOKFLOW_DISPATCH_INTERVAL_MS (default true) */
  dispatchPendingRuns?: boolean;
}

type HookflowPlugin = WorkerPlugin & BundlerPlugin;

export function hookflowWorkerPlugin(options: HookflowPluginOptions): HookflowPlugin {
  const settings = options.settings ?? loadSettings();
  const secretKey = typeof options.secretKey === 'function' ? options.secretKey : () => options.secretKey as Buffer;
  /** per worker the plugin configured: its Temporal client, and the connection the plugin opened for it */
  const clients = new Map<string, { client: Client; ownConnection: NativeConnection | null }>();

  const withWorkflows = <T extends WorkerOptions | ReplayWorkerOptions>(o: T): T => {
    if (options.workflowBundlePath && (o.workflowBundle || o.workflowsPath)) {
      throw new Error(
        'hookflowWorkerPlugin: this worker has workflows of its own, so Hookflow cannot use its prebuilt bundle (workflowBundlePath). Leave workflowBundlePath out: the worker then bundles its workflows and Hookflow\'s together.',
      );
    }
    if (o.workflowBundle || o.workflowsPath) return o; // Hookflow's are added when the bundle is built (configureBundler)
    return options.workflowBundlePath ? { ...o, workflowBundle: { codePath: options.workflowBundlePath } } : { ...o, workflowsPath: HOOKFLOW_WORKFLOWS_PATH };
  };

  return {
    name: 'hookflow',

    async configureWorker(o) {
      const taken = Object.keys(createActivities({ prisma: options.database, secretKey })).filter((name) => o.activities && name in o.activities);
      if (taken.length > 0) throw new Error(`hookflowWorkerPlugin: the worker already has activities named ${taken.join(', ')}; Hookflow's activities need these names`);
      const namespace = o.namespace ?? 'default';
      const ownConnection = o.connection ? null : await NativeConnection.connect(temporalConnectConfig().connectionOptions);
      const connection = o.connection ?? ownConnection!;
      const client = new Client({ connection, namespace });
      clients.set(`${namespace}/${o.taskQueue}`, { client, ownConnection });
      const clientFn = async () => client;
      const slots =
        options.slots ??
        new SlotClient({
          client: clientFn,
          taskQueue: o.taskQueue,
          maxQueueWaitMs: settings.HOOKFLOW_RATE_LIMIT_MAX_WAIT_MS,
          jitterBudgetMs: settings.HOOKFLOW_RATE_LIMIT_JITTER_MS,
          limiterInput: settings.HOOKFLOW_RATE_LIMIT_UPDATES_PER_RUN ? { maxUpdatesPerRun: settings.HOOKFLOW_RATE_LIMIT_UPDATES_PER_RUN } : undefined,
        });
      const nexusServices = options.nexus === false ? o.nexusServices : [...(o.nexusServices ?? []), hookflowServiceHandler({ prisma: options.database, client: clientFn, taskQueue: o.taskQueue, settings })];
      return withWorkflows({
        ...o,
        connection,
        activities: { ...o.activities, ...createActivities({ prisma: options.database, secretKey, slots, maxResponseBytes: options.maxResponseBytes }) },
        ...(nexusServices ? { nexusServices } : {}),
      });
    },

    configureReplayWorker(o) {
      return withWorkflows(o);
    },

    configureBundler(o: BundleOptions): BundleOptions {
      if (path.resolve(o.workflowsPath) === HOOKFLOW_WORKFLOWS_PATH) return o;
      return { ...o, workflowsPath: combinedWorkflowsModule(o.workflowsPath) };
    },

    async runWorker(worker, next) {
      const key = `${worker.options.namespace}/${worker.options.taskQueue}`;
      const entry = clients.get(key);
      const stop =
        entry && options.dispatchPendingRuns !== false
          ? startDispatcher({ prisma: options.database, client: async () => entry.client, taskQueue: worker.options.taskQueue }, settings.HOOKFLOW_DISPATCH_INTERVAL_MS, (error) =>
              log().warn({ err: error }, 'could not start pending runs yet'),
            )
          : () => {};
      try {
        await next(worker);
      } finally {
        stop();
        clients.delete(key);
        await entry?.ownConnection?.close();
      }
    },
  };
}

/**
 * The node_modules the worker's workflows take @temporalio/workflow from. The combined module lives in its
 * .cache, so that the bundler's entry point next to it resolves that same copy.
 */
function nodeModulesOf(workflowsPath: string): string {
  const resolved = createRequire(workflowsPath).resolve('@temporalio/workflow');
  const marker = `${path.sep}node_modules${path.sep}`;
  return resolved.slice(0, resolved.lastIndexOf(marker) + marker.length - 1);
}

/**
 * A module exporting the worker's own workflows and Hookflow's, for the bundler: a worker has one
 * workflow bundle. Hookflow's names win over a workflow of the same name (docs/plugin.md reserves them).
 */
function combinedWorkflowsModule(workflowsPath: string): string {
  const own = path.resolve(workflowsPath);
  const code = [
    '// Generated by hookflowWorkerPlugin: the worker\'s workflows and Hookflow\'s, in one bundle.',
    `export * from ${JSON.stringify(own)};`,
    `export { ${HOOKFLOW_WORKFLOWS.join(', ')} } from ${JSON.stringify(HOOKFLOW_WORKFLOWS_PATH)};`,
    '',
  ].join('\n');
  const dir = path.join(nodeModulesOf(own), '.cache', 'hookflow-workflows');
  const file = path.join(dir, `workflows-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    // Whole or not at all: another worker may be bundling at the same moment.
    writeFileSync(`${file}.${process.pid}.tmp`, code);
    renameSync(`${file}.${process.pid}.tmp`, file);
  }
  return file;
}
