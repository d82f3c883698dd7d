import {
  ApiError,
  MAX_TEXT_LENGTH,
  messagesQuerySchema,
  sendMessageRequestSchema,
  type MarkReadResponse,
} from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { idParams, parseOr400, type ServerContext } from '../platform/index.ts';
import { requireUser } from '../services/auth/index.ts';
import { listMessages, ReadReceipts, sendComposerMessage } from '../services/conversations/index.ts';

/** A conversation's messages, the agent's reply, and marking it read for the customer. */
export function registerConversationRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/conversations/:id/messages', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    return listMessages(ctx, user, id, parseOr400(messagesQuerySchema, request.query));
  });

  // S-8, S-9: the agent's reply; stored with its outbox row in one transaction, sent after commit.
  app.post('/api/conversations/:id/messages', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    const raw: unknown = request.body;
    if (isObject(raw) && typeof raw.text === 'string' && raw.text.length > MAX_TEXT_LENGTH) {
      throw new ApiError('MESSAGE_TOO_LONG', `A message holds at most ${MAX_TEXT_LENGTH} characters`);
    }
    return sendComposerMessage(ctx, user, id, parseOr400(sendMessageRequestSchema, raw));
  });

  // Issue 4: blue ticks for the customer, by the administrator's read-receipt policy.
  const receipts = new ReadReceipts(ctx);
  app.post('/api/conversations/:id/read', async (request): Promise<MarkReadResponse> => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    return receipts.markRead(user, parseOr400(idParams, request.params).id);
  });

  // Issue 14: WhatsApp's typing indicator while the agent writes (throttled per conversation).
  app.post('/api/conversations/:id/typing', async (request): Promise<MarkReadResponse> => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    return receipts.typing(user, parseOr400(idParams, request.params).id);
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
