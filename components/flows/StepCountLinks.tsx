'use client';
/**
 * The counts a published flow shows on its steps (useStepCounts), each a link to the Logs page with the
 * matching filter: a webhook step's attempts (all, 2xx, failed), the attempts of runs that passed another
 * step or took a branch output, the flow's attempts for the trigger.
 */
import Link from 'next/link';
import type { LogFilters } from '@/lib/domain/logs/filters';
import { logsHref } from '@/lib/domain/logs/filters';
import { FAILED_OUTCOMES } from '@/lib/domain/logs/outcome';
import { useView } from './editor-context';

type Filters = Partial<Record<keyof LogFilters, string>>;

function CountLink({ n, label, filters, className }: { n: number; label: string; filters: Filters; className?: string }) {
  return (
    <Link href={logsHref(filters)} className={`nodrag ${className ?? ''}`} title={`Open these attempts in the log`} aria-label={`${n} ${label}: open in the log`}>
      {n} {label}
    </Link>
  );
}

/** entered · succeeded · failed of one step (the trigger: of the runs). */
export function StepCountLine({ id, kind }: { id: string; kind: string }) {
  const counts = useView((v) => v.counts);
  if (!counts) return null;
  const count = kind === 'trigger' ? counts.runs : counts.steps[id];
  const base: Filters = { flow: counts.flowId, from: counts.since };
  const scope: Filters = kind === 'trigger' ? base : kind === 'webhook' ? { ...base, step: id } : { ...base, passed: id };
  if (!count || count.entered === 0) {
    return <div className="flow-node-counts muted" data-testid="step-counts">no runs</div>;
  }
  return (
    <div className="flow-node-counts" data-testid="step-counts">
      <CountLink n={count.entered} label={kind === 'trigger' ? 'runs' : 'entered'} filters={scope} />
      {' · '}
      <CountLink n={count.succeeded} label="ok" filters={kind === 'webhook' ? { ...scope, outcome: '2xx' } : scope} className="ok" />
      {count.failed > 0 ? (
        <>
          {' · '}
          <CountLink n={count.failed} label="failed" filters={kind === 'webhook' ? { ...scope, outcome: FAILED_OUTCOMES.join(',') } : scope} className="bad" />
        </>
      ) : null}
    </div>
  );
}

/** How many runs took one output of a branch. */
export function OutputCount({ branchId, output }: { branchId: string; output: string }) {
  const counts = useView((v) => v.counts);
  if (!counts) return null;
  const n = counts.steps[branchId]?.outputs[output] ?? 0;
  return <CountLink n={n} label="took it" filters={{ flow: counts.flowId, from: counts.since, passed: branchId, output }} className="output-count" />;
}
