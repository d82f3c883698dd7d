import { randomUUID } from 'node:crypto';
import { adminRoutes, ApiError, revealRequestSchema, updateSettingsRequestSchema } from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireUser } from '../auth/sessions.ts';
import type { ServerContext } from '../context.ts';
import { parseOr400 } from '../http/errors.ts';
import type { UserRow } from '../store/index.ts';
import { defaultSettings, readSettings, writeSettings } from '../settings/index.ts';
import { displayPhone } from '../views/index.ts';

async function requireAdmin(ctx: ServerContext, request: FastifyRequest): Promise<UserRow> {
  const user = await requireUser(ctx.store, request, ctx.clock());
  if (user.role !== 'admin') throw new ApiError('FORBIDDEN', 'Only administrators can do this');
  return user;
}

/** The administrator's run-time settings, the audit log, and the audited reveal of a masked value. */
export function registerAdminRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(adminRoutes.settings, async (request) => {
    await requireAdmin(ctx, request);
    return {
      settings: await ctx.store.transaction((tx) =>
        readSettings(tx, defaultSettings(ctx.config.DISCONNECT_GRACE_SECONDS)),
      ),
    };
  });

  app.put(adminRoutes.settings, async (request) => {
    const user = await requireAdmin(ctx, request);
    const update = parseOr400(updateSettingsRequestSchema, request.body);
    const settings = await ctx.store.transaction(async (tx) => {
      await writeSettings(tx, update);
      await tx.insertAudit({
        id: `aud_${randomUUID()}`,
        at: ctx.clock(),
        actorUserId: user.id,
        action: 'settings.update',
        subject: 'settings',
        detail: update,
      });
      return readSettings(tx, defaultSettings(ctx.config.DISCONNECT_GRACE_SECONDS));
    });
    ctx.logger.info({ event: 'admin.settingsChanged', userId: user.id, settings }, 'settings changed');
    if (update.maskSensitiveData !== undefined) ctx.hub.resyncAll();
    return { settings };
  });

  app.get(adminRoutes.audit, async (request) => {
    await requireAdmin(ctx, request);
    const entries = await ctx.store.transaction((tx) => tx.listAudit(200));
    return { entries: entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() })) };
  });

  // An administrator or supervisor with the explicit `reveal` permission sees one value in clear;
  // the audit log records who saw what, never the value itself.
  app.post(adminRoutes.reveal, async (request) => {
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
      await tx.insertAudit({
        id: `aud_${randomUUID()}`,
        at: ctx.clock(),
        actorUserId: user.id,
        action: `reveal.${body.field}`,
        subject,
        detail: null,
      });
      ctx.logger.info(
        { event: 'reveal', userId: user.id, field: body.field, subject },
        'masked value revealed',
      );
      return { value };
    });
  });
}
