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
  /** How long the first item of a batch waits for company; 0 = the rest of this event-loop turn. */
  readonly windowMs: number;
  /** Items waiting beyond this are refused at once (past saturation: a fast 503, never a timeout). */
  readonly maxQueued: number;
  /** Refused too while the oldest waiting item has waited this long (the commits fall behind). */
  readonly maxWaitMs?: number;
}

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
  private flushing = false;
  private scheduled = false;

  constructor(
    /** Commits every item in one transaction; throws to roll them all back. */
    private readonly commitBatch: (items: readonly T[]) => Promise<void>,
    /** Commits one item alone (the fallback after a failed batch). */
    private readonly commitOne: (item: T) => Promise<void>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Items waiting for a transaction (not counting the one being committed). */
  get queued(): number {
    return this.queue.length;
  }

  /** Whether `submit` would refuse now: too many waiting, or the oldest waiting too long. */
  get full(): boolean {
    if (this.queue.length >= this.options.maxQueued) return true;
    const oldest = this.queue[0];
    const maxWait = this.options.maxWaitMs;
    return oldest !== undefined && maxWait !== undefined && performance.now() - oldest.since >= maxWait;
  }

  submit(item: T): Promise<void> {
    if (this.full) return Promise.reject(new GroupCommitOverloaded());
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, since: performance.now(), resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    const flush = (): void => void this.flush();
    if (this.options.windowMs > 0) setTimeout(flush, this.options.windowMs);
    else setImmediate(flush);
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch);
        await this.commitAll(batch);
        // Let the requests that arrived during the commit be read, so the next batch is full.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.schedule();
    }
  }

  private async commitAll(batch: readonly Waiting<T>[]): Promise<void> {
    if (batch.length > 1) {
      try {
        await this.commitBatch(batch.map((w) => w.item));
        for (const w of batch) w.resolve();
        return;
      } catch {
        // Some item spoiled the batch (or it raced a concurrent copy): each on its own below.
      }
    }
    for (const w of batch) {
      try {
        await this.commitOne(w.item);
        w.resolve();
      } catch (err) {
        w.reject(err);
      }
    }
  }
}
