import {
  adminRoutes,
  ApiError,
  auditQuerySchema,
  auditResponseSchema,
  revealRequestSchema,
  revealResponseSchema,
  settingsResponseSchema,
  updateSettingsRequestSchema,
  type AuditEntryView,
} from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { requireUser } from '../auth/sessions.ts';
import type { ServerContext } from '../context.ts';
import { parseOr400 } from '../http/errors.ts';
import { registerDocumented, type RouteDoc } from '../openapi/registry.ts';
import { defaultSettings, readSettings, writeSettings } from '../settings/index.ts';
import { displayPhone } from '../views/index.ts';
import { audit, requireAdmin } from './common.ts';

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

/** Opaque keyset cursor: the (at, id) of the last entry of a page. */
function encodeCursor(at: number, id: string): string {
  return Buffer.from(JSON.stringify([at, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { at: number; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return { at: value[0], id: value[1] };
    }
  } catch {
    // falls through to the 400
  }
  throw new ApiError('VALIDATION_FAILED', 'Bad cursor', { cursor: 'not a cursor of this list' });
}

/** Settings, the audit log, and the audited reveal of a masked value. */
export function registerSettingsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const defaults = () => defaultSettings(ctx.config.DISCONNECT_GRACE_SECONDS);

  registerDocumented(app, SETTINGS_DOCS.getSettings, async (request) => {
    await requireAdmin(ctx, request);
    return { settings: await ctx.store.transaction((tx) => readSettings(tx, defaults())) };
  });

  registerDocumented(app, SETTINGS_DOCS.updateSettings, async (request) => {
    const user = await requireAdmin(ctx, request);
    const update = parseOr400(updateSettingsRequestSchema, request.body);
    const settings = await ctx.store.transaction(async (tx) => {
      await writeSettings(tx, update);
      await audit(tx, user, ctx.clock(), 'settings.update', 'settings', update);
      return readSettings(tx, defaults());
    });
    ctx.logger.info({ event: 'admin.settingsChanged', userId: user.id, settings }, 'settings changed');
    if (update.maskSensitiveData !== undefined) ctx.hub.resyncAll();
    return { settings };
  });

  registerDocumented(app, SETTINGS_DOCS.audit, async (request) => {
    await requireAdmin(ctx, request);
    const query = parseOr400(auditQuerySchema, request.query);
    return ctx.store.transaction(async (tx) => {
      const entries = await tx.queryAudit({
        ...(query.action === undefined ? {} : { actionPrefix: query.action }),
        ...(query.actor === undefined ? {} : { actorUserId: query.actor }),
        ...(query.subject === undefined ? {} : { subject: query.subject }),
        ...(query.from === undefined ? {} : { from: Date.parse(query.from) }),
        ...(query.to === undefined ? {} : { to: Date.parse(query.to) }),
        ...(query.cursor === undefined ? {} : { before: decodeCursor(query.cursor) }),
        // One more than asked: tells whether there is a next page.
        limit: query.limit + 1,
      });
      const page = entries.slice(0, query.limit);
      const names = new Map<string, string | null>();
      for (const entry of page) {
        if (!names.has(entry.actorUserId))
          names.set(entry.actorUserId, (await tx.findUserById(entry.actorUserId))?.displayName ?? null);
      }
      const last = page.at(-1);
      return {
        entries: page.map((e): AuditEntryView => ({
          ...e,
          at: new Date(e.at).toISOString(),
          actorName: names.get(e.actorUserId) ?? null,
        })),
        nextCursor: entries.length > query.limit && last ? encodeCursor(last.at, last.id) : null,
      };
    });
  });

  // An administrator or supervisor with the explicit `reveal` permission sees one value in clear;
  // the audit log records who saw what, never the value itself.
  registerDocumented(app, SETTINGS_DOCS.reveal, async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const body = parseOr400(revealRequestSchema, request.body);
    return ctx.store.transaction(async (tx) => {
      const allowed =
        (user.role === 'admin' || user.role === 'supervisor') && (await tx.hasPermission(user.id, 'reveal'));
      if (!allowed) throw new ApiError('FORBIDDEN', 'Revealing masked data needs the reveal permission');
      let value: string;
      let subject: string;
      switch (body.field) {
        case 'customerPhone': {
          const [details] = await tx.getConversationDetails([body.conversationId]);
          if (!details) throw new ApiError('NOT_FOUND', 'No such conversation');
          value = displayPhone(details.customerWaId);
          subject = body.conversationId;
          break;
        }
        case 'messageText': {
          const message = await tx.findMessageById(body.messageId);
          if (!message) throw new ApiError('NOT_FOUND', 'No such message');
          // Card numbers, IBANs and SSNs were never stored in clear (ADR 6): they stay masked here too.
          value = message.text;
          subject = body.messageId;
          break;
        }
      }
      await audit(tx, user, ctx.clock(), `reveal.${body.field}`, subject, null);
      ctx.logger.info(
        { event: 'reveal', userId: user.id, field: body.field, subject },
        'masked value revealed',
      );
      return { value };
    });
  });
}
