import type { ServerContext } from '../../platform/index.ts';
import type { AgedRows } from '../../store/index.ts';
import type { MediaFiles } from '../media/index.ts';
import { readRetention, WEBHOOK_DELIVERY_KEEP_MS } from './retention-settings.ts';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** The lease that makes one node at a time run the retention job (`work_leases`). */
export const RETENTION_LEASE = 'privacy.retention';

/** What one run deleted (rows, files), by data class. */
export type RetentionReport = Record<AgedRows['kind'], number> & { mediaFiles: number };

/**
 * Deletes what is older than the administrator's retention periods (issue 17): messages and their
 * media files, raw webhook bodies (emptied; the delivery rows go after 7 days), the audit log and
 * agents' event logs. Every RETENTION_INTERVAL_MS the node that claims the lease runs it, in
 * batches of RETENTION_BATCH_SIZE rows, one short transaction each, so it never holds a lock for
 * long; a node that dies mid-run leaves the rest to the next run (deleting by age is idempotent).
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopping = false;

  constructor(
    private readonly ctx: ServerContext,
    private readonly files: MediaFiles,
  ) {}

  start(): void {
    this.stopping = false;
    if (this.timer) clearInterval(this.timer);
    const tick = (): void => {
      if (this.running) return;
      this.running = this.runClaimed()
        .catch((err: unknown) => this.ctx.logger.error({ err }, 'retention run failed'))
        .finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.ctx.config.RETENTION_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the schedule; a run in flight ends after its current batch. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** A run if this node claims the lease for the interval (no other node ran one in it); else null. */
  async runClaimed(): Promise<RetentionReport | null> {
    const interval = this.ctx.config.RETENTION_INTERVAL_MS;
    const leaseMs = interval - Math.min(interval / 10, 60_000);
    const now = this.ctx.clock();
    const mine = await this.ctx.store.transaction((tx) =>
      tx.claimLease(RETENTION_LEASE, this.ctx.bus.nodeId, now, now + leaseMs),
    );
    return mine ? this.runOnce() : null;
  }

  /** One run, whoever holds the lease (tests, and the claimed run above). */
  async runOnce(): Promise<RetentionReport> {
    const now = this.ctx.clock();
    const periods = await this.ctx.store.transaction((tx) => readRetention(tx));
    const report: RetentionReport = {
      messages: 0,
      media: 0,
      mediaFiles: 0,
      webhookBodies: 0,
      webhookDeliveries: 0,
      auditLog: 0,
      agentEvents: 0,
    };
    const run = async (kind: AgedRows['kind'], before: number): Promise<void> => {
      for (;;) {
        const result = await this.deleteBatch(kind, before);
        report[kind] += result.rows;
        report.mediaFiles += result.files;
        if (result.rows < this.ctx.config.RETENTION_BATCH_SIZE || this.stopping) return;
      }
    };
    if (periods.messagesDays !== null) {
      const before = now - periods.messagesDays * DAY_MS;
      await run('media', before);
      await run('messages', before);
    }
    // Rows past the dedupe window first: their bodies need no purge of their own.
    await run('webhookDeliveries', now - WEBHOOK_DELIVERY_KEEP_MS);
    await run('webhookBodies', now - periods.webhookBodyHours * HOUR_MS);
    if (periods.auditLogDays !== null) await run('auditLog', now - periods.auditLogDays * DAY_MS);
    await run('agentEvents', now - periods.agentEventsDays * DAY_MS);
    this.ctx.logger.info({ event: 'retention.ran', ...report }, 'retention run done');
    return report;
  }

  /** One batch in its own transaction; a media row's file is removed before the row's delete commits. */
  private deleteBatch(kind: AgedRows['kind'], before: number): Promise<{ rows: number; files: number }> {
    return this.ctx.store.transaction(async (tx) => {
      const result = await tx.privacy.deleteAged({ kind }, before, this.ctx.config.RETENTION_BATCH_SIZE);
      // A file that fails to go rolls its row back: the next run tries again.
      for (const key of result.files) await this.files.delete(key);
      return { rows: result.rows, files: result.files.length };
    });
  }
}
