/**
 * Starts one order workflow and prints its outcome (with `npm start` running and the order worker up).
 *
 *   npx tsx examples/order-workflow/place-order.ts 1042 c-1 "Welcome new customers"
 */
import { Client, Connection } from '@temporalio/client';
import { ORDER_TASK_QUEUE } from './worker';
import type { orderWorkflow } from './workflows';

const [orderId = String(Date.now()), customerId = 'c-1', followUpFlow = 'Welcome new customers'] = process.argv.slice(2);
const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
const outcome = await client.workflow.execute<typeof orderWorkflow>('orderWorkflow', {
  taskQueue: ORDER_TASK_QUEUE,
  workflowId: `order/${orderId}`,
  args: [{ orderId, customer: { id: customerId }, total: 42, followUpFlow }],
});
console.log(JSON.stringify(outcome, null, 2));
await connection.close();
