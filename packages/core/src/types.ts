/**
 * The vocabulary of the routing core: the events `decide` takes, the effects it asks the shell to
 * carry out, and why it refuses a command. Every other module of the core imports it, so it
 * imports nothing but the model.
 */
import type {
  AgentId,
  CollaborationTarget,
  ConversationId,
  DepartedParticipant,
  Offer,
  OfferId,
  QueueId,
  TransferNotAcceptedPolicy,
} from './model.ts';

/** Who asked for an agent-state change: the agent (default) or a supervisor on their behalf. */
export type StateChangeActor =
  { readonly kind: 'agent' } | { readonly kind: 'supervisor'; readonly supervisorId: string };

/** What can happen to the routing world: commands from agents, arrivals, and timers firing. */
export type RoutingEvent =
  | {
      readonly type: 'conversation.arrived';
      readonly conversationId: ConversationId;
      readonly queueId: QueueId;
      readonly receivedAt: number;
      /** When the customer's reply window closes; absent: unknown (never window-urgent). */
      readonly windowClosesAt?: number;
      /** The agent who last served this customer, for a queue with a sticky-agent time. */
      readonly lastAgentId?: AgentId;
    }
  | {
      /** A sticky conversation's time for its last agent is up: anyone may take it now. */
      readonly type: 'conversation.preferenceEnded';
      readonly conversationId: ConversationId;
    }
  | {
      /** A customer wrote again: their reply window now closes later (the shell sends it while they wait). */
      readonly type: 'conversation.customerWrote';
      readonly conversationId: ConversationId;
      readonly windowClosesAt: number;
    }
  | {
      readonly type: 'agent.stateRequested';
      readonly agentId: AgentId;
      readonly to: { readonly kind: 'available' } | { readonly kind: 'idle'; readonly idleCodeId: string };
      /** Absent: the agent. Only a person (agent or supervisor) ever leaves RONA (S-4). */
      readonly by?: StateChangeActor;
    }
  | { readonly type: 'offer.acceptRequested'; readonly agentId: AgentId; readonly offerId: OfferId }
  | { readonly type: 'offer.deadlinePassed'; readonly offerId: OfferId }
  /** The recipient turns the offer down; like a lapse, the agent goes to RONA (S-17). */
  | { readonly type: 'offer.declineRequested'; readonly agentId: AgentId; readonly offerId: OfferId }
  | {
      readonly type: 'conversation.endRequested';
      readonly agentId: AgentId;
      readonly conversationId: ConversationId;
    }
  | {
      readonly type: 'wrapUp.submitted';
      readonly agentId: AgentId;
      readonly conversationId: ConversationId;
      readonly reasonId: string;
    }
  /** The shell saw the agent's last desktop go; its open conversations stay theirs for `graceMs`. */
  | { readonly type: 'agent.disconnected'; readonly agentId: AgentId; readonly graceMs: number }
  | { readonly type: 'agent.reconnected'; readonly agentId: AgentId }
  /** Timer: the grace of a disconnection that began at `disconnectedAt` is over. */
  | {
      readonly type: 'agent.disconnectGraceEnded';
      readonly agentId: AgentId;
      readonly disconnectedAt: number;
    }
  /**
   * Timer: the queue's auto wrap-up delay passed. With `agentId`: the wrap-up of that departed
   * participant; without: the owner's.
   */
  | {
      readonly type: 'wrapUp.deadlinePassed';
      readonly conversationId: ConversationId;
      readonly agentId?: AgentId;
    }
  /**
   * S-14..S-18: the owner hands the conversation to a queue or an agent and wraps up at once.
   * `notAcceptedPolicy` is the admin setting at this moment: what a lapsed transfer offer does.
   */
  | {
      readonly type: 'transfer.requested';
      readonly agentId: AgentId;
      readonly conversationId: ConversationId;
      readonly target: CollaborationTarget;
      readonly notAcceptedPolicy: TransferNotAcceptedPolicy;
    }
  /** S-19: the owner asks a queue (its strategy picks) or an agent to join as a guest. */
  | {
      readonly type: 'conference.requested';
      readonly agentId: AgentId;
      readonly conversationId: ConversationId;
      readonly target: CollaborationTarget;
    }
  /** S-21: the owner ends the conference (or withdraws the request); the guest wraps up. */
  | {
      readonly type: 'conference.endRequested';
      readonly agentId: AgentId;
      readonly conversationId: ConversationId;
    }
  /** S-22: the guest leaves; the owner goes on with the customer. */
  | {
      readonly type: 'conference.exitRequested';
      readonly agentId: AgentId;
      readonly conversationId: ConversationId;
    }
  /**
   * S-7 (issue 18): the conversation's business number or queue was deleted before anyone accepted
   * it: a pending offer is withdrawn (never acceptable into a stopped conversation) and it closes
   * unanswered. A conversation someone holds stays theirs (blocked, only End remains).
   */
  | { readonly type: 'conversation.withdrawn'; readonly conversationId: ConversationId }
  /** Timer: the conversation waited `maxWaitMs` in `queueId` without being offered. */
  | {
      readonly type: 'conversation.maxWaitPassed';
      readonly conversationId: ConversationId;
      readonly queueId: QueueId;
    }
  /**
   * Timer (issue 18): the queue's business hours open. Its waiting conversations are routed again
   * (the shell passes the queues closed at `now` to `decide`; a queue still closed routes nothing).
   */
  | { readonly type: 'queue.opened'; readonly queueId: QueueId };

/** The routing event of one `type`: what an event handler takes. */
export type EventOf<T extends RoutingEvent['type']> = Extract<RoutingEvent, { readonly type: T }>;

/** A due-time row the shell stores; when due it feeds `event` back into `decide`. */
export interface Timer {
  readonly key: string;
  readonly dueAt: number;
  readonly event: RoutingEvent;
}

/** What the shell must carry out after committing the new state. */
export type RoutingEffect =
  | { readonly kind: 'offerMade'; readonly offer: Offer }
  | { readonly kind: 'offerEnded'; readonly offer: Offer }
  | { readonly kind: 'agentStateChanged'; readonly agentId: AgentId }
  | { readonly kind: 'conversationChanged'; readonly conversationId: ConversationId }
  | { readonly kind: 'timerArmed'; readonly timer: Timer }
  | { readonly kind: 'timerCancelled'; readonly key: string }
  /** The conversation went back to its queue from its owner: the shell adds a system note. */
  | {
      readonly kind: 'conversationRequeued';
      readonly conversationId: ConversationId;
      readonly agentId: AgentId;
      readonly reason: 'ownerDisconnected';
    }
  /** The conversation waited too long and moved to the overflow queue: the shell adds a system note. */
  | {
      readonly kind: 'conversationOverflowed';
      readonly conversationId: ConversationId;
      readonly fromQueueId: QueueId;
      readonly toQueueId: QueueId;
    }
  /** The owner transferred it (S-14): the shell adds a system note for whoever takes it next. */
  | {
      readonly kind: 'conversationTransferred';
      readonly conversationId: ConversationId;
      readonly fromAgentId: AgentId;
      readonly target: CollaborationTarget;
    }
  /** A transfer offer was not accepted (S-17): what the policy made of the conversation. */
  | {
      readonly kind: 'transferNotAccepted';
      readonly conversationId: ConversationId;
      readonly agentId: AgentId;
      readonly outcome: 'returnedToQueue' | 'ended';
    }
  /** S-20: the guest joined; the shell adds "<agent> joined the chat", seen by both. */
  | {
      readonly kind: 'conferenceJoined';
      readonly conversationId: ConversationId;
      readonly ownerId: AgentId;
      readonly guestId: AgentId;
    }
  /**
   * A conference request ended without a guest: lapsed (the asked agent is in RONA) or withdrawn
   * (the asked agent went away, or the owner ended the request). The owner is told.
   */
  | {
      readonly kind: 'conferenceRequestDropped';
      readonly conversationId: ConversationId;
      readonly ownerId: AgentId;
      readonly agentId: AgentId;
      readonly reason: 'lapsed' | 'declined' | 'withdrawn';
    }
  /** The guest left (S-21, S-22, or the conversation ended or went back to the queue): they wrap up. */
  | { readonly kind: 'guestLeft'; readonly conversationId: ConversationId; readonly agentId: AgentId }
  /** A departed participant's wrap-up is done (by hand or automatically): the shell records it. */
  | {
      readonly kind: 'participantWrappedUp';
      readonly conversationId: ConversationId;
      readonly participant: DepartedParticipant;
      readonly reasonId: string | null;
      readonly at: number;
    };

/** Why a command was refused; the shell maps each to an error code. */
export type Rejection =
  | 'AGENT_NOT_FOUND'
  | 'OFFER_NOT_FOUND'
  | 'CONVERSATION_NOT_FOUND'
  | 'NOT_OFFER_RECIPIENT'
  | 'OFFER_NOT_PENDING'
  | 'NOT_CONVERSATION_OWNER'
  | 'CONVERSATION_NOT_ACTIVE'
  | 'CONVERSATION_NOT_IN_WRAP_UP'
  /** The queue does not exist, or the agent is not Available with spare capacity (or takes part already). */
  | 'TRANSFER_TARGET_UNAVAILABLE'
  /** A conference is requested or joined: one guest at a time, and no transfer meanwhile. */
  | 'CONFERENCE_ALREADY_OPEN'
  | 'NO_CONFERENCE'
  | 'NOT_CONFERENCE_GUEST';
