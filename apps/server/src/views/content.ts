import {
  messageContentSchema,
  messageContextSchema,
  type MessageContent,
  type MessageContext,
  type MessageMediaView,
} from '@parlo/protocol';
import type { MediaStatus, MessageRow } from '../store/index.ts';

/** OpenStreetMap, which needs no key and no account, shows the place to the agent. */
export function mapUrl(latitude: number, longitude: number): string {
  return `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=16/${latitude}/${longitude}`;
}

/** The stored content of a row; plain text when it has none, a placeholder when unreadable. */
export function contentOf(row: Pick<MessageRow, 'content'>): MessageContent {
  if (row.content === undefined || row.content === null) return { kind: 'text' };
  try {
    const parsed = messageContentSchema.safeParse(JSON.parse(row.content));
    return parsed.success ? parsed.data : { kind: 'unsupported', type: 'unknown' };
  } catch {
    return { kind: 'unsupported', type: 'unknown' };
  }
}

/** The media of a content, if it has one. */
export function mediaOf(content: MessageContent): MessageMediaView | undefined {
  switch (content.kind) {
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      return content.media;
    case 'text':
    case 'location':
    case 'contacts':
    case 'interactive':
    case 'button':
    case 'reaction':
    case 'unsupported':
    case 'note':
    case 'internalNote':
    case 'order':
    case 'customerChanged':
      return undefined;
  }
}

/** What an inbound row's content says of where it came from (forwarded, ad, product), if anything. */
export function messageContextOf(row: Pick<MessageRow, 'content'>): MessageContext | undefined {
  if (row.content === undefined || row.content === null) return undefined;
  try {
    const parsed = messageContextSchema.safeParse((JSON.parse(row.content) as { context?: unknown }).context);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The content JSON with its media's status changed (nothing else). */
export function withMediaStatus(row: Pick<MessageRow, 'content'>, status: MediaStatus): string | null {
  const content = contentOf(row);
  const media = mediaOf(content);
  if (!media) return row.content ?? null;
  return JSON.stringify({ ...content, media: { ...media, status } });
}
