/**
 * A worker process for kill tests: the real worker (same wiring, database and keys as `npm run worker`),
 * except that once a `sendWebhook` attempt has returned, so its request was answered and its attempt row
 * written, the worker prints `sendWebhook returned` and holds the result instead of reporting it to
 * Temporal. The test then kills the process with SIGKILL at exactly that point.
 *
 * The pause goes in through the worker's interceptors, an injected dependency; the product has no switch
 * for it. Started with scripts/worker-process.ts (`startWorkerProcess(env, 'test/support/paused-worker.ts')`).
 */
import { Context } from '@temporalio/activity';
import { DefaultLogger, Runtime, type ActivityInterceptorsFactory } from '@temporalio/worker';
import { db } from '../../lib/server/db';
import { secretKey } from '../../lib/server/keys';
import { createHookflowWorker } from '../../lib/plugin/worker';

const pauseAfterSend: ActivityInterceptorsFactory = (ctx: Context) => ({
  inbound: {
    async execute(input, next) {
      const result = await next(input);
      if (ctx.info.activityType !== 'sendWebhook') return result;
      console.log(`sendWebhook returned ${JSON.stringify(result)}`);
      return new Promise<never>(() => undefined);
    },
  },
});

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const bundle = process.env.HOOKFLOW_WORKFLOW_BUNDLE;
  if (!bundle) throw new Error('HOOKFLOW_WORKFLOW_BUNDLE is required');
  const { worker } = await createHookflowWorker({
    deps: { prisma: db(), secretKey },
    workflowBundle: { codePath: bundle },
    interceptors: { activity: [pauseAfterSend] },
  });
  console.log(`polling task queue "${process.env.HOOKFLOW_TASK_QUEUE}" (paused after each sendWebhook)`);
  await worker.run();
}

main().catch((error) => {
  console.error('worker failed:', error);
  process.exit(1);
});
