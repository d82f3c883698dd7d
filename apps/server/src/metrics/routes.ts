import { timingSafeEqual } from 'node:crypto';
import { maskValue } from '@parlo/masking';
import { ApiError, supervisorRoutes, type ChannelHealthView } from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireUser } from '../auth/sessions.ts';
import type { ServerContext } from '../context.ts';
import { displayPhone, Presenter } from '../views/index.ts';
import { metricsOf } from './index.ts';

export const METRICS_PATH = '/metrics';

/**
 * Prometheus scrapes /metrics; supervisors read the per-number health panel. The metrics endpoint
 * is not for agents or the internet: a bearer token (METRICS_TOKEN) when configured, otherwise
 * loopback connections only. The health panel is the supervisors' (session, role checked).
 */
export function registerMetricsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(METRICS_PATH, async (request, reply) => {
    if (!metricsAllowed(ctx.config.METRICS_TOKEN, request)) {
      throw new ApiError('FORBIDDEN', 'Metrics need the bearer token, or a loopback connection');
    }
    const { contentType, body } = await metricsOf(ctx).text();
    return reply.type(contentType).send(body);
  });

  app.get(supervisorRoutes.channelHealth, async (request): Promise<ChannelHealthView> => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    if (user.role !== 'supervisor' && user.role !== 'admin') {
      throw new ApiError('FORBIDDEN', 'Only supervisors and administrators can do this');
    }
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
  });
}

function metricsAllowed(token: string | undefined, request: FastifyRequest): boolean {
  if (token === undefined) {
    const address = request.socket.remoteAddress ?? '';
    return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
  }
  const header = request.headers.authorization ?? '';
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
