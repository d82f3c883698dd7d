import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ChannelHealthRow, Store } from '../../store/index.ts';
import { SlidingCounter } from './sliding-counter.ts';

/** Why a webhook delivery (or one update in it) was turned away. */
export type RejectReason = 'bad_signature' | 'unknown_number' | 'malformed' | 'too_large' | 'overloaded';

const FIVE_MINUTES_MS = 5 * 60_000;
const ONE_HOUR_MS = 60 * 60_000;

/**
 * The channel's instruments: Prometheus series for /metrics, plus short in-memory windows per
 * business number for the supervisors' health panel. One per server instance (not prom-client's
 * global registry): tests run several servers in one process.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly received: Counter;
  private readonly deduplicated: Counter<'kind'>;
  private readonly rejected: Counter<'reason'>;
  private readonly ingestLag: Histogram;
  private readonly ack: Histogram;
  private readonly batchSize: Histogram;
  private readonly sendFailures: Counter<'code'>;
  /** Updates per business number (id), for "webhooks in the last 5 minutes". */
  readonly recentUpdates = new SlidingCounter(FIVE_MINUTES_MS);
  /** Rejections by reason, and by business number where one is known. */
  readonly recentRejected = new SlidingCounter(FIVE_MINUTES_MS);
  readonly recentRejectedByNumber = new SlidingCounter(FIVE_MINUTES_MS);
  /** Send failures keyed `<businessNumberId> <code>`. */
  readonly recentSendFailures = new SlidingCounter(ONE_HOUR_MS);

  constructor(
    private readonly health: () => Promise<ChannelHealthRow>,
    private readonly clock: () => number,
    onDiskFlush: (listener: (seconds: number) => void) => void = () => undefined,
  ) {
    const registers = [this.registry];
    // Process figures (CPU, resident memory) and the event loop's delay: nodejs_eventloop_lag_p99_seconds
    // and _max_seconds cover the time since the previous scrape (prom-client resets them at each),
    // so a bench reads them once before and once after its load.
    collectDefaultMetrics({ register: this.registry });
    this.received = new Counter({
      name: 'parlo_webhooks_received_total',
      help: 'Webhook deliveries received (signed or not), before any check.',
      registers,
    });
    this.deduplicated = new Counter({
      name: 'parlo_webhooks_deduplicated_total',
      help: 'Updates dropped because they were already stored (Meta delivers at least once).',
      labelNames: ['kind'],
      registers,
    });
    this.rejected = new Counter({
      name: 'parlo_webhooks_rejected_total',
      help: 'Deliveries (or updates for an unknown number) turned away, by reason.',
      labelNames: ['reason'],
      registers,
    });
    this.ingestLag = new Histogram({
      name: 'parlo_ingest_lag_seconds',
      help: "From Meta's timestamp of an inbound message to its commit (Meta's clock has 1 s resolution).",
      buckets: [1, 2, 5, 10, 30, 60, 300, 3600, 86_400],
      registers,
    });
    this.ack = new Histogram({
      name: 'parlo_webhook_ack_seconds',
      help: 'From receiving a webhook delivery to answering it (after its durable commit).',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'parlo_ingest_batch_size',
      help: 'Deliveries committed together by one group commit.',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers,
    });
    const diskFlush = new Histogram({
      name: 'parlo_disk_flush_seconds',
      help: "SQLite's WAL fsyncs, which commits that wrote wait for before acks and pushes (ADR 12).",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    onDiskFlush((seconds) => diskFlush.observe(seconds));
    this.sendFailures = new Counter({
      name: 'parlo_send_failures_total',
      help: "Failed Graph send attempts, by Meta's error code ('unknown' when none).",
      labelNames: ['code'],
      registers,
    });
    // Computed at scrape from the store, so they are true after a restart and across nodes.
    let snapshot: Promise<ChannelHealthRow> | undefined;
    const read = (): Promise<ChannelHealthRow> => {
      // One store read serves the gauges of one scrape.
      snapshot ??= this.health().finally(() => setTimeout(() => (snapshot = undefined), 0));
      return snapshot;
    };
    new Gauge({
      name: 'parlo_outbox_depth',
      help: 'Outbox rows waiting to be carried out.',
      registers,
      async collect() {
        const health = await read();
        this.set(health.numbers.reduce((sum, n) => sum + n.outboxDepth, 0));
      },
    });
    const now = (): number => this.clock();
    new Gauge({
      name: 'parlo_outbox_oldest_age_seconds',
      help: 'Age of the oldest outbox row still waiting (0 when empty).',
      registers,
      async collect() {
        const health = await read();
        const oldest = Math.min(...health.numbers.map((n) => n.outboxOldestAt ?? Number.POSITIVE_INFINITY));
        this.set(Number.isFinite(oldest) ? Math.max(0, (now() - oldest) / 1000) : 0);
      },
    });
    new Gauge({
      name: 'parlo_statuses_unmatched',
      help: 'Statuses kept because the send they belong to has not recorded its wamid (yet).',
      registers,
      async collect() {
        this.set((await read()).pendingStatuses);
      },
    });
  }

  webhookReceived(): void {
    this.received.inc();
  }

  webhookRejected(reason: RejectReason, businessNumberId?: string): void {
    this.rejected.inc({ reason });
    const now = this.clock();
    this.recentRejected.add(reason, now);
    if (businessNumberId !== undefined) this.recentRejectedByNumber.add(businessNumberId, now);
  }

  updateReceived(businessNumberId: string): void {
    this.recentUpdates.add(businessNumberId, this.clock());
  }

  duplicate(kind: 'message' | 'status'): void {
    this.deduplicated.inc({ kind });
  }

  /** `sentAt` is Meta's timestamp of the message; `committedAt` our clock after the commit. */
  ingested(sentAt: number, committedAt: number): void {
    this.ingestLag.observe(Math.max(0, (committedAt - sentAt) / 1000));
  }

  acked(seconds: number): void {
    this.ack.observe(seconds);
  }

  batchCommitted(size: number): void {
    this.batchSize.observe(size);
  }

  sendFailed(businessNumberId: string | undefined, code: number | undefined): void {
    const label = code === undefined ? 'unknown' : String(code);
    this.sendFailures.inc({ code: label });
    if (businessNumberId !== undefined)
      this.recentSendFailures.add(`${businessNumberId} ${label}`, this.clock());
  }

  /** The Prometheus text exposition. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

const instances = new WeakMap<Store, Metrics>();

/**
 * The metrics of the server whose store this is: created on first use, so every part of the shell
 * reaches the same instruments without threading them through the context.
 */
export function metricsOf(ctx: { readonly store: Store; readonly clock: () => number }): Metrics {
  let metrics = instances.get(ctx.store);
  if (!metrics) {
    const store = ctx.store;
    metrics = new Metrics(
      () => store.transaction((tx) => tx.channelHealth()),
      ctx.clock,
      (listener) => store.onDiskFlush(listener),
    );
    instances.set(store, metrics);
  }
  return metrics;
}
