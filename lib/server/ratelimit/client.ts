/**
 * The worker side of the rate limiter. Requests for slots from all activities of one worker process are
 * batched per integration into one `acquire` update (update-with-start on `rate-limit/<integrationId>`),
 * with at most two updates in flight per integration per process: Temporal allows about ten in-flight
 * updates per workflow and 2,000 per run.
 */
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { acquireUpdate, CONTINUING_AS_NEW, RATE_LIMITER_WORKFLOW, releaseSignal, type RateLimiterInput } from '../../domain/ratelimit/messages';
import { DEFAULT_JITTER_BUDGET_MS, type SlotGrant } from '../../domain/ratelimit/gcra';

export const limiterWorkflowId = (integrationId: string) => `rate-limit/${integrationId}`;

export class RateLimitQueueFullError extends Error {
  constructor(readonly waitMs: number, readonly limitMs: number, reason: 'queue' | 'window') {
    super(
      `Rate limit queue full: the next free slot is ${(waitMs / 1000).toFixed(1)} s away, beyond ${
        reason === 'window' ? `the ${(limitMs / 1000).toFixed(1)} s left in this webhook's retry window` : `the maximum queue wait of ${(limitMs / 1000).toFixed(0)} s`
      }`,
    );
    this.name = 'RateLimitQueueFullError';
  }
}

interface Pending {
  maxWaitMs: number;
  /** how many grants this request had to throw away because they arrived too late */
  stale: number;
  reason: 'queue' | 'window';
  resolve: (slotAt: number) => void;
  reject: (error: Error) => void;
}

interface IntegrationQueue {
  pending: Pending[];
  inFlight: number;
  ratePerSecond: number;
}

export interface SlotClientOptions {
  client: () => Promise<Client>;
  taskQueue: string;
  /** the longest any request waits in the queue (default 10 minutes) */
  maxQueueWaitMs?: number;
  jitterBudgetMs?: number;
  /** passed to a newly started limiter (tests use a small one to force continue-as-new) */
  limiterInput?: RateLimiterInput;
  maxInFlight?: number;
  maxBatch?: number;
}

/** A grant received this long after its slot is not used (it would be sent late). */
const LATE_TOLERANCE_MS = 15;
/** a request that wakes up this late for its slot does not send on it */
const LATE_SEND_TOLERANCE_MS = 20;
/** how long before its slot a request prepares its send (opens a connection when none is open) */
const PREPARE_LEAD_MS = 500;
const MAX_STALE_GRANTS = 5;
/** a limiter unused this long may have ended (it stops after a quiet period) or gone cold */
const WARM_FOR_MS = 60_000;
/** the adaptive jitter budget never costs more than a fifth of a second per second */
const MAX_JITTER_BUDGET_MS = 200;
/** recent sends whose lateness sets the jitter budget */
const LATENESS_SAMPLES = 300;

export class SlotClient {
  private readonly queues = new Map<string, IntegrationQueue>();
  /** smoothed duration of an acquire update, which sets how far ahead slots are asked for */
  private roundTripMs = 20;
  private readonly lateness: number[] = [];
  /** when each limiter last answered this process */
  private readonly warm = new Map<string, number>();
  readonly maxQueueWaitMs: number;

  constructor(private readonly options: SlotClientOptions) {
    this.maxQueueWaitMs = options.maxQueueWaitMs ?? 10 * 60_000;
  }

  /**
   * Resolves with the epoch-ms time this request may be sent at. Rejects with RateLimitQueueFullError when
   * that would be later than the queue limit or `deadlineMs` (the end of the retry window).
   */
  acquire(integrationId: string, ratePerSecond: number, deadlineMs: number | null, now = Date.now()): Promise<number> {
    const windowLeft = deadlineMs === null ? Infinity : Math.max(0, deadlineMs - now);
    const reason = windowLeft < this.maxQueueWaitMs ? 'window' : 'queue';
    const maxWaitMs = Math.min(this.maxQueueWaitMs, windowLeft);
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(integrationId);
      if (!queue) {
        queue = { pending: [], inFlight: 0, ratePerSecond };
        this.queues.set(integrationId, queue);
      }
      queue.ratePerSecond = ratePerSecond;
      queue.pending.push({ maxWaitMs, stale: 0, reason, resolve, reject });
      this.flush(integrationId);
    });
  }

  /**
   * Acquires a slot and sleeps until it with `sleep` (the activity's cancellable sleep), and resolves with
   * the slot's time. A slot given up while sleeping (cancelled, timed out) is released for the next
   * request. If this process woke up too late to send on time, sending now could crowd the slots after
   * it, so it asks for a new slot instead. The caller reports when the request really went out
   * (`observeLateness`), which sizes the jitter budget.
   */
  async waitForTurn(
    integrationId: string,
    ratePerSecond: number,
    deadlineMs: number | null,
    sleep: (ms: number) => Promise<void>,
    prepare: () => Promise<void> | void = () => undefined,
  ): Promise<number> {
    for (let tries = 1; ; tries++) {
      const slotAt = await this.acquire(integrationId, ratePerSecond, deadlineMs);
      try {
        // Whatever the send needs besides writing the request (a connection, a TLS handshake) is done
        // before the slot: time spent after it would make the request arrive late and crowd the next ones.
        if (slotAt - Date.now() > PREPARE_LEAD_MS) await sleep(slotAt - Date.now() - PREPARE_LEAD_MS);
        const prepared = prepare();
        const wait = slotAt - Date.now();
        if (wait > 0) await sleep(wait);
        // A slot too close to prepare for (the first of a burst): the send waits for its connection, and
        // the time that took counts as lateness below, so a connection that made it late costs the slot,
        // not an early neighbour at the service.
        await prepared;
      } catch (error) {
        void this.release(integrationId, [slotAt]).catch(() => undefined);
        throw error;
      }
      const late = Date.now() - slotAt;
      if (late <= LATE_SEND_TOLERANCE_MS || tries >= MAX_STALE_GRANTS) return slotAt;
      this.observeLateness(late);
    }
  }

  /** Gives back slots that will not be used (the activity was cancelled or gave up while waiting). */
  async release(integrationId: string, slots: number[]): Promise<void> {
    const client = await this.options.client();
    await client.workflow.getHandle(limiterWorkflowId(integrationId)).signal(releaseSignal, { slots });
  }

  private flush(integrationId: string): void {
    const queue = this.queues.get(integrationId)!;
    if (queue.pending.length === 0 || queue.inFlight >= (this.options.maxInFlight ?? 2)) return;
    const batch = queue.pending.splice(0, this.options.maxBatch ?? 500);
    queue.inFlight++;
    void this.send(integrationId, queue.ratePerSecond, batch)
      .then((grants) => {
        const received = Date.now();
        grants.forEach((g, i) => {
          const request = batch[i]!;
          if (!('slotAt' in g)) return request.reject(new RateLimitQueueFullError(g.waitMs, request.maxWaitMs, request.reason));
          // A slot already behind us would be sent late, next to the slots after it: never use it. It
          // stays spent in the schedule (capacity lost, never overshoot), and the request asks again.
          if (received - g.slotAt > LATE_TOLERANCE_MS && request.stale < MAX_STALE_GRANTS) {
            request.stale++;
            queue.pending.unshift(request);
            return;
          }
          request.resolve(g.slotAt);
        });
      })
      .catch((error: Error) => batch.forEach((request) => request.reject(error)))
      .finally(() => {
        queue.inFlight--;
        if (queue.pending.length === 0 && queue.inFlight === 0) this.queues.delete(integrationId);
        else this.flush(integrationId);
      });
  }

  private async send(integrationId: string, ratePerSecond: number, batch: Pending[]): Promise<SlotGrant[]> {
    const lastUsed = this.warm.get(integrationId) ?? 0;
    if (Date.now() - lastUsed > WARM_FOR_MS) {
      // The first update may start the limiter or meet a cold worker and take a second; a slot granted
      // in it would come back stale and be wasted. An empty batch warms everything up first.
      await this.update(integrationId, ratePerSecond, [], Date.now()).catch(() => undefined);
    }
    this.warm.set(integrationId, Date.now());
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      // Lead: the round trip we expect, longer for requests whose grants came back late before.
      const retries = Math.max(...batch.map((p) => p.stale));
      const lead = Math.min(2_000, Math.max(10, 1.25 * this.roundTripMs + 5) * 2 ** retries);
      try {
        const grants = await this.update(integrationId, ratePerSecond, batch, started + lead);
        this.roundTripMs = 0.8 * this.roundTripMs + 0.2 * (Date.now() - started);
        return grants;
      } catch (error) {
        // Refused by a run that is continuing as new, or it just closed: nothing was granted; try the next run.
        const refused = error instanceof WorkflowUpdateFailedError && String(error.cause?.message ?? '').includes(CONTINUING_AS_NEW);
        const closed = /already completed|not found|continued/i.test((error as Error).message ?? '');
        if ((!refused && !closed) || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(50 * attempt, 500)));
      }
    }
  }

  /**
   * How late a send actually went out (ms after its slot), as measured right before the request is
   * handed to the HTTP client: the wake-up delay plus whatever ran on this process before the send.
   */
  observeLateness(ms: number): void {
    this.lateness.push(Math.max(0, ms));
    if (this.lateness.length > LATENESS_SAMPLES) this.lateness.shift();
  }

  /**
   * The jitter budget to ask for: the configured one, or more when recent sends were later than it. A
   * window at the service holds one request too many when one send is later than a send R slots after it
   * by more than the budget, so the budget follows the tail of the lateness (its 99th percentile), not
   * its median: on a busy machine a few sends in a hundred go out tens of milliseconds late.
   */
  jitterBudget(): number {
    const base = this.options.jitterBudgetMs ?? DEFAULT_JITTER_BUDGET_MS;
    if (this.lateness.length < 20) return base;
    const sorted = [...this.lateness].sort((a, b) => a - b);
    const p99 = sorted[Math.floor(sorted.length * 0.99)]!;
    return Math.min(MAX_JITTER_BUDGET_MS, Math.max(base, Math.round(p99 * 1.25 + 10)));
  }

  private async update(integrationId: string, ratePerSecond: number, batch: Pending[], notBefore: number): Promise<SlotGrant[]> {
    const client = await this.options.client();
    const input = {
      ratePerSecond,
      jitterBudgetMs: this.jitterBudget(),
      requests: batch.map((p) => ({ maxWaitMs: p.maxWaitMs })),
      notBefore,
    };
    return client.workflow.executeUpdateWithStart(acquireUpdate, {
      args: [input],
      startWorkflowOperation: new WithStartWorkflowOperation(RATE_LIMITER_WORKFLOW, {
        workflowId: limiterWorkflowId(integrationId),
        taskQueue: this.options.taskQueue,
        args: [{ ...this.options.limiterInput, ratePerSecond }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
  }
}
