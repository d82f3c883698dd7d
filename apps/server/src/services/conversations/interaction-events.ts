import type { ConversationDetails, InteractionEventRow, StoreTx } from '../../store/index.ts';
import { timeOrderedId } from '../../platform/index.ts';

/** What a conversation's events carry of it (ADR 22): ids only. */
export type EventConversation = Pick<
  ConversationDetails,
  'id' | 'customerId' | 'businessNumberId' | 'queueId' | 'receivedAt'
>;

/** The interaction event of a customer message (ADR 22): when, never what. */
export function customerMessageEvent(conversation: EventConversation, at: number): InteractionEventRow {
  return {
    id: timeOrderedId('ie', at),
    kind: 'customer_message',
    at,
    conversationId: conversation.id,
    customerId: conversation.customerId,
    startedAt: conversation.receivedAt,
    queueId: conversation.queueId,
    agentId: null,
    businessNumberId: conversation.businessNumberId,
    durationMs: null,
    reasonId: null,
    detail: null,
  };
}

/**
 * Records the conversation's first response (ADR 22) when this agent message is its first one:
 * the time from the customer's first message to it. One indexed read per agent message.
 */
export async function recordFirstResponse(
  tx: StoreTx,
  conversation: EventConversation,
  agentId: string,
  at: number,
): Promise<void> {
  const done = await tx.interactionEvents.conversationsWith('first_response', [conversation.id]);
  if (done.size > 0) return;
  await tx.interactionEvents.append([
    {
      id: timeOrderedId('ie', at),
      kind: 'first_response',
      at,
      conversationId: conversation.id,
      customerId: conversation.customerId,
      startedAt: conversation.receivedAt,
      queueId: conversation.queueId,
      agentId,
      businessNumberId: conversation.businessNumberId,
      durationMs: at - conversation.receivedAt,
      reasonId: null,
      detail: null,
    },
  ]);
}
