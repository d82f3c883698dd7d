import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationDialect } from './0001_initial.ts';

/**
 * Issue 15: search over conversations (ADR 16). Full text of messages and customer names — SQLite
 * FTS5 tables kept by triggers, PostgreSQL GIN indexes over `to_tsvector('simple', ...)` — never a
 * LIKE scan; a keyed hash of each customer's number (`customers.number_hash`, filled by the search
 * service with the server's key, emptied by a trigger when the number changes), so the index is no
 * oracle for raw numbers; and the order search lists conversations in.
 */
export function searchMigration(dialect: MigrationDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('customers').addColumn('number_hash', 'text').execute();
      await db.schema
        .createIndex('customers_number_hash_idx')
        .on('customers')
        .column('number_hash')
        .execute();
      await db.schema
        .createIndex('conversations_received_idx')
        .on('conversations')
        .columns(['received_at', 'id'])
        .execute();
      if (dialect === 'sqlite') await sqliteUp(db);
      else await postgresUp(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'sqlite') {
        for (const trigger of [
          'messages_fts_ai',
          'messages_fts_ad',
          'messages_fts_au',
          'customers_fts_ai',
          'customers_fts_ad',
          'customers_fts_au',
          'customers_number_hash_reset',
        ])
          await sql`drop trigger if exists ${sql.id(trigger)}`.execute(db);
        await sql`drop table if exists messages_fts`.execute(db);
        await sql`drop table if exists customers_fts`.execute(db);
      } else {
        await sql`drop trigger if exists customers_number_hash_reset on customers`.execute(db);
        await sql`drop function if exists customers_number_hash_reset()`.execute(db);
        await sql`drop index if exists messages_text_search_idx`.execute(db);
        await sql`drop index if exists customers_name_search_idx`.execute(db);
      }
      await db.schema.dropIndex('conversations_received_idx').execute();
      await db.schema.dropIndex('customers_number_hash_idx').execute();
      await db.schema.alterTable('customers').dropColumn('number_hash').execute();
    },
  };
}

/**
 * External-content FTS5 tables over `messages.text` and the customer's names, keyed by rowid and
 * kept in the same transaction by triggers (an erase that deletes a message deletes its entry).
 * Parlo never runs VACUUM (which may renumber rowids); after one, rebuild both:
 * `insert into messages_fts(messages_fts) values('rebuild')`.
 */
async function sqliteUp(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`create virtual table messages_fts using fts5(text, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`,
    sql`insert into messages_fts(messages_fts) values('rebuild')`,
    sql`create trigger messages_fts_ai after insert on messages begin
          insert into messages_fts(rowid, text) values (new.rowid, new.text);
        end`,
    sql`create trigger messages_fts_ad after delete on messages begin
          insert into messages_fts(messages_fts, rowid, text) values ('delete', old.rowid, old.text);
        end`,
    sql`create trigger messages_fts_au after update of text on messages begin
          insert into messages_fts(messages_fts, rowid, text) values ('delete', old.rowid, old.text);
          insert into messages_fts(rowid, text) values (new.rowid, new.text);
        end`,
    sql`create virtual table customers_fts using fts5(name, display_name, content='customers', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`,
    sql`insert into customers_fts(customers_fts) values('rebuild')`,
    sql`create trigger customers_fts_ai after insert on customers begin
          insert into customers_fts(rowid, name, display_name) values (new.rowid, new.name, new.display_name);
        end`,
    sql`create trigger customers_fts_ad after delete on customers begin
          insert into customers_fts(customers_fts, rowid, name, display_name)
            values ('delete', old.rowid, old.name, old.display_name);
        end`,
    sql`create trigger customers_fts_au after update of name, display_name on customers begin
          insert into customers_fts(customers_fts, rowid, name, display_name)
            values ('delete', old.rowid, old.name, old.display_name);
          insert into customers_fts(rowid, name, display_name) values (new.rowid, new.name, new.display_name);
        end`,
    sql`create trigger customers_number_hash_reset after update of wa_id on customers
          when old.wa_id is not new.wa_id begin
          update customers set number_hash = null where id = new.id;
        end`,
  ];
  for (const statement of statements) await statement.execute(db);
}

/**
 * Expression GIN indexes (no stored tsvector column: every `selectAll` of a message would carry
 * it); the search queries repeat the same expressions so the planner uses them.
 */
async function postgresUp(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`create index messages_text_search_idx on messages using gin (to_tsvector('simple', text))`,
    sql`create index customers_name_search_idx on customers
          using gin (to_tsvector('simple', name || ' ' || coalesce(display_name, '')))`,
    sql`create function customers_number_hash_reset() returns trigger language plpgsql as $$
          begin
            if new.wa_id is distinct from old.wa_id then new.number_hash := null; end if;
            return new;
          end $$`,
    sql`create trigger customers_number_hash_reset before update of wa_id on customers
          for each row execute function customers_number_hash_reset()`,
  ];
  for (const statement of statements) await statement.execute(db);
}
