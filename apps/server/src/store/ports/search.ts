/**
 * Search over conversations (issue 15, ADR 16): one contract, two indexes — SQLite FTS5 tables
 * kept by triggers, PostgreSQL GIN indexes over `to_tsvector('simple', ...)`. Never a LIKE scan.
 */

/**
 * What to look for; every field given narrows the result (AND). Words (`text`, `customerName`)
 * match whole words, the last one also as a prefix ("refun" finds "refund"); only letters and
 * digits count, so nothing a user types is search syntax.
 */
export interface ConversationSearchQuery {
  /** Words that one message of the conversation holds (as stored: cards, IBANs, SSNs redacted). */
  readonly text?: string | undefined;
  /** Words of the customer's name (WhatsApp's or the one agents gave). */
  readonly customerName?: string | undefined;
  /** The keyed hash of the customer's normalized number (never the number itself). */
  readonly numberHash?: string | undefined;
  /** Conversations this agent took part in (owner, guest, or departed by transfer or exit). */
  readonly agentId?: string | undefined;
  readonly queueId?: string | undefined;
  readonly businessNumberId?: string | undefined;
  readonly wrapUpReasonId?: string | undefined;
  /** Issue 18: conversations carrying this label. */
  readonly labelId?: string | undefined;
  /** Conversations that arrived at or after this instant (epoch ms). */
  readonly from?: number | undefined;
  /** Conversations that arrived before this instant (epoch ms). */
  readonly to?: number | undefined;
  /** Newest first; at most this many. */
  readonly limit: number;
}

/** One conversation found: its facts, to be presented (masked) by the service. */
export interface ConversationSearchHit {
  readonly conversationId: string;
  readonly customerId: string;
  readonly customerName: string;
  /** The customer's key: their number when known, else their business-scoped user id. */
  readonly customerWaId: string;
  readonly customerUsername: string | null;
  readonly businessNumberId: string;
  readonly queueId: string;
  readonly receivedAt: number;
  readonly closedAt: number | null;
  readonly phaseKind: string;
  /** The owner (or the offered agent while offered); null while queued. */
  readonly agentId: string | null;
  readonly wrapUpReasonId: string | null;
}

/** A customer whose number has no hash yet (new, or their number changed since). */
export interface CustomerToHash {
  readonly customerId: string;
  readonly waId: string;
}

export interface SearchRepository {
  /** Conversations matching `query`, newest first, at most `query.limit`. */
  searchConversations(query: ConversationSearchQuery): Promise<ConversationSearchHit[]>;
  /** Up to `limit` customers whose `number_hash` is not computed yet. */
  customersToHash(limit: number): Promise<CustomerToHash[]>;
  /** Forgets every hash (the key changed): each customer is hashed again. */
  resetNumberHashes(): Promise<void>;
  /** Stores computed hashes ('-' for a customer without a number). */
  setNumberHashes(
    hashes: readonly { readonly customerId: string; readonly numberHash: string }[],
  ): Promise<void>;
}
