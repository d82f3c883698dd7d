import type { RoutingStrategy } from '@parlo/core';
import type { RoutingIoStats, RoutingRepository } from './routing-repository.ts';

export type { RoutingIoStats, RoutingRepository, RoutingRowKind } from './routing-repository.ts';

/**
 * The one storage port. Two adapters implement it over Kysely: SQLite (embedded default) and
 * PostgreSQL (several nodes). Both pass the same contract suite (`store.contract.ts`).
 *
 * Instants are epoch milliseconds. Every method runs inside the transaction it belongs to.
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `work` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Rows the routing repository read and wrote, and how often it loaded or caught up (counters). */
  readonly routingStats: Readonly<RoutingIoStats>;
  /** Drops this process's copy of the routing world: the next transaction loads it again. */
  forgetRoutingWorld(): void;
  /** Sets who is told when the copy had fallen too far behind the change log and was reloaded. */
  onRoutingReload(listener: (info: { from: number; prunedThrough: number }) => void): void;
  close(): Promise<void>;
}

export type Role = 'agent' | 'supervisor' | 'admin';

export interface UserRow {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly passwordHash: string;
  readonly createdAt: number;
  /** Soft delete: set once an admin deleted the user (history keeps the name). */
  readonly deletedAt?: number | null;
}

export interface SessionRow {
  /** SHA-256 of the cookie's token: a stolen database does not yield live sessions. */
  readonly tokenHash: string;
  readonly userId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface NamedRow {
  readonly id: string;
  readonly name: string;
  /** Display order. */
  readonly position: number;
  readonly deletedAt?: number | null;
}

export interface QueueRow {
  readonly id: string;
  readonly name: string;
  readonly priority: number;
  readonly offerTimeoutMs: number;
  readonly strategy: RoutingStrategy;
  /** Auto wrap-up: after this long in wrap-up, the server submits `defaultWrapUpReasonId`. */
  readonly autoWrapUpMs?: number | null;
  readonly defaultWrapUpReasonId?: string | null;
  /** A conversation waiting unoffered this long moves to `overflowQueueId`. */
  readonly maxWaitMs?: number | null;
  readonly overflowQueueId?: string | null;
  /** The wrap-up reasons offered for this queue; absent or empty = every reason. */
  readonly wrapUpReasonIds?: readonly string[];
  readonly deletedAt?: number | null;
}

/** An agent's routing profile; its state lives with the routing world. */
export interface AgentProfileRow {
  readonly userId: string;
  readonly capacity: number;
  readonly queueIds: readonly string[];
}

export interface BusinessNumberRow {
  readonly id: string;
  /** Meta's id of the number: webhooks are routed on it. Unique. */
  readonly phoneNumberId: string;
  readonly displayPhoneNumber: string;
  readonly wabaId: string;
  readonly accessToken: string;
  /** Several secrets are accepted at once, for rotation. */
  readonly appSecrets: readonly string[];
  readonly verifyToken: string;
  readonly queueId: string;
  /** Soft delete (S-7): later webhooks for it are still stored, never routed. */
  readonly deletedAt?: number | null;
}

export interface CustomerRow {
  readonly id: string;
  readonly businessNumberId: string;
  /** WhatsApp's user id (wa_id) as Meta sent it; unique per business number. */
  readonly waId: string;
  readonly name: string;
}

/** What a conversation is about, beside its routing phase (which lives in RoutingState). */
export interface ConversationDetails {
  readonly id: string;
  readonly customerId: string;
  readonly customerName: string;
  readonly customerWaId: string;
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

/** Filters of `queryAudit`; every one optional. */
export interface AuditQuery {
  readonly actionPrefix?: string;
  readonly actorUserId?: string;
  readonly subject?: string;
  /** Inclusive. */
  readonly from?: number;
  /** Exclusive. */
  readonly to?: number;
  /** Keyset paging: entries strictly older than this (at, id). */
  readonly before?: { readonly at: number; readonly id: string };
  readonly limit: number;
}

/** A customer message that arrived on a business number after it was deleted (S-7). */
export interface DeletedNumberMessageRow {
  readonly message: MessageRow;
  readonly details: ConversationDetails;
}

export type MessageDirection = 'inbound' | 'outbound' | 'system';
export type DeliveryStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

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

export type MediaStatus = 'pending' | 'ready' | 'unavailable';

/** A message's media file and, for inbound ones, the fetcher's progress. */
export interface MediaRow {
  readonly id: string;
  readonly conversationId: string;
  readonly businessNumberId: string;
  /** Null for an agent's attachment not sent yet. */
  readonly messageId: string | null;
  readonly direction: 'inbound' | 'outbound';
  readonly waMediaId: string | null;
  readonly mimeType: string;
  readonly fileName: string | null;
  readonly sha256: string | null;
  readonly status: MediaStatus;
  readonly attempts: number;
  /** When the fetcher tries next; null unless pending. */
  readonly dueAt: number | null;
  /** Where the bytes are in the media store; set once ready. */
  readonly storageKey: string | null;
  readonly size: number | null;
  readonly lastError: string | null;
  readonly createdAt: number;
}

export interface PendingStatusRow {
  readonly wamid: string;
  readonly status: Exclude<DeliveryStatus, 'pending'>;
  readonly at: number;
  readonly failureReason: string | null;
}

/** An approved message template of a business number, as last synced from its WABA. */
export interface MessageTemplateRow {
  readonly businessNumberId: string;
  readonly name: string;
  readonly language: string;
  readonly category: string;
  readonly status: string;
  /** JSON of Meta's components (HEADER, BODY, FOOTER, BUTTONS). */
  readonly components: string;
  readonly syncedAt: number;
}

export type OutboxKind = 'whatsapp.send' | 'whatsapp.markRead';

export interface OutboxRow {
  readonly id: string;
  readonly kind: OutboxKind;
  /** Rows of one conversation are carried out one at a time, in `id` order... see `dueOutbox`. */
  readonly conversationId: string;
  /** JSON-serialisable; its shape belongs to `kind`. */
  readonly payload: unknown;
  readonly createdAt: number;
  readonly dueAt: number;
  readonly attempts: number;
  readonly lastError: string | null;
  /** When a send of this row was handed to Graph and not yet settled (ADR 0008); null/absent otherwise. */
  readonly sendingAt?: number | null;
}

/** What the per-number health panel and /metrics read from the store, computed on demand. */
export interface ChannelHealthRow {
  readonly numbers: readonly {
    readonly businessNumberId: string;
    /** Meta's timestamp of the newest inbound message on any conversation of the number. */
    readonly lastInboundAt: number | null;
    readonly outboxDepth: number;
    /** createdAt of the oldest outbox row still waiting, if any. */
    readonly outboxOldestAt: number | null;
  }[];
  /** Statuses parked because their wamid is not (yet) known. */
  readonly pendingStatuses: number;
}

export interface StoredTimer {
  readonly key: string;
  readonly dueAt: number;
  /** JSON-serialisable routing event fed back into `decide` when due. */
  readonly event: unknown;
}

export interface AgentEventRow {
  readonly seq: number;
  /** JSON-serialisable protocol AgentEvent. */
  readonly event: unknown;
}

/** An explicit right beyond a role: `reveal` shows one masked value in clear (audited). */
export type Permission = 'reveal';

export interface AuditEntry {
  readonly id: string;
  readonly at: number;
  readonly actorUserId: string;
  /** What was done, e.g. `reveal.customerPhone`, `settings.update`. */
  readonly action: string;
  /** What it was done to, e.g. a conversation or message id. */
  readonly subject: string;
  /** JSON-serialisable context; never the revealed value itself. */
  readonly detail: unknown;
}

export interface StoreTx {
  /**
   * The routing world (agents, queues, conversations routing still holds, pending offers), kept
   * in memory by this process and brought up to date from the change log; decisions write only
   * what they changed (ADR 0010).
   */
  readonly routing: RoutingRepository;

  // --- durable timers ---
  /** Inserts or replaces the timer with this key. */
  armTimer(timer: StoredTimer): Promise<void>;
  cancelTimer(key: string): Promise<void>;
  /** Timers due at or before `now`, earliest first. */
  dueTimers(now: number, limit: number): Promise<StoredTimer[]>;
  /** Deletes it; false if another transaction already did (so a timer fires once). */
  claimTimer(key: string): Promise<boolean>;

  // --- users and sessions ---
  insertUser(user: UserRow): Promise<void>;
  findUserByUsername(username: string): Promise<UserRow | undefined>;
  /** Deleted users too (history shows their names); `findUserByUsername` and `listUsers` skip them. */
  findUserById(id: string): Promise<UserRow | undefined>;
  listUsers(): Promise<UserRow[]>;
  /** Changes the fields present; false if there is no such (live) user. */
  updateUser(
    id: string,
    patch: Partial<Pick<UserRow, 'username' | 'displayName' | 'role' | 'passwordHash'>>,
  ): Promise<boolean>;
  /** Marks deleted and frees the username; false if there is no such live user. */
  softDeleteUser(id: string, at: number): Promise<boolean>;
  deleteSessionsOfUser(userId: string): Promise<void>;
  insertSession(session: SessionRow): Promise<void>;
  findSession(tokenHash: string): Promise<SessionRow | undefined>;
  deleteSession(tokenHash: string): Promise<void>;

  // --- administration data ---
  insertQueue(queue: QueueRow): Promise<void>;
  /** Changes a queue's settings; false if there is no such queue. */
  updateQueue(queue: QueueRow): Promise<boolean>;
  /** Live queues; `includeDeleted` adds the deleted ones. */
  listQueues(options?: { includeDeleted?: boolean }): Promise<QueueRow[]>;
  /** Deleted ones too. */
  findQueueById(id: string): Promise<QueueRow | undefined>;
  softDeleteQueue(id: string, at: number): Promise<boolean>;
  /** Every agent's routing profile. */
  listAgentProfiles(): Promise<AgentProfileRow[]>;
  /** Removes the agent's routing row (the user is no longer routed to). */
  deleteAgentProfile(userId: string): Promise<void>;
  /** Creates the agent's routing row (state Idle with `initialIdleCodeId`) or updates its profile. */
  upsertAgentProfile(profile: AgentProfileRow, initialIdleCodeId: string, now: number): Promise<void>;
  insertIdleCode(code: NamedRow): Promise<void>;
  /** Live ones, in display order. */
  listIdleCodes(): Promise<NamedRow[]>;
  updateIdleCode(code: NamedRow): Promise<boolean>;
  softDeleteIdleCode(id: string, at: number): Promise<boolean>;
  insertWrapUpReason(reason: NamedRow): Promise<void>;
  /** Live ones, in display order. */
  listWrapUpReasons(): Promise<NamedRow[]>;
  updateWrapUpReason(reason: NamedRow): Promise<boolean>;
  softDeleteWrapUpReason(id: string, at: number): Promise<boolean>;
  insertBusinessNumber(number: BusinessNumberRow): Promise<void>;
  /** The live number with this id, else the most recently deleted one (S-7: its messages are kept). */
  findBusinessNumberByPhoneNumberId(phoneNumberId: string): Promise<BusinessNumberRow | undefined>;
  /** Deleted ones too. */
  findBusinessNumberById(id: string): Promise<BusinessNumberRow | undefined>;
  /** Live numbers; `includeDeleted` adds deleted ones (the webhook still verifies their signatures). */
  listBusinessNumbers(options?: { includeDeleted?: boolean }): Promise<BusinessNumberRow[]>;
  /** Replaces every field but the id; false if there is no such live number. */
  updateBusinessNumber(number: BusinessNumberRow): Promise<boolean>;
  /** Marks deleted and frees its phone_number_id for a new number. */
  softDeleteBusinessNumber(id: string, at: number): Promise<boolean>;
  /** Ids of conversations not closed that belong to this business number or queue. */
  liveConversationIdsOf(of: { businessNumberId: string } | { queueId: string }): Promise<string[]>;
  /** Newest first: inbound messages stored after their business number was deleted (S-7). */
  listDeletedNumberMessages(limit: number): Promise<DeletedNumberMessageRow[]>;
  grantPermission(userId: string, permission: Permission): Promise<void>;
  hasPermission(userId: string, permission: Permission): Promise<boolean>;
  insertAudit(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  listAudit(limit: number): Promise<AuditEntry[]>;
  /** Newest first (at, then id), filtered; see AuditQuery. */
  queryAudit(query: AuditQuery): Promise<AuditEntry[]>;
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;

  // --- customers and conversations ---
  /** Finds the customer of (businessNumberId, waId) or creates it; updates the name if it changed. */
  upsertCustomer(customer: CustomerRow): Promise<CustomerRow>;
  /** The customer's conversation that is not closed, if any. */
  findLiveConversationOfCustomer(customerId: string): Promise<ConversationDetails | undefined>;
  /** Inserts the row in phase 'queued' with offerCount 0. */
  insertConversation(conversation: NewConversation): Promise<void>;
  getConversationDetails(ids: readonly string[]): Promise<ConversationDetails[]>;
  /** Keeps the later of the stored value and `at`. */
  touchLastInbound(conversationId: string, at: number): Promise<void>;

  // --- messages ---
  /** Inserts unless a message with the same wamid exists: atomic dedupe. */
  insertInboundMessage(message: MessageRow): Promise<'inserted' | 'duplicate'>;
  hasWamid(wamid: string): Promise<boolean>;
  /**
   * Inserts unless (conversationId, clientMessageId) exists; returns the stored row either way,
   * so a retried send is answered with the first one.
   */
  insertOutboundMessage(message: MessageRow): Promise<{ message: MessageRow; created: boolean }>;
  insertSystemMessage(message: MessageRow): Promise<void>;
  /** The wrap-up of an agent who left a conversation (transferred it, or its guest): S-18, S-23. */
  recordParticipantWrapUp(row: ParticipantWrapUpRow): Promise<void>;
  /** A conversation's departed participants' wrap-ups, oldest first. */
  listParticipantWrapUps(conversationId: string): Promise<ParticipantWrapUpRow[]>;
  findMessageById(id: string): Promise<MessageRow | undefined>;
  findMessageByWamid(wamid: string): Promise<MessageRow | undefined>;
  setMessageWamid(id: string, wamid: string): Promise<void>;
  setMessageStatus(id: string, status: DeliveryStatus, failureReason: string | null): Promise<void>;
  /** Ordered by sentAt, then createdAt, then id. */
  listMessages(conversationId: string): Promise<MessageRow[]>;
  /** Replaces a message's content JSON (e.g. its media became ready). */
  setMessageContent(id: string, content: string | null): Promise<void>;

  // --- media files of messages ---
  insertMedia(media: MediaRow): Promise<void>;
  findMedia(id: string): Promise<MediaRow | undefined>;
  /** Pending inbound media due at `now`, oldest first. */
  dueMedia(now: number, limit: number): Promise<MediaRow[]>;
  updateMedia(
    id: string,
    patch: Partial<
      Pick<
        MediaRow,
        'messageId' | 'waMediaId' | 'status' | 'attempts' | 'dueAt' | 'storageKey' | 'size' | 'lastError'
      >
    >,
  ): Promise<void>;
  /** A status that arrived before its send recorded the wamid; dedupe by (wamid, status). */
  insertPendingStatus(status: PendingStatusRow): Promise<void>;
  /** Returns and deletes them. */
  takePendingStatuses(wamid: string): Promise<PendingStatusRow[]>;

  // --- webhook inbox: the raw delivery, stored before it is acknowledged ---
  insertWebhookDelivery(delivery: { id: string; receivedAt: number; body: string }): Promise<void>;

  // --- message templates (synced from each number's WABA) ---
  /** Replaces every template of the number with `templates` (a sync's result). */
  replaceMessageTemplates(businessNumberId: string, templates: readonly MessageTemplateRow[]): Promise<void>;
  /** The number's templates, by name then language. */
  listMessageTemplates(businessNumberId: string): Promise<MessageTemplateRow[]>;

  // --- outbox ---
  enqueueOutbox(row: OutboxRow): Promise<void>;
  /**
   * Due rows, at most one per conversation (its oldest by id — later ones wait, to keep order),
   * oldest first.
   */
  dueOutbox(now: number, limit: number): Promise<OutboxRow[]>;
  deleteOutbox(id: string): Promise<void>;
  rescheduleOutbox(id: string, dueAt: number, attempts: number, lastError: string): Promise<void>;
  /**
   * Marks the row as handed to Graph (ADR 0008). Committed before the call: a row still marked after
   * a crash is not resent blindly. `dueOutbox` skips marked rows (and holds their conversation);
   * `rescheduleOutbox` clears the mark.
   */
  markOutboxSending(id: string, at: number): Promise<void>;
  /** Rows marked sending at or before `before`: sends a crash left unsettled. Oldest first. */
  strandedOutbox(before: number, limit: number): Promise<OutboxRow[]>;
  /** Per-number outbox depth/age, last inbound, and the count of parked statuses. */
  channelHealth(): Promise<ChannelHealthRow>;

  // --- per-agent event log (what the desktop replays after a reconnect) ---
  /** Appends with the next seq of that agent (1, 2, ...) and returns it. */
  appendAgentEvent(agentId: string, event: unknown, at: number): Promise<number>;
  agentEventsAfter(agentId: string, afterSeq: number, limit: number): Promise<AgentEventRow[]>;
  lastAgentSeq(agentId: string): Promise<number>;
  /** Drops events older than `before`, keeping each agent's newest. */
  pruneAgentEvents(before: number): Promise<number>;
}
