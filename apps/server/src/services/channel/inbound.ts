import { randomUUID } from 'node:crypto';
import { routes, type MessageContent, type MessageContext } from '@parlo/protocol';
import { isKnownMessage, type InboundDetails, type InboundMedia, type InboundMessage } from '@parlo/whatsapp';
import type { MediaRow, MessageRow, StoreTx } from '../../store/index.ts';
import { timeOrderedId } from '../../platform/index.ts';
import { mapUrl } from '../../views/index.ts';

/**
 * The text an agent sees for an inbound message. Every type gets something readable: a type
 * WhatsApp adds tomorrow shows as a placeholder rather than vanishing.
 */
export function describeInbound(message: InboundMessage): string {
  if (!isKnownMessage(message)) return `[${message.type}: not supported yet]`;
  switch (message.type) {
    case 'text':
      return message.text.body;
    case 'image':
    case 'video':
    case 'document':
    case 'audio':
    case 'sticker': {
      const media = (message as Record<string, unknown>)[message.type] as { caption?: string } | undefined;
      return media?.caption ? `[${message.type}] ${media.caption}` : `[${message.type}]`;
    }
    case 'location': {
      const { latitude, longitude, name } = message.location;
      return `[location] ${name ? `${name} ` : ''}(${latitude}, ${longitude})`;
    }
    case 'contacts':
      return '[contacts]';
    case 'interactive': {
      const reply = message.interactive;
      switch (reply.type) {
        case 'button_reply':
          return reply.button_reply.title;
        case 'list_reply':
          return reply.list_reply.title;
      }
      return '[interactive reply]';
    }
    case 'button':
      return message.button.text;
    case 'reaction':
      return message.reaction.emoji ? `[reaction] ${message.reaction.emoji}` : '[reaction removed]';
    case 'order':
      return '[order]';
    case 'system':
      return message.system.body ?? '[system]';
    case 'unsupported':
      return '[message type not supported by WhatsApp]';
  }
}

/**
 * Ids of inbound messages sort in arrival order: Meta's timestamps have whole seconds, so messages
 * of one second (a batch) fall back on the id, and must keep the order they came in.
 */
export function inboundMessageId(now: number): string {
  return timeOrderedId('msg', now);
}

/**
 * Where an inbound message stands in its conversation's timeline (its `sent_at`, ms). Meta's
 * timestamp has whole seconds: the customer wrote somewhere in `[timestamp, timestamp + 1 s)`. Read
 * as the second's start, a message written just after an agent's reply (sent_at to the ms) would
 * sort above that reply. So it is the moment Parlo received it, kept inside Meta's second: a prompt
 * delivery stands where the agent saw it arrive, a late one (Meta retries for days) at its own
 * second, and messages of different seconds keep Meta's order whatever order they arrived in.
 * Without a timestamp, the receipt. The 24-hour window still counts from Meta's second.
 */
export function inboundSentAt(timestampSeconds: string, receivedAt: number): number {
  const second = Number(timestampSeconds) * 1000;
  if (!Number.isFinite(second) || second <= 0) return receivedAt;
  return Math.min(Math.max(receivedAt, second), second + 999);
}

/** The media file of an inbound message, to be fetched from WhatsApp after ingest. */
export interface InboundMediaRef {
  /** Parlo's id of the file (the `media` row), chosen before the message is stored. */
  readonly id: string;
  readonly waMediaId: string;
  readonly mimeType: string;
  readonly fileName: string | null;
  readonly sha256: string | null;
}

/** What an inbound message becomes in the store: its text, its content and what it quotes. */
export interface InboundParts {
  /** The row's kind: WhatsApp's type. */
  readonly kind: string;
  /** The plain text or caption (media without a caption have none). */
  readonly text: string;
  /** JSON of the content; null for plain text. */
  readonly content: string | null;
  /** A reply's quoted wamid, or a reaction's target. */
  readonly replyToWamid: string | null;
  readonly media: InboundMediaRef | null;
}

/** Forwarded, ad referral, product asked about; undefined when the message says none of them. */
export function contextOf(details: InboundDetails | undefined): MessageContext | undefined {
  if (!details) return undefined;
  const referral = details.referral;
  const context: MessageContext = {
    forwarded: details.frequentlyForwarded ? 'many' : details.forwarded ? 'once' : null,
    referral: referral
      ? {
          sourceType: referral.sourceType ?? null,
          sourceUrl: referral.sourceUrl ?? null,
          headline: referral.headline ?? null,
          body: referral.body ?? null,
          mediaType: referral.mediaType ?? null,
          mediaUrl: referral.imageUrl ?? referral.videoUrl ?? referral.thumbnailUrl ?? null,
        }
      : null,
    product: details.referredProduct ?? null,
  };
  return context.forwarded === null && context.referral === null && context.product === null
    ? undefined
    : context;
}

/**
 * Splits an inbound message into what Parlo stores; every type, known or not, gets a content. What
 * Meta says about it (forwarded, the ad it came from, the product asked about) rides in the content
 * as `context`.
 */
export function inboundParts(message: InboundMessage, details?: InboundDetails): InboundParts {
  const parts = partsOf(message, details);
  const context = contextOf(details);
  if (!context) return parts;
  const content = parts.content === null ? { kind: 'text' } : (JSON.parse(parts.content) as object);
  return { ...parts, content: JSON.stringify({ ...content, context }) };
}

function partsOf(message: InboundMessage, details: InboundDetails | undefined): InboundParts {
  const replyToWamid = message.context?.id ?? null;
  const plain = (text: string, content: MessageContent | null): InboundParts => ({
    kind: message.type,
    text,
    content: content === null ? null : JSON.stringify(content),
    replyToWamid,
    media: null,
  });
  const error = details?.errors[0];
  const reason = { code: error?.code ?? null, title: error?.title ?? null };
  if (!isKnownMessage(message)) {
    return plain(describeInbound(message), { kind: 'unsupported', type: message.type, ...reason });
  }
  switch (message.type) {
    case 'text':
      return plain(message.text.body, null);
    case 'image':
      return withMedia(message.type, message.image, replyToWamid);
    case 'video':
      return withMedia(message.type, message.video, replyToWamid);
    case 'document':
      return withMedia(message.type, message.document, replyToWamid);
    case 'sticker':
      return withMedia(message.type, message.sticker, replyToWamid);
    case 'audio':
      return withMedia(message.type, message.audio, replyToWamid);
    case 'location': {
      const { latitude, longitude, name, address } = message.location;
      return plain([name, address].filter(Boolean).join(', '), {
        kind: 'location',
        latitude,
        longitude,
        name: name ?? null,
        address: address ?? null,
        mapUrl: mapUrl(latitude, longitude),
      });
    }
    case 'contacts': {
      const contacts = message.contacts.map((c) => ({
        name: c.name?.formatted_name ?? '',
        phones: (c.phones ?? []).flatMap((p) => ((p.phone ?? p.wa_id) ? [p.phone ?? p.wa_id ?? ''] : [])),
      }));
      return plain(contacts.map((c) => c.name).join(', '), { kind: 'contacts', contacts });
    }
    case 'interactive': {
      const reply = message.interactive;
      return reply.type === 'button_reply'
        ? plain(reply.button_reply.title, {
            kind: 'interactive',
            reply: 'button',
            title: reply.button_reply.title,
            description: null,
          })
        : plain(reply.list_reply.title, {
            kind: 'interactive',
            reply: 'list',
            title: reply.list_reply.title,
            description: reply.list_reply.description ?? null,
          });
    }
    case 'button':
      return plain(message.button.text, {
        kind: 'button',
        title: message.button.text,
        payload: message.button.payload,
      });
    case 'reaction':
      // Stored as its own row (dedupe by wamid) and shown on the bubble of `message_id`.
      return {
        kind: 'reaction',
        text: '',
        content: JSON.stringify({ kind: 'reaction', emoji: message.reaction.emoji ?? '' }),
        replyToWamid: message.reaction.message_id,
        media: null,
      };
    case 'order': {
      const order = details?.order;
      if (!order)
        return plain(describeInbound(message), { kind: 'unsupported', type: message.type, ...reason });
      return plain(order.text ?? '', {
        kind: 'order',
        catalogId: order.catalogId,
        items: order.items,
        totals: order.totals,
      });
    }
    case 'system':
      return plain(describeInbound(message), {
        kind: 'customerChanged',
        change: details?.system?.change ?? 'other',
      });
    case 'unsupported':
      return plain(describeInbound(message), {
        kind: 'unsupported',
        type: message.unsupported?.type ?? 'unsupported',
        ...reason,
      });
  }
}

function withMedia(
  kind: 'image' | 'audio' | 'video' | 'document' | 'sticker',
  media: InboundMedia,
  replyToWamid: string | null,
): InboundParts {
  const id = `med_${randomUUID()}`;
  const view = {
    status: 'pending' as const,
    url: routes.media(id),
    mimeType: media.mime_type,
    fileName: media.filename ?? null,
  };
  const content: MessageContent =
    kind === 'audio' ? { kind, media: view, voice: media.voice === true } : { kind, media: view };
  return {
    kind,
    text: media.caption ?? '',
    content: JSON.stringify(content),
    replyToWamid,
    media: {
      id,
      waMediaId: media.id,
      mimeType: media.mime_type,
      fileName: media.filename ?? null,
      sha256: media.sha256 ?? null,
    },
  };
}

/**
 * Called in the ingest transaction once the message row is stored: queues its media file for the
 * fetcher, due at once. The download itself happens after commit and never holds up the text.
 */
export async function recordInboundMedia(
  tx: StoreTx,
  row: Pick<MessageRow, 'id' | 'conversationId'>,
  businessNumberId: string,
  parts: InboundParts,
  now: number,
): Promise<void> {
  if (parts.media === null) return;
  const media: MediaRow = {
    id: parts.media.id,
    conversationId: row.conversationId,
    businessNumberId,
    messageId: row.id,
    direction: 'inbound',
    waMediaId: parts.media.waMediaId,
    mimeType: parts.media.mimeType,
    fileName: parts.media.fileName,
    sha256: parts.media.sha256,
    status: 'pending',
    attempts: 0,
    dueAt: now,
    storageKey: null,
    size: null,
    lastError: null,
    createdAt: now,
  };
  await tx.insertMedia(media);
}
