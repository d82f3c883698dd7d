import type { RoutingStrategy, WindowFirst } from '@parlo/core';

/**
 * The catalog an administrator keeps: queues, agents' routing profiles, business numbers, wrap-up
 * reasons, idle codes and settings.
 */

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
  /** Window-first ordering (see `WindowFirst` in the core); absent or null = arrival order. */
  readonly windowFirst?: WindowFirst | null;
  /** Sticky agent: how long a returning customer's conversation is kept for their last agent; absent or null = off. */
  readonly stickyAgentMs?: number | null;
  /** Reports (issue 16): answered within this counts for the service level; absent or null = 20 s. */
  readonly serviceLevelMs?: number | null;
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

/**
 * The administration data. Writes to queues and agent profiles are routing rows too: they are
 * logged in the routing world's change log, in the same transaction.
 */
export interface CatalogRepository {
  // --- queues ---
  insertQueue(queue: QueueRow): Promise<void>;
  /** Changes a queue's settings; false if there is no such queue. */
  updateQueue(queue: QueueRow): Promise<boolean>;
  /** Live queues; `includeDeleted` adds the deleted ones. */
  listQueues(options?: { includeDeleted?: boolean }): Promise<QueueRow[]>;
  /** Deleted ones too. */
  findQueueById(id: string): Promise<QueueRow | undefined>;
  softDeleteQueue(id: string, at: number): Promise<boolean>;

  // --- agents' routing profiles ---
  /** Every agent's routing profile. */
  listAgentProfiles(): Promise<AgentProfileRow[]>;
  /** Removes the agent's routing row (the user is no longer routed to). */
  deleteAgentProfile(userId: string): Promise<void>;
  /** Creates the agent's routing row (state Idle with `initialIdleCodeId`) or updates its profile. */
  upsertAgentProfile(profile: AgentProfileRow, initialIdleCodeId: string, now: number): Promise<void>;

  // --- idle codes and wrap-up reasons ---
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

  // --- business numbers ---
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

  // --- settings ---
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
}
