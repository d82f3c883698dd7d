import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../platform/index.ts';

/**
 * The desktop's Content-Security-Policy: only Parlo's own files (the built Vite assets have no
 * inline script or style), its own API and socket (`'self'` covers ws/wss of the same host), media
 * it serves (and blob: previews of an attachment being sent). No page may frame it.
 */
export const DESKTOP_CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  mediaSrc: ["'self'", 'blob:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
} as const;

/** A route's own Content-Security-Policy directives (helmet's names), in place of the desktop's. */
export type CspDirectives = Readonly<Record<string, readonly string[]>>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route's Content-Security-Policy (a page of its own: `/docs`, a printable transcript). */
    readonly contentSecurityPolicy?: CspDirectives;
    /** Set when the route is added: the headers middleware built for its policy. */
    securityHeaders?: ReturnType<typeof helmet>;
  }
}

/**
 * Security headers on every answer (issue 17), with helmet: the desktop's CSP (a route may set
 * its own through its config's `contentSecurityPolicy`: `/docs`, the printable transcript; media
 * files set theirs), `X-Frame-Options: DENY`, `nosniff`, `Referrer-Policy: no-referrer`, and HSTS
 * only on HTTPS deployments (`COOKIE_SECURE`): on plain HTTP it would lock a browser out of the
 * server. Register before the routes.
 *
 * Each policy's middleware is built once, when its route is added. @fastify/helmet built helmet's
 * middleware again for every request (parsing the CSP directives each time: 2% of the webhook
 * ingest's CPU in the profile).
 */
export function registerSecurityHeaders(app: FastifyInstance, config: Config): void {
  const options = (directives: CspDirectives) =>
    ({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          ...directives,
          ...(config.COOKIE_SECURE ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      xFrameOptions: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: config.COOKIE_SECURE
        ? { maxAge: 365 * 24 * 3600, includeSubDomains: true }
        : false,
    }) as const;
  const desktop = helmet(options(DESKTOP_CSP_DIRECTIVES));
  app.addHook('onRoute', (route) => {
    const directives = route.config?.contentSecurityPolicy;
    if (directives) route.config = { ...route.config, securityHeaders: helmet(options(directives)) };
  });
  app.addHook('onRequest', (request, reply, done) => {
    const middleware = request.routeOptions.config.securityHeaders ?? desktop;
    // helmet 8 throws on a bad policy (when built, above) rather than passing it to `next`.
    middleware(request.raw, reply.raw, () => done());
  });
}
