import { isKnownMessage, type InboundMessage } from '@parlo/whatsapp';

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
