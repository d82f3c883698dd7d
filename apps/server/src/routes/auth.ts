import { loginRequestSchema, routes } from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { parseOr400, type ServerContext } from '../platform/index.ts';
import {
  requireUser,
  SESSION_COOKIE,
  sessionUser,
  setSessionCookie,
  signIn,
  signOut,
  whoAmI,
} from '../services/auth/index.ts';

/** Signing in and out (an HttpOnly SameSite session cookie), and who is signed in. */
export function registerAuthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post(routes.login, async (request, reply) => {
    const body = parseOr400(loginRequestSchema, request.body);
    const session = await signIn(ctx, body.username, body.password);
    setSessionCookie(reply, session.token, session.ttlMs / 1000, ctx.config.COOKIE_SECURE);
    return { user: session.user };
  });

  app.post(routes.logout, async (request, reply) => {
    const user = await sessionUser(ctx.store, request, ctx.clock());
    await signOut(ctx, user, request.cookies[SESSION_COOKIE]);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true as const };
  });

  app.get(routes.me, async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    return whoAmI(ctx, user);
  });
}
