import { randomUUID } from 'node:crypto';
import { ApiError, type MessageView, type SendMessageRequest } from '@parlo/protocol';
import { commit, defaultSettings, readSettings, type ServerContext } from '../../platform/index.ts';
import type { ConversationDetails, StoreTx, UserRow } from '../../store/index.ts';
import { audienceOf, conversationBlockOf, SERVICE_WINDOW_MS, type Audience } from '../../views/index.ts';
import { conversationFor } from './access.ts';
import { recordFirstResponse } from './interaction-events.ts';
import { presentStored, pushToWatchers } from './messages.ts';
import { enqueueSend, type TemplateSend } from './outbox-rows.ts';
import { bindAttachment, outboundExtras } from './outbound.ts';

/** What an agent's message carries, composed once the author may write: the composer's or a template. */
export interface OutboundDraft {
  /** The row's kind: 'text', 'image' or 'document' (the composer), 'template'. */
  readonly kind: string;
  /** What the bubble shows (and the customer reads). */
  readonly text: string;
  /** JSON of the content beside the text (an attachment); null for plain text and templates. */
  readonly content: string | null;
  /** The customer message it quotes. */
  readonly replyToWamid: string | null;
  /** The uploaded attachment it sends, tied to the message once stored. */
  readonly attachmentId: string | null;
  /** A template's name, language and parameters, which Graph needs beside the rendered text. */
  readonly template?: TemplateSend;
}

/** One agent send: who writes where, and how the message is composed. */
export interface AgentSend {
  readonly author: UserRow;
  readonly conversationId: string;
  /** The idempotency key: a send retried with the same key stores, sends and pushes nothing new. */
  readonly clientMessageId: string;
  /**
   * Who may ask at all (anyone else: 403 NOT_CONVERSATION_OWNER). The composer answers every
   * viewer (one who left is told the conversation ended for them); templates only its watchers.
   */
  readonly askedBy: keyof Audience;
  /** Composes the message in the send's transaction; its checks (the 24-hour window...) throw. */
  readonly compose: (tx: StoreTx, details: ConversationDetails, now: number) => Promise<OutboundDraft>;
}

/**
 * S-8, S-9, S-20: an agent's message to the customer — typed in the composer or a template — in one
 * transaction: the author must be writing now (the owner or the joined guest of an active
 * conversation, S-7: not blocked), the message is stored with its outbox row (idempotent), and
 * both participants see it at once; the drainer is woken after commit and sends it.
 */
export async function sendAgentMessage(
  ctx: ServerContext,
  send: AgentSend,
): Promise<{ message: MessageView }> {
  const { author, conversationId } = send;
  const result = await commit(ctx, async (tx, out, now) => {
    const details = await conversationFor(tx, author, conversationId, send.askedBy);
    // The owner and a joined guest write (S-20); an agent who left it only reads.
    if (details.phaseKind !== 'active' || !audienceOf(details).watchers.includes(author.id))
      throw new ApiError('CONVERSATION_NOT_ACTIVE', 'This conversation has ended');
    // S-7: its business number or queue was deleted; only End (and wrap-up) remain.
    if (conversationBlockOf(details) !== null)
      throw new ApiError(
        'CONVERSATION_BLOCKED',
        'An administrator deleted what this conversation depends on',
      );
    const draft = await send.compose(tx, details, now);
    const { message, created } = await tx.insertOutboundMessage({
      id: `msg_${randomUUID()}`,
      conversationId,
      direction: 'outbound',
      wamid: null,
      kind: draft.kind,
      content: draft.content,
      replyToWamid: draft.replyToWamid,
      text: draft.text,
      authorName: author.displayName,
      authorUserId: author.id,
      sentAt: now,
      createdAt: now,
      status: 'pending',
      failureReason: null,
      clientMessageId: send.clientMessageId,
    });
    const view = await presentStored(tx, message, details);
    if (created) {
      await bindAttachment(tx, draft.attachmentId, message.id);
      await enqueueSend(tx, message, now, draft.template);
      await recordFirstResponse(tx, details, author.id, now);
      // In a conference both agents see every message either of them writes.
      pushToWatchers(out, details, view);
    }
    return { message: view, created };
  });
  if (result.created) ctx.kickOutbox();
  return { message: result.message };
}

/**
 * S-8, S-9: the composer's message — text, an attachment uploaded before, a quoted customer
 * message — allowed inside the 24-hour window only; in a conference, signed with the author's
 * first name when the administrator wants it.
 */
export function sendComposerMessage(
  ctx: ServerContext,
  author: UserRow,
  conversationId: string,
  body: SendMessageRequest,
): Promise<{ message: MessageView }> {
  return sendAgentMessage(ctx, {
    author,
    conversationId,
    clientMessageId: body.clientMessageId,
    askedBy: 'viewers',
    async compose(tx, details, now) {
      if (details.lastInboundAt === null || now > details.lastInboundAt + SERVICE_WINDOW_MS) {
        throw new ApiError(
          'OUTSIDE_SERVICE_WINDOW',
          'The 24-hour window is closed: only templates can be sent',
        );
      }
      // An attachment (uploaded before) and a quoted customer message, checked against this conversation.
      const extras = await outboundExtras(tx, conversationId, body);
      return { ...extras, text: await signedText(ctx, tx, details, author, body.text) };
    },
  });
}

/**
 * With the admin's conference signatures on, a message written during a conference reaches the
 * customer as "*FirstName*: text" (WhatsApp bold), so they know which agent wrote.
 */
async function signedText(
  ctx: ServerContext,
  tx: StoreTx,
  details: ConversationDetails,
  author: UserRow,
  text: string,
): Promise<string> {
  if (details.joinedGuestId === undefined) return text;
  const settings = await readSettings(tx, defaultSettings(ctx.config.DISCONNECT_GRACE_SECONDS));
  if (!settings.conferenceSignatures) return text;
  const firstName = author.displayName.trim().split(/\s+/)[0] ?? author.displayName;
  return `*${firstName}*: ${text}`;
}
