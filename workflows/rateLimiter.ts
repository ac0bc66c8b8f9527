/**
 * One long-running workflow per integration (`rate-limit/<integrationId>`) hands out send slots. Callers
 * sleep until their slot in their own activity, so no lock is held across a request. Started on demand by
 * update-with-start; ends after a quiet period; bounds its history with continue-as-new, carrying the
 * schedule so no slot is handed out twice.
 *
 * Two revisions, chosen by the input (`revision`), so that every recorded run replays with the commands of
 * its own revision. Revision 2 (leases, lib/domain/ratelimit/lease.ts) is what new limiters run. Revision 1
 * granted every request through `acquire`; a revision-1 run that receives a `lease` request answers "retry"
 * and continues as new as revision 2, carrying its schedule.
 */
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { grant, initialState, release, status } from '../lib/domain/ratelimit/gcra';
import { grantAcquire, grantLease, initialLeaseState, leaseRequestProblem, leaseStateFromRevision1, leaseStatus, releaseSlots } from '../lib/domain/ratelimit/lease';
import {
  acquireUpdate,
  CONTINUING_AS_NEW,
  leaseUpdate,
  RATE_LIMITER_DEFAULTS,
  RATE_LIMITER_REVISION,
  releaseSignal,
  statusQuery,
  type RateLimiterInput,
} from '../lib/domain/ratelimit/messages';

export async function rateLimiter(input: RateLimiterInput = {}): Promise<void> {
  if ((input.revision ?? 1) >= 2) return leaseLimiter(input);
  return acquireLimiter(input);
}

function validateAcquire(request: { ratePerSecond: number; requests: unknown[] }): void {
  if (!(request.ratePerSecond > 0)) throw new Error('ratePerSecond must be positive');
  // An empty batch is a warm-up: it starts the limiter without taking a slot.
  if (request.requests.length > 1000) throw new Error('a batch holds at most 1000 requests');
}

/** Revision 2: worker processes lease slots about once per lease period and hand them out locally. */
async function leaseLimiter(input: RateLimiterInput): Promise<void> {
  const state = input.leases ?? initialLeaseState();
  const maxUpdates = input.maxUpdatesPerRun ?? RATE_LIMITER_DEFAULTS.maxUpdatesPerRun;
  const idleTimeoutMs = input.idleTimeoutMs ?? RATE_LIMITER_DEFAULTS.idleTimeoutMs;
  let updates = 0;
  let activeSinceCheck = true;
  let closing = false;
  const refuseWhenClosing = () => {
    if (closing || updates >= maxUpdates) throw new Error(CONTINUING_AS_NEW);
  };

  setHandler(
    leaseUpdate,
    (request) => {
      updates++;
      activeSinceCheck = true;
      // Date.now() in a workflow is Temporal's deterministic workflow-task time.
      return grantLease(state, request, Date.now());
    },
    {
      validator: (request) => {
        const problem = leaseRequestProblem(request);
        if (problem) throw new Error(problem);
        refuseWhenClosing();
      },
    },
  );
  setHandler(
    acquireUpdate,
    (request) => {
      updates++;
      activeSinceCheck = true;
      return grantAcquire(state, request, Date.now());
    },
    {
      validator: (request) => {
        validateAcquire(request);
        refuseWhenClosing();
      },
    },
  );
  setHandler(releaseSignal, ({ slots, holder }) => releaseSlots(state, holder, slots, Date.now()));
  setHandler(statusQuery, () => ({ ...leaseStatus(state, Date.now()), ratePerSecond: state.ratePerSecond, updatesThisRun: updates }));

  for (;;) {
    const due = await condition(
      () => updates >= maxUpdates || workflowInfo().continueAsNewSuggested || workflowInfo().historySize > RATE_LIMITER_DEFAULTS.maxHistoryBytes,
      idleTimeoutMs,
    );
    if (due) break;
    if (!activeSinceCheck && state.tat <= Date.now()) return;
    activeSinceCheck = false;
  }
  // Finish every admitted update on this run; later ones are refused and retried on the new run, which
  // carries the schedule and the leases on.
  closing = true;
  await condition(allHandlersFinished);
  await continueAsNew<typeof rateLimiter>({ ...input, revision: RATE_LIMITER_REVISION, state: undefined, leases: state, ratePerSecond: state.ratePerSecond });
}

/** Revision 1, kept for runs that started under it: every request batch is one `acquire` update. */
async function acquireLimiter(input: RateLimiterInput): Promise<void> {
  const state = input.state ?? initialState();
  const maxUpdates = input.maxUpdatesPerRun ?? RATE_LIMITER_DEFAULTS.maxUpdatesPerRun;
  const idleTimeoutMs = input.idleTimeoutMs ?? RATE_LIMITER_DEFAULTS.idleTimeoutMs;
  let ratePerSecond = input.ratePerSecond ?? null;
  let updates = 0;
  let activeSinceCheck = true;
  let closing = false;
  let upgrading = false;

  setHandler(
    acquireUpdate,
    (request) => {
      updates++;
      activeSinceCheck = true;
      ratePerSecond = request.ratePerSecond;
      return grant(state, request, Date.now());
    },
    {
      validator: (request) => {
        validateAcquire(request);
        if (closing || updates >= maxUpdates) throw new Error(CONTINUING_AS_NEW);
      },
    },
  );
  // A worker process with the lease client found this run: move to revision 2, which answers it.
  setHandler(
    leaseUpdate,
    (_request) => {
      upgrading = true;
      return { slots: [], seq: 0, validUntil: 0, renewed: false, nextAt: 0, retry: true };
    },
    {
      validator: (_request) => {
        if (closing) throw new Error(CONTINUING_AS_NEW);
      },
    },
  );
  setHandler(releaseSignal, ({ slots }) => release(state, slots, Date.now()));
  setHandler(statusQuery, () => ({ ...status(state, Date.now()), ratePerSecond, updatesThisRun: updates }));

  for (;;) {
    const due = await condition(() => updates >= maxUpdates || workflowInfo().continueAsNewSuggested || upgrading, idleTimeoutMs);
    if (due) break;
    if (!activeSinceCheck && state.tat <= Date.now()) return;
    activeSinceCheck = false;
  }
  // Finish every admitted update on this run; later ones are refused and retried on the new run, which
  // carries the schedule on.
  closing = true;
  await condition(allHandlersFinished);
  if (upgrading) {
    await continueAsNew<typeof rateLimiter>({ ...input, revision: RATE_LIMITER_REVISION, state: undefined, leases: leaseStateFromRevision1(state, ratePerSecond), ratePerSecond });
  }
  await continueAsNew<typeof rateLimiter>({ ...input, state, ratePerSecond });
}
