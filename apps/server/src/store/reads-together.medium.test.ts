import { randomBytes } from 'node:crypto';
import { Kysely, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchemas, watchingCalls } from '../testing/index.ts';
import { DeferringPostgresDialect } from './deferred-writes.ts';
import { PG_TYPES } from './postgres.ts';
import { readTogether } from './reads-together.ts';

/**
 * ADR 41: on PostgreSQL the reads a webhook batch makes before it writes go as one statement, and
 * each answers the rows it answers alone, with the same values.
 */

const PG_URL = process.env.PARLO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `reads_${randomBytes(4).toString('hex')}`;

interface Tables {
  t: { id: string; at: number; flag: boolean; note: string | null; n: number };
  u: { key: string; value: string };
}

let db: Kysely<Tables>;
let pool: pg.Pool;

beforeAll(async () => {
  // The store's pool: int8 as numbers (postgres.ts).
  pool = new pg.Pool({ connectionString: PG_URL, max: 2, types: PG_TYPES });
  db = new Kysely<Tables>({
    dialect: new DeferringPostgresDialect({
      pool,
      onCreateConnection: async (connection) => {
        await connection.executeQuery(sql`set search_path to ${sql.id(schema)}`.compile(db));
      },
    }),
  });
  await sql`create schema ${sql.id(schema)}`.execute(db);
  await sql`create table t (id text primary key, at bigint not null, flag boolean not null, note text, n int not null)`.execute(
    db,
  );
  await sql`create table u (key text primary key, value text not null)`.execute(db);
  await db
    .insertInto('t')
    .values([
      { id: 'a', at: 1_765_000_000_123, flag: true, note: `it's "quoted" é`, n: 1 },
      { id: 'b', at: 2, flag: false, note: null, n: -2 },
      { id: 'c', at: 3, flag: true, note: 'closed', n: 3 },
    ])
    .execute();
  await db.insertInto('u').values({ key: 'k1', value: '{"a":1}' }).execute();
});

afterAll(async () => {
  await db.destroy();
  await dropSchemas(PG_URL, [schema]);
});

/** The SQL texts pg sends while `work` runs. */
async function sent(work: () => Promise<unknown>): Promise<string[]> {
  const texts: string[] = [];
  await watchingCalls(
    pg.Client.prototype,
    'query',
    (_, args) => {
      const [config] = args as [string | { text?: string }];
      const text = typeof config === 'string' ? config : config.text;
      if (text !== undefined && !text.startsWith('set search_path')) texts.push(text);
    },
    work,
  );
  return texts;
}

const byId = (rows: readonly unknown[]) =>
  [...(rows as { id: string }[])].sort((x, y) => x.id.localeCompare(y.id));

describe('[issue 13] reads sent together on PostgreSQL (ADR 41)', () => {
  it('are one statement whose reads answer what each answers alone, values and types alike', async () => {
    const reads: CompiledQuery[] = [
      db.selectFrom('t').selectAll().where('id', 'in', ['a', 'b', 'x']).compile(),
      // A literal without a $ stays as it is; the parameters after it are renumbered.
      db
        .selectFrom('t')
        .select(['id', 'n'])
        .where('note', '<>', sql.lit('closed'))
        .where('n', '>', 0)
        .compile(),
      db.selectFrom('u').select(['key', 'value']).where('key', 'in', ['k1', 'k2']).compile(),
      db.selectFrom('t').select('id').where('id', '=', 'none').compile(),
    ];
    const alone = await db.transaction().execute(async (trx) => {
      const out: unknown[][] = [];
      for (const read of reads) out.push((await trx.executeQuery(read)).rows);
      return out;
    });
    let together: unknown[][] = [];
    const texts = await sent(() =>
      db.transaction().execute(async (trx) => {
        together = await readTogether(trx, 'postgres', reads);
      }),
    );
    expect(texts).toEqual(['begin', expect.stringMatching(/^select \(select coalesce\(json_agg/), 'commit']);
    expect(together.map(byId)).toEqual(alone.map(byId));
    // int8 a number, boolean a boolean, null kept: as pg gives them alone.
    expect(byId(together[0] ?? [])[0]).toEqual({
      id: 'a',
      at: 1_765_000_000_123,
      flag: true,
      note: `it's "quoted" é`,
      n: 1,
    });
    expect(together[3]).toEqual([]);
  });

  it('refuse a read holding a literal with a $, which renumbering could change', async () => {
    const read = db.selectFrom('t').select('id').where('note', '=', sql.lit('$1')).compile();
    const other = db.selectFrom('t').select('id').where('id', '=', 'a').compile();
    await expect(readTogether(db, 'postgres', [other, read])).rejects.toThrow(/literal with a \$/);
  });
});
