/**
 * Dynamic batching, as Triton's dynamic batcher does it: requests queue, and one model run takes
 * as many queued requests as fit in `maxBatch` items, once either the queue holds `maxBatch`
 * items or the oldest request has waited `maxDelayMs`. One run at a time (the model is one
 * session on shared cores); requests that arrive during a run queue for the next one, which
 * starts at once if the oldest has already waited long enough. Results are split back per
 * request in order, so a caller sees only its own items' results.
 * With `combine: false` each run takes exactly one request (the "no batching" baseline).
 */

export interface DynamicBatcherOptions<Item, Result> {
  /** >= 1: most items per run. A request with more items is refused by submit(). */
  maxBatch: number;
  /** >= 0: longest a request waits for company before its run starts. */
  maxDelayMs: number;
  combine: boolean;
  /** One model run; must return one result per item, in order. */
  run(items: Item[]): Promise<Result[]>;
}

interface Pending<Item, Result> {
  items: Item[];
  enqueuedAt: number;
  resolve(results: Result[]): void;
  reject(error: unknown): void;
}

export interface BatcherStats {
  /** Model runs started. */
  runs: number;
  /** Requests answered (successfully or not). */
  requests: number;
  /** Items over all runs. */
  items: number;
  /** Most requests combined in one run. */
  largestRunRequests: number;
}

export class DynamicBatcher<Item, Result> {
  private readonly queue: Pending<Item, Result>[] = [];
  private queuedItems = 0;
  private running = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private idleWaiters: (() => void)[] = [];
  readonly stats: BatcherStats = { runs: 0, requests: 0, items: 0, largestRunRequests: 0 };

  constructor(private readonly options: DynamicBatcherOptions<Item, Result>) {
    if (!Number.isSafeInteger(options.maxBatch) || options.maxBatch < 1) throw new RangeError(`maxBatch must be an integer >= 1, got ${options.maxBatch}`);
    if (!Number.isFinite(options.maxDelayMs) || options.maxDelayMs < 0) throw new RangeError(`maxDelayMs must be a number >= 0, got ${options.maxDelayMs}`);
  }

  /** Requests queued or running. */
  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  /** Queues `items` (1..maxBatch of them) and resolves with their results. */
  submit(items: Item[]): Promise<Result[]> {
    if (items.length === 0 || items.length > this.options.maxBatch) return Promise.reject(new RangeError(`a request must hold 1 to ${this.options.maxBatch} items, got ${items.length}`));
    return new Promise((resolve, reject) => {
      this.queue.push({ items, enqueuedAt: performance.now(), resolve, reject });
      this.queuedItems += items.length;
      this.schedule();
    });
  }

  /** Resolves once nothing is queued or running (for graceful shutdown). */
  whenIdle(): Promise<void> {
    if (this.queue.length === 0 && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.running || this.queue.length === 0) return;
    const waited = performance.now() - this.queue[0].enqueuedAt;
    if (!this.options.combine || this.queuedItems >= this.options.maxBatch || waited >= this.options.maxDelayMs) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      void this.runNext();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.schedule();
    }, this.options.maxDelayMs - waited);
  }

  private async runNext(): Promise<void> {
    this.running = true;
    const taken: Pending<Item, Result>[] = [];
    let count = 0;
    while (this.queue.length > 0 && count + this.queue[0].items.length <= this.options.maxBatch) {
      const next = this.queue.shift() as Pending<Item, Result>;
      taken.push(next);
      count += next.items.length;
      if (!this.options.combine) break;
    }
    this.queuedItems -= count;
    this.stats.runs++;
    this.stats.requests += taken.length;
    this.stats.items += count;
    this.stats.largestRunRequests = Math.max(this.stats.largestRunRequests, taken.length);
    try {
      const results = await this.options.run(taken.flatMap((pending) => pending.items));
      if (results.length !== count) throw new Error(`the model run returned ${results.length} results for ${count} items`);
      let offset = 0;
      for (const pending of taken) {
        pending.resolve(results.slice(offset, offset + pending.items.length));
        offset += pending.items.length;
      }
    } catch (error) {
      for (const pending of taken) pending.reject(error);
    } finally {
      this.running = false;
      if (this.queue.length === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
      this.schedule();
    }
  }
}
