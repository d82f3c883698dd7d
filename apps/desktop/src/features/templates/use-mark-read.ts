import { useEffect } from 'react';
import { markConversationRead } from './templates-api.ts';

/**
 * Mark as read on open (issue 4): tells the server each time the conversation comes on screen, and
 * again when a new customer message arrives while it is (`lastInboundKey` changes). The server
 * applies the administrator's policy (`onOpen` or `never`); a failure here is harmless.
 */
export function useMarkReadOnOpen(
  conversationId: string,
  active: boolean,
  lastInboundKey: string | null,
): void {
  useEffect(() => {
    if (!active) return;
    markConversationRead(conversationId).catch(() => undefined);
  }, [conversationId, active, lastInboundKey]);
}
