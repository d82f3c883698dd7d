import { randomUUID } from 'node:crypto';
import { ApiError, MAX_TEXT_LENGTH, sendMessageRequestSchema } from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireUser } from '../auth/sessions.ts';
import { commit, type ServerContext } from '../context.ts';
import { parseOr400 } from '../http/errors.ts';
import type { ConversationDetails, StoreTx, UserRow } from '../store/index.ts';
import { Presenter, SERVICE_WINDOW_MS } from '../views/index.ts';
import { enqueueSend } from '../channel/outbox.ts';

const idParams = z.object({ id: z.string().min(1).max(200) });

/** The conversation, if `user` holds it (active or in wrap-up); 403/404 otherwise. */
async function heldConversation(tx: StoreTx, user: UserRow, id: string): Promise<ConversationDetails> {
  const [details] = await tx.getConversationDetails([id]);
  if (!details) throw new ApiError('NOT_FOUND', 'No such conversation');
  const held =
    (details.phaseKind === 'active' || details.phaseKind === 'wrapUp') && details.agentId === user.id;
  if (!held) throw new ApiError('NOT_CONVERSATION_OWNER', 'This conversation belongs to another agent');
  return details;
}

export function registerConversationRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/conversations/:id/messages', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    return ctx.store.transaction(async (tx) => {
      const details = await heldConversation(tx, user, id);
      const presenter = await Presenter.load(tx);
      return { messages: (await tx.listMessages(id)).map((row) => presenter.message(row, details)) };
    });
  });

  // S-8, S-9: the agent's reply; stored with its outbox row in one transaction, sent after commit.
  app.post('/api/conversations/:id/messages', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    const raw: unknown = request.body;
    if (isObject(raw) && typeof raw.text === 'string' && raw.text.length > MAX_TEXT_LENGTH) {
      throw new ApiError('MESSAGE_TOO_LONG', `A message holds at most ${MAX_TEXT_LENGTH} characters`);
    }
    const body = parseOr400(sendMessageRequestSchema, raw);
    const result = await commit(ctx, async (tx, out, now) => {
      const details = await heldConversation(tx, user, id);
      if (details.phaseKind !== 'active')
        throw new ApiError('CONVERSATION_NOT_ACTIVE', 'This conversation has ended');
      if (details.lastInboundAt === null || now > details.lastInboundAt + SERVICE_WINDOW_MS) {
        throw new ApiError(
          'OUTSIDE_SERVICE_WINDOW',
          'The 24-hour window is closed: only templates can be sent',
        );
      }
      const { message, created } = await tx.insertOutboundMessage({
        id: `msg_${randomUUID()}`,
        conversationId: id,
        direction: 'outbound',
        wamid: null,
        kind: 'text',
        text: body.text,
        authorName: user.displayName,
        authorUserId: user.id,
        sentAt: now,
        createdAt: now,
        status: 'pending',
        failureReason: null,
        clientMessageId: body.clientMessageId,
      });
      const view = (await out.presenter()).message(message, details);
      if (created) {
        await enqueueSend(tx, message, now);
        await out.emit(user.id, { type: 'message.upserted', message: view });
      }
      return { message: view, created };
    });
    if (result.created) ctx.kickOutbox();
    return { message: result.message };
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
