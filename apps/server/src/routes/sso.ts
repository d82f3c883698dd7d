import { ApiError, oidcCallbackQuerySchema, ssoRoutes, type SsoOptionsResponse } from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { parseOr400, type ServerContext } from '../platform/index.ts';
import { setSessionCookie } from '../services/auth/index.ts';
import {
  OIDC_FLOW_COOKIE,
  OIDC_FLOW_COOKIE_PATH,
  OIDC_FLOW_TTL_SECONDS,
  OidcSignIn,
  oidcSettingsOf,
} from '../services/sso/index.ts';

/** Where the browser lands once signed in: the desktop. */
const DESKTOP_HOME = '/';

/**
 * Single sign-on (issue 17): whether it is offered, the start (a redirect to the provider) and the
 * provider's redirect back. Both OIDC routes are browser navigations (GET); the callback answers
 * its failures from the catalog like every route.
 */
export function registerSsoRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const settings = oidcSettingsOf(ctx.config);
  const oidc = settings ? new OidcSignIn(ctx, settings) : undefined;
  const configured = (): OidcSignIn => {
    if (!oidc) throw new ApiError('SSO_NOT_CONFIGURED', 'Single sign-on is not configured');
    return oidc;
  };

  app.get(ssoRoutes.options, (): Promise<SsoOptionsResponse> =>
    Promise.resolve({ oidc: settings ? { label: settings.label } : null }),
  );

  app.get(ssoRoutes.oidcStart, async (_request, reply) => {
    const { redirectTo, flowCookie } = await configured().start();
    void reply.setCookie(OIDC_FLOW_COOKIE, flowCookie, {
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.config.COOKIE_SECURE,
      path: OIDC_FLOW_COOKIE_PATH,
      maxAge: OIDC_FLOW_TTL_SECONDS,
    });
    return reply.redirect(redirectTo, 302);
  });

  app.get(ssoRoutes.oidcCallback, async (request, reply) => {
    const sso = configured();
    const query = parseOr400(oidcCallbackQuerySchema, request.query);
    const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    // One use: whatever the outcome, this flow is over.
    void reply.clearCookie(OIDC_FLOW_COOKIE, { path: OIDC_FLOW_COOKIE_PATH });
    const session = await sso.finish(query, search, request.cookies[OIDC_FLOW_COOKIE]);
    setSessionCookie(reply, session.token, session.ttlMs / 1000, ctx.config.COOKIE_SECURE);
    return reply.redirect(DESKTOP_HOME, 303);
  });
}
