import fastifyRateLimit from '@fastify/rate-limit';
import { ApiError } from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { ServerContext } from '../platform/index.ts';
import { hashToken, SESSION_COOKIE } from '../services/auth/index.ts';

/**
 * Request limits (issue 17) with @fastify/rate-limit: its memory store on one node; in cluster
 * mode its Redis store on a connection of its own, so every node counts against the same limit.
 * Redis away: requests pass (`skipOnError`) rather than the API going down with it.
 *
 * Registers the plugin (the sign-in route asks it for a per-address limiter, `routes/sign-in-limits.ts`)
 * and the general limit: RATE_LIMIT_API_PER_MINUTE requests to `/api/` per session (signed out:
 * per client address); past it 429 RATE_LIMITED with `Retry-After`. The webhook (Meta's retries
 * are paced by the ingest's own 503), `/metrics`, `/healthz` and the desktop's files are outside.
 * Call before any route is registered.
 */
export async function registerRateLimits(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const redis =
    ctx.config.REDIS_URL === undefined ? undefined : rateLimitRedis(ctx.config.REDIS_URL, ctx.bus.nodeId);
  if (redis) {
    await redis.connect().catch((error: unknown) => {
      ctx.logger.warn({ event: 'rateLimit.redisDown', err: error }, 'rate limits: Redis away, requests pass');
    });
    app.addHook('onClose', (_instance, done) => {
      redis.disconnect();
      done();
    });
  }
  await app.register(fastifyRateLimit, {
    global: false,
    skipOnError: true,
    ...(redis ? { redis, nameSpace: `${ctx.config.REDIS_KEY_PREFIX}rate:` } : {}),
  });

  const perMinute = ctx.config.RATE_LIMIT_API_PER_MINUTE;
  if (perMinute === 0) return;
  const check = app.createRateLimit({ max: perMinute, timeWindow: 60_000, keyGenerator: apiKey });
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    const result = await check(request);
    if (result.isAllowed || !result.isExceeded) return;
    void reply.header('retry-after', String(Math.max(1, result.ttlInSeconds)));
    throw new ApiError('RATE_LIMITED', 'Too many requests: slow down');
  });
}

/** One session's requests count together (its token hashed: the key may sit in Redis); signed out, one address's. */
function apiKey(request: FastifyRequest): string {
  const token = request.cookies[SESSION_COOKIE];
  return token ? `api:session:${hashToken(token)}` : `api:address:${request.ip}`;
}

function rateLimitRedis(url: string, nodeId: string): Redis {
  const redis = new Redis(url, {
    connectionName: `parlo-rate-${nodeId}`,
    // A count that cannot be had quickly is skipped, not queued: limits never hold requests up.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (times) => Math.min(1000, 50 * 2 ** Math.min(times, 5)),
    lazyConnect: true,
  });
  // Without a listener an 'error' event would crash the process; reconnecting is automatic.
  redis.on('error', () => {});
  return redis;
}
