/**
 * Group commit: callers submit one item each and wait for its own result, while the items that arrive
 * during a write are written together in the next one. A lone item is written at once (no timer, no added
 * latency); under load one transaction carries many items, which is what lets ingestion keep up with
 * bursts on one SQLite writer. The queue is bounded: past it, `submit` refuses at once instead of letting
 * callers wait without end.
 */
export class QueueFullError extends Error {
  constructor(readonly waiting: number) {
    super(`${waiting} items are already waiting to be written`);
    this.name = 'QueueFullError';
  }
}

export interface GroupCommitOptions {
  /** the most items one write carries */
  maxBatch: number;
  /** the most items waiting for a write; more are refused with QueueFullError */
  maxQueue: number;
}

interface Waiting<I, O> {
  item: I;
  resolve: (result: O) => void;
  reject: (error: unknown) => void;
  /** items submitted together share one and are written in the same write */
  group?: object;
}

export class GroupCommit<I, O> {
  private readonly queue: Waiting<I, O>[] = [];
  private writing = false;

  /** `write` answers one result per item, in order. When it throws, each item of the batch is written alone. */
  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: I): Promise<O> {
    if (this.queue.length >= this.options.maxQueue) return Promise.reject(new QueueFullError(this.queue.length));
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  /**
   * Submits items that belong together (one client request): they are written in the same write, even past
   * maxBatch, and each gets its own result. The queue takes all of them or none.
   */
  submitAll(items: I[]): Promise<O>[] {
    if (this.queue.length + items.length > this.options.maxQueue) return items.map(() => Promise.reject(new QueueFullError(this.queue.length)));
    const group = {};
    const results = items.map((item) => new Promise<O>((resolve, reject) => this.queue.push({ item, resolve, reject, group })));
    if (!this.writing && items.length > 0) void this.drain();
    return results;
  }

  /** Items waiting for a write, for metrics and health. */
  get waiting(): number {
    return this.queue.length;
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        let size = Math.min(this.options.maxBatch, this.queue.length);
        // A group is never split between writes.
        while (size < this.queue.length && this.queue[size]!.group !== undefined && this.queue[size]!.group === this.queue[size - 1]!.group) size++;
        const batch = this.queue.splice(0, size);
        await this.writeBatch(batch);
      }
    } finally {
      this.writing = false;
    }
  }

  private async writeBatch(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const results = await this.write(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      // One bad item must not fail the others: write each alone, so only it gets the error.
      for (const waiting of batch) await this.writeBatch([waiting]);
    }
  }
}
