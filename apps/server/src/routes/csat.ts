import { csatRoutes, csatSettingsResponseSchema, updateCsatSettingsRequestSchema } from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerDocumented, type RouteDoc } from '../openapi/index.ts';
import { parseOr400, type ServerContext } from '../platform/index.ts';
import { requireAdmin } from '../services/auth/index.ts';
import { getCsatSettings, updateCsatSettings } from '../services/csat/index.ts';

const TAG = 'CSAT';

/** Issue 18's CSAT settings, described once: registered from these objects, documented too. */
const docs = {
  get: {
    method: 'GET',
    path: csatRoutes.settings,
    summary: 'The customer satisfaction survey sent after wrap-up: on or off, scale, texts, answer window',
    tag: TAG,
    auth: 'admin',
    response: csatSettingsResponseSchema,
  },
  put: {
    method: 'PUT',
    path: csatRoutes.settings,
    summary: 'Change the CSAT survey settings (the whole object); audited',
    tag: TAG,
    auth: 'admin',
    body: updateCsatSettingsRequestSchema,
    response: csatSettingsResponseSchema,
  },
} satisfies Record<string, RouteDoc>;

/** Issue 18's CSAT routes, for the OpenAPI document. */
export const CSAT_ROUTE_DOCS: readonly RouteDoc[] = Object.values(docs);

/** CSAT settings (issue 18, ADR 28). */
export function registerCsatRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const admin = (request: FastifyRequest) => requireAdmin(ctx.store, request, ctx.clock());
  registerDocumented(app, docs.get, async (request) => {
    await admin(request);
    return getCsatSettings(ctx);
  });
  registerDocumented(app, docs.put, async (request) => {
    const by = await admin(request);
    return updateCsatSettings(ctx, by, parseOr400(updateCsatSettingsRequestSchema, request.body));
  });
}
