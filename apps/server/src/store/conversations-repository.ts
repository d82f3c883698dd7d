import { sql, type CompiledQuery, type Selectable, type Transaction } from 'kysely';
import { IN_LIST_CHUNK, keepLaterTimes } from './columns.ts';
import {
  customerFromRow,
  detailsFromRow,
  type DetailsRow,
  messageFromRow,
  messageToRow,
  newConversationToRow,
  participantWrapUpFromRow,
  participantWrapUpToRow,
} from './conversation-rows.ts';
import type { StoreDialect } from './port.ts';
import { listArgs, queryTemplates, type QueryTemplates } from './query-template.ts';
import { readTogether, type AlongRead } from './reads-together.ts';
import type {
  ConversationDetails,
  ConversationsRepository,
  CustomerIdentity,
  CustomerRow,
  DeletedNumberMessageRow,
  InboundKeys,
  InboundLookup,
  KnownCustomer,
  DeliveryStatus,
  MessagePosition,
  MessageRow,
  NewConversation,
  NewCustomer,
  ParticipantWrapUpRow,
} from './ports/conversations.ts';
import type { CustomersTable, Database } from './schema.ts';

/** Rows of one multi-row insert: at most about 25 parameters each, well under both databases' limits. */
const ROWS_PER_INSERT = 200;

/** The tables a conversation's details are read from (`#detailsQuery`). */
const DETAILS_TABLES = ['conversations', 'customers', 'business_numbers', 'queues'];

/** Lists cut to IN_LIST_CHUNK items (each a bound parameter). */
function chunked<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += IN_LIST_CHUNK)
    result.push(items.slice(start, start + IN_LIST_CHUNK));
  return result;
}

/**
 * Customers, conversations (what they are about: their routing columns belong to the routing
 * world), messages and participants' wrap-ups over `customers`, `conversations`, `messages` and
 * `participant_wrap_ups`.
 */
export class KyselyConversationsRepository implements ConversationsRepository {
  /** The inbound path's statements, compiled once (each runs for every customer message). */
  readonly #templates: QueryTemplates;

  readonly #dialect: StoreDialect;

  constructor(
    private readonly db: Transaction<Database>,
    dialect: StoreDialect,
    /** Told of each conversation this transaction inserts (routing then skips rewriting it unchanged). */
    private readonly inserted: (conversation: NewConversation) => void = () => {},
  ) {
    this.#templates = queryTemplates(dialect);
    this.#dialect = dialect;
  }

  /** The customer of this business number with this key (`wa_id`) or BSUID (`user_id`). */
  async #customerBy(
    column: 'wa_id' | 'user_id',
    businessNumberId: string,
    value: string,
  ): Promise<Selectable<CustomersTable> | undefined> {
    const { rows } = await this.#templates.run(
      this.db,
      `customerBy.${column}`,
      { businessNumberId, value },
      (a) =>
        this.db
          .selectFrom('customers')
          .selectAll()
          .where('business_number_id', '=', a.businessNumberId)
          .where(column, '=', a.value),
    );
    return rows[0];
  }

  // --- customers and conversations ---

  async upsertCustomer(identity: CustomerIdentity, known?: KnownCustomer): Promise<CustomerRow> {
    const waId = identity.waId === '' ? undefined : identity.waId;
    const userId = identity.userId === '' ? undefined : identity.userId;
    const key = waId ?? userId;
    if (key === undefined)
      throw new Error('upsertCustomer: a customer needs a wa_id or a business-scoped user id');
    if (userId !== undefined) {
      const known = await this.#customerBy('user_id', identity.businessNumberId, userId);
      if (known) return customerFromRow(await this.#refreshIdentified(known, identity, waId));
    }
    // Most inbound messages repeat what is stored: one read (or none, when the batch's lookup read
    // it), and no write at all (an unconditional upsert would cost a row version on PostgreSQL or a
    // page write per message).
    const stored =
      known !== undefined && userId === undefined
        ? known
        : await this.#customerBy('wa_id', identity.businessNumberId, key).then(
            (row) => row && customerFromRow(row),
          );
    if (
      stored &&
      stored.name === identity.name &&
      (userId === undefined || stored.userId !== null) &&
      (identity.username === undefined || stored.username === identity.username)
    )
      return stored;
    const values = {
      id: identity.id,
      business_number_id: identity.businessNumberId,
      wa_id: key,
      name: identity.name,
      user_id: userId ?? null,
      username: identity.username ?? null,
    };
    const { rows: written } = await this.#templates.run(this.db, 'upsertCustomer', values, (v) =>
      this.db
        .insertInto('customers')
        .values(v)
        .onConflict((oc) =>
          oc
            .columns(['business_number_id', 'wa_id'])
            .doUpdateSet({
              name: sql`excluded.name`,
              // Meta linked this number to a BSUID: kept; a username only ever replaced by a newer one.
              user_id: sql`coalesce(customers.user_id, excluded.user_id)`,
              username: sql`coalesce(excluded.username, customers.username)`,
            })
            .where(
              sql<boolean>`customers.name <> excluded.name
              or (customers.user_id is null and excluded.user_id is not null)
              or (excluded.username is not null and coalesce(customers.username, '') <> excluded.username)`,
            ),
        )
        .returningAll(),
    );
    const row = written[0] ?? (await this.#customerBy('wa_id', identity.businessNumberId, key));
    if (!row) throw new Error('upsertCustomer: the customer vanished');
    return customerFromRow(row);
  }

  /**
   * A customer found by their BSUID: name and username kept current, and their number, when Meta
   * now sends one, becomes their key (it was the BSUID) — unless another customer already has that
   * number (known before BSUIDs existed): merging two histories is not guessed here.
   */
  async #refreshIdentified(
    known: Selectable<CustomersTable>,
    identity: CustomerIdentity,
    waId: string | undefined,
  ): Promise<Selectable<CustomersTable>> {
    let key = known.wa_id;
    if (waId !== undefined && key === known.user_id && waId !== key) {
      const taken = await this.db
        .selectFrom('customers')
        .select('id')
        .where('business_number_id', '=', known.business_number_id)
        .where('wa_id', '=', waId)
        .executeTakeFirst();
      if (!taken) key = waId;
    }
    const next = { ...known, wa_id: key, name: identity.name, username: identity.username ?? known.username };
    if (next.wa_id === known.wa_id && next.name === known.name && next.username === known.username)
      return known;
    await this.db
      .updateTable('customers')
      .set({ wa_id: next.wa_id, name: next.name, username: next.username })
      .where('id', '=', known.id)
      .execute();
    return next;
  }

  async setMarketingOptOut(customerId: string, at: number | null): Promise<void> {
    await this.db
      .updateTable('customers')
      .set({ marketing_opted_out_at: at })
      .where('id', '=', customerId)
      .execute();
  }

  async changeCustomerIdentity(
    customerId: string,
    next: { waId?: string | undefined; userId?: string | undefined },
  ): Promise<void> {
    const row = await this.db
      .selectFrom('customers')
      .selectAll()
      .where('id', '=', customerId)
      .executeTakeFirst();
    if (!row) return;
    const holders = async (column: 'wa_id' | 'user_id', value: string) =>
      this.db
        .selectFrom('customers')
        .select('id')
        .where('business_number_id', '=', row.business_number_id)
        .where(column, '=', value)
        .where('id', '<>', customerId)
        .executeTakeFirst();
    const set: { wa_id?: string; user_id?: string } = {};
    if (next.waId !== undefined && next.waId !== row.wa_id && !(await holders('wa_id', next.waId)))
      set.wa_id = next.waId;
    if (
      next.userId !== undefined &&
      next.userId !== row.user_id &&
      !(await holders('user_id', next.userId))
    ) {
      set.user_id = next.userId;
      // A customer keyed by their old BSUID (no number known) is keyed by the new one.
      if (set.wa_id === undefined && row.wa_id === row.user_id && !(await holders('wa_id', next.userId)))
        set.wa_id = next.userId;
    }
    if (Object.keys(set).length > 0)
      await this.db.updateTable('customers').set(set).where('id', '=', customerId).execute();
  }

  async findLastAgentOfCustomer(customerId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('conversations')
      .select('phase_agent_id')
      .where('customer_id', '=', customerId)
      .where('phase_kind', '=', 'closed')
      .where('phase_agent_id', 'is not', null)
      .orderBy('closed_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.phase_agent_id ?? undefined;
  }

  /**
   * On PostgreSQL in one statement, with `along` (reads-together.ts): every read names its rows by
   * the batch's keys alone (a live conversation by its customer's key, not by the id found first).
   */
  async lookupInbound(keys: InboundKeys, along: readonly AlongRead[] = []): Promise<InboundLookup> {
    const queries: CompiledQuery[] = [];
    const wamidReads = chunked([...new Set(keys.wamids)]).map((chunk) =>
      this.#templates.compiled('storedWamids', listArgs(chunk), (a) =>
        this.db.selectFrom('messages').select('wamid').where('wamid', 'in', Object.values(a)),
      ),
    );
    queries.push(...wamidReads);
    const wanted = new Map<string, Set<string>>();
    for (const { businessNumberId, waId } of keys.customers) {
      const ids = wanted.get(businessNumberId) ?? new Set<string>();
      wanted.set(businessNumberId, ids.add(waId));
    }
    const customers = new Map<string, Map<string, CustomerRow>>();
    // Per business number and chunk of keys: its customers, then their live conversations.
    const customerReads: Map<string, CustomerRow>[] = [];
    for (const [businessNumberId, waIds] of wanted) {
      const found = new Map<string, CustomerRow>();
      customers.set(businessNumberId, found);
      for (const chunk of chunked([...waIds])) {
        const args: Record<string, string> = { ...listArgs(chunk), number: businessNumberId };
        customerReads.push(found);
        queries.push(
          this.#templates.compiled('customersByWaId', args, (a) => {
            const { number = '', ...list } = a;
            return this.db
              .selectFrom('customers')
              .selectAll()
              .where('business_number_id', '=', number)
              .where('wa_id', 'in', Object.values(list));
          }),
          this.#templates.compiled('liveConversationsByWaId', args, (a) => {
            const { number = '', ...list } = a;
            return (
              this.#detailsQuery()
                .where('cu.business_number_id', '=', number)
                .where('cu.wa_id', 'in', Object.values(list))
                // A literal, as in findLiveConversationOfCustomer: SQLite then uses the partial index.
                .where('c.phase_kind', '<>', sql.lit('closed'))
            );
          }),
        );
      }
    }
    for (const read of along) queries.push(read.query);
    const results = await readTogether(this.db, this.#dialect, queries);
    const storedWamids = new Set<string>();
    for (const rows of results.slice(0, wamidReads.length))
      for (const row of rows as { wamid: string | null }[])
        if (row.wamid !== null) storedWamids.add(row.wamid);
    const live = new Map<string, ConversationDetails>();
    customerReads.forEach((found, i) => {
      const at = wamidReads.length + 2 * i;
      for (const row of (results[at] ?? []) as Selectable<CustomersTable>[])
        found.set(row.wa_id, customerFromRow(row));
      // At most one each (a unique index); the newest, should that ever change (reads together
      // keep no order).
      for (const row of (results[at + 1] ?? []) as DetailsRow[]) {
        const seen = live.get(row.customer_id);
        if (!seen || row.received_at > seen.receivedAt) live.set(row.customer_id, detailsFromRow(row));
      }
    });
    const alongAt = wamidReads.length + 2 * customerReads.length;
    along.forEach((read, i) => read.take(results[alongAt + i] ?? []));
    return { storedWamids, customers, live };
  }

  async findLiveConversationOfCustomer(customerId: string): Promise<ConversationDetails | undefined> {
    // Runs for every inbound message: compiled once (building this join cost more than running it).
    const { rows } = await this.#templates.run(this.db, 'liveConversationOfCustomer', { customerId }, (a) =>
      this.#detailsQuery()
        .where('c.customer_id', '=', a.customerId)
        // A literal, not a parameter: only then may SQLite use the partial unique index
        // conversations_one_live_per_customer (4x faster than the plain customer_id index).
        .where('c.phase_kind', '<>', sql.lit('closed'))
        .orderBy('c.received_at', 'desc'),
    );
    const row = rows[0];
    return row && detailsFromRow(row);
  }

  async insertConversation(conversation: NewConversation): Promise<void> {
    await this.insertConversations([conversation]);
  }

  async insertConversations(conversations: readonly NewConversation[]): Promise<void> {
    for (let start = 0; start < conversations.length; start += ROWS_PER_INSERT) {
      const rows = conversations.slice(start, start + ROWS_PER_INSERT).map(newConversationToRow);
      await this.#templates.runRows(
        this.db,
        'insertConversations',
        rows,
        (r) => this.db.insertInto('conversations').values(r),
        { writes: 'conversations' },
      );
    }
    for (const conversation of conversations) this.inserted(conversation);
  }

  async insertNewCustomers(customers: readonly NewCustomer[]): Promise<ReadonlySet<string>> {
    const created = new Set<string>();
    for (let start = 0; start < customers.length; start += ROWS_PER_INSERT) {
      const rows = customers.slice(start, start + ROWS_PER_INSERT).map((c) => ({
        id: c.id,
        business_number_id: c.businessNumberId,
        wa_id: c.waId,
        name: c.name,
        user_id: null,
        username: c.username,
      }));
      // Keyed as upsertCustomer keys them; one stored meanwhile (another node) is left as it is.
      const { rows: written } = await this.#templates.runRows(this.db, 'insertNewCustomers', rows, (r) =>
        this.db
          .insertInto('customers')
          .values(r)
          .onConflict((oc) => oc.columns(['business_number_id', 'wa_id']).doNothing())
          .returning('id'),
      );
      for (const row of written) created.add(row.id);
    }
    return created;
  }

  async getConversationDetails(ids: readonly string[]): Promise<ConversationDetails[]> {
    const byId = new Map<string, ConversationDetails>();
    for (let start = 0; start < ids.length; start += IN_LIST_CHUNK) {
      const chunk = ids.slice(start, start + IN_LIST_CHUNK);
      // Routing reads one or a few per decision: one compiled template per list length.
      const { rows } = await this.#templates.run(
        this.db,
        'conversationDetails',
        listArgs(chunk),
        (a) => this.#detailsQuery().where('c.id', 'in', Object.values(a)),
        { touches: DETAILS_TABLES },
      );
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

  async touchLastInbound(
    touches: readonly { readonly conversationId: string; readonly at: number }[],
  ): Promise<void> {
    // One entry per conversation: the latest.
    const latest = new Map<string, number>();
    for (const { conversationId, at } of touches)
      latest.set(conversationId, Math.max(at, latest.get(conversationId) ?? at));
    await keepLaterTimes(
      this.db,
      this.#templates,
      { table: 'conversations', key: 'id', column: 'last_inbound_at' },
      [...latest],
    );
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

  async recordParticipantWrapUp(row: ParticipantWrapUpRow): Promise<void> {
    await this.db.insertInto('participant_wrap_ups').values(participantWrapUpToRow(row)).execute();
  }

  async listParticipantWrapUps(conversationId: string): Promise<ParticipantWrapUpRow[]> {
    const rows = await this.db
      .selectFrom('participant_wrap_ups')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('wrapped_up_at')
      .orderBy('id')
      .execute();
    return rows.map(participantWrapUpFromRow);
  }

  /** A conversation joined with what its details name: customer, business number, queue (DETAILS_TABLES). */
  #detailsQuery() {
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
        'cu.user_id as customer_user_id',
        'cu.username as customer_username',
        'cu.marketing_opted_out_at as customer_marketing_opted_out_at',
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
    return (await this.insertInboundMessages([message])).size > 0 ? 'inserted' : 'duplicate';
  }

  async insertInboundMessages(messages: readonly MessageRow[]): Promise<ReadonlySet<string>> {
    const inserted = new Set<string>();
    for (let start = 0; start < messages.length; start += ROWS_PER_INSERT) {
      const rows = messages.slice(start, start + ROWS_PER_INSERT).map((message) => {
        if (message.wamid === null)
          throw new Error('insertInboundMessages: an inbound message needs its wamid');
        return messageToRow(message);
      });
      // The unique key does the dedupe in the same statement as the insert: no check-then-insert
      // race. On PostgreSQL a concurrent insert of the same wamid waits for the first to commit and
      // then does nothing.
      // On PostgreSQL it carries the batch's new conversations (kept: ADR 38), which its rows name.
      const { rows: written } = await this.#templates.runRows(
        this.db,
        'insertInboundMessages',
        rows,
        (r) =>
          this.db
            .insertInto('messages')
            .values(r)
            .onConflict((oc) => oc.column('wamid').doNothing())
            .returning('wamid'),
        { touches: ['messages'] },
      );
      for (const row of written) if (row.wamid !== null) inserted.add(row.wamid);
    }
    return inserted;
  }

  async hasWamid(wamid: string): Promise<boolean> {
    const { rows } = await this.#templates.run(this.db, 'hasWamid', { wamid }, (a) =>
      this.db.selectFrom('messages').select('id').where('wamid', '=', a.wamid),
    );
    return rows.length > 0;
  }

  async insertOutboundMessage(message: MessageRow): Promise<{ message: MessageRow; created: boolean }> {
    if (message.clientMessageId === null) {
      await this.db.insertInto('messages').values(messageToRow(message)).execute();
      return { message, created: true };
    }
    const inserted = await this.db
      .insertInto('messages')
      .values(messageToRow(message))
      .onConflict((oc) =>
        // The key's index holds only the rows that have one (migration 0028): the conflict target
        // names that predicate, as both databases require of a partial index.
        oc
          .columns(['conversation_id', 'client_message_id'])
          .where('client_message_id', 'is not', null)
          .doNothing(),
      )
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

  async listMessagesPage(
    conversationId: string,
    page: { readonly before?: MessagePosition | undefined; readonly limit: number },
  ): Promise<{ messages: MessageRow[]; related: MessageRow[]; hasOlder: boolean }> {
    const { before } = page;
    // Walks messages_conversation_order_idx backwards from the cursor: cost grows with the page,
    // not with the conversation.
    let query = this.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId);
    if (before !== undefined)
      query = query.where((eb) =>
        eb(
          eb.refTuple('sent_at', 'created_at', 'id'),
          '<',
          eb.tuple(before.sentAt, before.createdAt, before.id),
        ),
      );
    const rows = await query
      .orderBy('sent_at', 'desc')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit + 1)
      .execute();
    const hasOlder = rows.length > page.limit;
    const messages = rows.slice(0, page.limit).reverse().map(messageFromRow);
    const onPage = new Set(messages.map((m) => m.id));
    const wamids = messages.flatMap((m) => (m.wamid === null ? [] : [m.wamid]));
    const quoted = [...new Set(messages.flatMap((m) => (m.replyToWamid ? [m.replyToWamid] : [])))];
    const related = new Map<string, MessageRow>();
    for (let i = 0; i < wamids.length; i += IN_LIST_CHUNK) {
      const reactions = await this.db
        .selectFrom('messages')
        .selectAll()
        .where('reply_to_wamid', 'in', wamids.slice(i, i + IN_LIST_CHUNK))
        .where('kind', '=', 'reaction')
        .execute();
      for (const row of reactions) related.set(row.id, messageFromRow(row));
    }
    for (let i = 0; i < quoted.length; i += IN_LIST_CHUNK) {
      const targets = await this.db
        .selectFrom('messages')
        .selectAll()
        .where('wamid', 'in', quoted.slice(i, i + IN_LIST_CHUNK))
        .execute();
      for (const row of targets) related.set(row.id, messageFromRow(row));
    }
    for (const id of onPage) related.delete(id);
    return { messages, related: [...related.values()], hasOlder };
  }

  async setMessageContent(id: string, content: string | null): Promise<void> {
    await this.db.updateTable('messages').set({ content }).where('id', '=', id).execute();
  }
}
