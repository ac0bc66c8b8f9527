/**
 * The worker side of the rate limiter. Each worker process holds a lease per integration on the limiter
 * workflow `rate-limit/<integrationId>` (update-with-start): about once per lease period it renews the lease
 * and asks for the slots its recent demand needs (lib/domain/ratelimit/stock.ts), with at most one update in
 * flight per integration. Requests take their slot from that local stock at once; unused slots go back
 * through the `release` signal. So the updates reaching the limiter grow with the number of worker processes,
 * not with the rate or the load.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { CONTINUING_AS_NEW, leaseUpdate, RATE_LIMITER_REVISION, RATE_LIMITER_WORKFLOW, releaseSignal, type RateLimiterInput } from '../../domain/ratelimit/messages';
import { DEFAULT_JITTER_BUDGET_MS } from '../../domain/ratelimit/gcra';
import { LEASE_PERIOD_MS, type LeaseGrant, type LeaseRequest } from '../../domain/ratelimit/lease';
import { SlotStock, STALE_AFTER_MS } from '../../domain/ratelimit/stock';

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
  reason: 'queue' | 'window';
  resolve: (slotAt: number) => void;
  reject: (error: Error) => void;
}

/** One integration's lease in this process. */
interface Book {
  integrationId: string;
  stock: SlotStock;
  pending: Pending[];
  inFlight: boolean;
  lastSentAt: number;
  timer: NodeJS.Timeout | null;
  timerAt: number;
  /** lease answers in a row whose first slot arrived already past: ask with a longer lead */
  staleStreak: number;
  warmedAt: number;
}

export interface SlotClientOptions {
  client: () => Promise<Client>;
  taskQueue: string;
  /** the longest any request waits in the queue (default 10 minutes) */
  maxQueueWaitMs?: number;
  jitterBudgetMs?: number;
  /** passed to a newly started limiter (tests use a small one to force continue-as-new) */
  limiterInput?: RateLimiterInput;
}

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
/** a process asks for waiting requests (its stock ran out, or it keeps none) at most this often */
const MIN_EARLY_GAP_MS = LEASE_PERIOD_MS / 4;
/** renew while a claimed slot lies beyond this much before the lease's end */
const RENEW_MARGIN_MS = LEASE_PERIOD_MS / 2;

/**
 * The server dropped the update before the limiter accepted it, so nothing was granted: the workflow task
 * that carried it failed (it is retried; a signal arriving while the limiter continues as new is enough to
 * fail one) or timed out (its worker died). Asking again is safe; the answer of an update that did get
 * accepted but never reached this process is taken back through `seen`.
 */
function notAccepted(error: unknown): boolean {
  const text = `${(error as Error).message ?? ''} ${(error as { cause?: Error }).cause?.message ?? ''}`;
  return /unexpected workflow task failure|Update-with-Start could not be executed/i.test(text);
}

export class SlotClient {
  private readonly books = new Map<string, Book>();
  /** this process's lease id at every limiter */
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** smoothed duration of a lease update, which sets how far ahead slots are asked for */
  private roundTripMs = 20;
  private readonly lateness: number[] = [];
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
    const book = this.book(integrationId, ratePerSecond, now);
    book.stock.noteArrival(now);
    return new Promise((resolve, reject) => {
      book.pending.push({ maxWaitMs, reason, resolve, reject });
      this.dispatch(book);
    });
  }

  /**
   * Acquires a slot and sleeps until it with `sleep` (the activity's cancellable sleep), and resolves with
   * the slot's time. A slot given up while sleeping (cancelled, timed out) goes back to this process's
   * stock for the next request. If this process woke up too late to send on time, sending now could crowd
   * the slots after it, so it takes the next slot instead; so it does when its lease was not renewed in
   * time (the slot may be someone else's by now). The caller reports when the request really went out
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
      const stock = this.books.get(integrationId)?.stock;
      try {
        // Whatever the send needs besides writing the request (a connection, a TLS handshake) is done
        // before the slot: time spent after it would make the request arrive late and crowd the next ones.
        if (slotAt - Date.now() > PREPARE_LEAD_MS) await sleep(slotAt - Date.now() - PREPARE_LEAD_MS);
        const prepared = Promise.resolve(prepare());
        // If the sleep below is cancelled, nothing awaits the connection any more: its failure must not
        // surface as an unhandled rejection (the send that follows a slot connects on its own anyway).
        prepared.catch(() => undefined);
        const wait = slotAt - Date.now();
        if (wait > 0) await sleep(wait);
        // A slot too close to prepare for (the first of a burst): the send waits for its connection, and
        // the time that took counts as lateness below, so a connection that made it late costs the slot,
        // not an early neighbour at the service.
        await prepared;
      } catch (error) {
        stock?.putBack(slotAt, Date.now());
        throw error;
      }
      const late = Date.now() - slotAt;
      const confirmed = stock?.confirmed(slotAt) ?? true;
      stock?.done(slotAt);
      if (confirmed && (late <= LATE_SEND_TOLERANCE_MS || tries >= MAX_STALE_GRANTS)) return slotAt;
      if (confirmed) this.observeLateness(late);
    }
  }

  /** Gives back slots this process acquired and will not use. */
  async release(integrationId: string, slots: number[]): Promise<void> {
    const book = this.books.get(integrationId);
    for (const slot of slots) book?.stock.done(slot);
    await this.signalRelease(integrationId, slots);
  }

  private async signalRelease(integrationId: string, slots: number[]): Promise<void> {
    const client = await this.options.client();
    await client.workflow.getHandle(limiterWorkflowId(integrationId)).signal(releaseSignal, { slots, holder: this.holder });
  }

  private book(integrationId: string, ratePerSecond: number, now: number): Book {
    let book = this.books.get(integrationId);
    if (!book) {
      book = { integrationId, stock: new SlotStock(ratePerSecond, now), pending: [], inFlight: false, lastSentAt: 0, timer: null, timerAt: 0, staleStreak: 0, warmedAt: 0 };
      this.books.set(integrationId, book);
    } else if (book.stock.ratePerSecond !== ratePerSecond) {
      // The limit changed: the stock was spaced for the old one. Give it back; the limiter spaces new
      // slots for the new limit (and drops the old ones).
      this.giveBack(book, book.stock.excess(now, true));
      book.stock.ratePerSecond = ratePerSecond;
    }
    return book;
  }

  private giveBack(book: Book, slots: number[]): void {
    if (slots.length > 0) void this.signalRelease(book.integrationId, slots).catch(() => undefined);
  }

  /** Hands out stock to waiting requests, in order; then plans the next lease. */
  private dispatch(book: Book): void {
    const now = Date.now();
    while (book.pending.length > 0) {
      const slot = book.stock.take(now);
      if (slot === undefined) break;
      const request = book.pending.shift()!;
      if (slot - now > request.maxWaitMs) {
        book.stock.putBack(slot, now);
        request.reject(new RateLimitQueueFullError(slot - now, request.maxWaitMs, request.reason));
        continue;
      }
      request.resolve(slot);
    }
    this.schedule(book);
  }

  /** When to ask next: now for waiting requests, one lease period after the last ask to renew, or never. */
  private schedule(book: Book): void {
    if (book.inFlight) return;
    const now = Date.now();
    let at: number | null = null;
    // Waiting requests are asked for at once, unless this process asked moments ago: then they go together
    // in the next ask (a steady stream before its demand is known would otherwise ask once per round trip).
    if (book.pending.length > 0) at = Math.max(now, book.lastSentAt + MIN_EARLY_GAP_MS);
    else if (this.needsRenewal(book, now)) at = book.lastSentAt + LEASE_PERIOD_MS;
    if (at !== null && book.timer && book.timerAt === at) return;
    if (book.timer) clearTimeout(book.timer);
    book.timer = null;
    if (at === null) {
      if (book.stock.quiet(now)) {
        this.giveBack(book, book.stock.excess(now, true));
        book.stock.resetDemand(now);
      }
      return;
    }
    book.timerAt = at;
    book.timer = setTimeout(() => {
      book.timer = null;
      void this.lease(book);
    }, Math.max(0, at - now));
    book.timer.unref?.();
  }

  private needsRenewal(book: Book, now: number): boolean {
    if (!book.stock.quiet(now) && book.stock.speculating()) return true;
    if (book.stock.size > 0 && !book.stock.quiet(now)) return true;
    return book.stock.latestClaimed() >= book.stock.validUntil - RENEW_MARGIN_MS;
  }

  private async lease(book: Book): Promise<void> {
    if (book.inFlight) return;
    book.inFlight = true;
    book.lastSentAt = Date.now();
    try {
      if (Date.now() - book.warmedAt > WARM_FOR_MS) {
        // The first update may start the limiter or meet a cold worker and take a second; slots granted in
        // it would come back stale and be wasted. An empty lease warms everything up first.
        book.stock.receive(await this.update(book, () => this.plan(book, 0)));
      }
      const started = Date.now();
      const grant = await this.update(book, () => this.plan(book, book.pending.length));
      const received = Date.now();
      this.roundTripMs = 0.8 * this.roundTripMs + 0.2 * (received - started);
      book.warmedAt = received;
      book.stock.receive(grant);
      book.staleStreak = grant.slots.length > 0 && received - grant.slots[0]! > STALE_AFTER_MS ? book.staleStreak + 1 : 0;
      // Waiting requests take their slots first; only what is left over can be more than the demand needs.
      this.dispatch(book);
      this.giveBack(book, book.stock.excess(received, book.stock.quiet(received)));
      // Whoever still waits could not get a slot within what they may wait.
      const waitMs = grant.nextAt - Date.now();
      for (const request of book.pending.filter((p) => waitMs > p.maxWaitMs)) {
        book.pending.splice(book.pending.indexOf(request), 1);
        request.reject(new RateLimitQueueFullError(waitMs, request.maxWaitMs, request.reason));
      }
    } catch (error) {
      for (const request of book.pending.splice(0)) request.reject(error as Error);
    } finally {
      book.inFlight = false;
    }
    this.dispatch(book);
  }

  private plan(book: Book, waiting: number): LeaseRequest {
    const now = Date.now();
    // Lead: the round trip we expect, longer while grants keep arriving late.
    const lead = Math.min(2_000, Math.max(10, 1.25 * this.roundTripMs + 5) * 2 ** Math.min(book.staleStreak, 5));
    const maxWaitMs = book.pending.length > 0 ? Math.max(...book.pending.map((p) => p.maxWaitMs)) : this.maxQueueWaitMs;
    return book.stock.plan(now, waiting, now + lead, maxWaitMs, this.jitterBudget(), this.holder);
  }

  /** One lease update; a run that is continuing as new (or just closed) granted nothing, so ask the next one. */
  private async update(book: Book, request: () => LeaseRequest): Promise<LeaseGrant> {
    const client = await this.options.client();
    for (let attempt = 1; ; attempt++) {
      try {
        const grant = await client.workflow.executeUpdateWithStart(leaseUpdate, {
          args: [request()],
          startWorkflowOperation: new WithStartWorkflowOperation(RATE_LIMITER_WORKFLOW, {
            workflowId: limiterWorkflowId(book.integrationId),
            taskQueue: this.options.taskQueue,
            args: [{ ...this.options.limiterInput, revision: RATE_LIMITER_REVISION, ratePerSecond: book.stock.ratePerSecond }],
            workflowIdConflictPolicy: 'USE_EXISTING',
          }),
        });
        // A revision-1 limiter answers "retry" while it moves to revision 2.
        if (!grant.retry) return grant;
      } catch (error) {
        const refused = error instanceof WorkflowUpdateFailedError && String(error.cause?.message ?? '').includes(CONTINUING_AS_NEW);
        const closed = /already completed|not found|continued/i.test((error as Error).message ?? '');
        if ((!refused && !closed && !notAccepted(error)) || attempt >= 20) throw error;
      }
      if (attempt >= 20) throw new Error(`the rate limiter ${limiterWorkflowId(book.integrationId)} kept asking to retry`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(50 * attempt, 500)));
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
}
