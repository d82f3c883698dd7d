import type { RoutingEvent } from '@parlo/core';
import { commit, type ServerContext } from '../../platform/index.ts';
import { decideAndApply } from './engine.ts';

/**
 * Fires due timers (offer deadlines) from their rows. A row is claimed and acted on in one
 * transaction, so a restart loses none and a timer fires once even with several nodes: nodes that
 * read the same due list race on the claim, and on PostgreSQL the loser skips a row the winner
 * holds at once (SKIP LOCKED) instead of waiting for the winner's routing decision to commit.
 */
export class TimerRunner {
  private handle: NodeJS.Timeout | undefined;
  private stopped = true;
  /** The pass in flight, so that stopping can wait for it. */
  private passing: Promise<void> | undefined;

  constructor(private readonly ctx: ServerContext) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Stops polling and resolves once the pass in flight (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.handle) clearTimeout(this.handle);
    await this.passing;
  }

  /** Fires every timer due now; returns how many fired. Exposed for tests. */
  async fireDue(): Promise<number> {
    const due = await this.ctx.store.transaction((tx) => tx.dueTimers(this.ctx.clock(), 64));
    let fired = 0;
    for (const timer of due) {
      const claimed = await commit(this.ctx, async (tx, out, now) => {
        if (!(await tx.claimTimer(timer.key))) return false;
        // Timer rows hold only events this server wrote from the core's RoutingEvent.
        await decideAndApply(tx, out, timer.event as RoutingEvent, now);
        return true;
      });
      if (claimed) fired += 1;
    }
    return fired;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.handle = setTimeout(() => {
      this.passing = this.fireDue()
        .then(
          () => undefined,
          (err: unknown) => this.ctx.logger.error({ err }, 'timer pass failed'),
        )
        .finally(() => this.schedule());
    }, this.ctx.config.TIMER_POLL_MS);
  }
}
