/**
 * Spreads bursts of work over turns of the event loop, so a burst never holds the loop long.
 *
 * On SQLite the driver is synchronous and transactions queue on one connection: each one that
 * ends hands the connection to the next in a microtask, so a thousand queued transactions run back
 * to back in one turn and nothing else (a timer, a push, a request) runs until the last is done.
 * After a restart a thousand desktops reconnect at once, and their session reads, replays and
 * presence changes (~0.5 ms each) held the loop 400-500 ms. Work passed to `run` starts at once
 * while the current turn has run less than `budgetMs` of such work and fewer than `concurrency`
 * are in flight; otherwise it waits, in order, for a later turn (a `setImmediate`, which lets
 * timers and I/O run first) or for a slot. Work is never refused, only spread: the total is the
 * same. On PostgreSQL the `concurrency` pieces in flight wait on the pool together.
 */
export class TurnBudget {
  /** When the current turn's first work started; undefined until work starts in it. */
  private turnStartedAt: number | undefined;
  private readonly waiting: (() => void)[] = [];
  private inFlight = 0;
  private drainScheduled = false;

  constructor(
    private readonly budgetMs: number,
    private readonly concurrency: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Runs `work` now if this turn has room for it, else in a later turn; in the order asked. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.waiting.length > 0 || !this.hasRoom()) {
      // The one who lets it through counts it in flight, so no two take the last slot.
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        this.scheduleDrain();
      });
    } else {
      this.inFlight++;
    }
    this.turnStartedAt ??= this.now();
    this.scheduleDrain();
    try {
      return await work();
    } finally {
      this.inFlight--;
      this.release();
    }
  }

  /** Work waiting for a turn or a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  private hasRoom(): boolean {
    if (this.inFlight >= this.concurrency) return false;
    return this.turnStartedAt === undefined || this.now() - this.turnStartedAt < this.budgetMs;
  }

  /** The check phase marks the end of a turn: the next turn's budget starts afresh. */
  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.turnStartedAt = undefined;
      this.release();
    });
  }

  /** Lets waiting work start while this turn has room; the rest waits for a later turn or a slot. */
  private release(): void {
    while (this.waiting.length > 0 && this.hasRoom()) {
      this.inFlight++;
      this.waiting.shift()?.();
    }
    if (this.waiting.length > 0 && this.inFlight < this.concurrency) this.scheduleDrain();
  }
}
