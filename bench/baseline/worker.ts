/**
 * The baseline worker process (bench/throughput.ts starts it): a plain Worker.create with default options on
 * its own task queue, hosting bench/baseline/workflows.ts. TEMPORAL_ADDRESS and BASELINE_TASK_QUEUE come
 * from the environment.
 */
import { createRequire } from 'node:module';
import { NativeConnection, Worker } from '@temporalio/worker';
import * as activities from './activities';

const require = createRequire(import.meta.url);
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS });
const worker = await Worker.create({
  connection,
  taskQueue: process.env.BASELINE_TASK_QUEUE!,
  workflowsPath: require.resolve('./workflows.ts'),
  activities,
});
console.log('baseline worker ready');
// Worker.create installs SIGINT/SIGTERM handlers: run() resolves once a signal has shut it down.
await worker.run();
await connection.close();
