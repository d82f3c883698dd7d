import type {
  Agent,
  AgentState,
  Conversation,
  ConversationPhase,
  DepartedParticipant,
  Guest,
  Offer,
  OfferPurpose,
  OfferStatus,
  Queue,
  RoutingStrategy,
} from '@parlo/core';
import { SERVICE_WINDOW_MS } from '@parlo/whatsapp';
import type { AgentsTable, ConversationsTable, OffersTable, QueuesTable } from './schema.ts';
import type { QueueRow } from './ports/catalog.ts';

/**
 * Pure mappings between the routing model's discriminated unions and flat rows. A row that does
 * not fit its kind throws: a corrupt row must not be routed on.
 */

/** The state columns of an agent row. */
export type AgentStateColumns = Pick<
  AgentsTable,
  'state_kind' | 'state_since' | 'idle_code_id' | 'last_offered_at' | 'disconnected_at'
>;

/** The routing columns of a conversation row (what `saveRoutingChanges` writes). */
export type ConversationRoutingColumns = Pick<
  ConversationsTable,
  | 'offer_count'
  | 'lapsed_agent_ids'
  | 'phase_kind'
  | 'phase_agent_id'
  | 'phase_offer_id'
  | 'accepted_at'
  | 'ended_at'
  | 'closed_at'
  | 'wrap_up_reason_id'
  | 'guest_kind'
  | 'guest_agent_id'
  | 'guest_offer_id'
  | 'guest_joined_at'
  | 'departed'
  | 'at_head'
  | 'preferred_agent_id'
  | 'preferred_until'
>;

/** The routing columns of a conversation row as read. */
export type ConversationRoutingRow = Pick<
  ConversationsTable,
  'id' | 'queue_id' | 'received_at' | 'last_inbound_at'
> &
  ConversationRoutingColumns;

/** Agent state and lastOfferedAt as columns. */
export function agentStateToColumns(agent: Agent): AgentStateColumns {
  const state = agent.state;
  return {
    state_kind: state.kind,
    state_since: state.since,
    idle_code_id: state.kind === 'idle' ? state.idleCodeId : null,
    last_offered_at: agent.lastOfferedAt,
    disconnected_at: agent.disconnectedAt ?? null,
  };
}

/** An agent row back into the model. */
export function agentFromRow(row: AgentsTable): Agent {
  return {
    id: row.user_id,
    state: agentStateFromRow(row),
    capacity: row.capacity,
    queueIds: parseStringArray(row.queue_ids, `agent ${row.user_id} queue_ids`),
    lastOfferedAt: row.last_offered_at,
    ...(row.disconnected_at === null ? {} : { disconnectedAt: row.disconnected_at }),
  };
}

function agentStateFromRow(row: AgentsTable): AgentState {
  switch (row.state_kind) {
    case 'available':
      return { kind: 'available', since: row.state_since };
    case 'idle':
      return {
        kind: 'idle',
        idleCodeId: required(row.idle_code_id, row.user_id, 'idle_code_id'),
        since: row.state_since,
      };
    case 'rona':
      return { kind: 'rona', since: row.state_since };
    default:
      throw new Error(`agent ${row.user_id}: unknown state_kind`);
  }
}

/** A queue row as the routing model sees it (its name is administration data). */
export function queueFromRow(row: QueuesTable): Queue {
  return {
    id: row.id,
    priority: row.priority,
    offerTimeoutMs: row.offer_timeout_ms,
    strategy: strategyFromColumn(row.strategy, row.id),
    ...queuePoliciesFromRow(row),
  };
}

/** A queue's policies from its row; a policy not set is absent rather than null. */
export function queuePoliciesFromRow(
  row: QueuesTable,
): Pick<
  Queue,
  'autoWrapUpMs' | 'defaultWrapUpReasonId' | 'maxWaitMs' | 'overflowQueueId' | 'windowFirst' | 'stickyAgentMs'
> {
  return {
    ...(row.auto_wrap_up_ms === null ? {} : { autoWrapUpMs: row.auto_wrap_up_ms }),
    ...(row.default_wrap_up_reason_id === null
      ? {}
      : { defaultWrapUpReasonId: row.default_wrap_up_reason_id }),
    ...(row.max_wait_ms === null ? {} : { maxWaitMs: row.max_wait_ms }),
    ...(row.overflow_queue_id === null ? {} : { overflowQueueId: row.overflow_queue_id }),
    ...(row.window_first_threshold_ms === null || row.window_first_max_overtake_ms === null
      ? {}
      : {
          windowFirst: {
            thresholdMs: Number(row.window_first_threshold_ms),
            maxOvertakeMs: Number(row.window_first_max_overtake_ms),
          },
        }),
    ...(row.sticky_agent_ms === null ? {} : { stickyAgentMs: Number(row.sticky_agent_ms) }),
  };
}

/** A queue's policy columns, as written by insertQueue and updateQueue. */
export function queuePolicyColumns(
  queue: QueueRow,
): Pick<
  QueuesTable,
  | 'auto_wrap_up_ms'
  | 'default_wrap_up_reason_id'
  | 'max_wait_ms'
  | 'overflow_queue_id'
  | 'window_first_threshold_ms'
  | 'window_first_max_overtake_ms'
  | 'sticky_agent_ms'
> {
  return {
    auto_wrap_up_ms: queue.autoWrapUpMs ?? null,
    default_wrap_up_reason_id: queue.defaultWrapUpReasonId ?? null,
    max_wait_ms: queue.maxWaitMs ?? null,
    overflow_queue_id: queue.overflowQueueId ?? null,
    window_first_threshold_ms: queue.windowFirst?.thresholdMs ?? null,
    window_first_max_overtake_ms: queue.windowFirst?.maxOvertakeMs ?? null,
    sticky_agent_ms: queue.stickyAgentMs ?? null,
  };
}

/** Checks a stored strategy name. */
export function strategyFromColumn(value: string, queueId: string): RoutingStrategy {
  if (value === 'longestAvailable' || value === 'leastBusy') return value;
  throw new Error(`queue ${queueId}: unknown strategy`);
}

/** A conversation's routing fields as columns. */
export function conversationToColumns(conversation: Conversation): ConversationRoutingColumns {
  const base = {
    offer_count: conversation.offerCount,
    lapsed_agent_ids: JSON.stringify(conversation.lapsedAgentIds),
    phase_agent_id: null,
    phase_offer_id: null,
    accepted_at: null,
    ended_at: null,
    closed_at: null,
    wrap_up_reason_id: null,
    guest_kind: null,
    guest_agent_id: null,
    guest_offer_id: null,
    guest_joined_at: null,
    departed: JSON.stringify(conversation.departed ?? []),
    at_head: conversation.atHead === true ? 1 : 0,
    preferred_agent_id: conversation.preferredAgentId ?? null,
    preferred_until: conversation.preferredUntil ?? null,
  };
  const phase = conversation.phase;
  switch (phase.kind) {
    case 'queued':
      return { ...base, phase_kind: phase.kind };
    case 'offered':
      return {
        ...base,
        phase_kind: phase.kind,
        phase_agent_id: phase.agentId,
        phase_offer_id: phase.offerId,
      };
    case 'active':
      return {
        ...base,
        phase_kind: phase.kind,
        phase_agent_id: phase.ownerId,
        accepted_at: phase.acceptedAt,
        ...guestColumns(phase.guest),
      };
    case 'wrapUp':
      return {
        ...base,
        phase_kind: phase.kind,
        phase_agent_id: phase.ownerId,
        accepted_at: phase.acceptedAt,
        ended_at: phase.endedAt,
      };
    case 'closed':
      return {
        ...base,
        phase_kind: phase.kind,
        phase_agent_id: phase.ownerId,
        closed_at: phase.closedAt,
        wrap_up_reason_id: phase.wrapUpReasonId,
      };
  }
}

function guestColumns(
  guest: Guest | undefined,
): Pick<ConversationRoutingColumns, 'guest_kind' | 'guest_agent_id' | 'guest_offer_id' | 'guest_joined_at'> {
  if (!guest) return { guest_kind: null, guest_agent_id: null, guest_offer_id: null, guest_joined_at: null };
  switch (guest.kind) {
    case 'requested':
      return {
        guest_kind: guest.kind,
        guest_agent_id: guest.agentId,
        guest_offer_id: guest.offerId,
        guest_joined_at: null,
      };
    case 'joined':
      return {
        guest_kind: guest.kind,
        guest_agent_id: guest.agentId,
        guest_offer_id: null,
        guest_joined_at: guest.joinedAt,
      };
  }
}

function guestFromRow(row: ConversationRoutingRow): Guest | undefined {
  switch (row.guest_kind) {
    case null:
      return undefined;
    case 'requested':
      return {
        kind: 'requested',
        agentId: required(row.guest_agent_id, row.id, 'guest_agent_id'),
        offerId: required(row.guest_offer_id, row.id, 'guest_offer_id'),
      };
    case 'joined':
      return {
        kind: 'joined',
        agentId: required(row.guest_agent_id, row.id, 'guest_agent_id'),
        joinedAt: required(row.guest_joined_at, row.id, 'guest_joined_at'),
      };
    default:
      throw new Error(`conversation ${row.id}: unknown guest_kind`);
  }
}

/** Parses the JSON column of departed participants; a malformed entry throws. */
export function parseDeparted(json: string, what: string): DepartedParticipant[] {
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value)) throw new Error(`${what}: not an array`);
  return value.map((item: unknown): DepartedParticipant => {
    if (typeof item !== 'object' || item === null) throw new Error(`${what}: not an object`);
    const p = item as Record<string, unknown>;
    if (
      typeof p.agentId !== 'string' ||
      (p.role !== 'owner' && p.role !== 'guest') ||
      typeof p.queueId !== 'string' ||
      typeof p.acceptedAt !== 'number' ||
      typeof p.endedAt !== 'number'
    )
      throw new Error(`${what}: malformed participant`);
    return {
      agentId: p.agentId,
      role: p.role,
      queueId: p.queueId,
      acceptedAt: p.acceptedAt,
      endedAt: p.endedAt,
    };
  });
}

/** A conversation row back into the model. */
export function conversationFromRow(row: ConversationRoutingRow): Conversation {
  const departed = parseDeparted(row.departed, `conversation ${row.id} departed`);
  return {
    id: row.id,
    queueId: row.queue_id,
    receivedAt: row.received_at,
    offerCount: row.offer_count,
    lapsedAgentIds: parseStringArray(row.lapsed_agent_ids, `conversation ${row.id} lapsed_agent_ids`),
    phase: phaseFromRow(row),
    ...(departed.length > 0 ? { departed } : {}),
    ...(row.at_head === 1 ? { atHead: true as const } : {}),
    // The ingest keeps last_inbound_at (every message); routing reads the window from it.
    ...(row.last_inbound_at === null
      ? {}
      : { windowClosesAt: Number(row.last_inbound_at) + SERVICE_WINDOW_MS }),
    ...(row.preferred_agent_id === null || row.preferred_until === null
      ? {}
      : { preferredAgentId: row.preferred_agent_id, preferredUntil: Number(row.preferred_until) }),
  };
}

function phaseFromRow(row: ConversationRoutingRow): ConversationPhase {
  switch (row.phase_kind) {
    case 'queued':
      return { kind: 'queued' };
    case 'offered':
      return {
        kind: 'offered',
        offerId: required(row.phase_offer_id, row.id, 'phase_offer_id'),
        agentId: required(row.phase_agent_id, row.id, 'phase_agent_id'),
      };
    case 'active': {
      const guest = guestFromRow(row);
      return {
        kind: 'active',
        ownerId: required(row.phase_agent_id, row.id, 'phase_agent_id'),
        acceptedAt: required(row.accepted_at, row.id, 'accepted_at'),
        ...(guest ? { guest } : {}),
      };
    }
    case 'wrapUp':
      return {
        kind: 'wrapUp',
        ownerId: required(row.phase_agent_id, row.id, 'phase_agent_id'),
        acceptedAt: required(row.accepted_at, row.id, 'accepted_at'),
        endedAt: required(row.ended_at, row.id, 'ended_at'),
      };
    case 'closed':
      return {
        kind: 'closed',
        ownerId: row.phase_agent_id,
        closedAt: required(row.closed_at, row.id, 'closed_at'),
        wrapUpReasonId: row.wrap_up_reason_id,
      };
    default:
      throw new Error(`conversation ${row.id}: unknown phase_kind`);
  }
}

/** An offer as a row. */
export function offerToRow(offer: Offer): OffersTable {
  const status = offer.status;
  return {
    id: offer.id,
    conversation_id: offer.conversationId,
    agent_id: offer.agentId,
    created_at: offer.createdAt,
    expires_at: offer.expiresAt,
    status_kind: status.kind,
    status_at: status.kind === 'pending' ? null : status.at,
    ...purposeColumns(offer.purpose),
  };
}

function purposeColumns(
  purpose: OfferPurpose | undefined,
): Pick<OffersTable, 'purpose_kind' | 'purpose_from_agent_id' | 'purpose_policy'> {
  switch (purpose?.kind) {
    case undefined:
    case 'route':
      return { purpose_kind: 'route', purpose_from_agent_id: null, purpose_policy: null };
    case 'transfer':
      return {
        purpose_kind: 'transfer',
        purpose_from_agent_id: purpose.fromAgentId,
        purpose_policy: purpose.notAcceptedPolicy,
      };
    case 'conference':
      return { purpose_kind: 'conference', purpose_from_agent_id: purpose.fromAgentId, purpose_policy: null };
  }
}

function purposeFromRow(row: OffersTable): OfferPurpose | undefined {
  switch (row.purpose_kind) {
    case 'route':
      return undefined;
    case 'transfer': {
      const policy = row.purpose_policy;
      if (policy !== 'returnToQueue' && policy !== 'endConversation')
        throw new Error(`offer ${row.id}: unknown purpose_policy`);
      return {
        kind: 'transfer',
        fromAgentId: required(row.purpose_from_agent_id, row.id, 'purpose_from_agent_id'),
        notAcceptedPolicy: policy,
      };
    }
    case 'conference':
      return {
        kind: 'conference',
        fromAgentId: required(row.purpose_from_agent_id, row.id, 'purpose_from_agent_id'),
      };
    default:
      throw new Error(`offer ${row.id}: unknown purpose_kind`);
  }
}

/** An offer row back into the model. */
export function offerFromRow(row: OffersTable): Offer {
  const purpose = purposeFromRow(row);
  return {
    id: row.id,
    conversationId: row.conversation_id,
    agentId: row.agent_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    status: offerStatusFromRow(row),
    ...(purpose === undefined ? {} : { purpose }),
  };
}

function offerStatusFromRow(row: OffersTable): OfferStatus {
  switch (row.status_kind) {
    case 'pending':
      return { kind: 'pending' };
    case 'accepted':
    case 'lapsed':
    case 'declined':
    case 'rescinded':
      return { kind: row.status_kind, at: required(row.status_at, row.id, 'status_at') };
    default:
      throw new Error(`offer ${row.id}: unknown status_kind`);
  }
}

/** Parses a JSON column that must hold an array of strings. */
export function parseStringArray(json: string, what: string): string[] {
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new Error(`${what}: not an array of strings`);
  }
  return value;
}

function required<T>(value: T | null, id: string, column: string): T {
  if (value === null) throw new Error(`${id}: ${column} is missing`);
  return value;
}
