import { randomUUID } from 'node:crypto';
import {
  ApiError,
  sendTemplateRequestSchema,
  templateRoutes,
  type TemplateView,
  type TemplatesResponse,
  type TemplateSyncResponse,
} from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireAdmin } from '../admin/common.ts';
import { requireUser } from '../auth/sessions.ts';
import { enqueueSend } from '../channel/outbox.ts';
import { presentStored } from '../channel/inbound.ts';
import { commit, type ServerContext } from '../context.ts';
import { parseOr400 } from '../http/errors.ts';
import type { MessageTemplateRow } from '../store/index.ts';
import { conversationBlockOf } from '../views/index.ts';
import { participation, watchersOf } from './access.ts';
import { fillTemplate, templateView } from './model.ts';
import { templateSyncOf } from './sync.ts';

const idParams = z.object({ id: z.string().min(1).max(200) });

/** A number never synced by this process is synced when its templates are first asked for, at most this often. */
const LAZY_SYNC_FRESH_MS = 60_000;

function views(rows: readonly MessageTemplateRow[]): TemplateView[] {
  return rows.flatMap((row) => {
    const view = templateView(row);
    return view ? [view] : [];
  });
}

/**
 * The templates of a conversation's business number, and sending one: the way to write to a
 * customer outside the 24-hour window (CLOUD-API.md, "The customer-service window").
 */
export function registerTemplateRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/conversations/:id/templates', async (request): Promise<TemplatesResponse> => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    const load = () =>
      ctx.store.transaction(async (tx) => {
        const { details } = await participation(tx, user, id);
        const number = await tx.findBusinessNumberById(details.businessNumberId);
        return { number, rows: await tx.listMessageTemplates(details.businessNumberId) };
      });
    const first = await load();
    let rows = first.rows;
    if (rows.length === 0 && first.number && first.number.deletedAt == null) {
      // Nothing stored yet (a number just added, or the start-up sync failed): ask WhatsApp now.
      await templateSyncOf(ctx).syncNumber(first.number, LAZY_SYNC_FRESH_MS);
      rows = (await load()).rows;
    }
    const syncedAt = rows.reduce<number | null>(
      (max, r) => (max === null || r.syncedAt > max ? r.syncedAt : max),
      null,
    );
    return { templates: views(rows), syncedAt: syncedAt === null ? null : new Date(syncedAt).toISOString() };
  });

  // The owner or the conference guest sends a template: stored with its outbox row in one
  // transaction, like a text (same idempotency key rule), and allowed inside or outside the window.
  app.post('/api/conversations/:id/templates/send', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    const body = parseOr400(sendTemplateRequestSchema, request.body);
    const result = await commit(ctx, async (tx, out, now) => {
      const { details } = await participation(tx, user, id);
      if (details.phaseKind !== 'active')
        throw new ApiError('CONVERSATION_NOT_ACTIVE', 'This conversation has ended');
      if (conversationBlockOf(details) !== null)
        throw new ApiError(
          'CONVERSATION_BLOCKED',
          'An administrator deleted what this conversation depends on',
        );
      const row = (await tx.listMessageTemplates(details.businessNumberId)).find(
        (t) => t.name === body.name && t.language === body.language,
      );
      const view = row && templateView(row);
      if (!view)
        throw new ApiError(
          'UNKNOWN_TEMPLATE',
          'No approved template of this number has that name and language',
        );
      const filled = fillTemplate(view, body.values);
      if (!filled.ok)
        throw new ApiError('VALIDATION_FAILED', 'Fill every parameter of the template', filled.issues);
      const { message, created } = await tx.insertOutboundMessage({
        id: `msg_${randomUUID()}`,
        conversationId: id,
        direction: 'outbound',
        wamid: null,
        kind: 'template',
        content: null,
        replyToWamid: null,
        // The bubble shows what the customer reads: the template rendered with the agent's values.
        text: filled.filled.text,
        authorName: user.displayName,
        authorUserId: user.id,
        sentAt: now,
        createdAt: now,
        status: 'pending',
        failureReason: null,
        clientMessageId: body.clientMessageId,
      });
      const messageView = await presentStored(tx, await out.presenter(), message, details);
      if (created) {
        const { name, language, components } = filled.filled;
        await enqueueSend(tx, message, now, { name, language, components });
        for (const agentId of await watchersOf(tx, details)) {
          await out.emit(agentId, { type: 'message.upserted', message: messageView });
        }
      }
      return { message: messageView, created };
    });
    if (result.created) ctx.kickOutbox();
    return { message: result.message };
  });

  app.post(templateRoutes.sync, async (request): Promise<TemplateSyncResponse> => {
    await requireAdmin(ctx, request);
    return { numbers: await templateSyncOf(ctx).syncAll() };
  });
}
