import type { Insertable, Selectable } from 'kysely';
import { oneOf } from './columns.ts';
import type {
  ConversationDetails,
  CustomerRow,
  DeliveryStatus,
  MessageDirection,
  MessageRow,
  NewConversation,
  ParticipantWrapUpRow,
} from './ports/conversations.ts';
import { parseDeparted, type ConversationRoutingRow } from './routing-rows.ts';
import type { ConversationsTable, CustomersTable, MessagesTable, ParticipantWrapUpsTable } from './schema.ts';

/**
 * Row mappings of the conversations repository: `customers`, `conversations` (a new row, and the
 * details joined from it), `messages` and `participant_wrap_ups`. The routing columns of a
 * conversation are mapped in routing-rows.ts.
 */

const DIRECTIONS: readonly MessageDirection[] = ['inbound', 'outbound', 'system'];
const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'sent', 'delivered', 'read', 'failed'];
const PHASE_KINDS: readonly ConversationDetails['phaseKind'][] = [
  'queued',
  'offered',
  'active',
  'wrapUp',
  'closed',
];

export function customerFromRow(row: Selectable<CustomersTable>): CustomerRow {
  return {
    id: row.id,
    businessNumberId: row.business_number_id,
    waId: row.wa_id,
    name: row.name,
    userId: row.user_id,
    username: row.username,
    marketingOptedOutAt: row.marketing_opted_out_at,
  };
}

/** A new conversation's row: queued (or closed, S-7), never offered, nobody departed. */
export function newConversationToRow(conversation: NewConversation): Insertable<ConversationsTable> {
  return {
    ...insertedRoutingRow(conversation),
    customer_id: conversation.customerId,
    business_number_id: conversation.businessNumberId,
  };
}

/** A new conversation's routing columns, as `newConversationToRow` inserts them: waiting, offered to nobody. */
export function insertedRoutingRow(conversation: NewConversation): ConversationRoutingRow {
  return {
    id: conversation.id,
    queue_id: conversation.queueId,
    received_at: conversation.receivedAt,
    last_inbound_at: null,
    offer_count: 0,
    lapsed_agent_ids: '[]',
    phase_kind: conversation.closedAt === undefined ? 'queued' : 'closed',
    phase_agent_id: null,
    phase_offer_id: null,
    accepted_at: null,
    ended_at: null,
    closed_at: conversation.closedAt ?? null,
    wrap_up_reason_id: null,
    guest_kind: null,
    guest_agent_id: null,
    guest_offer_id: null,
    guest_joined_at: null,
    departed: '[]',
    at_head: 0,
    preferred_agent_id: null,
    preferred_until: null,
  };
}

/** What the details query selects: a conversation joined with its customer, number and queue. */
export interface DetailsRow {
  id: string;
  customer_id: string;
  customer_name: string;
  customer_wa_id: string;
  customer_user_id: string | null;
  customer_username: string | null;
  customer_marketing_opted_out_at: number | null;
  business_number_id: string;
  business_display_number: string;
  queue_id: string;
  queue_name: string;
  received_at: number;
  last_inbound_at: number | null;
  phase_kind: string;
  phase_agent_id: string | null;
  business_number_deleted_at: number | null;
  queue_deleted_at: number | null;
  guest_kind: string | null;
  guest_agent_id: string | null;
  departed: string;
}

export function detailsFromRow(row: DetailsRow): ConversationDetails {
  return {
    id: row.id,
    customerId: row.customer_id,
    customerName: row.customer_name,
    customerWaId: row.customer_wa_id,
    customerUserId: row.customer_user_id,
    customerUsername: row.customer_username,
    customerMarketingOptedOutAt: row.customer_marketing_opted_out_at,
    businessNumberId: row.business_number_id,
    businessDisplayNumber: row.business_display_number,
    queueId: row.queue_id,
    queueName: row.queue_name,
    receivedAt: row.received_at,
    lastInboundAt: row.last_inbound_at,
    phaseKind: oneOf(row.phase_kind, PHASE_KINDS, 'phase kind'),
    agentId: row.phase_agent_id,
    // Only when set: rows of live resources read exactly as before soft delete existed.
    ...(row.business_number_deleted_at === null ? {} : { businessNumberDeleted: true }),
    ...(row.queue_deleted_at === null ? {} : { queueDeleted: true }),
    // Transfer and conference (S-14..S-23): only when set, like the fields above.
    ...(row.guest_kind === 'joined' && row.guest_agent_id !== null
      ? { joinedGuestId: row.guest_agent_id }
      : {}),
    ...(row.departed === '[]'
      ? {}
      : {
          departedAgentIds: parseDeparted(row.departed, `conversation ${row.id} departed`).map(
            (p) => p.agentId,
          ),
        }),
  };
}

export function messageToRow(message: MessageRow): MessagesTable {
  return {
    id: message.id,
    conversation_id: message.conversationId,
    direction: message.direction,
    wamid: message.wamid,
    kind: message.kind,
    text: message.text,
    author_name: message.authorName,
    author_user_id: message.authorUserId,
    sent_at: message.sentAt,
    created_at: message.createdAt,
    status: message.status,
    failure_reason: message.failureReason,
    client_message_id: message.clientMessageId,
    content: message.content ?? null,
    reply_to_wamid: message.replyToWamid ?? null,
  };
}

export function messageFromRow(row: Selectable<MessagesTable>): MessageRow {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    direction: oneOf(row.direction, DIRECTIONS, 'message direction'),
    wamid: row.wamid,
    kind: row.kind,
    text: row.text,
    authorName: row.author_name,
    authorUserId: row.author_user_id,
    sentAt: row.sent_at,
    createdAt: row.created_at,
    status: row.status === null ? null : oneOf(row.status, DELIVERY_STATUSES, 'delivery status'),
    failureReason: row.failure_reason,
    clientMessageId: row.client_message_id,
    // Left out when unset, so a plain text row reads back as it was written.
    ...(row.content === null ? {} : { content: row.content }),
    ...(row.reply_to_wamid === null ? {} : { replyToWamid: row.reply_to_wamid }),
  };
}

export function participantWrapUpToRow(row: ParticipantWrapUpRow): Insertable<ParticipantWrapUpsTable> {
  return {
    id: row.id,
    conversation_id: row.conversationId,
    agent_id: row.agentId,
    role: row.role,
    reason_id: row.reasonId,
    accepted_at: row.acceptedAt,
    ended_at: row.endedAt,
    wrapped_up_at: row.wrappedUpAt,
  };
}

export function participantWrapUpFromRow(row: Selectable<ParticipantWrapUpsTable>): ParticipantWrapUpRow {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    agentId: row.agent_id,
    role: row.role === 'guest' ? 'guest' : 'owner',
    reasonId: row.reason_id,
    acceptedAt: row.accepted_at,
    endedAt: row.ended_at,
    wrappedUpAt: row.wrapped_up_at,
  };
}
