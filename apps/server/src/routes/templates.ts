import {
  sendTemplateRequestSchema,
  templateRoutes,
  type TemplatesResponse,
  type TemplateSyncResponse,
} from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { idParams, parseOr400, type ServerContext } from '../platform/index.ts';
import { requireAdmin, requireUser } from '../services/auth/index.ts';
import { conversationTemplates, sendTemplate, templateSyncOf } from '../services/templates/index.ts';

/**
 * The templates of a conversation's business number, and sending one: the way to write to a
 * customer outside the 24-hour window (CLOUD-API.md, "The customer-service window").
 */
export function registerTemplateRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/conversations/:id/templates', async (request): Promise<TemplatesResponse> => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    return conversationTemplates(ctx, user, parseOr400(idParams, request.params).id);
  });

  // The owner or the conference guest sends a template: stored with its outbox row in one
  // transaction, like a text (same idempotency key rule), and allowed inside or outside the window.
  app.post('/api/conversations/:id/templates/send', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    return sendTemplate(ctx, user, id, parseOr400(sendTemplateRequestSchema, request.body));
  });

  app.post(templateRoutes.sync, async (request): Promise<TemplateSyncResponse> => {
    await requireAdmin(ctx.store, request, ctx.clock());
    return { numbers: await templateSyncOf(ctx).syncAll() };
  });
}
