import {
  adminRoutes,
  auditQuerySchema,
  auditResponseSchema,
  revealRequestSchema,
  revealResponseSchema,
  settingsResponseSchema,
  updateSettingsRequestSchema,
} from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerDocumented, type RouteDoc } from '../../openapi/index.ts';
import { parseOr400, type ServerContext } from '../../platform/index.ts';
import { browseAudit, getSettings, reveal, updateSettings } from '../../services/admin/index.ts';
import { requireAdmin, requireUser } from '../../services/auth/index.ts';

export const SETTINGS_DOCS = {
  getSettings: {
    method: 'GET',
    path: adminRoutes.settings,
    summary: 'Run-time settings',
    tag: 'Settings',
    auth: 'admin',
    response: settingsResponseSchema,
  },
  updateSettings: {
    method: 'PUT',
    path: adminRoutes.settings,
    summary: 'Change some settings (partial); audited',
    tag: 'Settings',
    auth: 'admin',
    body: updateSettingsRequestSchema,
    response: settingsResponseSchema,
  },
  audit: {
    method: 'GET',
    path: adminRoutes.audit,
    summary: 'Browse the audit log, newest first (filters and cursor paging)',
    tag: 'Audit',
    auth: 'admin',
    query: auditQuerySchema,
    response: auditResponseSchema,
  },
  reveal: {
    method: 'POST',
    path: adminRoutes.reveal,
    summary: 'See one masked value in clear (needs the reveal permission; audited)',
    tag: 'Audit',
    auth: 'user',
    body: revealRequestSchema,
    response: revealResponseSchema,
  },
} as const satisfies Record<string, RouteDoc>;

/** Settings, the audit log, and the audited reveal of a masked value. */
export function registerSettingsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const admin = (request: FastifyRequest) => requireAdmin(ctx.store, request, ctx.clock());

  registerDocumented(app, SETTINGS_DOCS.getSettings, async (request) => {
    await admin(request);
    return getSettings(ctx);
  });

  registerDocumented(app, SETTINGS_DOCS.updateSettings, async (request) => {
    const by = await admin(request);
    return updateSettings(ctx, by, parseOr400(updateSettingsRequestSchema, request.body));
  });

  registerDocumented(app, SETTINGS_DOCS.audit, async (request) => {
    await admin(request);
    return browseAudit(ctx, parseOr400(auditQuerySchema, request.query));
  });

  registerDocumented(app, SETTINGS_DOCS.reveal, async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    return reveal(ctx, user, parseOr400(revealRequestSchema, request.body));
  });
}
