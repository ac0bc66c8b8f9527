import Link from 'next/link';
import type { ReactNode } from 'react';
import { FlowStatus } from '../StatusBadge';
import { triggerName } from '@/lib/domain/events/schema';

type RunCounts = Partial<Record<'pending' | 'running' | 'completed' | 'failed', number>>;

export interface FlowRow {
  id: string;
  name: string;
  triggerEventType: string;
  status: string;
  version: number | null;
  runCount?: number;
  updatedAt?: string | Date;
  runs24h?: RunCounts;
}

function RunSummary({ runs }: { runs: RunCounts }) {
  const total = Object.values(runs).reduce((a, b) => a + (b ?? 0), 0);
  if (total === 0) return <span className="muted">none</span>;
  return (
    <span className="run-summary">
      {total}{' '}
      {(['completed', 'failed', 'running', 'pending'] as const)
        .filter((s) => runs[s])
        .map((s) => (
          <span key={s} className={`badge badge-${s === 'completed' ? 'ok' : s === 'failed' ? 'bad' : s === 'running' ? 'info' : 'warn'}`}>
            {runs[s]} {s}
          </span>
        ))}
    </span>
  );
}

/** Flows as the overview and the flows page list them. */
export function FlowTable({ flows, actions }: { flows: FlowRow[]; actions?: (flow: FlowRow) => ReactNode }) {
  const withRuns = flows.some((f) => f.runCount !== undefined);
  const detailed = flows.some((f) => f.runs24h !== undefined);
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Trigger</th>
          <th scope="col">Status</th>
          {detailed ? <th scope="col">Last edited</th> : <th scope="col">Version</th>}
          {withRuns ? <th scope="col">Runs</th> : null}
          {detailed ? <th scope="col">Runs, last 24 h</th> : null}
          {actions ? <th scope="col"><span className="visually-hidden">Actions</span></th> : null}
        </tr>
      </thead>
      <tbody>
        {flows.map((flow) => (
          <tr key={flow.id}>
            <td>
              <Link href={`/flows/${flow.id}`}>{flow.name}</Link>
            </td>
            <td>
              <code>{triggerName(flow.triggerEventType)}</code>
            </td>
            <td>
              <FlowStatus flow={flow} />
            </td>
            {detailed ? <td>{flow.updatedAt ? new Date(flow.updatedAt).toLocaleString() : ''}</td> : <td>{flow.version ? `v${flow.version}` : 'unpublished'}</td>}
            {withRuns ? <td>{flow.runCount}</td> : null}
            {detailed ? <td><RunSummary runs={flow.runs24h ?? {}} /></td> : null}
            {actions ? <td className="row-actions">{actions(flow)}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
