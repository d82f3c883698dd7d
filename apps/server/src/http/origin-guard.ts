import type { AddressInfo } from 'node:net';
import { ApiError } from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../platform/index.ts';
import { WEBHOOK_PATH } from '../routes/index.ts';

/** Methods that change nothing: a browser may send them from any page (links, images). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Routes a browser page never calls, with their own proof of who is calling: Meta's webhook is
 * signed over its bytes (and `/metrics`, a GET, needs its token). Nothing else is exempt: a new
 * route is guarded from the moment it is registered (`http/origin.medium.test.ts` iterates them).
 */
export const ORIGIN_EXEMPT_ROUTES: ReadonlySet<string> = new Set([WEBHOOK_PATH]);

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
/** Listening on every interface: no origin of its own; browsers on this machine reach loopback. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);

/**
 * The origins browsers reach this server at: `PUBLIC_ORIGIN` when set, else the listening address
 * (`http://HOST:PORT`, the port the server really got), plus `http://localhost:PORT` when HOST is
 * a loopback address. A wildcard HOST (`0.0.0.0`) is no origin: only the loopback ones are
 * allowed until PUBLIC_ORIGIN says which (a warning at start says so).
 */
export function publicOrigins(config: Config, port: number): ReadonlySet<string> {
  if (config.PUBLIC_ORIGIN !== undefined) return new Set(config.PUBLIC_ORIGIN);
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  const origins = new Set<string>();
  if (!WILDCARD_HOSTS.has(config.HOST)) origins.add(`http://${host.toLowerCase()}:${port}`);
  if (LOOPBACK_HOSTS.has(config.HOST) || WILDCARD_HOSTS.has(config.HOST)) {
    origins.add(`http://localhost:${port}`);
    origins.add(`http://127.0.0.1:${port}`);
  }
  return origins;
}

/**
 * CSRF defence at the edge (issue 17). The session cookie is SameSite=Strict, but a page of the
 * same *site* (another port, a sibling subdomain) still gets it sent, so every state-changing
 * request and every socket upgrade must also say it comes from Parlo's own origin: a matching
 * `Origin`, or, from a browser that sent none, `Sec-Fetch-Site: same-origin`. Anything else is a
 * 403 ORIGIN_REFUSED before the body is read. Non-browser clients (tests, benches, scripts) send
 * the origin too.
 */
export function registerOriginGuard(app: FastifyInstance, config: Config): void {
  if (config.PUBLIC_ORIGIN === undefined && WILDCARD_HOSTS.has(config.HOST)) {
    app.log.warn(
      { host: config.HOST },
      'PUBLIC_ORIGIN is not set: only pages on http://localhost and http://127.0.0.1 may change anything',
    );
  }
  let origins: ReadonlySet<string> | undefined;
  const allowed = (): ReadonlySet<string> => {
    if (origins) return origins;
    const address = app.server.address() as AddressInfo | null;
    origins = publicOrigins(config, address?.port ?? config.PORT);
    return origins;
  };
  app.addHook('onRequest', (request, _reply, done) => {
    if (!needsOrigin(request) || sameOrigin(request, allowed())) return done();
    done(new ApiError('ORIGIN_REFUSED', 'This request must come from Parlo’s own page'));
  });
}

function needsOrigin(request: FastifyRequest): boolean {
  const upgrade = (request.headers.upgrade ?? '').toLowerCase() === 'websocket';
  if (SAFE_METHODS.has(request.method) && !upgrade) return false;
  return !ORIGIN_EXEMPT_ROUTES.has(request.routeOptions.url ?? '');
}

function sameOrigin(request: FastifyRequest, allowed: ReadonlySet<string>): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined) return allowed.has(origin.toLowerCase());
  return request.headers['sec-fetch-site'] === 'same-origin';
}
