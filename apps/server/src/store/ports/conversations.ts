/**
 * The conversations aggregate: customers, what each conversation is about (its routing phase lives
 * in the routing world), its messages, and the wrap-ups of participants who left it.
 */

export interface CustomerRow {
  readonly id: string;
  readonly businessNumberId: string;
  /**
   * The customer's key, unique per business number: Meta's wa_id (their phone number, digits) when
   * known, else their business-scoped user id (a customer who hides their number).
   */
  readonly waId: string;
  readonly name: string;
  /** The business-scoped user id (BSUID), once Meta sent it. */
  readonly userId: string | null;
  /** The customer's WhatsApp username, once Meta sent it. */
  readonly username: string | null;
  /** When they opted out of marketing messages (WhatsApp's `user_preferences`); null: they accept them. */
  readonly marketingOptedOutAt: number | null;
}

/** Who wrote, as Meta identified them: at least one of the phone's wa_id and the BSUID. */
export interface CustomerIdentity {
  readonly id: string;
  readonly businessNumberId: string;
  readonly waId?: string | undefined;
  readonly userId?: string | undefined;
  readonly username?: string | undefined;
  readonly name: string;
}

/** A customer first seen now, keyed by their wa_id (no BSUID), created by `insertNewCustomers`. */
export type NewCustomer = Pick<CustomerRow, 'id' | 'businessNumberId' | 'waId' | 'name' | 'username'>;

/**
 * The customer stored under an identity's key, as read earlier in the same transaction: `null` when
 * none was. Passed to `upsertCustomer`, it saves the read; it is only valid for an identity without
 * a BSUID (a BSUID is looked up first, by its own key).
 */
export type KnownCustomer = CustomerRow | null;

/** The keys of a batch of inbound messages. */
export interface InboundKeys {
  readonly wamids: readonly string[];
  readonly customers: readonly { readonly businessNumberId: string; readonly waId: string }[];
  /**
   * Settings the transaction will read (`getSetting`), read with the rest: `getSetting` then
   * answers them without a statement of its own.
   */
  readonly settings?: readonly string[];
}

/** What `lookupInbound` found. */
export interface InboundLookup {
  /** Of the wamids asked for, those already stored. */
  readonly storedWamids: ReadonlySet<string>;
  /** The customers found, by business number id then key (wa_id); absent keys have none. */
  readonly customers: ReadonlyMap<string, ReadonlyMap<string, CustomerRow>>;
  /** The live conversation of each customer found who has one, by customer id. */
  readonly live: ReadonlyMap<string, ConversationDetails>;
}

/** What a conversation is about, beside its routing phase (which lives in RoutingState). */
export interface ConversationDetails {
  readonly id: string;
  readonly customerId: string;
  readonly customerName: string;
  /** The customer's key: their wa_id (number) when known, else their business-scoped user id. */
  readonly customerWaId: string;
  readonly customerUserId: string | null;
  readonly customerUsername: string | null;
  readonly customerMarketingOptedOutAt: number | null;
  readonly businessNumberId: string;
  readonly businessDisplayNumber: string;
  readonly queueId: string;
  readonly queueName: string;
  readonly receivedAt: number;
  /** The last inbound message's Meta timestamp; the 24-hour window runs from it. */
  readonly lastInboundAt: number | null;
  /** 'closed' once wrap-up is submitted; anything else is live. */
  readonly phaseKind: 'queued' | 'offered' | 'active' | 'wrapUp' | 'closed';
  /** Owner (or offered agent) for non-queued phases. */
  readonly agentId: string | null;
  /** S-7: the business number / queue it depends on was deleted by an admin. */
  readonly businessNumberDeleted?: boolean;
  readonly queueDeleted?: boolean;
  /** The guest who joined its conference (S-20); absent: none. They may read and write. */
  readonly joinedGuestId?: string;
  /** Agents who left it and still owe their wrap-up (S-18, S-23); absent: none. They may read it. */
  readonly departedAgentIds?: readonly string[];
}

export interface NewConversation {
  readonly id: string;
  readonly customerId: string;
  readonly businessNumberId: string;
  readonly queueId: string;
  readonly receivedAt: number;
  /**
   * Set to insert it already closed, never routed: a message from a customer of a deleted business
   * number (S-7) is stored there and shown to admins.
   */
  readonly closedAt?: number;
}

/** A departed participant's wrap-up (the owner's own stays on the conversation). */
export interface ParticipantWrapUpRow {
  readonly id: string;
  readonly conversationId: string;
  readonly agentId: string;
  readonly role: 'owner' | 'guest';
  readonly reasonId: string | null;
  readonly acceptedAt: number;
  readonly endedAt: number;
  readonly wrappedUpAt: number;
}

/** A customer message that arrived on a business number after it was deleted (S-7). */
export interface DeletedNumberMessageRow {
  readonly message: MessageRow;
  readonly details: ConversationDetails;
}

export type MessageDirection = 'inbound' | 'outbound' | 'system';
export type DeliveryStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/** Where a message sits in its conversation's order (sentAt, then createdAt, then id). */
export interface MessagePosition {
  readonly sentAt: number;
  readonly createdAt: number;
  readonly id: string;
}

export interface MessageRow {
  readonly id: string;
  readonly conversationId: string;
  readonly direction: MessageDirection;
  /** Meta's id; unique across the store when set (the dedupe key of inbound messages). */
  readonly wamid: string | null;
  /** 'text' for now; other WhatsApp types later. */
  readonly kind: string;
  readonly text: string;
  readonly authorName: string;
  /** Agent who wrote it (outbound only). */
  readonly authorUserId: string | null;
  /** Meta's timestamp for inbound, the accept time for outbound: conversations are ordered by it. */
  readonly sentAt: number;
  readonly createdAt: number;
  readonly status: DeliveryStatus | null;
  readonly failureReason: string | null;
  /** The composer's idempotency key; unique per conversation when set. */
  readonly clientMessageId: string | null;
  /** JSON of what the message carries besides text (see media/content.ts); absent/null: plain text. */
  readonly content?: string | null;
  /** The wamid this message replies to, when it quotes one. */
  readonly replyToWamid?: string | null;
}

/** Customers, conversations and their messages. Every method runs inside its transaction. */
export interface ConversationsRepository {
  // --- customers and conversations ---
  /**
   * Finds the customer Meta identified (by BSUID first, then by wa_id) or creates them, keyed by
   * their wa_id when known, else their BSUID. Keeps name and username current, and links what Meta
   * linked: a BSUID arriving with a known wa_id, a number arriving for a BSUID-only customer. Never
   * guesses: a customer is merged with nobody Meta did not name.
   */
  upsertCustomer(customer: CustomerIdentity, known?: KnownCustomer): Promise<CustomerRow>;
  /**
   * Creates customers a batch found under no key, in one statement (`upsertCustomer` writes one);
   * returns the ids of those created. One stored under the same key since the batch looked
   * (another node) is left as it is and its id is missing from the answer.
   */
  insertNewCustomers(customers: readonly NewCustomer[]): Promise<ReadonlySet<string>>;
  /**
   * What a batch of inbound messages needs to know before it is stored, in three reads rather than
   * three per message: which wamids are stored, the customers under these keys (wa_id, or the BSUID
   * of a customer without a number) and those customers' live conversations; with `keys.settings`.
   * On PostgreSQL the reads are one statement (one round trip; ADR 41).
   */
  lookupInbound(keys: InboundKeys): Promise<InboundLookup>;
  /**
   * A customer changed their number or user id (Meta's `system` message): a new wa_id becomes their
   * key, a new BSUID their user id. Another customer already holding the new wa_id (known before
   * BSUIDs existed) keeps it: two histories are not merged by guessing.
   */
  /** The customer stopped (`at`) or resumed (null) marketing messages. */
  setMarketingOptOut(customerId: string, at: number | null): Promise<void>;
  changeCustomerIdentity(
    customerId: string,
    next: { waId?: string | undefined; userId?: string | undefined },
  ): Promise<void>;
  /** The customer's conversation that is not closed, if any. */
  findLiveConversationOfCustomer(customerId: string): Promise<ConversationDetails | undefined>;
  /** Who owned the customer's most recently closed conversation (sticky agent), if anyone. */
  findLastAgentOfCustomer(customerId: string): Promise<string | undefined>;
  /** Inserts the row in phase 'queued' with offerCount 0. */
  insertConversation(conversation: NewConversation): Promise<void>;
  /** The same for many, in one statement. */
  insertConversations(conversations: readonly NewConversation[]): Promise<void>;
  getConversationDetails(ids: readonly string[]): Promise<ConversationDetails[]>;
  /** Each conversation's `last_inbound_at` becomes the later of the stored value and `at` (one statement). */
  touchLastInbound(
    touches: readonly { readonly conversationId: string; readonly at: number }[],
  ): Promise<void>;
  /** Ids of conversations not closed that belong to this business number or queue. */
  liveConversationIdsOf(of: { businessNumberId: string } | { queueId: string }): Promise<string[]>;
  /** Newest first: inbound messages stored after their business number was deleted (S-7). */
  listDeletedNumberMessages(limit: number): Promise<DeletedNumberMessageRow[]>;
  /** The wrap-up of an agent who left a conversation (transferred it, or its guest): S-18, S-23. */
  recordParticipantWrapUp(row: ParticipantWrapUpRow): Promise<void>;
  /** A conversation's departed participants' wrap-ups, oldest first. */
  listParticipantWrapUps(conversationId: string): Promise<ParticipantWrapUpRow[]>;

  // --- messages ---
  /** Inserts unless a message with the same wamid exists: atomic dedupe. */
  insertInboundMessage(message: MessageRow): Promise<'inserted' | 'duplicate'>;
  /** The same for many, in a few statements; returns the wamids inserted (the others were stored). */
  insertInboundMessages(messages: readonly MessageRow[]): Promise<ReadonlySet<string>>;
  hasWamid(wamid: string): Promise<boolean>;
  /**
   * Inserts unless (conversationId, clientMessageId) exists; returns the stored row either way,
   * so a retried send is answered with the first one.
   */
  insertOutboundMessage(message: MessageRow): Promise<{ message: MessageRow; created: boolean }>;
  insertSystemMessage(message: MessageRow): Promise<void>;
  findMessageById(id: string): Promise<MessageRow | undefined>;
  findMessageByWamid(wamid: string): Promise<MessageRow | undefined>;
  setMessageWamid(id: string, wamid: string): Promise<void>;
  setMessageStatus(id: string, status: DeliveryStatus, failureReason: string | null): Promise<void>;
  /** Ordered by sentAt, then createdAt, then id. */
  listMessages(conversationId: string): Promise<MessageRow[]>;
  /**
   * Issue 15: one page of a conversation's messages, newest first: the `limit` latest before
   * `before` (exclusive; all when absent), in the `listMessages` order, with the messages that
   * page's rows refer to (`related`: reactions to them, the messages they quote or react to).
   */
  listMessagesPage(
    conversationId: string,
    page: { readonly before?: MessagePosition | undefined; readonly limit: number },
  ): Promise<{ messages: MessageRow[]; related: MessageRow[]; hasOlder: boolean }>;
  /** Replaces a message's content JSON (e.g. its media became ready). */
  setMessageContent(id: string, content: string | null): Promise<void>;
}
