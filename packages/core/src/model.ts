/**
 * The routing domain: agents, queues, conversations and offers. Instants are epoch milliseconds
 * supplied by the caller; nothing here reads a clock.
 */

export type AgentId = string;
export type QueueId = string;
export type ConversationId = string;
export type OfferId = string;

/** What the agent chose, or RONA which only the system sets (S-3, S-4). */
export type AgentState =
  | { readonly kind: 'available'; readonly since: number }
  | { readonly kind: 'idle'; readonly idleCodeId: string; readonly since: number }
  | { readonly kind: 'rona'; readonly since: number };

export interface Agent {
  readonly id: AgentId;
  readonly state: AgentState;
  /** Most concurrent conversations (offered, active or in wrap-up). */
  readonly capacity: number;
  readonly queueIds: readonly QueueId[];
  /** When the agent last got an offer; with `state.since` it ranks "longest available". */
  readonly lastOfferedAt: number | null;
  /**
   * Set while no desktop of the agent is connected (the shell decides when a socket is gone):
   * when that began. Absent means connected. A disconnected agent is offered nothing.
   */
  readonly disconnectedAt?: number;
}

export type RoutingStrategy = 'longestAvailable' | 'leastBusy';

export interface Queue {
  readonly id: QueueId;
  /** Lower number is served first. */
  readonly priority: number;
  readonly offerTimeoutMs: number;
  readonly strategy: RoutingStrategy;
  /** If set, a conversation left in wrap-up this long is closed with `defaultWrapUpReasonId`. */
  readonly autoWrapUpMs?: number;
  /** The wrap-up reason of an automatic wrap-up (null or absent: none). */
  readonly defaultWrapUpReasonId?: string | null;
  /** With `overflowQueueId`: a conversation waiting (unoffered) this long moves to that queue. */
  readonly maxWaitMs?: number;
  readonly overflowQueueId?: QueueId | null;
  /** If set, conversations whose reply window is about to close are offered first (see `WindowFirst`). */
  readonly windowFirst?: WindowFirst;
  /**
   * Sticky agent: a new conversation of a returning customer is kept this long for the agent who
   * last served them (offered to nobody else meanwhile), then routed as any other.
   */
  readonly stickyAgentMs?: number;
}

/**
 * A queue option: a waiting conversation whose customer's reply window closes within `thresholdMs`
 * (and is still open) is offered before the others of its priority, the soonest-closing first, but
 * never ahead of a conversation that arrived more than `maxOvertakeMs` before it: a conversation is
 * only ever passed by urgent ones that arrived less than `maxOvertakeMs` after it, so no one waits
 * behind more than that stretch of urgent arrivals compared with arrival order.
 */
export interface WindowFirst {
  readonly thresholdMs: number;
  readonly maxOvertakeMs: number;
}

/**
 * The second agent of a conference (S-19..S-23): asked (an offer with purpose `conference` is
 * pending), then joined. Only an active conversation has one.
 */
export type Guest =
  | { readonly kind: 'requested'; readonly agentId: AgentId; readonly offerId: OfferId }
  | { readonly kind: 'joined'; readonly agentId: AgentId; readonly joinedAt: number };

/**
 * An agent who left a conversation that goes on (or ended) without them and still owes their
 * wrap-up: the owner who transferred it (S-18), a guest whose conference ended or who exited
 * (S-23), the guest of a conversation its owner ended. Their capacity counts the conversation
 * until their wrap-up is submitted (or the auto wrap-up of `queueId` fires).
 */
export interface DepartedParticipant {
  readonly agentId: AgentId;
  readonly role: 'owner' | 'guest';
  /** The queue whose auto wrap-up and default reason apply to this wrap-up. */
  readonly queueId: QueueId;
  readonly acceptedAt: number;
  readonly endedAt: number;
}

/** A conversation's lifecycle; each phase carries only its own fields. */
export type ConversationPhase =
  | { readonly kind: 'queued' }
  | { readonly kind: 'offered'; readonly offerId: OfferId; readonly agentId: AgentId }
  | {
      readonly kind: 'active';
      readonly ownerId: AgentId;
      readonly acceptedAt: number;
      /** Absent: no conference. */
      readonly guest?: Guest;
    }
  | {
      readonly kind: 'wrapUp';
      readonly ownerId: AgentId;
      readonly acceptedAt: number;
      readonly endedAt: number;
    }
  | {
      readonly kind: 'closed';
      readonly ownerId: AgentId | null;
      readonly closedAt: number;
      readonly wrapUpReasonId: string | null;
    };

export interface Conversation {
  readonly id: ConversationId;
  readonly queueId: QueueId;
  /** When the customer's first message was received: the popover timer and FIFO order use it. */
  readonly receivedAt: number;
  /** How many offers were made; numbers the next offer's id. */
  readonly offerCount: number;
  /** Agents whose offer of this conversation lapsed: not offered it again while another agent could take it. */
  readonly lapsedAgentIds: readonly AgentId[];
  readonly phase: ConversationPhase;
  /** Agents who left it and still owe a wrap-up; absent or empty: none. */
  readonly departed?: readonly DepartedParticipant[];
  /**
   * Set when a transfer was not accepted and the conversation went back to its queue at the head
   * (S-17): it waits ahead of every conversation without the mark, in arrival order among marked.
   */
  readonly atHead?: true;
  /**
   * When the customer's reply window closes (their last message plus the channel's window): the
   * shell sets it on arrival and moves it when a waiting customer writes again. Absent: unknown.
   */
  readonly windowClosesAt?: number;
  /**
   * Sticky agent: until `preferredUntil` only this agent may be offered the conversation. Cleared
   * when it is offered or the time is up.
   */
  readonly preferredAgentId?: AgentId;
  readonly preferredUntil?: number;
}

/** What the shell's admin setting says becomes of a transfer nobody accepted (S-17). */
export type TransferNotAcceptedPolicy = 'returnToQueue' | 'endConversation';

/** Why an offer was made; absent on an offer means plain routing. */
export type OfferPurpose =
  | { readonly kind: 'route' }
  | {
      readonly kind: 'transfer';
      readonly fromAgentId: AgentId;
      /** Decided when the transfer started, so a lapse long after applies what the agent saw. */
      readonly notAcceptedPolicy: TransferNotAcceptedPolicy;
    }
  | { readonly kind: 'conference'; readonly fromAgentId: AgentId };

/** Where a transfer or a conference request goes. */
export type CollaborationTarget =
  | { readonly kind: 'queue'; readonly queueId: QueueId }
  | { readonly kind: 'agent'; readonly agentId: AgentId };

export type OfferStatus =
  | { readonly kind: 'pending' }
  | { readonly kind: 'accepted'; readonly at: number }
  | { readonly kind: 'lapsed'; readonly at: number }
  /** The agent said no (a transfer or conference request): the same consequences as a lapse. */
  | { readonly kind: 'declined'; readonly at: number }
  | { readonly kind: 'rescinded'; readonly at: number };

export interface Offer {
  readonly id: OfferId;
  readonly conversationId: ConversationId;
  readonly agentId: AgentId;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly status: OfferStatus;
  /** Absent: plain routing. */
  readonly purpose?: OfferPurpose;
}

/**
 * The slice of the world a routing decision needs. Records keyed by id; updates replace objects,
 * never mutate them, so a caller can find what changed by identity.
 */
export interface RoutingState {
  readonly agents: Readonly<Record<AgentId, Agent>>;
  readonly queues: Readonly<Record<QueueId, Queue>>;
  readonly conversations: Readonly<Record<ConversationId, Conversation>>;
  readonly offers: Readonly<Record<OfferId, Offer>>;
}

/** The id of the n-th offer of a conversation; deterministic, so the core needs no random ids. */
export function offerIdFor(conversationId: ConversationId, attempt: number): OfferId {
  return `${conversationId}.o${attempt}`;
}
