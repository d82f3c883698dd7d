import fastifyHelmet from '@fastify/helmet';
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

/**
 * Security headers on every answer (issue 17), with @fastify/helmet: the desktop's CSP (a route
 * may set its own: `/docs`, media files), `X-Frame-Options: DENY`, `nosniff`, `Referrer-Policy:
 * no-referrer`, and HSTS only on HTTPS deployments (`COOKIE_SECURE`): on plain HTTP it would
 * lock a browser out of the server. Register before the routes.
 */
export async function registerSecurityHeaders(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        ...DESKTOP_CSP_DIRECTIVES,
        ...(config.COOKIE_SECURE ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: config.COOKIE_SECURE
      ? { maxAge: 365 * 24 * 3600, includeSubDomains: true }
      : false,
  });
}
