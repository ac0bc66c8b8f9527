/**
 * The order service's own worker, on its own task queue (`orders`). It hosts only its workflows: Hookflow
 * runs on Hookflow's workers, reached through the Nexus endpoint.
 *
 *   TEMPORAL_ADDRESS=localhost:7233 npx tsx examples/order-workflow/worker.ts
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';

const require = createRequire(import.meta.url);
export const ORDER_TASK_QUEUE = 'orders';

export async function createOrderWorker(options: { connection: NativeConnection; namespace?: string; taskQueue?: string }): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? ORDER_TASK_QUEUE,
    workflowsPath: require.resolve('./workflows.ts'),
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
  const worker = await createOrderWorker({ connection, namespace: process.env.TEMPORAL_NAMESPACE });
  console.log(`order worker polling "${ORDER_TASK_QUEUE}"`);
  await worker.run();
  await connection.close();
}
