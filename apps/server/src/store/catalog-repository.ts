import type { Insertable, Selectable, Transaction } from 'kysely';
import { updatedAny } from './columns.ts';
import type {
  AgentProfileRow,
  BusinessNumberRow,
  CatalogRepository,
  NamedRow,
  QueueRow,
} from './ports/catalog.ts';
import type { StoreDialect } from './port.ts';
import { listArgs, queryTemplates, type QueryTemplates } from './query-template.ts';
import type { AlongRead } from './reads-together.ts';
import type { RoutingRepository } from './routing-repository.ts';
import { parseStringArray, queueFromRow, queuePolicyColumns } from './routing-rows.ts';
import type { AgentsTable, BusinessNumbersTable, Database, QueuesTable } from './schema.ts';

/**
 * The administration data over `queues`, `agents` (profiles only), `idle_codes`,
 * `wrap_up_reasons`, `business_numbers` and `settings`. Queues and agents are routing rows too:
 * each write to them is logged through `routing.logChange` in the same transaction, so the next
 * read of the routing world (in this process or another) sees it.
 */
export class KyselyCatalogRepository implements CatalogRepository {
  /** Statements routing and ingest run at every decision or message, compiled once. */
  readonly #templates: QueryTemplates;
  /**
   * Queues by id and settings, read once per transaction: routing reads the same queue and setting
   * for every conversation of a webhook batch. Only this repository writes those rows, and each
   * write here forgets what it changed.
   */
  readonly #queues = new Map<string, Promise<QueueRow | undefined>>();
  readonly #settings = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly db: Transaction<Database>,
    dialect: StoreDialect,
    private readonly routing: Pick<RoutingRepository, 'logChange'>,
  ) {
    this.#templates = queryTemplates(dialect);
  }

  // --- queues ---

  async insertQueue(queue: QueueRow): Promise<void> {
    await this.db.insertInto('queues').values(queueToRow(queue)).execute();
    this.#queues.delete(queue.id);
    await this.routing.logChange('queue', queue.id);
  }

  async updateQueue(queue: QueueRow): Promise<boolean> {
    this.#queues.delete(queue.id);
    const { id: _id, wrap_up_reason_ids, service_level_ms, ...columns } = queueToRow(queue);
    const result = await this.db
      .updateTable('queues')
      .set({
        ...columns,
        // Absent: the queue keeps the reasons it had.
        ...(queue.wrapUpReasonIds === undefined ? {} : { wrap_up_reason_ids }),
        ...(queue.serviceLevelMs === undefined ? {} : { service_level_ms }),
      })
      .where('id', '=', queue.id)
      .executeTakeFirst();
    const updated = updatedAny(result);
    this.#queues.delete(queue.id);
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

  findQueueById(id: string): Promise<QueueRow | undefined> {
    return readOnce(this.#queues, id, () => this.#readQueue(id));
  }

  async #readQueue(id: string): Promise<QueueRow | undefined> {
    const { rows } = await this.#templates.run(this.db, 'queueById', { id }, (a) =>
      this.db.selectFrom('queues').selectAll().where('id', '=', a.id),
    );
    const row = rows[0];
    return row && queueRowFromRow(row);
  }

  async softDeleteQueue(id: string, at: number): Promise<boolean> {
    this.#queues.delete(id);
    const result = await this.db
      .updateTable('queues')
      .set({ deleted_at: at })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    const deleted = updatedAny(result);
    this.#queues.delete(id);
    if (deleted) await this.routing.logChange('queue', id);
    return deleted;
  }

  // --- agents' routing profiles ---

  async listAgentProfiles(): Promise<AgentProfileRow[]> {
    const rows = await this.db
      .selectFrom('agents')
      .select(['user_id', 'capacity', 'queue_ids'])
      .orderBy('user_id')
      .execute();
    return rows.map(agentProfileFromRow);
  }

  async deleteAgentProfile(userId: string): Promise<void> {
    await this.db.deleteFrom('agents').where('user_id', '=', userId).execute();
    await this.routing.logChange('agent', userId);
  }

  async upsertAgentProfile(profile: AgentProfileRow, initialIdleCodeId: string, now: number): Promise<void> {
    await this.db
      .insertInto('agents')
      .values({
        ...agentProfileToRow(profile),
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

  // --- idle codes and wrap-up reasons ---

  insertIdleCode(code: NamedRow): Promise<void> {
    return this.#insertNamed('idle_codes', code);
  }

  listIdleCodes(): Promise<NamedRow[]> {
    return this.#listNamed('idle_codes');
  }

  updateIdleCode(code: NamedRow): Promise<boolean> {
    return this.#updateNamed('idle_codes', code);
  }

  softDeleteIdleCode(id: string, at: number): Promise<boolean> {
    return this.#softDeleteNamed('idle_codes', id, at);
  }

  insertWrapUpReason(reason: NamedRow): Promise<void> {
    return this.#insertNamed('wrap_up_reasons', reason);
  }

  listWrapUpReasons(): Promise<NamedRow[]> {
    return this.#listNamed('wrap_up_reasons');
  }

  updateWrapUpReason(reason: NamedRow): Promise<boolean> {
    return this.#updateNamed('wrap_up_reasons', reason);
  }

  softDeleteWrapUpReason(id: string, at: number): Promise<boolean> {
    return this.#softDeleteNamed('wrap_up_reasons', id, at);
  }

  // Idle codes and wrap-up reasons are the same shape of table: one implementation serves both.
  async #insertNamed(table: NamedTable, row: NamedRow): Promise<void> {
    await this.db.insertInto(table).values({ id: row.id, name: row.name, position: row.position }).execute();
  }

  #listNamed(table: NamedTable): Promise<NamedRow[]> {
    return this.db
      .selectFrom(table)
      .select(['id', 'name', 'position'])
      .where('deleted_at', 'is', null)
      .orderBy('position')
      .orderBy('id')
      .execute();
  }

  async #updateNamed(table: NamedTable, row: NamedRow): Promise<boolean> {
    const result = await this.db
      .updateTable(table)
      .set({ name: row.name, position: row.position })
      .where('id', '=', row.id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return updatedAny(result);
  }

  async #softDeleteNamed(table: NamedTable, id: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable(table)
      .set({ deleted_at: at })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return updatedAny(result);
  }

  // --- business numbers ---

  async insertBusinessNumber(number: BusinessNumberRow): Promise<void> {
    await this.db.insertInto('business_numbers').values(businessNumberToRow(number)).execute();
  }

  async findBusinessNumberByPhoneNumberId(phoneNumberId: string): Promise<BusinessNumberRow | undefined> {
    // Once per webhook transaction: built and compiled once (a live number is nearly always found).
    const { rows } = await this.#templates.run(
      this.db,
      'businessNumberByPhoneNumberId',
      { phoneNumberId },
      (a) =>
        this.db.selectFrom('business_numbers').selectAll().where('phone_number_id', '=', a.phoneNumberId),
    );
    const row =
      rows[0] ??
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
    const { id: _id, ...columns } = businessNumberToRow(number);
    const result = await this.db
      .updateTable('business_numbers')
      .set(columns)
      .where('id', '=', number.id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return updatedAny(result);
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
    return updatedAny(result);
  }

  // --- settings ---

  getSetting(key: string): Promise<string | undefined> {
    return readOnce(this.#settings, key, () => this.#readSetting(key));
  }

  async #readSetting(key: string): Promise<string | undefined> {
    const { rows } = await this.#templates.run(this.db, 'setting', { key }, (a) =>
      this.db.selectFrom('settings').select('value').where('key', '=', a.key),
    );
    return rows[0]?.value;
  }

  /**
   * Reads the settings of `keys` not read yet in this transaction, sent with another repository's
   * reads (reads-together.ts): `getSetting` then answers them without a statement.
   */
  settingsAlong(keys: readonly string[]): AlongRead[] {
    const unread = [...new Set(keys)].filter((key) => !this.#settings.has(key));
    if (unread.length === 0) return [];
    const query = this.#templates.compiled('settingsByKey', listArgs(unread), (a) =>
      this.db.selectFrom('settings').select(['key', 'value']).where('key', 'in', Object.values(a)),
    );
    return [
      {
        query,
        take: (rows) => {
          const found = new Map((rows as { key: string; value: string }[]).map((r) => [r.key, r.value]));
          for (const key of unread)
            if (!this.#settings.has(key)) this.#settings.set(key, Promise.resolve(found.get(key)));
        },
      },
    ];
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.#settings.delete(key);
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute();
    // Again: a read started while the write ran may have cached the value it replaced.
    this.#settings.delete(key);
  }
}

/** The read kept for `key` in `cache`, made by `read` if there is none (forgotten if it fails). */
function readOnce<T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (!value) {
    value = read();
    cache.set(key, value);
    value.catch(() => cache.delete(key));
  }
  return value;
}

// --- row mappings of `queues`, `agents` (the profile), `business_numbers` ---
// `idle_codes` and `wrap_up_reasons` need none: their columns are NamedRow's fields.
// Rows are written live: only the softDelete* methods set `deleted_at`.

/** The two tables of named items an administrator keeps: same columns, same rules. */
type NamedTable = 'idle_codes' | 'wrap_up_reasons';

/** A queue's row; reasons not listed are stored as null (every reason is offered). */
function queueToRow(queue: QueueRow): Insertable<QueuesTable> {
  return {
    id: queue.id,
    name: queue.name,
    priority: queue.priority,
    offer_timeout_ms: queue.offerTimeoutMs,
    strategy: queue.strategy,
    ...queuePolicyColumns(queue),
    wrap_up_reason_ids: queue.wrapUpReasonIds ? JSON.stringify(queue.wrapUpReasonIds) : null,
    service_level_ms: queue.serviceLevelMs ?? null,
  };
}

/** The routing model's view of the row (routing-rows.ts), plus what only administration reads. */
function queueRowFromRow(row: Selectable<QueuesTable>): QueueRow {
  const { id, ...routing } = queueFromRow(row);
  return {
    id,
    name: row.name,
    ...routing,
    ...(row.wrap_up_reason_ids === null
      ? {}
      : { wrapUpReasonIds: parseStringArray(row.wrap_up_reason_ids, `queue ${row.id} wrap_up_reason_ids`) }),
    ...(row.service_level_ms === null ? {} : { serviceLevelMs: Number(row.service_level_ms) }),
    ...(row.deleted_at === null ? {} : { deletedAt: row.deleted_at }),
  };
}

/** The profile columns of an agent row (its state columns belong to the routing world). */
type AgentProfileColumns = Pick<AgentsTable, 'user_id' | 'capacity' | 'queue_ids'>;

function agentProfileToRow(profile: AgentProfileRow): AgentProfileColumns {
  return {
    user_id: profile.userId,
    capacity: profile.capacity,
    queue_ids: JSON.stringify(profile.queueIds),
  };
}

function agentProfileFromRow(row: AgentProfileColumns): AgentProfileRow {
  return {
    userId: row.user_id,
    capacity: row.capacity,
    queueIds: parseStringArray(row.queue_ids, `agent ${row.user_id} queue_ids`),
  };
}

function businessNumberToRow(number: BusinessNumberRow): Insertable<BusinessNumbersTable> {
  return {
    id: number.id,
    phone_number_id: number.phoneNumberId,
    display_phone_number: number.displayPhoneNumber,
    waba_id: number.wabaId,
    access_token: number.accessToken,
    app_secrets: JSON.stringify(number.appSecrets),
    verify_token: number.verifyToken,
    queue_id: number.queueId,
  };
}

function businessNumberFromRow(row: Selectable<BusinessNumbersTable>): BusinessNumberRow {
  return {
    id: row.id,
    // A deleted number's real id (phone_number_id then holds a placeholder).
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
