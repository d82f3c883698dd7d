import { canSignOut, lookup } from '@parlo/core';
import { ApiError, loginRequestSchema, routes } from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { commit, type ServerContext } from '../context.ts';
import { parseOr400 } from '../http/errors.ts';
import { DUMMY_HASH_PROMISE, verifyPassword } from './passwords.ts';
import {
  hashToken,
  newSessionToken,
  requireUser,
  SESSION_COOKIE,
  sessionUser,
  setSessionCookie,
  toUserView,
} from './sessions.ts';
import { toAgentView } from '../views/index.ts';

export function registerAuthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post(routes.login, async (request, reply) => {
    const body = parseOr400(loginRequestSchema, request.body);
    const user = await ctx.store.transaction((tx) => tx.findUserByUsername(body.username));
    // Verify against a dummy hash for unknown users: same work, same answer, so neither timing
    // nor message tells which part was wrong.
    const ok = await verifyPassword(body.password, user?.passwordHash ?? (await DUMMY_HASH_PROMISE));
    if (!user || !ok) {
      ctx.logger.info({ event: 'login.failed' }, 'login failed');
      throw new ApiError('INVALID_CREDENTIALS', 'Wrong username or password');
    }
    const token = newSessionToken();
    const ttlMs = ctx.config.SESSION_TTL_HOURS * 3600_000;
    await commit(ctx, (tx, _out, now) =>
      tx.insertSession({
        tokenHash: hashToken(token),
        userId: user.id,
        createdAt: now,
        expiresAt: now + ttlMs,
      }),
    );
    setSessionCookie(reply, token, ttlMs / 1000, ctx.config.COOKIE_SECURE);
    ctx.logger.info({ event: 'login', userId: user.id }, 'signed in');
    return { user: toUserView(user) };
  });

  app.post(routes.logout, async (request, reply) => {
    // An agent cannot sign out while an offer is shown or a conversation is open (issue 3).
    const user = await sessionUser(ctx.store, request, ctx.clock());
    if (user) {
      const state = await ctx.store.transaction((tx) => tx.routing.read());
      if (lookup(state).agent(user.id) && !canSignOut(state, user.id)) {
        throw new ApiError('AGENT_HAS_WORK', 'Finish your offers and conversations before signing out');
      }
    }
    const token = request.cookies[SESSION_COOKIE];
    if (token) await ctx.store.transaction((tx) => tx.deleteSession(hashToken(token)));
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true as const };
  });

  app.get(routes.me, async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    return ctx.store.transaction(async (tx) => {
      const state = await tx.routing.read();
      const agent = lookup(state).agent(user.id);
      return { user: toUserView(user), agent: agent ? toAgentView(agent, user, state) : null };
    });
  });
}
