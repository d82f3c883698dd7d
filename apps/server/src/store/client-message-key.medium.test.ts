import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { scratchSpace, withPgClient } from '../testing/index.ts';
import { inbound, outbound, seedConversations } from './contracts/fixtures.ts';
import { openPostgresStore, openSqliteStore } from './index.ts';
import { staticMigrationProvider } from './migrations/index.ts';

/**
 * Migration 0028: a customer's message has no client message id and writes no entry in
 * `messages_client_message_id_key` (it wrote one at its conversation's place in the index, a
 * page of the WAL per conversation of an ingest batch). On SQLite the key was the table's own
 * constraint: the table is rebuilt, and every message must keep its rowid, by which the full-text
 * index knows it. That an agent's retried send is still answered with the first row is the
 * conversations contract's, on both databases.
 */

const PG_URL = process.env.PARLO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const { dir, newSchema } = scratchSpace('parlo-client-key-');

interface Shape {
  /** Entries in the key's index, whatever its name (SQLite's dbstat). */
  readonly keyEntries: number;
  readonly rows: { rowid: number; id: string }[];
  /** Rowids the full-text index finds for a word of the customers' messages. */
  readonly found: number[];
  /** The triggers that keep it (on insert, delete, update of the text). */
  readonly triggers: string[];
}

function shapeOf(path: string): Shape {
  const db = new SqliteDatabase(path, { readonly: true });
  try {
    const key = db
      .prepare(
        // An index b-tree holds each entry in one cell, of a leaf or an interior page.
        `select coalesce(sum(d.ncell), 0) as n from dbstat d where d.name in (
           select il.name from pragma_index_list('messages') il, pragma_index_info(il.name) ii
           where ii.name = 'client_message_id')`,
      )
      .get() as { n: number };
    return {
      keyEntries: key.n,
      rows: db.prepare('select rowid, id from messages order by rowid').all() as Shape['rows'],
      found: (
        db
          .prepare(`select rowid from messages_fts where messages_fts match 'parcel' order by rowid`)
          .all() as { rowid: number }[]
      ).map((r) => r.rowid),
      triggers: (
        db
          .prepare(
            `select name from sqlite_master where type = 'trigger' and tbl_name = 'messages' order by name`,
          )
          .all() as { name: string }[]
      ).map((r) => r.name),
    };
  } finally {
    db.close();
  }
}

async function migrateTo(path: string, name: string): Promise<void> {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SqliteDatabase(path) }) });
  try {
    const migrator = new Migrator({ db, provider: staticMigrationProvider('sqlite') });
    const { error } = name === 'latest' ? await migrator.migrateToLatest() : await migrator.migrateTo(name);
    expect(error).toBeUndefined();
  } finally {
    await db.destroy();
  }
}

describe('[issue-13] a customer message writes no entry in the client message key (migration 0028)', () => {
  it('on SQLite: only keyed sends are in the key, and the rebuild keeps every rowid and search entry', async () => {
    const path = join(dir, 'key.db');
    const store = await openSqliteStore(path);
    try {
      await store.transaction(async (tx) => {
        await seedConversations(tx);
        for (let i = 0; i < 5; i++)
          await tx.insertInboundMessage({ ...inbound(`m${i}`, `w${i}`), text: `where is my parcel ${i}` });
        await tx.insertOutboundMessage(outbound('o1', 'cm-1'));
      });
    } finally {
      await store.close();
    }
    // A gap in the rowids, as erasure leaves: a copy that renumbered would close it.
    const erase = new SqliteDatabase(path);
    erase.prepare(`delete from messages where id = 'm1'`).run();
    erase.close();
    const latest = shapeOf(path);
    expect(latest.keyEntries).toBe(1);
    expect(latest.rows.map((r) => r.id)).toEqual(['m0', 'm2', 'm3', 'm4', 'o1']);
    expect(latest.found).toEqual(latest.rows.slice(0, 4).map((r) => r.rowid));
    expect(latest.triggers).toEqual(['messages_fts_ad', 'messages_fts_ai', 'messages_fts_au']);

    // Down to 0027: the key is the table's constraint again, every message in it.
    await migrateTo(path, '0027_reply_lookup_index');
    const before = shapeOf(path);
    expect(before).toEqual({ ...latest, keyEntries: latest.rows.length });

    await migrateTo(path, 'latest');
    expect(shapeOf(path)).toEqual(latest);

    // Still a key: a second send with the same id in the same conversation is refused.
    const db = new SqliteDatabase(path);
    try {
      const copy = db.prepare(`insert into messages (id, conversation_id, direction, kind, text, author_name,
        sent_at, created_at, client_message_id) values ('o2', 'k1', 'outbound', 'text', 'x', 'Ann', 1, 1, 'cm-1')`);
      expect(() => copy.run()).toThrow(/UNIQUE constraint failed/);
    } finally {
      db.close();
    }
  });

  it('on PostgreSQL: the key is a unique index over the rows that have a client message id', async () => {
    const schema = newSchema();
    await (await openPostgresStore(PG_URL, { schema, maxConnections: 2 })).close();
    const { rows } = await withPgClient(PG_URL, (client) =>
      client.query<{ indexdef: string }>(
        'select indexdef from pg_indexes where schemaname = $1 and indexname = $2',
        [schema, 'messages_client_message_id_key'],
      ),
    );
    expect(rows.map((r) => r.indexdef.replace(/"?\w+"?\.messages/, 'messages'))).toEqual([
      'CREATE UNIQUE INDEX messages_client_message_id_key ON messages USING btree (conversation_id, client_message_id) WHERE (client_message_id IS NOT NULL)',
    ]);
  });
});
