import { randomUUID } from 'node:crypto';
import { ApiError, MAX_TEXT_LENGTH, sendMessageRequestSchema } from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireUser } from '../auth/sessions.ts';
import { commit, type ServerContext } from '../context.ts';
import { parseOr400 } from '../http/errors.ts';
import type { ConversationDetails, StoreTx, UserRow } from '../store/index.ts';
import { conversationBlockOf, Presenter, SERVICE_WINDOW_MS } from '../views/index.ts';
import { enqueueSend } from '../channel/outbox.ts';
import { defaultSettings, readSettings } from '../settings/index.ts';
import { presentStored } from '../channel/inbound.ts';
import { bindAttachment, outboundExtras } from '../media/outbound.ts';

const idParams = z.object({ id: z.string().min(1).max(200) });

/**
 * The conversation, if `user` holds it (active or in wrap-up), is its joined conference guest, or
 * left it and still wraps it up (S-18, S-23: they read the whole history); 403/404 otherwise.
 */
async function heldConversation(tx: StoreTx, user: UserRow, id: string): Promise<ConversationDetails> {
  const [details] = await tx.getConversationDetails([id]);
  if (!details) throw new ApiError('NOT_FOUND', 'No such conversation');
  const held =
    ((details.phaseKind === 'active' || details.phaseKind === 'wrapUp') && details.agentId === user.id) ||
    details.joinedGuestId === user.id ||
    (details.departedAgentIds?.includes(user.id) ?? false);
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
      return { messages: presenter.messages(await tx.listMessages(id), details) };
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
      // The owner and a joined guest write (S-20); an agent who left it only reads.
      if (
        details.phaseKind !== 'active' ||
        (details.agentId !== user.id && details.joinedGuestId !== user.id)
      )
        throw new ApiError('CONVERSATION_NOT_ACTIVE', 'This conversation has ended');
      // S-7: its business number or queue was deleted; only End (and wrap-up) remain.
      if (conversationBlockOf(details) !== null)
        throw new ApiError(
          'CONVERSATION_BLOCKED',
          'An administrator deleted what this conversation depends on',
        );
      if (details.lastInboundAt === null || now > details.lastInboundAt + SERVICE_WINDOW_MS) {
        throw new ApiError(
          'OUTSIDE_SERVICE_WINDOW',
          'The 24-hour window is closed: only templates can be sent',
        );
      }
      // An attachment (uploaded before) and a quoted customer message, checked against this conversation.
      const extras = await outboundExtras(tx, id, body);
      const { message, created } = await tx.insertOutboundMessage({
        id: `msg_${randomUUID()}`,
        conversationId: id,
        direction: 'outbound',
        wamid: null,
        kind: extras.kind,
        content: extras.content,
        replyToWamid: extras.replyToWamid,
        text: await signedText(tx, ctx, details, user, body.text),
        authorName: user.displayName,
        authorUserId: user.id,
        sentAt: now,
        createdAt: now,
        status: 'pending',
        failureReason: null,
        clientMessageId: body.clientMessageId,
      });
      const view = await presentStored(tx, await out.presenter(), message, details);
      if (created) {
        await bindAttachment(tx, extras, message.id);
        await enqueueSend(tx, message, now);
        // In a conference both agents see every message either of them writes.
        for (const agentId of new Set([user.id, details.agentId, details.joinedGuestId])) {
          if (agentId !== null && agentId !== undefined)
            await out.emit(agentId, { type: 'message.upserted', message: view });
        }
      }
      return { message: view, created };
    });
    if (result.created) ctx.kickOutbox();
    return { message: result.message };
  });
}

/**
 * With the admin's conference signatures on, a message written during a conference reaches the
 * customer as "*FirstName*: text" (WhatsApp bold), so they know which agent wrote.
 */
async function signedText(
  tx: StoreTx,
  ctx: ServerContext,
  details: ConversationDetails,
  user: UserRow,
  text: string,
): Promise<string> {
  if (details.joinedGuestId === undefined) return text;
  const settings = await readSettings(tx, defaultSettings(ctx.config.DISCONNECT_GRACE_SECONDS));
  if (!settings.conferenceSignatures) return text;
  const firstName = user.displayName.trim().split(/\s+/)[0] ?? user.displayName;
  return `*${firstName}*: ${text}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
