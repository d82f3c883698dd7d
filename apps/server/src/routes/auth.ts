import { loginRequestSchema, routes, totpCodeRequestSchema, totpRoutes } from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseOr400, type ServerContext } from '../platform/index.ts';
import { signInLimiter } from './sign-in-limits.ts';
import {
  confirmTotp,
  disableTotp,
  enrollTotp,
  requireAdmin,
  requireUser,
  SESSION_COOKIE,
  sessionUser,
  setSessionCookie,
  SignInLocked,
  signIn,
  signOut,
  totpStatus,
  whoAmI,
} from '../services/auth/index.ts';

/** Signing in and out (an HttpOnly SameSite session cookie), and who is signed in. */
export function registerAuthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const limitSignInsPerAddress = signInLimiter(app, ctx);
  app.post(routes.login, async (request, reply) => {
    const body = parseOr400(loginRequestSchema, request.body);
    const session = await limitSignInsPerAddress(request)
      .then(() => signIn(ctx, { ...body, address: request.ip }))
      .catch((error: unknown) => {
        if (error instanceof SignInLocked) void reply.header('retry-after', String(error.retryAfterSeconds));
        throw error;
      });
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

  // The TOTP second factor of administrators (issue 17).
  const admin = (request: FastifyRequest) => requireAdmin(ctx.store, request, ctx.clock());
  app.get(totpRoutes.status, async (request) => totpStatus(ctx, await admin(request)));
  app.post(totpRoutes.enroll, async (request) => enrollTotp(ctx, await admin(request)));
  app.post(totpRoutes.confirm, async (request) => {
    const user = await admin(request);
    return confirmTotp(ctx, user, parseOr400(totpCodeRequestSchema, request.body).code);
  });
  app.post(totpRoutes.disable, async (request) => {
    const user = await admin(request);
    return disableTotp(ctx, user, parseOr400(totpCodeRequestSchema, request.body).code);
  });
}
