/**
 * One long-running workflow per integration (`rate-limit/<integrationId>`) hands out send slots. Callers
 * sleep until their slot in their own activity, so no lock is held across a request. Started on demand by
 * update-with-start; ends after a quiet period; bounds its history with continue-as-new, carrying the
 * schedule so no slot is handed out twice.
 */
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { grant, initialState, release, status } from '../lib/domain/ratelimit/gcra';
import { acquireUpdate, CONTINUING_AS_NEW, RATE_LIMITER_DEFAULTS, releaseSignal, statusQuery, type RateLimiterInput } from '../lib/domain/ratelimit/messages';

export async function rateLimiter(input: RateLimiterInput = {}): Promise<void> {
  const state = input.state ?? initialState();
  const maxUpdates = input.maxUpdatesPerRun ?? RATE_LIMITER_DEFAULTS.maxUpdatesPerRun;
  const idleTimeoutMs = input.idleTimeoutMs ?? RATE_LIMITER_DEFAULTS.idleTimeoutMs;
  let ratePerSecond = input.ratePerSecond ?? null;
  let updates = 0;
  let activeSinceCheck = true;
  let closing = false;

  setHandler(
    acquireUpdate,
    (request) => {
      updates++;
      activeSinceCheck = true;
      ratePerSecond = request.ratePerSecond;
      // Date.now() in a workflow is Temporal's deterministic workflow-task time.
      return grant(state, request, Date.now());
    },
    {
      validator: (request) => {
        if (!(request.ratePerSecond > 0)) throw new Error('ratePerSecond must be positive');
        // An empty batch is a warm-up: it starts the limiter without taking a slot.
        if (request.requests.length > 1000) throw new Error('a batch holds at most 1000 requests');
        if (closing || updates >= maxUpdates) throw new Error(CONTINUING_AS_NEW);
      },
    },
  );
  setHandler(releaseSignal, ({ slots }) => release(state, slots, Date.now()));
  setHandler(statusQuery, () => ({ ...status(state, Date.now()), ratePerSecond, updatesThisRun: updates }));

  for (;;) {
    const due = await condition(() => updates >= maxUpdates || workflowInfo().continueAsNewSuggested, idleTimeoutMs);
    if (due) break;
    if (!activeSinceCheck && state.tat <= Date.now()) return;
    activeSinceCheck = false;
  }
  // Finish every admitted update on this run; later ones are refused and retried on the new run, which
  // carries the schedule on.
  closing = true;
  await condition(allHandlersFinished);
  await continueAsNew<typeof rateLimiter>({ ...input, state, ratePerSecond });
}
