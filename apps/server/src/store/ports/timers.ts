/** Durable timers: routing events to feed back into `decide` when due, surviving restarts. */
export interface StoredTimer {
  readonly key: string;
  readonly dueAt: number;
  /** JSON-serialisable routing event fed back into `decide` when due. */
  readonly event: unknown;
}

/** Durable timers. Every method runs inside its transaction. */
export interface TimersRepository {
  /** Inserts or replaces the timer with this key. */
  armTimer(timer: StoredTimer): Promise<void>;
  cancelTimer(key: string): Promise<void>;
  /** Timers due at or before `now`, earliest first. */
  dueTimers(now: number, limit: number): Promise<StoredTimer[]>;
  /**
   * Deletes it; false if another transaction already did (so a timer fires once), or holds it right
   * now (PostgreSQL: skipped without waiting; if that transaction rolls back the timer stays due).
   */
  claimTimer(key: string): Promise<boolean>;
}
