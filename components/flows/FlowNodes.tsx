'use client';
/** Canvas node components, one per node kind; memoized and registered once, outside any component. */
import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { ELSE_HANDLE, type FlowNode } from '@/lib/flow/graph';

export type CanvasNodeData = FlowNode['data'] & { problems?: string[]; webhookName?: string };

function Shell({ kind, title, children, problems, selected }: { kind: string; title: string; children?: React.ReactNode; problems?: string[]; selected?: boolean }) {
  return (
    <div className={`flow-node flow-node-${kind}${problems?.length ? ' flow-node-invalid' : ''}${selected ? ' flow-node-selected' : ''}`} title={problems?.join('\n')}>
      <div className="flow-node-kind">{kind}</div>
      <div className="flow-node-title">{title}</div>
      {children}
      {problems?.length ? <div className="flow-node-problem">⚠ {problems.length === 1 ? problems[0] : `${problems.length} problems`}</div> : null}
    </div>
  );
}

export const TriggerNode = memo(function TriggerNode({ data, selected }: NodeProps) {
  const d = data as CanvasNodeData & { eventType?: string };
  return (
    <>
      <Shell kind="trigger" title={d.eventType || 'choose an event'} problems={d.problems} selected={selected} />
      <Handle type="source" position={Position.Bottom} />
    </>
  );
});

export const WebhookNode = memo(function WebhookNode({ data, selected }: NodeProps) {
  const d = data as CanvasNodeData;
  return (
    <>
      <Handle type="target" position={Position.Top} />
      <Shell kind="webhook" title={d.webhookName ?? 'choose a webhook'} problems={d.problems} selected={selected} />
      <Handle type="source" position={Position.Bottom} />
    </>
  );
});

export const BranchNode = memo(function BranchNode({ data, selected }: NodeProps) {
  const d = data as CanvasNodeData & { branches?: { id: string; label: string }[] };
  const outputs = [...(d.branches ?? []).map((b) => ({ id: b.id, label: b.label || b.id })), { id: ELSE_HANDLE, label: 'Else' }];
  return (
    <>
      <Handle type="target" position={Position.Top} />
      <Shell kind="branch" title={`${d.branches?.length ?? 0} condition${d.branches?.length === 1 ? '' : 's'} + else`} problems={d.problems} selected={selected}>
        <div className="flow-branch-outputs">
          {outputs.map((o) => (
            <span key={o.id}>{o.label}</span>
          ))}
        </div>
      </Shell>
      {outputs.map((o, i) => (
        <Handle key={o.id} id={o.id} type="source" position={Position.Bottom} style={{ left: `${((i + 1) / (outputs.length + 1)) * 100}%` }} />
      ))}
    </>
  );
});

export const WaitNode = memo(function WaitNode({ data, selected }: NodeProps) {
  const d = data as CanvasNodeData & { mode?: string; seconds?: number; time?: string; timeZone?: string };
  const title = d.mode === 'until' ? `until ${d.time} ${d.timeZone}` : formatDuration(d.seconds ?? 0);
  return (
    <>
      <Handle type="target" position={Position.Top} />
      <Shell kind="wait" title={title} problems={d.problems} selected={selected} />
      <Handle type="source" position={Position.Bottom} />
    </>
  );
});

export const EndNode = memo(function EndNode({ data, selected }: NodeProps) {
  return (
    <>
      <Handle type="target" position={Position.Top} />
      <Shell kind="end" title="End" problems={(data as CanvasNodeData).problems} selected={selected} />
    </>
  );
});

export function formatDuration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} seconds`;
}

export const nodeTypes = { trigger: TriggerNode, webhook: WebhookNode, branch: BranchNode, wait: WaitNode, end: EndNode };
