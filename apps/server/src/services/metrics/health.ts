import { maskValue } from '@parlo/masking';
import type { ChannelHealthView } from '@parlo/protocol';
import type { ServerContext } from '../../platform/index.ts';
import { displayPhone, Presenter } from '../../views/index.ts';
import { metricsOf } from './metrics.ts';

/**
 * The supervisors' channel health panel, per business number (ADR 8): what the store knows
 * (last inbound message, the outbox's depth and age) beside this instance's recent counters.
 */
export async function channelHealth(ctx: ServerContext): Promise<ChannelHealthView> {
  const { health, numbers, presenter } = await ctx.store.transaction(async (tx) => ({
    health: await tx.channelHealth(),
    numbers: await tx.listBusinessNumbers(),
    presenter: await Presenter.load(tx),
  }));
  const metrics = metricsOf(ctx);
  const now = ctx.clock();
  const failures = metrics.recentSendFailures.counts(now);
  const byId = new Map(health.numbers.map((n) => [n.businessNumberId, n]));
  return {
    numbers: numbers.map((number) => {
      const row = byId.get(number.id);
      const phone = displayPhone(number.displayPhoneNumber);
      const sendFailuresLastHour = [...failures]
        .filter(([key]) => key.startsWith(`${number.id} `))
        .map(([key, count]) => ({ code: key.slice(number.id.length + 1), count }))
        .sort((a, b) => b.count - a.count);
      return {
        businessNumberId: number.id,
        displayPhoneNumber: presenter.masking ? maskValue('PHONE', phone) : phone,
        lastInboundAt: row?.lastInboundAt == null ? null : new Date(row.lastInboundAt).toISOString(),
        webhooksLast5m: metrics.recentUpdates.count(number.id, now),
        rejectedLast5m: metrics.recentRejectedByNumber.count(number.id, now),
        outboxDepth: row?.outboxDepth ?? 0,
        outboxOldestAgeSeconds:
          row?.outboxOldestAt == null ? null : Math.max(0, Math.round((now - row.outboxOldestAt) / 1000)),
        sendFailuresLastHour,
      };
    }),
    rejectedLast5m: [...metrics.recentRejected.counts(now)].map(([reason, count]) => ({ reason, count })),
    unmatchedStatuses: health.pendingStatuses,
    generatedAt: new Date(now).toISOString(),
  };
}
