import type { MessageQuoteView, MessageView } from '@parlo/protocol';

/** The quote an optimistic reply shows until the server's copy (with its own quote) replaces it. */
export function quoteOf(message: MessageView): MessageQuoteView {
  return {
    messageId: message.id,
    direction: message.direction,
    authorName: message.authorName,
    text: message.text,
    kind: message.content?.kind ?? 'text',
  };
}
