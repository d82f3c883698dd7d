import { agentLoad, type Agent, type Conversation, type Offer, type RoutingState } from '@parlo/core';
import type {
  AgentView,
  ContactView,
  ConversationView,
  MessageView,
  OfferView,
} from '@parlo/protocol';
import type { ConversationDetails, MessageRow, UserRow } from '../store/index.ts';

/** WhatsApp's customer-service window: 24 hours from the customer's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

const iso = (ms: number): string => new Date(ms).toISOString();

/** Meta's wa_id is digits without "+"; agents read numbers in E.164. */
export function displayPhone(waId: string): string {
  return /^\d+$/.test(waId) ? `+${waId}` : waId;
}

export function toAgentView(agent: Agent, user: Pick<UserRow, 'displayName'>, state: RoutingState): AgentView {
  const s = agent.state;
  const view: AgentView['state'] =
    s.kind === 'idle'
      ? { kind: 'idle', idleCodeId: s.idleCodeId, since: iso(s.since) }
      : { kind: s.kind, since: iso(s.since) };
  return {
    userId: agent.id,
    displayName: user.displayName,
    state: view,
    capacity: agent.capacity,
    load: agentLoad(state, agent.id),
  };
}

function toContactView(details: ConversationDetails): ContactView {
  return {
    customerName: details.customerName,
    customerPhone: displayPhone(details.customerWaId),
    businessNumber: displayPhone(details.businessDisplayNumber),
    queueName: details.queueName,
  };
}

export function toOfferView(offer: Offer, details: ConversationDetails): OfferView {
  return {
    ...toContactView(details),
    id: offer.id,
    conversationId: offer.conversationId,
    receivedAt: iso(details.receivedAt),
    offeredAt: iso(offer.createdAt),
    expiresAt: iso(offer.expiresAt),
  };
}

/** The agent-facing view of a conversation the agent owns; null in phases an agent does not hold. */
export function toConversationView(conversation: Conversation, details: ConversationDetails): ConversationView | null {
  const phase = conversation.phase;
  switch (phase.kind) {
    case 'active':
    case 'wrapUp':
      return {
        ...toContactView(details),
        id: conversation.id,
        phase: phase.kind,
        receivedAt: iso(details.receivedAt),
        acceptedAt: iso(phase.acceptedAt),
        windowExpiresAt: details.lastInboundAt === null ? null : iso(details.lastInboundAt + SERVICE_WINDOW_MS),
      };
    case 'queued':
    case 'offered':
    case 'closed':
      return null;
  }
}

export function toMessageView(row: MessageRow): MessageView {
  return {
    id: row.id,
    conversationId: row.conversationId,
    direction: row.direction,
    text: row.text,
    authorName: row.authorName,
    sentAt: iso(row.sentAt),
    status: row.status,
    failureReason: row.failureReason,
    clientMessageId: row.clientMessageId,
  };
}
