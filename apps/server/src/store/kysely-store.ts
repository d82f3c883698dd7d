import { sql, type CompiledQuery, type Kysely, type Selectable, type Transaction } from 'kysely';
import { KyselyRoutingRepository, RoutingMemory, type RoutingRepository } from './routing-repository.ts';
import type {
  AgentEventRow,
  AgentProfileRow,
  BusinessNumberRow,
  ChannelHealthRow,
  ConversationDetails,
  CustomerRow,
  DeliveryStatus,
  MediaRow,
  MediaStatus,
  MessageDirection,
  MessageRow,
  NamedRow,
  NewConversation,
  ParticipantWrapUpRow,
  MessageTemplateRow,
  OutboxKind,
  OutboxRow,
  PendingStatusRow,
  QueueRow,
  Role,
  SessionRow,
  Store,
  StoreTx,
  StoredTimer,
  UserRow,
  AuditEntry,
  AuditQuery,
  DeletedNumberMessageRow,
  Permission,
} from './port.ts';
import {
  parseDeparted,
  parseStringArray,
  queuePoliciesFromRow,
  queuePolicyColumns,
  strategyFromColumn,
} from './routing-rows.ts';
import type {
  BusinessNumbersTable,
  Database,
  MediaTable,
  MessagesTable,
  OutboxTable,
  QueuesTable,
  UsersTable,
} from './schema.ts';

/** The SQL dialect a store runs on; the only place the shared code branches on it. */
export type StoreDialect = Store['dialect'];

/** Keeps `IN (...)` lists well below either database's bound-parameter limit. */
const IN_LIST_CHUNK = 500;

/**
 * The one `Store` implementation, over a Kysely instance of either dialect. Transactions:
 * PostgreSQL runs them on pooled connections at READ COMMITTED (the conflict-handling statements
 * below are written to be correct there); Kysely's SqliteDialect has a single connection guarded by
 * a mutex held from BEGIN to COMMIT, so SQLite transactions never interleave. A consequence: on
 * SQLite, calling `store.transaction` from inside another transaction's `work` deadlocks.
 */
export function createKyselyStore(db: Kysely<Database>, dialect: StoreDialect): Store {
  const memory = new RoutingMemory();
  return {
    dialect,
    routingStats: memory.stats,
    async transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
      const afterCommit: Array<() => void> = [];
      const result = await db
        .transaction()
        .execute((trx) => work(new KyselyStoreTx(trx, dialect, memory, (hook) => afterCommit.push(hook))));
      for (const hook of afterCommit) hook();
      return result;
    },
    forgetRoutingWorld: () => memory.forget(),
    onRoutingReload: (listener) => {
      memory.onReload = listener;
    },
    close: () => db.destroy(),
  };
}

class KyselyStoreTx implements StoreTx {
  readonly routing: RoutingRepository;

  constructor(
    private readonly db: Transaction<Database>,
    private readonly dialect: StoreDialect,
    memory: RoutingMemory,
    afterCommit: (hook: () => void) => void,
  ) {
    this.routing = new KyselyRoutingRepository(db, dialect, memory, afterCommit);
  }

  // --- durable timers ---

  async armTimer(timer: StoredTimer): Promise<void> {
    await this.db
      .insertInto('timers')
      .values({ key: timer.key, due_at: timer.dueAt, event: toJson(timer.event) })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet((eb) => ({ due_at: eb.ref('excluded.due_at'), event: eb.ref('excluded.event') })),
      )
      .execute();
  }

  async cancelTimer(key: string): Promise<void> {
    await this.db.deleteFrom('timers').where('key', '=', key).execute();
  }

  async dueTimers(now: number, limit: number): Promise<StoredTimer[]> {
    const rows = await this.db
      .selectFrom('timers')
      .selectAll()
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .orderBy('key')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ key: row.key, dueAt: row.due_at, event: fromJson(row.event) }));
  }

  async claimTimer(key: string): Promise<boolean> {
    // On PostgreSQL a concurrent DELETE of the same row waits for this one to commit, then finds
    // nothing: exactly one claimant sees a deleted row.
    const result = await this.db.deleteFrom('timers').where('key', '=', key).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  // --- users and sessions ---

  async insertUser(user: UserRow): Promise<void> {
    await this.db
      .insertInto('users')
      .values({
        id: user.id,
        username: user.username,
        display_name: user.displayName,
        role: user.role,
        password_hash: user.passwordHash,
        created_at: user.createdAt,
      })
      .execute();
  }

  async findUserByUsername(username: string): Promise<UserRow | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row && userFromRow(row);
  }

  async findUserById(id: string): Promise<UserRow | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && userFromRow(row);
  }

  async listUsers(): Promise<UserRow[]> {
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('deleted_at', 'is', null)
      .orderBy('username')
      .execute();
    return rows.map(userFromRow);
  }

  async updateUser(
    id: string,
    patch: Partial<Pick<UserRow, 'username' | 'displayName' | 'role' | 'passwordHash'>>,
  ): Promise<boolean> {
    const set = {
      ...(patch.username === undefined ? {} : { username: patch.username }),
      ...(patch.displayName === undefined ? {} : { display_name: patch.displayName }),
      ...(patch.role === undefined ? {} : { role: patch.role }),
      ...(patch.passwordHash === undefined ? {} : { password_hash: patch.passwordHash }),
    };
    if (Object.keys(set).length === 0) return (await this.findUserById(id))?.deletedAt === null;
    const result = await this.db
      .updateTable('users')
      .set(set)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async softDeleteUser(id: string, at: number): Promise<boolean> {
    // The username is unique: a placeholder frees it for a new user; the display name stays.
    const result = await this.db
      .updateTable('users')
      .set({ deleted_at: at, username: `deleted~${id}` })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async deleteSessionsOfUser(userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  async insertSession(session: SessionRow): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        token_hash: session.tokenHash,
        user_id: session.userId,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
      })
      .execute();
  }

  async findSession(tokenHash: string): Promise<SessionRow | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return (
      row && {
        tokenHash: row.token_hash,
        userId: row.user_id,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      }
    );
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  // --- administration data ---

  async insertQueue(queue: QueueRow): Promise<void> {
    await this.db
      .insertInto('queues')
      .values({
        id: queue.id,
        name: queue.name,
        priority: queue.priority,
        offer_timeout_ms: queue.offerTimeoutMs,
        strategy: queue.strategy,
        ...queuePolicyColumns(queue),
        wrap_up_reason_ids: queue.wrapUpReasonIds ? JSON.stringify(queue.wrapUpReasonIds) : null,
      })
      .execute();
    await this.routing.logChange('queue', queue.id);
  }

  async updateQueue(queue: QueueRow): Promise<boolean> {
    const result = await this.db
      .updateTable('queues')
      .set({
        name: queue.name,
        priority: queue.priority,
        offer_timeout_ms: queue.offerTimeoutMs,
        strategy: queue.strategy,
        ...queuePolicyColumns(queue),
        ...(queue.wrapUpReasonIds === undefined
          ? {}
          : { wrap_up_reason_ids: JSON.stringify(queue.wrapUpReasonIds) }),
      })
      .where('id', '=', queue.id)
      .executeTakeFirst();
    const updated = Number(result.numUpdatedRows) > 0;
    if (updated) await this.routing.logChange('queue', queue.id);
    return updated;
  }

  async listQueues(options?: { includeDeleted?: boolean }): Promise<QueueRow[]> {
    const rows = await this.db
      .selectFrom('queues')
      .selectAll()
      .$if(options?.includeDeleted !== true, (q) => q.where('deleted_at', 'is', null))
      .orderBy('priority')
      .orderBy('name')
      .orderBy('id')
      .execute();
    return rows.map(queueRowFromRow);
  }

  async findQueueById(id: string): Promise<QueueRow | undefined> {
    const row = await this.db.selectFrom('queues').selectAll().where('id', '=', id).executeTakeFirst();
    return row && queueRowFromRow(row);
  }

  async softDeleteQueue(id: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('queues')
      .set({ deleted_at: at })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    const deleted = Number(result.numUpdatedRows) > 0;
    if (deleted) await this.routing.logChange('queue', id);
    return deleted;
  }

  async listAgentProfiles(): Promise<AgentProfileRow[]> {
    const rows = await this.db
      .selectFrom('agents')
      .select(['user_id', 'capacity', 'queue_ids'])
      .orderBy('user_id')
      .execute();
    return rows.map((row) => ({
      userId: row.user_id,
      capacity: row.capacity,
      queueIds: parseStringArray(row.queue_ids, `agent ${row.user_id} queue_ids`),
    }));
  }

  async deleteAgentProfile(userId: string): Promise<void> {
    await this.db.deleteFrom('agents').where('user_id', '=', userId).execute();
    await this.routing.logChange('agent', userId);
  }

  async upsertAgentProfile(profile: AgentProfileRow, initialIdleCodeId: string, now: number): Promise<void> {
    await this.db
      .insertInto('agents')
      .values({
        user_id: profile.userId,
        capacity: profile.capacity,
        queue_ids: JSON.stringify(profile.queueIds),
        state_kind: 'idle',
        state_since: now,
        idle_code_id: initialIdleCodeId,
        last_offered_at: null,
        disconnected_at: null,
      })
      // An existing agent keeps its routing state: only the profile changes.
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet((eb) => ({
          capacity: eb.ref('excluded.capacity'),
          queue_ids: eb.ref('excluded.queue_ids'),
        })),
      )
      .execute();
    await this.routing.logChange('agent', profile.userId);
  }

  insertIdleCode(code: NamedRow): Promise<void> {
    return this.insertNamed('idle_codes', code);
  }

  listIdleCodes(): Promise<NamedRow[]> {
    return this.listNamed('idle_codes');
  }

  updateIdleCode(code: NamedRow): Promise<boolean> {
    return this.updateNamed('idle_codes', code);
  }

  softDeleteIdleCode(id: string, at: number): Promise<boolean> {
    return this.softDeleteNamed('idle_codes', id, at);
  }

  insertWrapUpReason(reason: NamedRow): Promise<void> {
    return this.insertNamed('wrap_up_reasons', reason);
  }

  listWrapUpReasons(): Promise<NamedRow[]> {
    return this.listNamed('wrap_up_reasons');
  }

  updateWrapUpReason(reason: NamedRow): Promise<boolean> {
    return this.updateNamed('wrap_up_reasons', reason);
  }

  softDeleteWrapUpReason(id: string, at: number): Promise<boolean> {
    return this.softDeleteNamed('wrap_up_reasons', id, at);
  }

  // Idle codes and wrap-up reasons are the same shape of table: one implementation serves both.
  private async insertNamed(table: NamedTable, row: NamedRow): Promise<void> {
    await this.db.insertInto(table).values({ id: row.id, name: row.name, position: row.position }).execute();
  }

  private listNamed(table: NamedTable): Promise<NamedRow[]> {
    return this.db
      .selectFrom(table)
      .select(['id', 'name', 'position'])
      .where('deleted_at', 'is', null)
      .orderBy('position')
      .orderBy('id')
      .execute();
  }

  private async updateNamed(table: NamedTable, row: NamedRow): Promise<boolean> {
    const result = await this.db
      .updateTable(table)
      .set({ name: row.name, position: row.position })
      .where('id', '=', row.id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  private async softDeleteNamed(table: NamedTable, id: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable(table)
      .set({ deleted_at: at })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async insertBusinessNumber(number: BusinessNumberRow): Promise<void> {
    await this.db
      .insertInto('business_numbers')
      .values({
        id: number.id,
        phone_number_id: number.phoneNumberId,
        display_phone_number: number.displayPhoneNumber,
        waba_id: number.wabaId,
        access_token: number.accessToken,
        app_secrets: JSON.stringify(number.appSecrets),
        verify_token: number.verifyToken,
        queue_id: number.queueId,
      })
      .execute();
  }

  async findBusinessNumberByPhoneNumberId(phoneNumberId: string): Promise<BusinessNumberRow | undefined> {
    const row =
      (await this.db
        .selectFrom('business_numbers')
        .selectAll()
        .where('phone_number_id', '=', phoneNumberId)
        .executeTakeFirst()) ??
      (await this.db
        .selectFrom('business_numbers')
        .selectAll()
        .where('deleted_phone_number_id', '=', phoneNumberId)
        .orderBy('deleted_at', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst());
    return row && businessNumberFromRow(row);
  }

  async findBusinessNumberById(id: string): Promise<BusinessNumberRow | undefined> {
    const row = await this.db
      .selectFrom('business_numbers')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && businessNumberFromRow(row);
  }

  async listBusinessNumbers(options?: { includeDeleted?: boolean }): Promise<BusinessNumberRow[]> {
    const rows = await this.db
      .selectFrom('business_numbers')
      .selectAll()
      .$if(options?.includeDeleted !== true, (q) => q.where('deleted_at', 'is', null))
      .orderBy('id')
      .execute();
    return rows.map(businessNumberFromRow);
  }

  async updateBusinessNumber(number: BusinessNumberRow): Promise<boolean> {
    const result = await this.db
      .updateTable('business_numbers')
      .set({
        phone_number_id: number.phoneNumberId,
        display_phone_number: number.displayPhoneNumber,
        waba_id: number.wabaId,
        access_token: number.accessToken,
        app_secrets: JSON.stringify(number.appSecrets),
        verify_token: number.verifyToken,
        queue_id: number.queueId,
      })
      .where('id', '=', number.id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async softDeleteBusinessNumber(id: string, at: number): Promise<boolean> {
    // phone_number_id is unique: a placeholder frees it, the real one is kept to recognise webhooks.
    const result = await this.db
      .updateTable('business_numbers')
      .set((eb) => ({
        deleted_at: at,
        deleted_phone_number_id: eb.ref('phone_number_id'),
        phone_number_id: `deleted~${id}`,
      }))
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async liveConversationIdsOf(of: { businessNumberId: string } | { queueId: string }): Promise<string[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .select('id')
      .where('phase_kind', '<>', 'closed')
      .where(
        'businessNumberId' in of ? 'business_number_id' : 'queue_id',
        '=',
        'businessNumberId' in of ? of.businessNumberId : of.queueId,
      )
      .orderBy('id')
      .execute();
    return rows.map((row) => row.id);
  }

  async listDeletedNumberMessages(limit: number): Promise<DeletedNumberMessageRow[]> {
    const rows = await this.db
      .selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .innerJoin('business_numbers as bn', 'bn.id', 'c.business_number_id')
      .selectAll('m')
      .where('m.direction', '=', 'inbound')
      .where('bn.deleted_at', 'is not', null)
      .where((eb) => eb('m.created_at', '>=', eb.ref('bn.deleted_at')))
      .orderBy('m.created_at', 'desc')
      .orderBy('m.id', 'desc')
      .limit(limit)
      .execute();
    const details = new Map(
      (await this.getConversationDetails([...new Set(rows.map((r) => r.conversation_id))])).map((d) => [
        d.id,
        d,
      ]),
    );
    const result: DeletedNumberMessageRow[] = [];
    for (const row of rows) {
      const d = details.get(row.conversation_id);
      if (d) result.push({ message: messageFromRow(row), details: d });
    }
    return result;
  }

  async grantPermission(userId: string, permission: Permission): Promise<void> {
    await this.db
      .insertInto('user_permissions')
      .values({ user_id: userId, permission })
      .onConflict((oc) => oc.columns(['user_id', 'permission']).doNothing())
      .execute();
  }

  async hasPermission(userId: string, permission: Permission): Promise<boolean> {
    const row = await this.db
      .selectFrom('user_permissions')
      .select('permission')
      .where('user_id', '=', userId)
      .where('permission', '=', permission)
      .executeTakeFirst();
    return row !== undefined;
  }

  async insertAudit(entry: AuditEntry): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        id: entry.id,
        at: entry.at,
        actor_user_id: entry.actorUserId,
        action: entry.action,
        subject: entry.subject,
        detail: JSON.stringify(entry.detail ?? null),
      })
      .execute();
  }

  async listAudit(limit: number): Promise<AuditEntry[]> {
    const rows = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      actorUserId: row.actor_user_id,
      action: row.action,
      subject: row.subject,
      detail: JSON.parse(row.detail) as unknown,
    }));
  }

  async queryAudit(query: AuditQuery): Promise<AuditEntry[]> {
    const prefix = query.actionPrefix;
    const before = query.before;
    let q = this.db.selectFrom('audit_log').selectAll();
    // substr rather than LIKE: no escaping of % and _ in what the admin typed.
    if (prefix !== undefined)
      q = q.where((eb) =>
        eb(eb.fn('substr', [eb.ref('action'), eb.lit(1), eb.val(prefix.length)]), '=', prefix),
      );
    if (query.actorUserId !== undefined) q = q.where('actor_user_id', '=', query.actorUserId);
    if (query.subject !== undefined) q = q.where('subject', '=', query.subject);
    if (query.from !== undefined) q = q.where('at', '>=', query.from);
    if (query.to !== undefined) q = q.where('at', '<', query.to);
    if (before !== undefined)
      q = q.where((eb) =>
        eb.or([eb('at', '<', before.at), eb.and([eb('at', '=', before.at), eb('id', '<', before.id)])]),
      );
    const rows = await q.orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      actorUserId: row.actor_user_id,
      action: row.action,
      subject: row.subject,
      detail: JSON.parse(row.detail) as unknown,
    }));
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute();
  }

  // --- customers and conversations ---

  async upsertCustomer(customer: CustomerRow): Promise<CustomerRow> {
    // Rewrites the row only when the name changed: most inbound messages repeat it, and an
    // unconditional update would cost a row version (PostgreSQL) or a page write per message.
    const written = await this.db
      .insertInto('customers')
      .values({
        id: customer.id,
        business_number_id: customer.businessNumberId,
        wa_id: customer.waId,
        name: customer.name,
      })
      .onConflict((oc) =>
        oc
          .columns(['business_number_id', 'wa_id'])
          .doUpdateSet((eb) => ({ name: eb.ref('excluded.name') }))
          .where((eb) => eb('customers.name', '<>', eb.ref('excluded.name'))),
      )
      .returningAll()
      .executeTakeFirst();
    const row =
      written ??
      (await this.db
        .selectFrom('customers')
        .selectAll()
        .where('business_number_id', '=', customer.businessNumberId)
        .where('wa_id', '=', customer.waId)
        .executeTakeFirstOrThrow());
    return { id: row.id, businessNumberId: row.business_number_id, waId: row.wa_id, name: row.name };
  }

  async findLiveConversationOfCustomer(customerId: string): Promise<ConversationDetails | undefined> {
    // Runs for every inbound message: built and compiled once per dialect (building this join cost
    // more than running it), then run with this customer as its one parameter.
    let compiled = liveConversationQueries.get(this.dialect);
    if (!compiled) {
      compiled = this.detailsQuery()
        .where('c.customer_id', '=', customerId)
        // A literal, not a parameter: only then may SQLite use the partial unique index
        // conversations_one_live_per_customer (4x faster than the plain customer_id index).
        .where('c.phase_kind', '<>', sql.lit('closed'))
        .orderBy('c.received_at', 'desc')
        .compile();
      if (compiled.parameters.length !== 1)
        throw new Error('live conversation query: one parameter expected');
      liveConversationQueries.set(this.dialect, compiled);
    }
    const { rows } = await this.db.executeQuery<DetailsRow>({ ...compiled, parameters: [customerId] });
    const row = rows[0];
    return row && detailsFromRow(row);
  }

  async insertConversation(conversation: NewConversation): Promise<void> {
    await this.db
      .insertInto('conversations')
      .values({
        id: conversation.id,
        customer_id: conversation.customerId,
        business_number_id: conversation.businessNumberId,
        queue_id: conversation.queueId,
        received_at: conversation.receivedAt,
        last_inbound_at: null,
        offer_count: 0,
        lapsed_agent_ids: '[]',
        phase_kind: conversation.closedAt === undefined ? 'queued' : 'closed',
        phase_agent_id: null,
        phase_offer_id: null,
        accepted_at: null,
        ended_at: null,
        closed_at: conversation.closedAt ?? null,
        wrap_up_reason_id: null,
        departed: '[]',
        at_head: 0,
      })
      .execute();
  }

  async getConversationDetails(ids: readonly string[]): Promise<ConversationDetails[]> {
    const byId = new Map<string, ConversationDetails>();
    for (let start = 0; start < ids.length; start += IN_LIST_CHUNK) {
      const chunk = ids.slice(start, start + IN_LIST_CHUNK);
      const rows = await this.detailsQuery().where('c.id', 'in', chunk).execute();
      for (const row of rows) byId.set(row.id, detailsFromRow(row));
    }
    // In the order asked for; unknown ids are skipped.
    const result: ConversationDetails[] = [];
    for (const id of ids) {
      const details = byId.get(id);
      if (details) result.push(details);
    }
    return result;
  }

  async touchLastInbound(conversationId: string, at: number): Promise<void> {
    await this.db
      .updateTable('conversations')
      // CASE rather than max()/greatest(): the two dialects spell those differently.
      .set((eb) => ({
        last_inbound_at: eb
          .case()
          .when(eb.or([eb('last_inbound_at', 'is', null), eb('last_inbound_at', '<', at)]))
          // A parameter, not an inlined literal: one SQL text, prepared once, for every message.
          .then(eb.val(at))
          .else(eb.ref('last_inbound_at'))
          .end(),
      }))
      .where('id', '=', conversationId)
      .execute();
  }

  private detailsQuery() {
    return this.db
      .selectFrom('conversations as c')
      .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
      .innerJoin('business_numbers as bn', 'bn.id', 'c.business_number_id')
      .innerJoin('queues as q', 'q.id', 'c.queue_id')
      .select([
        'c.id',
        'c.customer_id',
        'cu.name as customer_name',
        'cu.wa_id as customer_wa_id',
        'c.business_number_id',
        'bn.display_phone_number as business_display_number',
        'c.queue_id',
        'q.name as queue_name',
        'c.received_at',
        'c.last_inbound_at',
        'c.phase_kind',
        'c.phase_agent_id',
        'bn.deleted_at as business_number_deleted_at',
        'q.deleted_at as queue_deleted_at',
        'c.guest_kind',
        'c.guest_agent_id',
        'c.departed',
      ]);
  }

  // --- messages ---

  async insertInboundMessage(message: MessageRow): Promise<'inserted' | 'duplicate'> {
    if (message.wamid === null) throw new Error('insertInboundMessage: an inbound message needs its wamid');
    // The unique key does the dedupe in the same statement as the insert: no check-then-insert
    // race. On PostgreSQL a concurrent insert of the same wamid waits for the first to commit and
    // then does nothing.
    const inserted = await this.db
      .insertInto('messages')
      .values(messageToRow(message))
      .onConflict((oc) => oc.column('wamid').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted ? 'inserted' : 'duplicate';
  }

  async hasWamid(wamid: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('messages')
      .select('id')
      .where('wamid', '=', wamid)
      .executeTakeFirst();
    return row !== undefined;
  }

  async insertOutboundMessage(message: MessageRow): Promise<{ message: MessageRow; created: boolean }> {
    if (message.clientMessageId === null) {
      await this.db.insertInto('messages').values(messageToRow(message)).execute();
      return { message, created: true };
    }
    const inserted = await this.db
      .insertInto('messages')
      .values(messageToRow(message))
      .onConflict((oc) => oc.columns(['conversation_id', 'client_message_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { message, created: true };
    const first = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', message.conversationId)
      .where('client_message_id', '=', message.clientMessageId)
      .executeTakeFirstOrThrow();
    return { message: messageFromRow(first), created: false };
  }

  async insertSystemMessage(message: MessageRow): Promise<void> {
    await this.db.insertInto('messages').values(messageToRow(message)).execute();
  }

  async recordParticipantWrapUp(row: ParticipantWrapUpRow): Promise<void> {
    await this.db
      .insertInto('participant_wrap_ups')
      .values({
        id: row.id,
        conversation_id: row.conversationId,
        agent_id: row.agentId,
        role: row.role,
        reason_id: row.reasonId,
        accepted_at: row.acceptedAt,
        ended_at: row.endedAt,
        wrapped_up_at: row.wrappedUpAt,
      })
      .execute();
  }

  async listParticipantWrapUps(conversationId: string): Promise<ParticipantWrapUpRow[]> {
    const rows = await this.db
      .selectFrom('participant_wrap_ups')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('wrapped_up_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      conversationId: r.conversation_id,
      agentId: r.agent_id,
      role: r.role === 'guest' ? 'guest' : 'owner',
      reasonId: r.reason_id,
      acceptedAt: r.accepted_at,
      endedAt: r.ended_at,
      wrappedUpAt: r.wrapped_up_at,
    }));
  }

  async findMessageById(id: string): Promise<MessageRow | undefined> {
    const row = await this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    return row && messageFromRow(row);
  }

  async findMessageByWamid(wamid: string): Promise<MessageRow | undefined> {
    const row = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('wamid', '=', wamid)
      .executeTakeFirst();
    return row && messageFromRow(row);
  }

  async setMessageWamid(id: string, wamid: string): Promise<void> {
    await this.db.updateTable('messages').set({ wamid }).where('id', '=', id).execute();
  }

  async setMessageStatus(id: string, status: DeliveryStatus, failureReason: string | null): Promise<void> {
    await this.db
      .updateTable('messages')
      .set({ status, failure_reason: failureReason })
      .where('id', '=', id)
      .execute();
  }

  async listMessages(conversationId: string): Promise<MessageRow[]> {
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('sent_at')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(messageFromRow);
  }

  async setMessageContent(id: string, content: string | null): Promise<void> {
    await this.db.updateTable('messages').set({ content }).where('id', '=', id).execute();
  }

  async insertMedia(media: MediaRow): Promise<void> {
    await this.db.insertInto('media').values(mediaToRow(media)).execute();
  }

  async findMedia(id: string): Promise<MediaRow | undefined> {
    const row = await this.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();
    return row && mediaFromRow(row);
  }

  async dueMedia(now: number, limit: number): Promise<MediaRow[]> {
    const rows = await this.db
      .selectFrom('media')
      .selectAll()
      .where('status', '=', 'pending')
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(mediaFromRow);
  }

  async updateMedia(
    id: string,
    patch: Partial<
      Pick<
        MediaRow,
        'messageId' | 'waMediaId' | 'status' | 'attempts' | 'dueAt' | 'storageKey' | 'size' | 'lastError'
      >
    >,
  ): Promise<void> {
    const set: Partial<MediaTable> = {};
    if (patch.messageId !== undefined) set.message_id = patch.messageId;
    if (patch.waMediaId !== undefined) set.wa_media_id = patch.waMediaId;
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.attempts !== undefined) set.attempts = patch.attempts;
    if (patch.dueAt !== undefined) set.due_at = patch.dueAt;
    if (patch.storageKey !== undefined) set.storage_key = patch.storageKey;
    if (patch.size !== undefined) set.size = patch.size;
    if (patch.lastError !== undefined) set.last_error = patch.lastError;
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable('media').set(set).where('id', '=', id).execute();
  }

  async insertPendingStatus(status: PendingStatusRow): Promise<void> {
    await this.db
      .insertInto('pending_statuses')
      .values({
        wamid: status.wamid,
        status: status.status,
        at: status.at,
        failure_reason: status.failureReason,
      })
      .onConflict((oc) => oc.columns(['wamid', 'status']).doNothing())
      .execute();
  }

  async takePendingStatuses(wamid: string): Promise<PendingStatusRow[]> {
    // DELETE ... RETURNING: two concurrent takers cannot both get the same rows.
    const rows = await this.db
      .deleteFrom('pending_statuses')
      .where('wamid', '=', wamid)
      .returningAll()
      .execute();
    return rows
      .map((row) => ({
        wamid: row.wamid,
        status: oneOf(row.status, SETTLED_STATUSES, 'pending status'),
        at: row.at,
        failureReason: row.failure_reason,
      }))
      .sort((a, b) => a.at - b.at || STATUS_RANK[a.status] - STATUS_RANK[b.status]);
  }

  // --- webhook inbox ---

  async insertWebhookDelivery(delivery: { id: string; receivedAt: number; body: string }): Promise<void> {
    await this.db
      .insertInto('webhook_deliveries')
      .values({ id: delivery.id, received_at: delivery.receivedAt, body: delivery.body })
      .execute();
  }

  // --- message templates ---

  async replaceMessageTemplates(
    businessNumberId: string,
    templates: readonly MessageTemplateRow[],
  ): Promise<void> {
    await this.db
      .deleteFrom('message_templates')
      .where('business_number_id', '=', businessNumberId)
      .execute();
    if (templates.length === 0) return;
    await this.db
      .insertInto('message_templates')
      .values(
        templates.map((t) => ({
          business_number_id: businessNumberId,
          name: t.name,
          language: t.language,
          category: t.category,
          status: t.status,
          components: t.components,
          synced_at: t.syncedAt,
        })),
      )
      .execute();
  }

  async listMessageTemplates(businessNumberId: string): Promise<MessageTemplateRow[]> {
    const rows = await this.db
      .selectFrom('message_templates')
      .selectAll()
      .where('business_number_id', '=', businessNumberId)
      .orderBy('name')
      .orderBy('language')
      .execute();
    return rows.map((row) => ({
      businessNumberId: row.business_number_id,
      name: row.name,
      language: row.language,
      category: row.category,
      status: row.status,
      components: row.components,
      syncedAt: Number(row.synced_at),
    }));
  }

  // --- outbox ---

  async enqueueOutbox(row: OutboxRow): Promise<void> {
    await this.db
      .insertInto('outbox')
      .values({
        id: row.id,
        kind: row.kind,
        conversation_id: row.conversationId,
        payload: toJson(row.payload),
        created_at: row.createdAt,
        due_at: row.dueAt,
        attempts: row.attempts,
        last_error: row.lastError,
      })
      .execute();
  }

  async dueOutbox(now: number, limit: number): Promise<OutboxRow[]> {
    // Each conversation's head row (no smaller id in that conversation), if it is due. A head that
    // waits for a retry holds back the rows behind it, which keeps a conversation in order.
    const rows = await this.db
      .selectFrom('outbox as o')
      .selectAll('o')
      .where('o.due_at', '<=', now)
      // A head handed to Graph and not settled yet (ADR 0008) holds its conversation back.
      .where('o.sending_at', 'is', null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('outbox as earlier')
              .select('earlier.id')
              .whereRef('earlier.conversation_id', '=', 'o.conversation_id')
              .whereRef('earlier.id', '<', 'o.id'),
          ),
        ),
      )
      .orderBy('o.created_at')
      .orderBy('o.id')
      .limit(limit)
      .execute();
    return rows.map(outboxFromRow);
  }

  async deleteOutbox(id: string): Promise<void> {
    await this.db.deleteFrom('outbox').where('id', '=', id).execute();
  }

  async rescheduleOutbox(id: string, dueAt: number, attempts: number, lastError: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ due_at: dueAt, attempts, last_error: lastError, sending_at: null })
      .where('id', '=', id)
      .execute();
  }

  async markOutboxSending(id: string, at: number): Promise<void> {
    await this.db.updateTable('outbox').set({ sending_at: at }).where('id', '=', id).execute();
  }

  async strandedOutbox(before: number, limit: number): Promise<OutboxRow[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('sending_at', 'is not', null)
      .where('sending_at', '<=', before)
      .orderBy('sending_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(outboxFromRow);
  }

  async channelHealth(): Promise<ChannelHealthRow> {
    const numbers = await this.db
      .selectFrom('business_numbers as b')
      .leftJoin('conversations as c', 'c.business_number_id', 'b.id')
      .select(['b.id as id', (eb) => eb.fn.max('c.last_inbound_at').as('last_inbound_at')])
      .groupBy('b.id')
      .orderBy('b.id')
      .execute();
    const outbox = await this.db
      .selectFrom('outbox as o')
      .innerJoin('conversations as c', 'c.id', 'o.conversation_id')
      .select([
        'c.business_number_id as id',
        (eb) => eb.fn.countAll().as('depth'),
        (eb) => eb.fn.min('o.created_at').as('oldest'),
      ])
      .groupBy('c.business_number_id')
      .execute();
    const pending = await this.db
      .selectFrom('pending_statuses')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const byNumber = new Map(outbox.map((row) => [row.id, row]));
    return {
      numbers: numbers.map((row) => {
        const queued = byNumber.get(row.id);
        return {
          businessNumberId: row.id,
          lastInboundAt: row.last_inbound_at === null ? null : Number(row.last_inbound_at),
          outboxDepth: queued ? Number(queued.depth) : 0,
          outboxOldestAt: queued && queued.oldest !== null ? Number(queued.oldest) : null,
        };
      }),
      pendingStatuses: Number(pending.n),
    };
  }

  // --- per-agent event log ---

  async appendAgentEvent(agentId: string, event: unknown, at: number): Promise<number> {
    // A counter row bumped by an upsert: its row lock serialises concurrent appends for one agent
    // even without the routing lock (PostgreSQL), so seqs never collide and never skip.
    const counter = await this.db
      .insertInto('agent_seqs')
      .values({ agent_id: agentId, seq: 1 })
      .onConflict((oc) => oc.column('agent_id').doUpdateSet((eb) => ({ seq: eb('agent_seqs.seq', '+', 1) })))
      .returning('seq')
      .executeTakeFirstOrThrow();
    const seq = Number(counter.seq);
    await this.db
      .insertInto('agent_events')
      .values({ agent_id: agentId, seq, event: toJson(event), at })
      .execute();
    return seq;
  }

  async agentEventsAfter(agentId: string, afterSeq: number, limit: number): Promise<AgentEventRow[]> {
    const rows = await this.db
      .selectFrom('agent_events')
      .select(['seq', 'event'])
      .where('agent_id', '=', agentId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ seq: row.seq, event: fromJson(row.event) }));
  }

  async lastAgentSeq(agentId: string): Promise<number> {
    const row = await this.db
      .selectFrom('agent_seqs')
      .select('seq')
      .where('agent_id', '=', agentId)
      .executeTakeFirst();
    return row?.seq ?? 0;
  }

  async pruneAgentEvents(before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('agent_events')
      .where('at', '<', before)
      .where((eb) =>
        eb(
          'seq',
          '<',
          eb
            .selectFrom('agent_events as newest')
            .select((s) => s.fn.max('newest.seq').as('seq'))
            .whereRef('newest.agent_id', '=', 'agent_events.agent_id'),
        ),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

// --- row mappings ---

const ROLES: readonly Role[] = ['agent', 'supervisor', 'admin'];
const DIRECTIONS: readonly MessageDirection[] = ['inbound', 'outbound', 'system'];
const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'sent', 'delivered', 'read', 'failed'];
type SettledStatus = PendingStatusRow['status'];
const SETTLED_STATUSES: readonly SettledStatus[] = ['sent', 'delivered', 'read', 'failed'];
/** Order of statuses that share an instant, as WhatsApp moves through them. */
const STATUS_RANK: Readonly<Record<SettledStatus, number>> = { sent: 0, delivered: 1, read: 2, failed: 3 };
const OUTBOX_KINDS: readonly OutboxKind[] = ['whatsapp.send', 'whatsapp.markRead'];
const PHASE_KINDS: readonly ConversationDetails['phaseKind'][] = [
  'queued',
  'offered',
  'active',
  'wrapUp',
  'closed',
];

/** Checks a stored enum value rather than trusting a cast. */
function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const found = allowed.find((item) => item === value);
  if (found === undefined) throw new Error(`unknown ${what}`);
  return found;
}

function toJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error('value is not JSON-serialisable');
  return json;
}

function fromJson(json: string): unknown {
  return JSON.parse(json);
}

function userFromRow(row: Selectable<UsersTable>): UserRow {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: oneOf(row.role, ROLES, 'role'),
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    ...(row.deleted_at === null ? {} : { deletedAt: row.deleted_at }),
  };
}

function queueRowFromRow(row: Selectable<QueuesTable>): QueueRow {
  return {
    id: row.id,
    name: row.name,
    priority: row.priority,
    offerTimeoutMs: row.offer_timeout_ms,
    strategy: strategyFromColumn(row.strategy, row.id),
    ...queuePoliciesFromRow(row),
    ...(row.wrap_up_reason_ids === null
      ? {}
      : { wrapUpReasonIds: parseStringArray(row.wrap_up_reason_ids, `queue ${row.id} wrap_up_reason_ids`) }),
    ...(row.deleted_at === null ? {} : { deletedAt: row.deleted_at }),
  };
}

function businessNumberFromRow(row: Selectable<BusinessNumbersTable>): BusinessNumberRow {
  return {
    id: row.id,
    phoneNumberId: row.deleted_phone_number_id ?? row.phone_number_id,
    displayPhoneNumber: row.display_phone_number,
    wabaId: row.waba_id,
    accessToken: row.access_token,
    appSecrets: parseStringArray(row.app_secrets, `business number ${row.id} app_secrets`),
    verifyToken: row.verify_token,
    queueId: row.queue_id,
    ...(row.deleted_at === null ? {} : { deletedAt: row.deleted_at }),
  };
}

/** The two tables of named items an administrator keeps: same columns, same rules. */
type NamedTable = 'idle_codes' | 'wrap_up_reasons';

/** findLiveConversationOfCustomer's query, compiled once per dialect (no plugins rewrite it). */
const liveConversationQueries = new Map<StoreDialect, CompiledQuery<DetailsRow>>();

interface DetailsRow {
  id: string;
  customer_id: string;
  customer_name: string;
  customer_wa_id: string;
  business_number_id: string;
  business_display_number: string;
  queue_id: string;
  queue_name: string;
  received_at: number;
  last_inbound_at: number | null;
  phase_kind: string;
  phase_agent_id: string | null;
  business_number_deleted_at: number | null;
  queue_deleted_at: number | null;
  guest_kind: string | null;
  guest_agent_id: string | null;
  departed: string;
}

function detailsFromRow(row: DetailsRow): ConversationDetails {
  return {
    id: row.id,
    customerId: row.customer_id,
    customerName: row.customer_name,
    customerWaId: row.customer_wa_id,
    businessNumberId: row.business_number_id,
    businessDisplayNumber: row.business_display_number,
    queueId: row.queue_id,
    queueName: row.queue_name,
    receivedAt: row.received_at,
    lastInboundAt: row.last_inbound_at,
    phaseKind: oneOf(row.phase_kind, PHASE_KINDS, 'phase kind'),
    agentId: row.phase_agent_id,
    // Only when set: rows of live resources read exactly as before soft delete existed.
    ...(row.business_number_deleted_at === null ? {} : { businessNumberDeleted: true }),
    ...(row.queue_deleted_at === null ? {} : { queueDeleted: true }),
    // Transfer and conference (S-14..S-23): only when set, like the fields above.
    ...(row.guest_kind === 'joined' && row.guest_agent_id !== null
      ? { joinedGuestId: row.guest_agent_id }
      : {}),
    ...(row.departed === '[]'
      ? {}
      : {
          departedAgentIds: parseDeparted(row.departed, `conversation ${row.id} departed`).map(
            (p) => p.agentId,
          ),
        }),
  };
}

function messageToRow(message: MessageRow): MessagesTable {
  return {
    id: message.id,
    conversation_id: message.conversationId,
    direction: message.direction,
    wamid: message.wamid,
    kind: message.kind,
    text: message.text,
    author_name: message.authorName,
    author_user_id: message.authorUserId,
    sent_at: message.sentAt,
    created_at: message.createdAt,
    status: message.status,
    failure_reason: message.failureReason,
    client_message_id: message.clientMessageId,
    content: message.content ?? null,
    reply_to_wamid: message.replyToWamid ?? null,
  };
}

const MEDIA_STATUSES: readonly MediaStatus[] = ['pending', 'ready', 'unavailable'];
const MEDIA_DIRECTIONS: readonly MediaRow['direction'][] = ['inbound', 'outbound'];

function mediaToRow(media: MediaRow): MediaTable {
  return {
    id: media.id,
    conversation_id: media.conversationId,
    business_number_id: media.businessNumberId,
    message_id: media.messageId,
    direction: media.direction,
    wa_media_id: media.waMediaId,
    mime_type: media.mimeType,
    file_name: media.fileName,
    sha256: media.sha256,
    status: media.status,
    attempts: media.attempts,
    due_at: media.dueAt,
    storage_key: media.storageKey,
    size: media.size,
    last_error: media.lastError,
    created_at: media.createdAt,
  };
}

function mediaFromRow(row: Selectable<MediaTable>): MediaRow {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    businessNumberId: row.business_number_id,
    messageId: row.message_id,
    direction: oneOf(row.direction, MEDIA_DIRECTIONS, 'media direction'),
    waMediaId: row.wa_media_id,
    mimeType: row.mime_type,
    fileName: row.file_name,
    sha256: row.sha256,
    status: oneOf(row.status, MEDIA_STATUSES, 'media status'),
    attempts: row.attempts,
    dueAt: row.due_at,
    storageKey: row.storage_key,
    size: row.size,
    lastError: row.last_error,
    createdAt: row.created_at,
  };
}

function messageFromRow(row: Selectable<MessagesTable>): MessageRow {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    direction: oneOf(row.direction, DIRECTIONS, 'message direction'),
    wamid: row.wamid,
    kind: row.kind,
    text: row.text,
    authorName: row.author_name,
    authorUserId: row.author_user_id,
    sentAt: row.sent_at,
    createdAt: row.created_at,
    status: row.status === null ? null : oneOf(row.status, DELIVERY_STATUSES, 'delivery status'),
    failureReason: row.failure_reason,
    clientMessageId: row.client_message_id,
    // Left out when unset, so a plain text row reads back as it was written.
    ...(row.content === null ? {} : { content: row.content }),
    ...(row.reply_to_wamid === null ? {} : { replyToWamid: row.reply_to_wamid }),
  };
}

function outboxFromRow(row: Selectable<OutboxTable>): OutboxRow {
  return {
    id: row.id,
    kind: oneOf(row.kind, OUTBOX_KINDS, 'outbox kind'),
    conversationId: row.conversation_id,
    payload: fromJson(row.payload),
    createdAt: row.created_at,
    dueAt: row.due_at,
    attempts: row.attempts,
    lastError: row.last_error,
    // Absent unless marked, so rows read back equal the rows written.
    ...(row.sending_at === null ? {} : { sendingAt: Number(row.sending_at) }),
  };
}
