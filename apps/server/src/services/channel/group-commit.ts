/** Thrown by `submit` when too much is already waiting: the caller answers a fast 503. */
export class GroupCommitOverloaded extends Error {
  constructor() {
    super('ingest queue full');
    this.name = 'GroupCommitOverloaded';
  }
}

export interface GroupCommitOptions {
  /** Most items committed by one transaction. */
  readonly maxBatch: number;
  /**
   * How long the first item of a batch may wait for company, while items arrive more than twice
   * per window (a lone item at a quiet hour never waits); 0 = the rest of this event-loop turn.
   */
  readonly windowMs: number;
  /**
   * Items waiting or being committed beyond this are refused at once (past saturation: a fast 503,
   * never a timeout).
   */
  readonly maxQueued: number;
  /**
   * Refused too while the oldest item not yet committed (waiting, or in the transaction running
   * now) has waited this long: the commits fall behind, or one is stalled.
   */
  readonly maxWaitMs?: number;
}

/** A gap longer than this counts as this long: one quiet minute must not outweigh a busy second. */
const GAP_CAP_MS = 1000;

interface Waiting<T> {
  readonly item: T;
  readonly since: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Group commit: items submitted while a transaction runs (or within the window) are committed
 * together by the next one, and each submitter's promise settles only once ITS item is committed.
 * A synchronous fsync costs the same for one row or a hundred, so this is several times faster
 * than a transaction per item and just as durable.
 *
 * If a batch fails, its items are retried one by one, so one bad item fails alone.
 */
export class GroupCommitter<T> {
  private queue: Waiting<T>[] = [];
  /** The batch the running transaction commits: it counts against the limits until it settles. */
  private committing: readonly Waiting<T>[] = [];
  private flushing = false;
  private scheduled = false;
  /** The mean gap between submissions (ms, smoothed): whether a batch can expect company. */
  private meanGapMs = Number.POSITIVE_INFINITY;
  private lastSubmitAt: number | undefined;

  constructor(
    /** Commits every item in one transaction; throws to roll them all back. */
    private readonly commitBatch: (items: readonly T[]) => Promise<void>,
    /** Commits one item alone (the fallback after a failed batch). */
    private readonly commitOne: (item: T) => Promise<void>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Items not yet committed: waiting for a transaction, or in the one running now. */
  get queued(): number {
    return this.queue.length + this.committing.length;
  }

  /**
   * Whether `submit` would refuse now: too many not yet committed, or the oldest of them waiting too
   * long. The batch in the running transaction counts: a commit stalled on a lock or a slow disk
   * must turn new deliveries away fast, not queue them behind it (Meta retries a 503).
   */
  get full(): boolean {
    if (this.queued >= this.options.maxQueued) return true;
    const oldest = this.committing[0] ?? this.queue[0];
    const maxWait = this.options.maxWaitMs;
    return oldest !== undefined && maxWait !== undefined && performance.now() - oldest.since >= maxWait;
  }

  submit(item: T): Promise<void> {
    if (this.full) return Promise.reject(new GroupCommitOverloaded());
    const now = performance.now();
    if (this.lastSubmitAt !== undefined) {
      const gap = Math.min(now - this.lastSubmitAt, GAP_CAP_MS);
      this.meanGapMs = Number.isFinite(this.meanGapMs) ? this.meanGapMs * 0.9 + gap * 0.1 : gap;
    }
    this.lastSubmitAt = now;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, since: now, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    const flush = (): void => void this.flush();
    const wait = this.waitForCompanyMs();
    if (wait > 0) setTimeout(flush, wait);
    else setImmediate(flush);
  }

  /**
   * How long the next batch should wait before it starts (ADR 43): each transaction costs a commit,
   * its WAL pages and an fsync whatever its size, so at a steady rate a batch that waits a few
   * milliseconds for the deliveries due meanwhile saves more CPU than its wait costs in latency.
   * Never when the batch is full already, nor when no company is expected within the window.
   */
  private waitForCompanyMs(): number {
    const first = this.queue[0];
    const window = this.options.windowMs;
    if (!first || window <= 0 || this.queue.length >= this.options.maxBatch) return 0;
    if (!(this.meanGapMs * 2 <= window)) return 0;
    const wait = first.since + window - performance.now();
    return wait >= 1 ? wait : 0;
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch);
        await this.commitAll(batch);
        // Let the requests that arrived during the commit be read, so the next batch is full, and
        // give it the rest of its window if company is due.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const wait = this.waitForCompanyMs();
        if (wait > 0) await new Promise<void>((resolve) => setTimeout(resolve, wait));
      }
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.schedule();
    }
  }

  /** Commits a batch; each item leaves `committing` just before its submitter hears the outcome. */
  private async commitAll(batch: readonly Waiting<T>[]): Promise<void> {
    this.committing = batch;
    if (batch.length > 1) {
      try {
        await this.commitBatch(batch.map((w) => w.item));
        this.committing = [];
        for (const w of batch) w.resolve();
        return;
      } catch {
        // Some item spoiled the batch (or it raced a concurrent copy): each on its own below.
      }
    }
    for (const [i, w] of batch.entries()) {
      try {
        await this.commitOne(w.item);
        this.committing = batch.slice(i + 1);
        w.resolve();
      } catch (err) {
        this.committing = batch.slice(i + 1);
        w.reject(err);
      }
    }
  }
}
