import type { DeliveryStatus } from './conversations.ts';

/**
 * The WhatsApp channel's own records: raw webhook deliveries, the outbox of calls to Graph,
 * statuses that arrived before their message's wamid was known, and the health they add up to.
 */

export interface PendingStatusRow {
  readonly wamid: string;
  readonly status: Exclude<DeliveryStatus, 'pending'>;
  readonly at: number;
  readonly failureReason: string | null;
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

/** Webhook inbox, outbox and parked statuses. Every method runs inside its transaction. */
export interface ChannelRepository {
  // --- webhook inbox: the raw delivery, stored before it is acknowledged ---
  /** A transaction's deliveries in one statement (group commit stores dozens at once). */
  insertWebhookDeliveries(
    deliveries: readonly { id: string; receivedAt: number; body: string }[],
  ): Promise<void>;

  // --- statuses that arrived early ---
  /** A status that arrived before its send recorded the wamid; dedupe by (wamid, status). */
  insertPendingStatus(status: PendingStatusRow): Promise<void>;
  /** Returns and deletes them. */
  takePendingStatuses(wamid: string): Promise<PendingStatusRow[]>;

  // --- outbox ---
  enqueueOutbox(row: OutboxRow): Promise<void>;
  /**
   * Due rows, at most one per conversation (its oldest by id — later ones wait, to keep order),
   * oldest first.
   */
  dueOutbox(now: number, limit: number): Promise<OutboxRow[]>;
  /** Deletes the row; true only for the one caller that deleted it (a settlement is applied once). */
  deleteOutbox(id: string): Promise<boolean>;
  /** Sets when it is due next and clears the sending mark; for the node that holds the row's claim. */
  rescheduleOutbox(id: string, dueAt: number, attempts: number, lastError: string): Promise<void>;
  /**
   * Claims a row read from `dueOutbox` for sending: marks it `sending_at = at` (ADR 0008) only if it
   * is still unmarked with the `dueAt` and `attempts` read; true for exactly one of several nodes
   * that read it. Committed before the Graph call: a row still marked after a crash is not resent
   * blindly. `dueOutbox` skips marked rows (and holds their conversation); `rescheduleOutbox`
   * clears the mark.
   */
  claimOutbox(row: Pick<OutboxRow, 'id' | 'dueAt' | 'attempts'>, at: number): Promise<boolean>;
  /**
   * Clears the mark of a stranded row (one that is safe to carry out again, a read receipt) and
   * makes it due at `dueAt`, only if it is still marked `sendingAt`: true for one caller only.
   */
  releaseStrandedOutbox(id: string, sendingAt: number, dueAt: number, lastError: string): Promise<boolean>;
  /** Rows marked sending at or before `before`: sends a crash left unsettled. Oldest first. */
  strandedOutbox(before: number, limit: number): Promise<OutboxRow[]>;
  /** Per-number outbox depth/age, last inbound, and the count of parked statuses. */
  channelHealth(): Promise<ChannelHealthRow>;
}
