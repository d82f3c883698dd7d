/** The audit log: every use of an explicit permission and every administrative change. */

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

/** The audit log. Every method runs inside its transaction. */
export interface AuditRepository {
  insertAudit(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  listAudit(limit: number): Promise<AuditEntry[]>;
  /** Newest first (at, then id), filtered; see AuditQuery. */
  queryAudit(query: AuditQuery): Promise<AuditEntry[]>;
}
