import { GraphApiError } from '@parlo/whatsapp';
import type { ServerContext } from '../../platform/index.ts';
import type { BusinessNumberRow, Store } from '../../store/index.ts';
import { isSendable, templateRow } from './model.ts';

/** What one number's sync did: how many approved templates it stored (-1: skipped, synced recently), or why it failed. */
export interface NumberSyncResult {
  readonly businessNumberId: string;
  readonly templates: number;
  readonly error: string | null;
}

/** The lease on one number's periodic sync (`work_leases`). */
export function templateSyncLeaseName(businessNumberId: string): string {
  return `templates.sync:${businessNumberId}`;
}

/**
 * Keeps each business number's approved templates in the store, from its WABA's
 * `message_templates`: at start, every TEMPLATE_SYNC_INTERVAL_MS, and on demand. A failed sync
 * keeps what the last good one stored (an agent can still send while Graph is down).
 *
 * With several nodes on one database, the at-start and periodic sync of a number is done by the
 * node that claims the number's lease for the interval (`syncClaimed`); on-demand syncs always run.
 */
export class TemplateSync {
  private timer: NodeJS.Timeout | undefined;
  /** When each number was last synced by this process (so a lazy sync does not hammer Graph). */
  private readonly lastSyncAt = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<NumberSyncResult>>();

  constructor(private readonly ctx: ServerContext) {}

  start(): void {
    if (this.timer) clearInterval(this.timer);
    const run = (): void => {
      this.syncClaimed().catch((err: unknown) => this.ctx.logger.error({ err }, 'template sync failed'));
    };
    run();
    this.timer = setInterval(run, this.ctx.config.TEMPLATE_SYNC_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the periodic sync and resolves once the syncs in flight have finished. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled(this.inFlight.values());
  }

  /**
   * The at-start and periodic sync: each live number whose lease this node claims for the interval
   * (no other node synced it in the interval), one after another. The lease ends a little before
   * the interval does, so the next tick of whichever node comes first takes it again; a dead node's
   * lease simply lapses. A number skipped here reports `templates: -1`.
   */
  async syncClaimed(): Promise<NumberSyncResult[]> {
    const numbers = await this.ctx.store.transaction((tx) => tx.listBusinessNumbers());
    const interval = this.ctx.config.TEMPLATE_SYNC_INTERVAL_MS;
    const leaseMs = interval - Math.min(interval / 10, 60_000);
    const results: NumberSyncResult[] = [];
    for (const number of numbers) {
      const now = this.ctx.clock();
      const mine = await this.ctx.store.transaction((tx) =>
        tx.claimLease(templateSyncLeaseName(number.id), this.ctx.bus.nodeId, now, now + leaseMs),
      );
      results.push(
        mine ? await this.syncNumber(number) : { businessNumberId: number.id, templates: -1, error: null },
      );
    }
    return results;
  }

  /** Syncs every live number, one after another, whoever synced them last (on demand). */
  async syncAll(): Promise<NumberSyncResult[]> {
    const numbers = await this.ctx.store.transaction((tx) => tx.listBusinessNumbers());
    const results: NumberSyncResult[] = [];
    for (const number of numbers) results.push(await this.syncNumber(number));
    return results;
  }

  /** Syncs one number unless it was synced within `freshMs` (0: always); concurrent calls share one. */
  syncNumber(number: BusinessNumberRow, freshMs = 0): Promise<NumberSyncResult> {
    const last = this.lastSyncAt.get(number.id);
    if (freshMs > 0 && last !== undefined && this.ctx.clock() - last < freshMs) {
      return Promise.resolve({ businessNumberId: number.id, templates: -1, error: null });
    }
    const running = this.inFlight.get(number.id);
    if (running) return running;
    const work = this.fetchAndStore(number).finally(() => this.inFlight.delete(number.id));
    this.inFlight.set(number.id, work);
    return work;
  }

  private async fetchAndStore(number: BusinessNumberRow): Promise<NumberSyncResult> {
    this.lastSyncAt.set(number.id, this.ctx.clock());
    try {
      const listed = await this.ctx.graph.listTemplates(number.wabaId, number.accessToken);
      const now = this.ctx.clock();
      const rows = listed.filter(isSendable).map((t) => templateRow(number.id, t, now));
      await this.ctx.store.transaction((tx) => tx.replaceMessageTemplates(number.id, rows));
      this.ctx.logger.info(
        {
          event: 'templates.synced',
          businessNumberId: number.id,
          listed: listed.length,
          stored: rows.length,
        },
        'message templates synced',
      );
      return { businessNumberId: number.id, templates: rows.length, error: null };
    } catch (err) {
      const reason =
        err instanceof GraphApiError
          ? `${err.message}${err.code === undefined ? '' : ` (${err.code})`}`
          : 'internal error';
      this.ctx.logger.warn(
        {
          event: 'templates.syncFailed',
          businessNumberId: number.id,
          code: err instanceof GraphApiError ? err.code : undefined,
        },
        'message template sync failed',
      );
      return { businessNumberId: number.id, templates: 0, error: reason };
    }
  }
}

const instances = new WeakMap<Store, TemplateSync>();

/** The template sync of the server whose store this is (one per server, created on first use). */
export function templateSyncOf(ctx: ServerContext): TemplateSync {
  let sync = instances.get(ctx.store);
  if (!sync) {
    sync = new TemplateSync(ctx);
    instances.set(ctx.store, sync);
  }
  return sync;
}
