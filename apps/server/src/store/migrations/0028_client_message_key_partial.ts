import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationDialect } from './0001_initial.ts';

/**
 * `messages_client_message_id_key` (conversation_id, client_message_id) holds only the messages
 * that have a client message id: an agent's send, keyed so a retried send is not doubled. A
 * customer's message has none, yet wrote an entry there, at its conversation's place in the index:
 * a page of the WAL per conversation of an ingest batch (a batch of 30 inbound messages over 200
 * conversations dirtied 133 pages of `messages` and its indexes, 93 without this one). Uniqueness
 * is the same: both databases let any number of rows have NULL in a unique key.
 *
 * On PostgreSQL the constraint becomes a partial unique index. On SQLite a table's own UNIQUE
 * constraint cannot be dropped: the table is rebuilt without it (the SQLite way: new table, rows
 * copied with their rowids, old table dropped, new one renamed, its indexes and triggers made
 * again), so `messages_fts`, keyed by rowid, still matches every message. Nothing references
 * `messages` by a foreign key.
 */
export function clientMessageKeyPartialMigration(dialect: MigrationDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'postgres') {
        await sql`alter table messages drop constraint messages_client_message_id_key`.execute(db);
      } else {
        await rebuildSqliteMessages(db, (table) => {
          const without = table.replace(CONSTRAINT, '');
          if (without === table) throw new Error('messages has no client message key to drop');
          return without;
        });
      }
      await sql`create unique index messages_client_message_id_key on messages (conversation_id, client_message_id)
        where client_message_id is not null`.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop index messages_client_message_id_key`.execute(db);
      if (dialect === 'postgres') {
        await sql`alter table messages add constraint messages_client_message_id_key
          unique (conversation_id, client_message_id)`.execute(db);
      } else {
        await rebuildSqliteMessages(db, (table) => table.replace(/\)\s*$/, `, ${CONSTRAINT_TEXT})`));
      }
    },
  };
}

const CONSTRAINT_TEXT =
  'constraint "messages_client_message_id_key" unique ("conversation_id", "client_message_id")';
const CONSTRAINT =
  /,\s*constraint "messages_client_message_id_key" unique \("conversation_id", "client_message_id"\)/i;

/**
 * Rebuilds SQLite's `messages` with the table definition `change` makes of its current one, in one
 * transaction: every row keeps its rowid, every other index and trigger is made again as it was.
 * Foreign keys are off meanwhile (SQLite's own recipe): with them on, dropping the old table would
 * first delete its rows one by one.
 */
async function rebuildSqliteMessages(db: Kysely<unknown>, change: (table: string) => string): Promise<void> {
  const table = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'table' and name = 'messages'`.execute(db);
  const definition = table.rows[0]?.sql;
  if (definition === undefined) throw new Error('no messages table');
  const dependents = await sql<{ sql: string }>`select sql from sqlite_master
    where tbl_name = 'messages' and type in ('index', 'trigger') and sql is not null order by type, name`.execute(
    db,
  );
  const columns = await sql<{ name: string }>`select name from pragma_table_info('messages')`.execute(db);
  const list = sql.join(columns.rows.map((c) => sql.id(c.name)));
  const rebuilt = change(definition).replace(
    /^create table "?messages"?/i,
    'create table "messages_rebuilt"',
  );
  const before = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (tx) => {
      await sql.raw(rebuilt).execute(tx);
      await sql`insert into messages_rebuilt (rowid, ${list}) select rowid, ${list} from messages`.execute(
        tx,
      );
      await sql`drop table messages`.execute(tx);
      await sql`alter table messages_rebuilt rename to messages`.execute(tx);
      for (const { sql: statement } of dependents.rows) await sql.raw(statement).execute(tx);
      const broken = await sql`select 1 from pragma_foreign_key_check('messages') limit 1`.execute(tx);
      if (broken.rows.length > 0) throw new Error('messages would break a foreign key');
    });
  } finally {
    if (before.rows[0]?.foreign_keys === 1) await sql`pragma foreign_keys = on`.execute(db);
  }
}
