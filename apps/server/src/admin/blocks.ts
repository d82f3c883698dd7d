import type { ConversationBlock } from '@parlo/protocol';
import type { StoreTx } from '../store/index.ts';
import { conversationBlockOf } from '../views/index.ts';

/**
 * S-7: whether an administrator deleted something the conversation depends on (its business
 * number or its queue), in the caller's transaction. Routes that would carry the conversation on
 * (send, transfer, conference) refuse with 409 CONVERSATION_BLOCKED when this is not null; End and
 * wrap-up stay allowed. null also for an unknown conversation (the caller answers 404 on its own).
 */
export async function conversationBlock(
  tx: Pick<StoreTx, 'getConversationDetails'>,
  conversationId: string,
): Promise<ConversationBlock> {
  const [details] = await tx.getConversationDetails([conversationId]);
  return details ? conversationBlockOf(details) : null;
}
