import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { scratchSpace, sqliteStatementPrototype, watchingCalls, withPgClient } from '../testing/index.ts';
import { inbound, seedConversations } from './contracts/fixtures.ts';
import { openPostgresStore, openSqliteStore } from './index.ts';
import type { MessageRow, Store } from './port.ts';

/**
 * Opening a conversation must cost what its page holds, not what the database holds: every
 * statement `listMessagesPage` runs is explained, and none may read the messages table (or one of
 * its indexes) from end to end. The reactions of a page are looked up by the wamids they point
 * at; before migration 0027 their index began with the conversation, so that lookup read every
 * message ever stored, on the event loop, each time a desktop opened a conversation.
 */

const PG_URL = process.env.PARLO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const { dir, newSchema } = scratchSpace('parlo-plan-');

/** A page whose every lookup runs: messages, one quoting an older one, one reacting to another. */
async function seedPage(store: Store): Promise<void> {
  const rows: MessageRow[] = Array.from({ length: 6 }, (_, i) => ({
    ...inbound(`m${i}`, `w${i}`),
    sentAt: 1_000 + i,
  }));
  const quote: MessageRow = { ...inbound('q1', 'wq'), sentAt: 2_000, replyToWamid: 'w0' };
  const reaction: MessageRow = {
    ...inbound('r1', 'wr'),
    kind: 'reaction',
    sentAt: 2_001,
    replyToWamid: 'w5',
  };
  await store.transaction(async (tx) => {
    await seedConversations(tx);
    for (const row of [...rows, quote, reaction]) await tx.insertInboundMessage(row);
  });
}

async function leadingColumn(client: pg.Client, schema: string, index: string): Promise<string | undefined> {
  const { rows } = await client.query<{ column: string }>(
    `select a.attname as column from pg_index i
       join pg_class c on c.oid = i.indexrelid
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
     where c.relname = $1 and c.relnamespace = $2::regnamespace`,
    [index, schema],
  );
  return rows[0]?.column;
}

const page = (store: Store) => store.transaction((tx) => tx.listMessagesPage('k1', { limit: 3 }));

interface PgPlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Index Cond'?: string;
  readonly Plans?: readonly PgPlanNode[];
}

/** How a PostgreSQL plan reads `messages`: each index it walks with its condition, or a scan without. */
function pgReadsOfMessages(node: PgPlanNode, reads: { index?: string; cond?: string }[] = []) {
  const children = node.Plans ?? [];
  if (node['Relation Name'] === 'messages') {
    if (node['Node Type'] === 'Bitmap Heap Scan')
      for (const child of children) reads.push({ index: child['Index Name'], cond: child['Index Cond'] });
    else reads.push({ index: node['Index Name'], cond: node['Index Cond'] });
  }
  for (const child of children) pgReadsOfMessages(child, reads);
  return reads;
}

describe('[S-6] [issue-13] opening a conversation reads its messages through indexes only', () => {
  it('on SQLite: no statement of the page scans messages', async () => {
    const path = join(dir, 'page.db');
    const store = await openSqliteStore(path);
    const ran: { sql: string; params: unknown[] }[] = [];
    try {
      await seedPage(store);
      const result = await watchingCalls(
        await sqliteStatementPrototype(),
        'all',
        (self, params) => ran.push({ sql: (self as { source: string }).source, params }),
        () => page(store),
      );
      expect(result.related.map((m) => m.id)).toEqual(['m0']);
    } finally {
      await store.close();
    }
    const reads = ran.filter((r) => /\bmessages\b/.test(r.sql));
    expect(reads.length).toBe(3); // the page, the reactions, the quoted messages
    const raw = new SqliteDatabase(path, { readonly: true });
    try {
      for (const { sql, params } of reads) {
        const plan = raw.prepare(`explain query plan ${sql}`).all(...params) as { detail: string }[];
        const scans = plan.map((p) => p.detail).filter((d) => /^SCAN messages\b/.test(d));
        expect({ sql, scans }).toEqual({ sql, scans: [] });
      }
    } finally {
      raw.close();
    }
  });

  it('on PostgreSQL: no statement of the page reads messages without an index condition', async () => {
    const schema = newSchema();
    const store = await openPostgresStore(PG_URL, { schema, maxConnections: 2 });
    const ran: { sql: string; values: unknown[] }[] = [];
    try {
      await seedPage(store);
      const result = await watchingCalls(
        pg.Client.prototype,
        'query',
        (_self, args) => {
          const [config, values] = args as [string | { text?: string; values?: unknown[] }, unknown];
          const text = typeof config === 'string' ? config : config.text;
          const bound = Array.isArray(values) ? values : typeof config === 'object' ? config.values : [];
          if (text !== undefined && /\bmessages\b/.test(text)) ran.push({ sql: text, values: bound ?? [] });
        },
        () => page(store),
      );
      expect(result.related.map((m) => m.id)).toEqual(['m0']);
    } finally {
      await store.close();
    }
    expect(ran.length).toBe(3);
    await withPgClient(PG_URL, async (client) => {
      await client.query(`set search_path to "${schema}"`);
      // A sequential scan only when nothing else can answer: then no index serves the query.
      await client.query('set enable_seqscan = off');
      for (const { sql, values } of ran) {
        const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PgPlanNode }[] }>(
          `explain (format json) ${sql}`,
          values,
        );
        const plan = rows[0]?.['QUERY PLAN'][0]?.Plan;
        if (!plan) throw new Error(`no plan for ${sql}`);
        // PostgreSQL reports a condition on a later column of an index as its Index Cond too, and
        // then walks the whole index: only a condition on the index's first column bounds the read.
        const unbounded: string[] = [];
        for (const read of pgReadsOfMessages(plan)) {
          const first =
            read.index === undefined ? undefined : await leadingColumn(client, schema, read.index);
          if (first === undefined || !new RegExp(`\\b${first}\\b`).test(read.cond ?? ''))
            unbounded.push(`${read.index ?? 'no index'}: ${read.cond ?? 'no condition'}`);
        }
        expect({ sql, unbounded }).toEqual({ sql, unbounded: [] });
      }
    });
  });
});
