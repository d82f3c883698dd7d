import {
  lookup,
  patchState,
  type Agent,
  type Conversation,
  type Offer,
  type Queue,
  type RoutingChanges,
  type RoutingPatch,
  type RoutingState,
} from '@parlo/core';
import { sql, type Transaction } from 'kysely';
import {
  agentFromRow,
  agentStateToColumns,
  conversationFromRow,
  conversationToColumns,
  offerFromRow,
  offerToRow,
  queueFromRow,
} from './routing-rows.ts';
import { queryTemplates } from './query-template.ts';
import type { Database } from './schema.ts';

/** Keeps `IN (...)` lists well below either database's bound-parameter limit. */
const IN_LIST_CHUNK = 500;

/** The catch-up log keeps this many versions; a copy older than that reloads the world. */
const KEEP_VERSIONS = 100_000;
/** How often (in versions) the log is pruned. */
const PRUNE_EVERY = 1_000;

/** What a routing row is, in the catch-up log. */
export type RoutingRowKind = 'agent' | 'queue' | 'conversation' | 'offer';

/** Rows read and written through the routing repository, and how the world was brought up to date. */
export interface RoutingIoStats {
  rowsRead: number;
  rowsWritten: number;
  /** Whole-world reads: the first load of a process, and reloads. */
  loads: number;
  /** Loads because the copy was older than the log (a process that had fallen too far behind). */
  reloads: number;
  /** Catch-ups from the log (another process, or an administrator's change, routed since). */
  catchUps: number;
}

interface Versioned {
  readonly state: RoutingState;
  readonly version: number;
}

/**
 * The routing world this process keeps in memory (ADR 0010): the last committed copy and the
 * version it is at. Only a transaction's commit installs a copy, so a rolled-back transaction never
 * changes it.
 */
export class RoutingMemory {
  #committed: Versioned | undefined;
  readonly stats: RoutingIoStats = { rowsRead: 0, rowsWritten: 0, loads: 0, reloads: 0, catchUps: 0 };

  /** Told when a copy was too far behind the log and the world was loaded again. */
  onReload: (info: { from: number; prunedThrough: number }) => void = () => {};

  get committed(): Versioned | undefined {
    return this.#committed;
  }

  /** Keeps `copy` if it is newer than what is kept (commits can finish out of order in JS). */
  install(copy: Versioned): void {
    if (!this.#committed || copy.version > this.#committed.version) this.#committed = copy;
  }

  /** Forgets the copy: the next transaction loads the world again. */
  forget(): void {
    this.#committed = undefined;
  }

  reloaded(from: number, prunedThrough: number): void {
    this.stats.reloads++;
    this.onReload({ from, prunedThrough });
  }
}

/**
 * The routing world as one transaction sees it. Decisions take the routing lock and start from the
 * process's copy brought up to date from the log (O(rows changed elsewhere)); they write only the
 * records a decision changed. Read-only callers take no lock.
 */
export interface RoutingRepository {
  /**
   * The world to decide on: takes the routing lock (PostgreSQL; SQLite transactions are serial
   * already) and brings the copy up to date. After `save`, the saved world.
   */
  forDecision(): Promise<RoutingState>;
  /** Writes the changed records of a decision made on `forDecision()`'s world, and logs them. */
  save(next: RoutingState, changes: RoutingChanges): Promise<void>;
  /** The world for reading, without the lock: this transaction's own if it decided, else the copy, brought up to date. */
  read(): Promise<RoutingState>;
  /** An administrator's write to routing rows (agent profile, queue): logged, and seen by the next read. */
  logChange(kind: RoutingRowKind, id: string): Promise<void>;
  /** Every routing row, read from the database now (tests compare the copy with it). */
  loadFromDatabase(): Promise<RoutingState>;
}

/** Whether routing still holds a conversation: not closed, or someone who left it still owes a wrap-up. */
export function isRoutable(conversation: Conversation): boolean {
  return conversation.phase.kind !== 'closed' || (conversation.departed?.length ?? 0) > 0;
}

export class KyselyRoutingRepository implements RoutingRepository {
  #locked = false;
  /** This transaction's world and the version it is at; `lockedWhenRead` tells if it may be decided on. */
  #local: (Versioned & { readonly decidable: boolean }) | undefined;
  /** The version this transaction writes, once it wrote one. */
  #writing: number | undefined;
  /** The database's version as read while this transaction held the lock, if it was. */
  #versionUnderLock: number | undefined;
  /** The version row as the lock read it (PostgreSQL). */
  #lockedStamp: { readonly version: number; readonly pruned_through: number } | undefined;
  /** Rows an administrator changed after `#local` was read: patched in before the next use. */
  readonly #stale: Array<{ kind: RoutingRowKind; id: string }> = [];
  #installOnCommit = false;
  /** Rows logged under `#writing`, inserted into `routing_changes` by `flushLog`. */
  readonly #unlogged = new Map<string, { kind: RoutingRowKind; id: string }>();

  constructor(
    private readonly db: Transaction<Database>,
    private readonly dialect: 'sqlite' | 'postgres',
    private readonly memory: RoutingMemory,
    private readonly afterCommit: (hook: () => void) => void,
    /** A conversation this transaction inserted, as inserted (not yet in the world); undefined if none. */
    private readonly inserted: (id: string) => Conversation | undefined = () => undefined,
  ) {}

  async forDecision(): Promise<RoutingState> {
    await this.lock();
    if (!this.#local?.decidable) {
      // Under the lock now: whatever was read before may be behind.
      this.#local = { ...(await this.upToDate(this.#local ?? this.memory.committed)), decidable: true };
      this.installOnCommit();
    }
    await this.patchStale();
    return this.#local.state;
  }

  async read(): Promise<RoutingState> {
    if (!this.#local) {
      this.#local = { ...(await this.upToDate(this.memory.committed)), decidable: false };
      this.installOnCommit();
    }
    await this.patchStale();
    return this.#local.state;
  }

  async save(next: RoutingState, changes: RoutingChanges): Promise<void> {
    if (!this.#local?.decidable) throw new Error('routing: save without forDecision');
    for (const agent of changes.agents) {
      // Only state and lastOfferedAt: capacity and queues belong to the agent's profile.
      const result = await this.db
        .updateTable('agents')
        .set(agentStateToColumns(agent))
        .where('user_id', '=', agent.id)
        .executeTakeFirst();
      if (result.numUpdatedRows !== 1n) throw new Error(`routing: agent ${agent.id} has no row`);
    }
    const was = lookup(this.#local.state);
    for (const conversation of changes.conversations) {
      // A customer who wrote while waiting moves the reply window, which is read from
      // last_inbound_at (the ingest wrote it): the row already says it. The change is still logged
      // below, so other nodes read the row again.
      // A conversation the ingest inserted in this transaction is written only if its first
      // decision changed it (an offer): one waiting as inserted is not written twice.
      const previous = was.conversation(conversation.id) ?? this.inserted(conversation.id);
      if (previous && sameRoutingColumns(previous, conversation)) continue;
      const result = await this.db
        .updateTable('conversations')
        .set({ queue_id: conversation.queueId, ...conversationToColumns(conversation) })
        .where('id', '=', conversation.id)
        .executeTakeFirst();
      if (result.numUpdatedRows !== 1n)
        throw new Error(`routing: conversation ${conversation.id} has no row`);
    }
    for (const offer of changes.offers) await this.upsertOffer(offer);
    const written = changes.agents.length + changes.conversations.length + changes.offers.length;
    this.memory.stats.rowsWritten += written;
    let version = this.#local.version;
    if (written > 0) {
      version = await this.logRows([
        ...changes.agents.map((a) => ({ kind: 'agent' as const, id: a.id })),
        ...changes.conversations.map((c) => ({ kind: 'conversation' as const, id: c.id })),
        ...changes.offers.map((o) => ({ kind: 'offer' as const, id: o.id })),
      ]);
    }
    // What a load would not read again, the copy forgets too: it holds exactly the routable rows.
    const retired: RoutingPatch = {
      removedConversationIds: changes.conversations.filter((c) => !isRoutable(c)).map((c) => c.id),
      removedOfferIds: changes.offers.filter((o) => o.status.kind !== 'pending').map((o) => o.id),
    };
    this.#local = { state: patchState(next, retired), version, decidable: true };
  }

  async logChange(kind: RoutingRowKind, id: string): Promise<void> {
    await this.logRows([{ kind, id }]);
    if (this.#local) this.#stale.push({ kind, id });
  }

  async loadFromDatabase(): Promise<RoutingState> {
    const agentRows = await this.db.selectFrom('agents').selectAll().execute();
    const queueRows = await this.db.selectFrom('queues').selectAll().execute();
    const conversationRows = await this.conversationRows()
      // The partial index conversations_routing_live_idx holds exactly these rows.
      .where(sql<boolean>`phase_kind <> 'closed' or departed <> '[]'`)
      .execute();
    const offerRows = await this.db
      .selectFrom('offers')
      .selectAll()
      .where('status_kind', '=', 'pending')
      .execute();
    this.memory.stats.rowsRead +=
      agentRows.length + queueRows.length + conversationRows.length + offerRows.length;
    return {
      agents: Object.fromEntries(agentRows.map((row) => [row.user_id, agentFromRow(row)])),
      queues: Object.fromEntries(queueRows.map((row) => [row.id, queueFromRow(row)])),
      conversations: Object.fromEntries(conversationRows.map((row) => [row.id, conversationFromRow(row)])),
      offers: Object.fromEntries(offerRows.map((row) => [row.id, offerFromRow(row)])),
    };
  }

  // --- bringing a copy up to date ---

  /** `base` brought to the database's version: unchanged, caught up from the log, or reloaded. */
  private async upToDate(base: Versioned | undefined): Promise<Versioned> {
    // The row the lock read, while this transaction has not bumped it; else read now (once per
    // routing transaction: built and compiled once per process).
    const stamp =
      (this.#writing === undefined ? this.#lockedStamp : undefined) ??
      (
        await queryTemplates(this.dialect).run(this.db, 'routingVersion', {}, () =>
          this.db.selectFrom('routing_version').select(['version', 'pruned_through']).where('id', '=', 1),
        )
      ).rows[0];
    if (!stamp) throw new Error('routing: no routing_version row');
    if (this.#locked && this.#writing === undefined) this.#versionUnderLock = stamp.version;
    if (base && base.version === stamp.version) return base;
    // A copy ahead of the database: commits it saw are gone (a restore, a failover to a replica
    // that lagged). The database is the truth, so the world is read again.
    if (base && base.version < stamp.version && base.version >= stamp.pruned_through) {
      this.memory.stats.catchUps++;
      return { state: await this.catchUp(base, stamp.version), version: stamp.version };
    }
    if (base) this.memory.reloaded(base.version, stamp.pruned_through);
    // Ahead: the kept copy's version is above anything this lineage commits next, so it is
    // forgotten, or the reloaded copy (at a lower version) would never be installed over it.
    if (base && base.version > stamp.version) this.memory.forget();
    this.memory.stats.loads++;
    return { state: await this.loadFromDatabase(), version: stamp.version };
  }

  /** The rows the log names after `base.version` (up to `version`), read by id and patched in. */
  private async catchUp(base: Versioned, version: number): Promise<RoutingState> {
    const logged = await this.db
      .selectFrom('routing_changes')
      .select(['kind', 'id'])
      .where('version', '>', base.version)
      .where('version', '<=', version)
      .execute();
    this.memory.stats.rowsRead += logged.length;
    // This transaction's own log (an admin's change before its decision) is not inserted yet.
    if (this.#writing !== undefined && this.#writing > base.version && this.#writing <= version)
      logged.push(...this.#unlogged.values());
    const ids = (kind: RoutingRowKind): string[] => [
      ...new Set(logged.filter((row) => row.kind === kind).map((row) => row.id)),
    ];
    return patchState(base.state, await this.rowsAsPatch(ids));
  }

  /** Reads the named rows and says what the copy must put in and take out. */
  private async rowsAsPatch(ids: (kind: RoutingRowKind) => string[]): Promise<RoutingPatch> {
    const agentIds = ids('agent');
    const queueIds = ids('queue');
    const conversationIds = ids('conversation');
    const offerIds = ids('offer');
    const agents: Agent[] = [];
    const queues: Queue[] = [];
    const conversations: Conversation[] = [];
    const offers: Offer[] = [];
    for (const chunk of chunks(agentIds)) {
      const rows = await this.db.selectFrom('agents').selectAll().where('user_id', 'in', chunk).execute();
      agents.push(...rows.map(agentFromRow));
    }
    for (const chunk of chunks(queueIds)) {
      const rows = await this.db.selectFrom('queues').selectAll().where('id', 'in', chunk).execute();
      queues.push(...rows.map(queueFromRow));
    }
    for (const chunk of chunks(conversationIds)) {
      const rows = await this.conversationRows().where('id', 'in', chunk).execute();
      conversations.push(...rows.map(conversationFromRow));
    }
    for (const chunk of chunks(offerIds)) {
      const rows = await this.db.selectFrom('offers').selectAll().where('id', 'in', chunk).execute();
      offers.push(...rows.map(offerFromRow));
    }
    this.memory.stats.rowsRead += agents.length + queues.length + conversations.length + offers.length;
    const found = (list: readonly { id: string }[]): Set<string> => new Set(list.map((r) => r.id));
    const liveConversations = conversations.filter(isRoutable);
    const pendingOffers = offers.filter((o) => o.status.kind === 'pending');
    return {
      agents,
      removedAgentIds: agentIds.filter((id) => !found(agents).has(id)),
      queues,
      conversations: liveConversations,
      removedConversationIds: conversationIds.filter((id) => !found(liveConversations).has(id)),
      offers: pendingOffers,
      removedOfferIds: offerIds.filter((id) => !found(pendingOffers).has(id)),
    };
  }

  private async patchStale(): Promise<void> {
    if (this.#stale.length === 0 || !this.#local) return;
    const stale = this.#stale.splice(0);
    const ids = (kind: RoutingRowKind): string[] => [
      ...new Set(stale.filter((s) => s.kind === kind).map((s) => s.id)),
    ];
    const state = patchState(this.#local.state, await this.rowsAsPatch(ids));
    this.#local = { ...this.#local, state, version: this.#writing ?? this.#local.version };
  }

  // --- writing ---

  /**
   * The routing lock. On PostgreSQL it is the version row's, read `for update`: the lock and the
   * version it protects in one round trip (ADR 38), and the read waits for the holder's commit and
   * returns the row as that commit left it. On SQLite a writing transaction holds the database.
   */
  private async lock(): Promise<void> {
    if (this.#locked) return;
    if (this.dialect === 'postgres') {
      const { rows } = await queryTemplates(this.dialect).run(this.db, 'lockRoutingVersion', {}, () =>
        this.db
          .selectFrom('routing_version')
          .select(['version', 'pruned_through'])
          .where('id', '=', 1)
          .forUpdate(),
      );
      this.#lockedStamp = rows[0];
      if (this.#writing === undefined && rows[0]) this.#versionUnderLock = rows[0].version;
    }
    this.#locked = true;
  }

  /** Logs the rows under this transaction's version (bumped once, under the lock); returns it. */
  /**
   * Logs the rows under this transaction's version (bumped once, under the lock); returns it. The
   * rows are inserted by `flushLog`, once, just before the commit: a webhook batch makes a decision
   * per conversation, and an insert each was a round trip each. Other nodes read the log only
   * after the commit, so they see the same rows.
   */
  private async logRows(rows: ReadonlyArray<{ kind: RoutingRowKind; id: string }>): Promise<number> {
    const version = await this.writingVersion();
    for (const row of rows) this.#unlogged.set(`${row.kind} ${row.id}`, row);
    return version;
  }

  /** Writes the rows `logRows` noted (the transaction's store calls it before committing). */
  async flushLog(): Promise<void> {
    if (this.#unlogged.size === 0 || this.#writing === undefined) return;
    const version = this.#writing;
    const rows = [...this.#unlogged.values()];
    this.#unlogged.clear();
    // Compiled once per length (query-template.ts): every routing transaction writes a few.
    await queryTemplates(this.dialect).runRows(
      this.db,
      'insertRoutingChanges',
      rows.map((row) => ({ version, kind: row.kind, id: row.id })),
      (r) =>
        this.db
          .insertInto('routing_changes')
          .values(r)
          .onConflict((oc) => oc.doNothing()),
      { writes: 'routing_changes' },
    );
  }

  private async writingVersion(): Promise<number> {
    if (this.#writing !== undefined) return this.#writing;
    // The lock first, always: a transaction holding the version row must never wait for the lock.
    await this.lock();
    let version = this.#versionUnderLock === undefined ? undefined : this.#versionUnderLock + 1;
    if (version !== undefined) {
      // Read under the lock, which every bump holds: the next version is known, and the bump is a
      // write whose result nobody reads (on PostgreSQL it goes with the next statement, ADR 38).
      await queryTemplates(this.dialect).run(
        this.db,
        'setRoutingVersion',
        { version },
        (a) => this.db.updateTable('routing_version').set({ version: a.version }).where('id', '=', 1),
        { writes: 'routing_version' },
      );
    } else {
      const { rows } = await queryTemplates(this.dialect).run(this.db, 'bumpRoutingVersion', {}, () =>
        this.db
          .updateTable('routing_version')
          .set((eb) => ({ version: eb('version', '+', 1) }))
          .where('id', '=', 1)
          .returning('version'),
      );
      version = rows[0]?.version;
      if (version === undefined) throw new Error('routing: no routing_version row');
    }
    this.#writing = version;
    if (version % PRUNE_EVERY === 0) await this.prune(version - KEEP_VERSIONS);
    return version;
  }

  private async prune(through: number): Promise<void> {
    if (through <= 0) return;
    await this.db.deleteFrom('routing_changes').where('version', '<=', through).execute();
    await this.db
      .updateTable('routing_version')
      .set({ pruned_through: through })
      .where('id', '=', 1)
      .execute();
  }

  private installOnCommit(): void {
    if (this.#installOnCommit) return;
    this.#installOnCommit = true;
    this.afterCommit(() => {
      if (this.#local && this.#stale.length === 0) this.memory.install(this.#local);
    });
  }

  private async upsertOffer(offer: Offer): Promise<void> {
    await this.db
      .insertInto('offers')
      .values(offerToRow(offer))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          conversation_id: eb.ref('excluded.conversation_id'),
          agent_id: eb.ref('excluded.agent_id'),
          created_at: eb.ref('excluded.created_at'),
          expires_at: eb.ref('excluded.expires_at'),
          status_kind: eb.ref('excluded.status_kind'),
          status_at: eb.ref('excluded.status_at'),
          purpose_kind: eb.ref('excluded.purpose_kind'),
          purpose_from_agent_id: eb.ref('excluded.purpose_from_agent_id'),
          purpose_policy: eb.ref('excluded.purpose_policy'),
        })),
      )
      .execute();
  }

  private conversationRows() {
    return this.db
      .selectFrom('conversations')
      .select([
        'id',
        'queue_id',
        'received_at',
        'offer_count',
        'lapsed_agent_ids',
        'phase_kind',
        'phase_agent_id',
        'phase_offer_id',
        'accepted_at',
        'ended_at',
        'closed_at',
        'wrap_up_reason_id',
        'guest_kind',
        'guest_agent_id',
        'guest_offer_id',
        'guest_joined_at',
        'departed',
        'at_head',
        'last_inbound_at',
        'preferred_agent_id',
        'preferred_until',
      ]);
  }
}

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += IN_LIST_CHUNK) out.push(list.slice(i, i + IN_LIST_CHUNK));
  return out;
}

/** Whether two versions of a conversation write the same routing columns. */
function sameRoutingColumns(a: Conversation, b: Conversation): boolean {
  if (a.queueId !== b.queueId) return false;
  const before: Record<string, unknown> = conversationToColumns(a);
  const after: Record<string, unknown> = conversationToColumns(b);
  return Object.keys(after).every((column) => before[column] === after[column]);
}
