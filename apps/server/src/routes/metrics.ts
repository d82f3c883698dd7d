import { timingSafeEqual } from 'node:crypto';
import { ApiError, supervisorRoutes, type ChannelHealthView } from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../platform/index.ts';
import { requireSupervisor } from '../services/auth/index.ts';
import { channelHealth, metricsOf } from '../services/metrics/index.ts';

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
    await requireSupervisor(ctx.store, request, ctx.clock());
    return channelHealth(ctx);
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
