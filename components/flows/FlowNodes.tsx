'use client';
/**
 * Canvas node components, one per node kind: memoized, registered once outside any component, and each
 * subscribed only to its own problems, webhook and run state.
 */
import { memo, type ReactNode } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { ELSE_HANDLE } from '@/lib/domain/flow/graph';
import type { Condition } from '@/lib/domain/flow/conditions';
import { conditionSentence, durationInWords } from '@/lib/domain/flow/words';
import type { EditorNodeOf } from '@/components/flows/canvas/store';
import { useView } from './editor-context';
import { OutputCount, StepCountLine } from './StepCountLinks';
import { triggerName } from '@/lib/domain/events/schema';

const NO_PROBLEMS: string[] = [];

function Shell({ id, kind, title, children, selected }: { id: string; kind: string; title: ReactNode; children?: ReactNode; selected?: boolean }) {
  // A past version on screen is not the draft: the draft's problems do not belong on it.
  const problems = useView((v) => (v.readOnly ? NO_PROBLEMS : (v.problems[id] ?? NO_PROBLEMS)));
  const run = useView((v) => v.run?.[id]);
  const classes = [
    'flow-node',
    `flow-node-${kind}`,
    problems.length ? 'flow-node-invalid' : '',
    selected ? 'flow-node-selected' : '',
    run?.reached ? 'flow-node-reached' : '',
    run?.current ? 'flow-node-current' : '',
  ].filter(Boolean);
  return (
    <div className={classes.join(' ')} title={problems.join('\n') || undefined} data-testid={`flow-node-${id}`}>
      <div className="flow-node-kind">{kind}</div>
      <div className="flow-node-title">{title}</div>
      {children}
      {run?.attempts ? (
        <div className={`flow-node-run ${run.attempts.lastStatus !== null && run.attempts.lastStatus < 400 ? 'ok' : 'bad'}`} data-testid="node-run-state">
          {run.attempts.dryRun ? 'dry run, not sent · sample ' : `${run.attempts.count} attempt${run.attempts.count === 1 ? '' : 's'} · `}
          {run.attempts.lastStatus !== null ? `HTTP ${run.attempts.lastStatus}` : (run.attempts.lastError ?? 'no response')}
        </div>
      ) : null}
      <StepCountLine id={id} kind={kind} />
      {problems.length ? (
        <div className="flow-node-problem" role="note">
          ⚠ {problems.length === 1 ? problems[0] : `${problems.length} problems`}
        </div>
      ) : null}
    </div>
  );
}


const TriggerNode = memo(function TriggerNode({ id, data, selected }: NodeProps<EditorNodeOf<'trigger'>>) {
  return (
    <>
      <Shell id={id} kind="trigger" title={data.eventType ? triggerName(data.eventType) : 'choose an event'} selected={selected} />
      <Handle type="source" position={Position.Bottom} />
    </>
  );
});

const WebhookNode = memo(function WebhookNode({ id, data, selected }: NodeProps<EditorNodeOf<'webhook'>>) {
  const webhook = useView((v) => v.catalog[data.webhookId]);
  const retried = webhook ? webhook.retry.maxAttempts > 1 : false;
  return (
    <>
      <Handle type="target" position={Position.Top} />
      <Shell id={id} kind="webhook" title={webhook?.name ?? 'choose a webhook'} selected={selected}>
        {webhook ? (
          <div className="flow-node-meta">
            <span className="method">{webhook.method}</span> {webhook.integrationName}{' '}
            <span className={`badge ${retried ? 'badge-retried' : 'badge-once'}`} title={retried ? `Uses the TransactionalId: retried up to ${webhook.retry.maxAttempts} times on 5xx/429` : 'No TransactionalId: sent once, never retried'}>
              {retried ? 'retried' : 'sent once'}
            </span>
          </div>
        ) : null}
      </Shell>
      <Handle type="source" position={Position.Bottom} />
    </>
  );
});

/** Each output's rule in words ("Tier is gold"), then Else; the handles below sit in the same order. */
const BranchNode = memo(function BranchNode({ id, data, selected }: NodeProps<EditorNodeOf<'branch'>>) {
  const branches = data.branches;
  const catalog = useView((v) => v.catalog);
  const nameOf = (systemName: string) => Object.values(catalog).find((w) => w.systemName === systemName)?.name ?? systemName;
  const outputs = [...branches.map((b) => ({ id: b.id, label: b.label || b.id })), { id: ELSE_HANDLE, label: 'Else' }];
  return (
    <>
      <Handle type="target" position={Position.Top} />
      <Shell id={id} kind="branch" title={branches.length === 0 ? 'add a condition' : `${branches.length} rule${branches.length === 1 ? '' : 's'}, first match wins`} selected={selected}>
        <ol className="flow-branch-rules">
          {branches.map((b) => (
            <li key={b.id}>
              <strong>{b.label || b.id}:</strong> {safeSentence(b.condition, nameOf)}
            </li>
          ))}
          <li>
            <strong>Else:</strong> anything else
          </li>
        </ol>
        <div className="flow-branch-outputs" aria-hidden="true">
          {outputs.map((o) => (
            <span key={o.id} data-testid={`output-${o.id}`}>
              {o.label} <OutputCount branchId={id} output={o.id} />
            </span>
          ))}
        </div>
      </Shell>
      {outputs.map((o, i) => (
        <Handle key={o.id} id={o.id} type="source" position={Position.Bottom} style={{ left: `${((i + 1) / (outputs.length + 1)) * 100}%` }} title={o.label} />
      ))}
    </>
  );
});

const WaitNode = memo(function WaitNode({ id, data, selected }: NodeProps<EditorNodeOf<'wait'>>) {
  const title = data.mode === 'until' ? `until ${data.time} ${data.timeZone}` : durationInWords(Number(data.seconds));
  return (
    <>
      <Handle type="target" position={Position.Top} />
      <Shell id={id} kind="wait" title={title} selected={selected} />
      <Handle type="source" position={Position.Bottom} />
    </>
  );
});

const EndNode = memo(function EndNode({ id, selected }: NodeProps<EditorNodeOf<'end'>>) {
  return (
    <>
      <Handle type="target" position={Position.Top} />
      <Shell id={id} kind="end" title="End" selected={selected} />
    </>
  );
});

/** A half-edited condition (a field cleared in the inspector) still gets words, never a crash. */
function safeSentence(condition: Condition, nameOf: (systemName: string) => string): string {
  try {
    return conditionSentence(condition, nameOf);
  } catch {
    return 'an unfinished condition';
  }
}

export const nodeTypes = { trigger: TriggerNode, webhook: WebhookNode, branch: BranchNode, wait: WaitNode, end: EndNode };
