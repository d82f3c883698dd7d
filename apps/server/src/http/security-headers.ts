import type { IncomingMessage, ServerResponse } from 'node:http';
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
    /** Set when the route is added: the headers helmet sets for its policy. */
    securityHeaders?: SecurityHeaders;
  }
}

/**
 * Security headers on every answer (issue 17), with helmet: the desktop's CSP (a route may set
 * its own through its config's `contentSecurityPolicy`: `/docs`, the printable transcript; media
 * files set theirs), `X-Frame-Options: DENY`, `nosniff`, `Referrer-Policy: no-referrer`, and HSTS
 * only on HTTPS deployments (`COOKIE_SECURE`): on plain HTTP it would lock a browser out of the
 * server. Register before the routes.
 *
 * Each policy's headers are computed once, by helmet, when its route is added: they depend on the
 * policy alone. @fastify/helmet built helmet's middleware again for every request (parsing the CSP
 * directives each time: 2% of the webhook ingest's CPU in the profile), and running helmet's chain of
 * middlewares per request, each with its `setHeader`, still cost 3.9%.
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
  const desktop = headersOf(helmet(options(DESKTOP_CSP_DIRECTIVES)));
  app.addHook('onRoute', (route) => {
    const directives = route.config?.contentSecurityPolicy;
    if (directives)
      route.config = { ...route.config, securityHeaders: headersOf(helmet(options(directives))) };
  });
  app.addHook('onRequest', (request, reply, done) => {
    // Through the reply (not the raw response): a route's own header of the same name replaces it.
    reply.headers(request.routeOptions.config.securityHeaders ?? desktop);
    done();
  });
}

/** Header name (lower case) to value. */
export type SecurityHeaders = Readonly<Record<string, string>>;

/**
 * The headers helmet's middleware sets, read by running it once on a response that records them.
 * Its policies are static (no nonce), so every answer gets the same ones.
 */
export function headersOf(middleware: ReturnType<typeof helmet>): SecurityHeaders {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      // X-Powered-By: neither Node nor Fastify sets it.
      delete headers[name.toLowerCase()];
    },
  };
  let finished = false;
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err !== undefined) throw err instanceof Error ? err : new Error('security headers: helmet failed');
    finished = true;
  });
  // A middleware that answered later (or read the request) would not be a static policy.
  if (!finished) throw new Error('security headers: helmet did not finish at once');
  return headers;
}
