/**
 * The Nexus endpoint (`hookflow` by default) that routes callers' operations to the worker serving the
 * `hookflow` service: its namespace and task queue. `npm start` creates it on the embedded dev server, and
 * `npm run temporal:setup` on any other; docs/plugin.md gives the CLI command for doing it by hand.
 */
import type { Connection } from '@temporalio/client';

type OperatorConnection = Pick<Connection, 'operatorService'>;

export interface NexusEndpointTarget {
  name: string;
  namespace: string;
  taskQueue: string;
}

/** What to run where Hookflow cannot create the endpoint itself. */
export function nexusEndpointCommand(target: NexusEndpointTarget): string {
  return `temporal operator nexus endpoint create --name ${target.name} --target-namespace ${target.namespace} --target-task-queue ${target.taskQueue}`;
}

/**
 * Creates the endpoint, or points an existing one of that name at this target. Answers what it did. Safe
 * to run again, and from several processes at once.
 */
export async function ensureNexusEndpoint(connection: OperatorConnection, target: NexusEndpointTarget, retried = false): Promise<'created' | 'updated' | 'unchanged'> {
  const spec = { name: target.name, target: { worker: { namespace: target.namespace, taskQueue: target.taskQueue } } };
  const { endpoints } = await connection.operatorService.listNexusEndpoints({ name: target.name, pageSize: 1 });
  const existing = endpoints?.find((e) => e.spec?.name === target.name);
  if (!existing) {
    try {
      await connection.operatorService.createNexusEndpoint({ spec });
      return 'created';
    } catch (error) {
      // Another process created it meanwhile (gRPC ALREADY_EXISTS): check what it points at.
      if ((error as { code?: number }).code !== 6 || retried) throw error;
      return ensureNexusEndpoint(connection, target, true);
    }
  }
  const worker = existing.spec?.target?.worker;
  if (worker?.namespace === target.namespace && worker?.taskQueue === target.taskQueue) return 'unchanged';
  await connection.operatorService.updateNexusEndpoint({ id: existing.id, version: existing.version, spec });
  return 'updated';
}
