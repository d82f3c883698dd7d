import { useCallback, useEffect, useRef } from 'react';
import { markConversationRead, notifyTyping } from './templates-api.ts';

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

/** WhatsApp shows a typing indicator for 25 s: told again after this long while the agent still types. */
const TYPING_EVERY_MS = 20_000;

/**
 * Typing indicator (issue 14): returns a function the composer calls on each keystroke; it tells the
 * server at most once per conversation every 20 s (the server throttles as well). A failure is
 * harmless: the customer just does not see "typing…".
 */
export function useTypingIndicator(conversationId: string): () => void {
  const last = useRef(new Map<string, number>());
  return useCallback(() => {
    const now = Date.now();
    const previous = last.current.get(conversationId);
    if (previous !== undefined && now - previous < TYPING_EVERY_MS) return;
    last.current.set(conversationId, now);
    notifyTyping(conversationId).catch(() => undefined);
  }, [conversationId]);
}
