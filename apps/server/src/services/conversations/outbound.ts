import { ApiError, routes, type MessageContent } from '@parlo/protocol';
import { addressOf, type OutboundMessage } from '@parlo/whatsapp';
import type { ConversationDetails, MessageRow, Store, StoreTx } from '../../store/index.ts';
import { contentOf, customerPhoneOf, displayPhone, mediaOf } from '../../views/index.ts';

/** Where a send goes: the customer's number when known, else their business-scoped user id. */
export type CustomerAddress = ReturnType<typeof addressOf>;

/** The address of a conversation's customer, as Meta documents it for each kind of identity. */
export function customerAddress(
  details: Pick<ConversationDetails, 'customerWaId' | 'customerUserId'>,
): CustomerAddress {
  const phone = customerPhoneOf(details.customerWaId);
  return addressOf({
    waId: phone === undefined ? undefined : displayPhone(phone),
    userId: details.customerUserId ?? undefined,
  });
}

/** What an agent's message carries besides its text: an attachment, a quoted customer message. */
export interface OutboundExtras {
  readonly kind: string;
  readonly content: string | null;
  readonly replyToWamid: string | null;
  readonly attachmentId: string | null;
}

/**
 * Checks the attachment and the replied-to message of an agent's send against the conversation
 * (in the send's transaction) and returns what the message row stores.
 */
export async function outboundExtras(
  tx: StoreTx,
  conversationId: string,
  body: { attachmentId?: string | undefined; replyToMessageId?: string | undefined },
): Promise<OutboundExtras> {
  let replyToWamid: string | null = null;
  if (body.replyToMessageId !== undefined) {
    const quoted = await tx.findMessageById(body.replyToMessageId);
    if (!quoted || quoted.conversationId !== conversationId || quoted.wamid === null) {
      throw new ApiError('VALIDATION_FAILED', 'Reply to a message of this conversation', {
        replyToMessageId: 'unknown',
      });
    }
    replyToWamid = quoted.wamid;
  }
  if (body.attachmentId === undefined)
    return { kind: 'text', content: null, replyToWamid, attachmentId: null };
  const media = await tx.findMedia(body.attachmentId);
  if (!media || media.conversationId !== conversationId || media.direction !== 'outbound') {
    throw new ApiError('VALIDATION_FAILED', 'Attach a file uploaded to this conversation', {
      attachmentId: 'unknown',
    });
  }
  const view = {
    status: 'ready' as const,
    url: routes.media(media.id),
    mimeType: media.mimeType,
    fileName: media.fileName,
  };
  const content: MessageContent = media.mimeType.startsWith('image/')
    ? { kind: 'image', media: view }
    : { kind: 'document', media: view };
  return { kind: content.kind, content: JSON.stringify(content), replyToWamid, attachmentId: media.id };
}

/** Ties the attachment (if any) to the message that sends it. */
export async function bindAttachment(
  tx: StoreTx,
  attachmentId: string | null,
  messageId: string,
): Promise<void> {
  if (attachmentId !== null) await tx.updateMedia(attachmentId, { messageId });
}

const MEDIA_PATH_PREFIX = routes.media('');

/**
 * The Graph API body that sends an agent's message: text, or an image / document by the media id
 * its upload got, with its caption; a reply quotes its customer message (context.message_id).
 */
export async function outboundBody(
  store: Store,
  message: MessageRow,
  address: CustomerAddress,
): Promise<OutboundMessage> {
  const context = message.replyToWamid ? { context: { message_id: message.replyToWamid } } : {};
  const content = contentOf(message);
  const media = mediaOf(content);
  if (
    media?.url &&
    media.url.startsWith(MEDIA_PATH_PREFIX) &&
    (content.kind === 'image' || content.kind === 'document')
  ) {
    const mediaId = decodeURIComponent(media.url.slice(MEDIA_PATH_PREFIX.length));
    const row = await store.transaction((tx) => tx.findMedia(mediaId));
    if (row?.waMediaId) {
      const caption = message.text.trim() === '' ? {} : { caption: message.text };
      return content.kind === 'image'
        ? { type: 'image', ...address, ...context, image: { id: row.waMediaId, ...caption } }
        : {
            type: 'document',
            ...address,
            ...context,
            document: { id: row.waMediaId, ...caption, ...(row.fileName ? { filename: row.fileName } : {}) },
          };
    }
  }
  // Issue 18: an automatic question with reply buttons or a list (a CSAT survey, ADR 28).
  if (content.kind === 'interactive' && content.options !== undefined && message.direction === 'outbound') {
    const body = { text: message.text };
    return content.reply === 'button'
      ? {
          type: 'interactive',
          ...address,
          ...context,
          interactive: {
            type: 'button',
            body,
            action: { buttons: content.options.map((o) => ({ type: 'reply' as const, reply: o })) },
          },
        }
      : {
          type: 'interactive',
          ...address,
          ...context,
          interactive: {
            type: 'list',
            body,
            // An outbound list keeps the label of the button that opens it in `description`.
            action: { button: content.description ?? 'Choose', sections: [{ rows: content.options }] },
          },
        };
  }
  return { type: 'text', ...address, ...context, text: { body: message.text, preview_url: false } };
}
