/**
 * Retention and erasure (issue 17): the table-driven deletes and purges the privacy service runs,
 * a batch at a time, each batch in its own transaction. Which tables and columns hold customer data
 * is not decided here: the service's registry says so and hands each step to `eraseStep`.
 */
import type { Database } from '../schema.ts';

/** A table of the store, by name. */
export type TableName = Extract<keyof Database, string>;

/** How the rows of a table belong to one customer. */
export type CustomerLink =
  /** `column` holds the customer's id (`customers.id` itself, or a reference to it). */
  | { readonly kind: 'customer'; readonly column: string }
  /** `column` holds the id of one of the customer's conversations. */
  | { readonly kind: 'conversation'; readonly column: string }
  /** `column` holds the wamid of a message of one of the customer's conversations. */
  | { readonly kind: 'wamid'; readonly column: string }
  /** `column` (JSON text) names one of the customer's conversation ids somewhere inside it. */
  | { readonly kind: 'mentionsConversation'; readonly column: string }
  /** `column` (raw text) contains the customer's wa_id or business-scoped user id. */
  | { readonly kind: 'mentionsIdentity'; readonly column: string };

/** Overwrite with `erased:<the row's customer id>`: unique where a unique key needs it. */
export interface Tombstone {
  readonly tombstone: true;
}

/** What erasing does to a linked row. */
export type EraseAction =
  /** Deletes the rows; `fileColumn` names the media file each row keeps, removed with it. */
  | { readonly kind: 'delete'; readonly fileColumn?: string }
  /**
   * Overwrites columns (the row stays, e.g. for anonymous counts): each to a constant or a
   * `Tombstone`.
   */
  | { readonly kind: 'overwrite'; readonly values: Readonly<Record<string, string | null | Tombstone>> };

/** One step of an erasure: a table, how its rows belong to the customer, and what is done to them. */
export interface EraseStep {
  readonly table: TableName;
  readonly link: CustomerLink;
  readonly action: EraseAction;
}

/** The customer an erasure is about: their id and the identities raw payloads carry. */
export interface ErasedCustomer {
  readonly id: string;
  readonly waId: string;
  readonly userId: string | null;
}

/** What one batch of a step did: rows touched, and the media files whose rows went with them. */
export interface StepResult {
  readonly rows: number;
  readonly files: readonly string[];
}

/** Rows past their age, by table: what the retention job deletes, a batch at a time. */
export type AgedRows =
  | { readonly kind: 'messages' }
  /** Media rows; their storage keys come back so the files go too. */
  | { readonly kind: 'media' }
  | { readonly kind: 'webhookDeliveries' }
  /** Raw webhook bodies: emptied, the delivery row stays (its id: the dedupe key). */
  | { readonly kind: 'webhookBodies' }
  | { readonly kind: 'auditLog' }
  /** Agent events; each agent's newest stays (the seq a reconnecting desktop resumes from). */
  | { readonly kind: 'agentEvents' };

/** A column of the migrated schema as the database reports it. */
export interface SchemaColumn {
  readonly table: string;
  readonly column: string;
  /** The declared type, lower case (`text`, `bigint`, `integer`, `jsonb`...). */
  readonly type: string;
}

/** A customer found by id or by one of their identities. */
export interface PrivacyCustomerRow extends ErasedCustomer {
  readonly businessNumberId: string;
  readonly name: string;
  readonly username: string | null;
  /** Their conversations, oldest first, and how many are not closed. */
  readonly conversationIds: readonly string[];
  readonly liveConversations: number;
}

/** Retention and erasure. Every method runs inside its transaction. */
export interface PrivacyRepository {
  /** The customer with this id, or those whose wa_id or user id is `identity` (one per business number). */
  findPrivacyCustomers(
    by: { readonly id: string } | { readonly identity: string },
  ): Promise<PrivacyCustomerRow[]>;
  /** The rows of `table` linked to `customer`, with the `columns` asked for (an export of what the registry names). */
  linkedRows(
    table: TableName,
    link: CustomerLink,
    customer: ErasedCustomer,
    columns: readonly string[],
  ): Promise<Record<string, unknown>[]>;
  /**
   * Carries out one step for `customer`: `delete` removes at most `limit` linked rows (call again
   * until fewer come back); `overwrite` updates every linked row at once (a bounded set).
   */
  eraseStep(step: EraseStep, customer: ErasedCustomer, limit: number): Promise<StepResult>;
  /** Deletes (or, for bodies, empties) at most `limit` rows older than `before`. */
  deleteAged(rows: AgedRows, before: number, limit: number): Promise<StepResult>;
  /**
   * Merges every full-text index so that entries of deleted rows leave its storage too (SQLite
   * FTS5 keeps a deleted row's tokens in its segments until a merge: `optimize`); returns the
   * indexes merged. PostgreSQL's GIN indexes hold no text a table scan reads: nothing to do.
   */
  compactFullText(): Promise<string[]>;
  /** Every column of every table (the migrated schema), for the registry's check. */
  schemaColumns(): Promise<SchemaColumn[]>;
  /**
   * Which `table.column` hold any of `needles` (a substring match over every text column of every
   * table): proof that an erasure left no trace. Scans everything: for tests and an operator's check.
   */
  columnsContaining(needles: readonly string[]): Promise<string[]>;
}
