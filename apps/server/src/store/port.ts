import type { AgentEventsRepository } from './ports/agent-events.ts';
import type { AuditRepository } from './ports/audit.ts';
import type { CannedResponsesRepository } from './ports/canned-responses.ts';
import type { BusinessHoursRepository } from './ports/business-hours.ts';
import type { CsatRepository } from './ports/csat.ts';
import type { LabelsRepository } from './ports/labels.ts';
import type { CatalogRepository } from './ports/catalog.ts';
import type { ChannelRepository } from './ports/channel.ts';
import type { ConversationsRepository } from './ports/conversations.ts';
import type { CustomerRecordsRepository } from './ports/customer-records.ts';
import type { InteractionEventRow, InteractionEventsRepository } from './ports/interaction-events.ts';
import type { LeasesRepository } from './ports/leases.ts';
import type { MediaRepository } from './ports/media.ts';
import type { MessageTemplatesRepository } from './ports/message-templates.ts';
import type { PrivacyRepository } from './ports/privacy.ts';
import type { SearchRepository } from './ports/search.ts';
import type { SignInRepository } from './ports/sign-in.ts';
import type { SupervisionRepository } from './ports/supervision.ts';
import type { TimersRepository } from './ports/timers.ts';
import type { UsersRepository } from './ports/users.ts';
import type { RoutingIoStats, RoutingRepository } from './routing-repository.ts';
import type { StoreDialect } from './dialect.ts';

export type { StoreDialect };

export type { RoutingIoStats, RoutingRepository, RoutingRowKind } from './routing-repository.ts';
export type * from './ports/agent-events.ts';
export type * from './ports/audit.ts';
export type * from './ports/canned-responses.ts';
export type * from './ports/business-hours.ts';
export type * from './ports/csat.ts';
export type * from './ports/labels.ts';
export type * from './ports/catalog.ts';
export type * from './ports/channel.ts';
export type * from './ports/conversations.ts';
export type * from './ports/customer-records.ts';
export type * from './ports/interaction-events.ts';
export type * from './ports/leases.ts';
export type * from './ports/media.ts';
export type * from './ports/message-templates.ts';
export type * from './ports/privacy.ts';
export type * from './ports/search.ts';
export type * from './ports/sign-in.ts';
export type * from './ports/supervision.ts';
export type * from './ports/timers.ts';
export type * from './ports/users.ts';

/**
 * The storage port. Two adapters implement it over Kysely: SQLite (embedded default) and
 * PostgreSQL (several nodes). Both pass the same contract suites (`contracts/`, one per repository).
 *
 * Instants are epoch milliseconds. Every method runs inside the transaction it belongs to.
 */
export interface Store {
  readonly dialect: StoreDialect;
  /** Runs `work` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Runs `work`, which only reads, in one transaction on a connection that never holds the event
   * loop: SQLite's file database answers it from a thread of its own (ADR 36), PostgreSQL from its
   * pool. It sees what committed before it began; statements that write fail. For reads that may
   * take tens of milliseconds (search over every message).
   */
  readOnly<T>(work: (reader: StoreReader) => Promise<T>): Promise<T>;
  /** Rows the routing repository read and wrote, and how often it loaded or caught up (counters). */
  readonly routingStats: Readonly<RoutingIoStats>;
  /** Drops this process's copy of the routing world: the next transaction loads it again. */
  forgetRoutingWorld(): void;
  /** Sets who is told when the copy had fallen too far behind the change log and was reloaded. */
  onRoutingReload(listener: (info: { from: number; prunedThrough: number }) => void): void;
  /**
   * Tells `listener` of the interaction events each transaction appended, after it committed (in
   * this process; other nodes' come over the bus). Returns how to stop.
   */
  onInteractionEvents(listener: (rows: readonly InteractionEventRow[]) => void): () => void;
  /**
   * Sets who is told how long each of SQLite's WAL fsyncs took (seconds), which every commit that
   * wrote waits for before it is acted on (ADR 12); one listener, a later call replaces it (the
   * metrics). PostgreSQL's fsyncs are its own: never called there.
   */
  onDiskFlush(listener: (seconds: number) => void): void;
  close(): Promise<void>;
}

/** What a read-only transaction may ask (`Store.readOnly`). */
export interface StoreReader {
  readonly search: Pick<SearchRepository, 'searchConversations'>;
  readonly reports: Pick<InteractionEventsRepository, 'report'>;
}

/**
 * One transaction's view of the store: every repository's methods on one object (so callers write
 * `tx.findUserById(id)` whichever aggregate they touch), and the routing world beside them. A
 * service that needs only part of it may ask for that repository's port, e.g. `UsersRepository`.
 */
export interface StoreTx
  extends
    TimersRepository,
    UsersRepository,
    CatalogRepository,
    AuditRepository,
    ConversationsRepository,
    MediaRepository,
    ChannelRepository,
    MessageTemplatesRepository,
    AgentEventsRepository,
    LeasesRepository,
    CustomerRecordsRepository {
  /**
   * The routing world (agents, queues, conversations routing still holds, pending offers), kept
   * in memory by this process and brought up to date from the change log; decisions write only
   * what they changed (ADR 0010).
   */
  readonly routing: RoutingRepository;
  /** Retention and erasure (issue 17): table-driven deletes a batch at a time, the schema's columns. */
  readonly privacy: PrivacyRepository;
  /** Sign-in throttles and administrators' TOTP secrets (issue 17, migration 0014). */
  readonly signIn: SignInRepository;
  /** Search over conversations (issue 15): full text of messages, names, keyed number hashes. */
  readonly search: SearchRepository;
  /** Issue 16: the append-only interaction events and the report queries over them (ADR 22). */
  readonly interactionEvents: InteractionEventsRepository;
  /** Supervisors monitoring or barged into live conversations (issue 16, migration 0020). */
  readonly supervision: SupervisionRepository;
  /** Canned responses: a queue's and each agent's own (issue 18, migration 0021). */
  readonly cannedResponses: CannedResponsesRepository;
  /** Each queue's business hours and out-of-hours reply (issue 18, migration 0025, ADR 27). */
  readonly businessHours: BusinessHoursRepository;
  /** CSAT surveys and their answers (issue 18, migration 0026, ADR 28). */
  readonly csat: CsatRepository;
  /** Labels on conversations: the administrator's labels, which conversation carries which (issue 18, migration 0024). */
  readonly labels: LabelsRepository;
}
