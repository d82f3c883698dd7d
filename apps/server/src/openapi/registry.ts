import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call a route, as the document says it. */
export type RouteAuth = 'none' | 'user' | 'admin' | 'webhook';

/**
 * One REST route as the OpenAPI document describes it. The admin module registers its routes from
 * these very objects, so the document cannot drift from what the server serves.
 */
export interface RouteDoc {
  readonly method: HttpMethod;
  /** OpenAPI style: `/api/admin/users/{id}`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly auth: RouteAuth;
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  readonly response?: z.ZodType;
  /** The success status; 200 unless said. */
  readonly status?: number;
  /** Error codes this route may answer with, besides the ones every route may. */
  readonly errors?: readonly string[];
}

/** `/api/admin/users/{id}` -> `/api/admin/users/:id` (Fastify's syntax). */
export function fastifyPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/**
 * Registers `handler` on the route a doc describes; `options` adds route options (a route's own
 * security headers, for one).
 */
export function registerDocumented(
  app: FastifyInstance,
  doc: RouteDoc,
  handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  options: Omit<Partial<RouteOptions>, 'method' | 'url' | 'handler'> = {},
): void {
  app.route({
    ...options,
    method: doc.method,
    url: fastifyPath(doc.path),
    handler: async (request, reply) => {
      const result = await handler(request, reply);
      if (doc.status !== undefined) void reply.status(doc.status);
      return result;
    },
  });
}

/** What Fastify serves, per app: filled by the onRoute hook `collectRoutes` adds. */
const served = new WeakMap<FastifyInstance, { method: string; url: string }[]>();

/**
 * Records every route registered on `app` from now on (call it first thing), so a test can check
 * that the document covers what is really served.
 */
export function collectRoutes(app: FastifyInstance): void {
  const routes: { method: string; url: string }[] = [];
  served.set(app, routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
}

/** The routes `collectRoutes` saw, as (METHOD, Fastify path). */
export function servedRoutes(app: FastifyInstance): readonly { method: string; url: string }[] {
  return served.get(app) ?? [];
}
