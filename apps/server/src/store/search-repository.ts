import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { StoreDialect } from './port.ts';
import type {
  ConversationSearchHit,
  ConversationSearchQuery,
  CustomerToHash,
  SearchRepository,
} from './ports/search.ts';
import type { Database } from './schema.ts';

/** At most this many words of a query count (a pasted paragraph is not a search). */
const MAX_WORDS = 8;

/**
 * SQLite: words held by at least this many messages are matched conversation by conversation,
 * newest first; rarer ones from their messages (see #messagesMatch). PostgreSQL's planner makes the
 * same choice from its statistics. (search.medium.test.ts repeats the figure.)
 */
const FREQUENT_WORD_MESSAGES = 5_000;

/** The words of a query: runs of letters and digits, so nothing typed is index syntax. */
export function searchWords(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).slice(0, MAX_WORDS);
}

/** FTS5: every word (AND), the last also as a prefix. Each word is quoted: letters and digits only. */
function fts5Query(words: readonly string[]): string {
  return words.map((w, i) => `"${w}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

/** PostgreSQL tsquery: every word (AND), the last also as a prefix. */
function tsQuery(words: readonly string[]): string {
  return words.map((w, i) => `${w}${i === words.length - 1 ? ':*' : ''}`).join(' & ');
}

/** Search over SQLite FTS5 tables or PostgreSQL GIN indexes (migration 0016). */
export class KyselySearchRepository implements SearchRepository {
  constructor(
    private readonly db: Transaction<Database>,
    private readonly dialect: StoreDialect,
  ) {}

  async searchConversations(query: ConversationSearchQuery): Promise<ConversationSearchHit[]> {
    let q = this.db
      .selectFrom('conversations as c')
      .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
      .select([
        'c.id as conversationId',
        'c.customer_id as customerId',
        'cu.name as customerName',
        'cu.wa_id as customerWaId',
        'cu.username as customerUsername',
        'c.business_number_id as businessNumberId',
        'c.queue_id as queueId',
        'c.received_at as receivedAt',
        'c.closed_at as closedAt',
        'c.phase_kind as phaseKind',
        'c.phase_agent_id as agentId',
        'c.wrap_up_reason_id as wrapUpReasonId',
      ]);
    const text = searchWords(query.text ?? '');
    if (text.length > 0) q = q.where(await this.#messagesMatch(text));
    const name = searchWords(query.customerName ?? '');
    if (name.length > 0) q = q.where(this.#customerNameMatch(name));
    if (query.numberHash !== undefined) q = q.where('cu.number_hash', '=', query.numberHash);
    if (query.queueId !== undefined) q = q.where('c.queue_id', '=', query.queueId);
    if (query.businessNumberId !== undefined)
      q = q.where('c.business_number_id', '=', query.businessNumberId);
    if (query.wrapUpReasonId !== undefined) q = q.where('c.wrap_up_reason_id', '=', query.wrapUpReasonId);
    const labelId = query.labelId;
    if (labelId !== undefined)
      q = q.where((eb) =>
        eb(
          'c.id',
          'in',
          eb
            .selectFrom('conversation_labels as cl')
            .select('cl.conversation_id')
            .where('cl.label_id', '=', labelId),
        ),
      );
    if (query.from !== undefined) q = q.where('c.received_at', '>=', query.from);
    if (query.to !== undefined) q = q.where('c.received_at', '<', query.to);
    const agentId = query.agentId;
    if (agentId !== undefined)
      q = q.where((eb) =>
        eb.or([
          eb.and([eb('c.phase_agent_id', '=', agentId), eb('c.phase_kind', '<>', 'offered')]),
          eb.and([eb('c.guest_agent_id', '=', agentId), eb('c.guest_kind', '=', 'joined')]),
          // Not correlated: the agent's few departures are listed once, not searched per conversation.
          eb(
            'c.id',
            'in',
            eb
              .selectFrom('participant_wrap_ups as p')
              .select('p.conversation_id')
              .where('p.agent_id', '=', agentId),
          ),
        ]),
      );
    const rows = await q
      .orderBy('c.received_at', 'desc')
      .orderBy('c.id', 'desc')
      .limit(query.limit)
      .execute();
    return rows.map((row) => ({
      ...row,
      receivedAt: Number(row.receivedAt),
      closedAt: row.closedAt === null ? null : Number(row.closedAt),
    }));
  }

  /**
   * One message of the conversation holds every word. SQLite (no statistics) is told the plan:
   * words in few messages list their conversations (a lookup per message); frequent ones, where
   * that costs a lookup for each of 100k messages, walk the conversations newest first and stop at
   * the limit, probing each one's messages against the index's hits. Measured over 1M messages by
   * bench/src/search.ts.
   */
  async #messagesMatch(words: readonly string[]): Promise<RawBuilder<boolean>> {
    if (this.dialect === 'sqlite') {
      const match = fts5Query(words);
      const counted = await sql<{ n: number }>`select count(*) as n from
        (select 1 from messages_fts where messages_fts match ${match} limit ${FREQUENT_WORD_MESSAGES})`.execute(
        this.db,
      );
      if (Number(counted.rows[0]?.n ?? 0) >= FREQUENT_WORD_MESSAGES)
        return sql<boolean>`exists (select 1 from messages m where m.conversation_id = c.id and m.rowid in
          (select rowid from messages_fts where messages_fts match ${match}))`;
      return sql<boolean>`c.id in (select m.conversation_id from messages m where m.rowid in
        (select rowid from messages_fts where messages_fts match ${match}))`;
    }
    return sql<boolean>`c.id in (select m.conversation_id from messages m
      where to_tsvector('simple', m.text) @@ to_tsquery('simple', ${tsQuery(words)}))`;
  }

  /** The customer's names hold every word (the expression of customers_name_search_idx). */
  #customerNameMatch(words: readonly string[]): RawBuilder<boolean> {
    if (this.dialect === 'sqlite')
      return sql<boolean>`cu.rowid in (select rowid from customers_fts where customers_fts match ${fts5Query(words)})`;
    return sql<boolean>`to_tsvector('simple', cu.name || ' ' || coalesce(cu.display_name, ''))
      @@ to_tsquery('simple', ${tsQuery(words)})`;
  }

  async customersToHash(limit: number): Promise<CustomerToHash[]> {
    const rows = await this.db
      .selectFrom('customers')
      .select(['id as customerId', 'wa_id as waId'])
      .where('number_hash', 'is', null)
      .limit(limit)
      .execute();
    return rows;
  }

  async resetNumberHashes(): Promise<void> {
    await this.db.updateTable('customers').set({ number_hash: null }).execute();
  }

  async setNumberHashes(
    hashes: readonly { readonly customerId: string; readonly numberHash: string }[],
  ): Promise<void> {
    // Once per customer (a new one, or a number that changed): one small update each.
    for (const h of hashes)
      await this.db
        .updateTable('customers')
        .set({ number_hash: h.numberHash })
        .where('id', '=', h.customerId)
        .execute();
  }
}
