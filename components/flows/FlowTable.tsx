import Link from 'next/link';
import { StatusBadge } from '../StatusBadge';

export interface FlowRow {
  id: string;
  name: string;
  triggerEventType: string;
  status: string;
  version: number | null;
  runCount?: number;
}

/** Flows as the overview and the flows page list them. */
export function FlowTable({ flows }: { flows: FlowRow[] }) {
  const withRuns = flows.some((f) => f.runCount !== undefined);
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Trigger</th>
          <th scope="col">Status</th>
          <th scope="col">Version</th>
          {withRuns ? <th scope="col">Runs</th> : null}
        </tr>
      </thead>
      <tbody>
        {flows.map((flow) => (
          <tr key={flow.id}>
            <td>
              <Link href={`/flows/${flow.id}`}>{flow.name}</Link>
            </td>
            <td>
              <code>{flow.triggerEventType}</code>
            </td>
            <td>
              <StatusBadge status={flow.status} />
            </td>
            <td>{flow.version ? `v${flow.version}` : 'unpublished'}</td>
            {withRuns ? <td>{flow.runCount}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
