import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { StoreDialect } from './port.ts';
import type {
  AgedRows,
  CustomerLink,
  EraseStep,
  ErasedCustomer,
  PrivacyCustomerRow,
  PrivacyRepository,
  SchemaColumn,
  StepResult,
  TableName,
} from './ports/privacy.ts';
import type { Database } from './schema.ts';

/** Declared types that can hold text (SQLite's untyped columns, as in FTS tables, included). */
const TEXT_LIKE = /^(|text|character varying.*|varchar.*|character.*|json|jsonb|tsvector|blob|bytea)$/;

/** Whether a column of the given declared type can hold text: what the registry check looks at. */
export function isTextLikeType(type: string): boolean {
  return TEXT_LIKE.test(type.toLowerCase());
}

/**
 * Retention and erasure over dynamic tables and columns (the service's registry names them): raw
 * SQL with identifiers quoted by Kysely. A batch is addressed by the row's physical id (`rowid` on
 * SQLite, `ctid` on PostgreSQL), so one code path serves every table whatever its key.
 */
export class KyselyPrivacyRepository implements PrivacyRepository {
  constructor(
    private readonly db: Transaction<Database>,
    private readonly dialect: StoreDialect,
  ) {}

  async findPrivacyCustomers(
    by: { readonly id: string } | { readonly identity: string },
  ): Promise<PrivacyCustomerRow[]> {
    let query = this.db
      .selectFrom('customers')
      .select(['id', 'business_number_id', 'wa_id', 'user_id', 'name', 'username'])
      .orderBy('id');
    query =
      'id' in by
        ? query.where('id', '=', by.id)
        : query.where((eb) => eb.or([eb('wa_id', '=', by.identity), eb('user_id', '=', by.identity)]));
    const customers = await query.execute();
    const found: PrivacyCustomerRow[] = [];
    for (const c of customers) {
      const conversations = await this.db
        .selectFrom('conversations')
        .select(['id', 'phase_kind'])
        .where('customer_id', '=', c.id)
        .orderBy('received_at')
        .orderBy('id')
        .execute();
      found.push({
        id: c.id,
        businessNumberId: c.business_number_id,
        waId: c.wa_id,
        userId: c.user_id,
        name: c.name,
        username: c.username,
        conversationIds: conversations.map((row) => row.id),
        liveConversations: conversations.filter((row) => row.phase_kind !== 'closed').length,
      });
    }
    return found;
  }

  async linkedRows(
    table: TableName,
    link: CustomerLink,
    customer: ErasedCustomer,
    columns: readonly string[],
  ): Promise<Record<string, unknown>[]> {
    if (columns.length === 0) return [];
    const select = sql.join(columns.map((column) => sql.ref(`${table}.${column}`)));
    const { rows } = await sql<Record<string, unknown>>`
      select ${select} from ${sql.table(table)} where ${this.linked(table, link, customer)}
    `.execute(this.db);
    return rows;
  }

  async eraseStep(step: EraseStep, customer: ErasedCustomer, limit: number): Promise<StepResult> {
    const where = this.linked(step.table, step.link, customer);
    if (step.action.kind === 'overwrite') {
      const assignments = Object.entries(step.action.values).map(
        ([column, value]) =>
          sql`${sql.ref(column)} = ${value !== null && typeof value === 'object' ? `erased:${customer.id}` : value}`,
      );
      const { rows } = await sql<{ one: number }>`
        update ${sql.table(step.table)} set ${sql.join(assignments)} where ${where} returning 1 as one
      `.execute(this.db);
      return { rows: rows.length, files: [] };
    }
    return this.deleteBatch(step.table, where, limit, step.action.fileColumn);
  }

  async deleteAged(rows: AgedRows, before: number, limit: number): Promise<StepResult> {
    switch (rows.kind) {
      case 'messages':
        return this.deleteBatch('messages', sql`messages.created_at < ${before}`, limit);
      case 'media':
        return this.deleteBatch('media', sql`media.created_at < ${before}`, limit, 'storage_key');
      case 'webhookDeliveries':
        return this.deleteBatch('webhook_deliveries', sql`webhook_deliveries.received_at < ${before}`, limit);
      case 'webhookBodies': {
        const where = sql`webhook_deliveries.received_at < ${before} and webhook_deliveries.body <> ''`;
        const { rows: updated } = await sql<{ one: number }>`
          update webhook_deliveries set body = '' where ${this.inBatch('webhook_deliveries', where, limit)}
          returning 1 as one
        `.execute(this.db);
        return { rows: updated.length, files: [] };
      }
      case 'auditLog':
        return this.deleteBatch('audit_log', sql`audit_log.at < ${before}`, limit);
      case 'agentEvents':
        return this.deleteBatch(
          'agent_events',
          sql`agent_events.at < ${before} and agent_events.seq < (
            select max(newest.seq) from agent_events newest where newest.agent_id = agent_events.agent_id
          )`,
          limit,
        );
    }
  }

  async compactFullText(): Promise<string[]> {
    if (this.dialect !== 'sqlite') return [];
    const { rows } = await sql<{ name: string }>`
      select name from sqlite_master
      where type = 'table' and lower(sql) like 'create virtual table%using fts5%'
      order by name
    `.execute(this.db);
    for (const { name } of rows) {
      await sql`insert into ${sql.table(name)} (${sql.ref(name)}) values ('optimize')`.execute(this.db);
    }
    return rows.map((row) => row.name);
  }

  async schemaColumns(): Promise<SchemaColumn[]> {
    if (this.dialect === 'sqlite') {
      const { rows } = await sql<SchemaColumn>`
        select m.name as "table", p.name as "column", lower(p.type) as "type"
        from sqlite_master m join pragma_table_info(m.name) p
        where m.type = 'table' and m.name not like 'sqlite_%' and m.name not like 'kysely_%'
        order by m.name, p.cid
      `.execute(this.db);
      return rows;
    }
    const { rows } = await sql<SchemaColumn>`
      select table_name as "table", column_name as "column", lower(data_type) as "type"
      from information_schema.columns
      where table_schema = current_schema() and table_name not like 'kysely_%'
      order by table_name, ordinal_position
    `.execute(this.db);
    return rows;
  }

  async columnsContaining(needles: readonly string[]): Promise<string[]> {
    const hits: string[] = [];
    if (needles.length === 0) return hits;
    for (const { table, column, type } of await this.schemaColumns()) {
      if (!isTextLikeType(type)) continue;
      const value =
        this.dialect === 'sqlite' ? sql`lower(${sql.ref(column)})` : sql`lower(${sql.ref(column)}::text)`;
      const any = sql.join(
        needles.map((needle) => this.contains(value, sql`${needle.toLowerCase()}`)),
        sql` or `,
      );
      const { rows } = await sql<{ one: number }>`
        select 1 as one from ${sql.table(table)} where ${any} limit 1
      `.execute(this.db);
      if (rows.length > 0) hits.push(`${table}.${column}`);
    }
    return hits;
  }

  /** The rows of `table` that belong to `customer` through `link`. */
  private linked(table: TableName, link: CustomerLink, customer: ErasedCustomer): RawBuilder<unknown> {
    // Qualified: the subqueries below read `conversations`, whose columns could shadow a bare name.
    const column = sql.ref(`${table}.${link.column}`);
    switch (link.kind) {
      case 'customer':
        return sql`${column} = ${customer.id}`;
      case 'conversation':
        return sql`${column} in (select c.id from conversations c where c.customer_id = ${customer.id})`;
      case 'wamid':
        return sql`${column} in (
          select m.wamid from messages m join conversations c on c.id = m.conversation_id
          where c.customer_id = ${customer.id} and m.wamid is not null
        )`;
      case 'mentionsConversation':
        return sql`exists (
          select 1 from conversations c
          where c.customer_id = ${customer.id} and ${this.contains(column, sql.ref('c.id'))}
        )`;
      case 'mentionsIdentity': {
        const identities = [customer.waId, customer.userId].filter(
          (value): value is string => value !== null && value !== '',
        );
        return sql`(${sql.join(
          identities.map((value) => this.contains(column, sql`${value}`)),
          sql` or `,
        )})`;
      }
    }
  }

  /** `needle` occurs in `haystack` (literally: no LIKE wildcards), the same on both databases. */
  private contains(haystack: RawBuilder<unknown>, needle: RawBuilder<unknown>): RawBuilder<unknown> {
    return this.dialect === 'sqlite'
      ? sql`instr(${haystack}, ${needle}) > 0`
      : sql`strpos(${haystack}, ${needle}) > 0`;
  }

  /** At most `limit` rows of `table` matching `where`, addressed by their physical row id. */
  private inBatch(table: TableName, where: RawBuilder<unknown>, limit: number): RawBuilder<unknown> {
    return this.dialect === 'sqlite'
      ? sql`rowid in (select rowid from ${sql.table(table)} where ${where} limit ${limit})`
      : sql`ctid = any(array(select ctid from ${sql.table(table)} where ${where} limit ${limit}))`;
  }

  private async deleteBatch(
    table: TableName,
    where: RawBuilder<unknown>,
    limit: number,
    fileColumn?: string,
  ): Promise<StepResult> {
    const returning = fileColumn === undefined ? sql`null` : sql.ref(fileColumn);
    const { rows } = await sql<{ file: string | null }>`
      delete from ${sql.table(table)} where ${this.inBatch(table, where, limit)}
      returning ${returning} as file
    `.execute(this.db);
    return {
      rows: rows.length,
      files: rows.map((row) => row.file).filter((file): file is string => typeof file === 'string'),
    };
  }
}
