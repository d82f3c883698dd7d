/**
 * Counts work still to happen (timers, deliveries) so tests can await quiescence instead of
 * sleeping; and owns the timers so `stop()` can cancel every one.
 */
export class PendingWork {
  #count = 0;
  #waiters: Array<() => void> = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #stopped = false;

  /** Runs `fn` after `ms`, counted as pending until it (and the promise it returns) settles. */
  after(ms: number, fn: () => void | Promise<void>): void {
    if (this.#stopped) return;
    this.#count++;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void this.track(Promise.resolve().then(fn));
      this.#done();
    }, ms);
    this.#timers.add(timer);
  }

  /** Counts a promise as pending until it settles; errors are the caller's to handle. */
  async track<T>(promise: Promise<T>): Promise<T> {
    this.#count++;
    try {
      return await promise;
    } finally {
      this.#done();
    }
  }

  /** Resolves once nothing is pending (at once if nothing is). */
  idle(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Cancels every timer; later `after` calls do nothing. */
  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#count -= this.#timers.size;
    this.#timers.clear();
    if (this.#count <= 0) this.#release();
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  #done(): void {
    this.#count--;
    if (this.#count === 0) this.#release();
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}
