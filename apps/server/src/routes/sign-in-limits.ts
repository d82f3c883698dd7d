import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../platform/index.ts';
import { SignInLocked } from '../services/auth/index.ts';

/**
 * Sign-in attempts per client address, right or wrong, before any password is hashed (scrypt is
 * the costly part of a sign-in): RATE_LIMIT_SIGN_IN_PER_MINUTE, then 429 with `Retry-After`, the
 * window doubling with each attempt past it (@fastify/rate-limit's exponential backoff; in its
 * Redis store in cluster mode, so the nodes share the count). The failures that lock a username
 * or an address are counted by the sign-in service.
 */
export function signInLimiter(
  app: FastifyInstance,
  ctx: ServerContext,
): (request: FastifyRequest) => Promise<void> {
  const max = ctx.config.RATE_LIMIT_SIGN_IN_PER_MINUTE;
  if (max === 0 || !app.hasDecorator('createRateLimit')) return () => Promise.resolve();
  const check = app.createRateLimit({
    max,
    timeWindow: 60_000,
    keyGenerator: (request) => `sign-in:${request.ip}`,
    skipOnError: true,
  });
  return async (request) => {
    const result = await check(request);
    if (!result.isAllowed && result.isExceeded) throw new SignInLocked(Math.max(1, result.ttlInSeconds));
  };
}
