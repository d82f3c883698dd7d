import { randomBytes } from 'node:crypto';
import { Kysely, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchemas, pgQueriesSent } from '../testing/index.ts';
import { combinedWrites, DeferringPostgresDialect, deferredWrite, carrier } from './deferred-writes.ts';
import { PG_TYPES } from './postgres.ts';
import { readTogether } from './reads-together.ts';

/**
 * ADR 38: on PostgreSQL a transaction keeps the writes marked `deferredWrite` and sends them as one
 * statement before its next other statement; the outcome is that of the writes one by one. ADR 41:
 * reads sent together are one statement, each read answering what it answers alone.
 */

const PG_URL = process.env.PARLO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `deferred_${randomBytes(4).toString('hex')}`;

interface Tables {
  a: { id: string; v: number };
  b: { id: string; a_id: string };
  t: { id: string; at: number; flag: boolean; note: string | null; n: number };
  u: { key: string; value: string };
}

let db: Kysely<Tables>;
let pool: pg.Pool;

beforeAll(async () => {
  // The store's pool: int8 as numbers (postgres.ts).
  pool = new pg.Pool({ connectionString: PG_URL, max: 3, types: PG_TYPES });
  db = new Kysely<Tables>({
    dialect: new DeferringPostgresDialect({
      pool,
      onCreateConnection: async (connection) => {
        await connection.executeQuery(sql`set search_path to ${sql.id(schema)}`.compile(db));
      },
    }),
  });
  await sql`create schema ${sql.id(schema)}`.execute(db);
  await sql`create table a (id text primary key, v int not null)`.execute(db);
  await sql`create table b (id text primary key, a_id text not null references a (id))`.execute(db);
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

const insertA = (id: string, v: number): CompiledQuery =>
  deferredWrite(db.insertInto('a').values({ id, v }).compile(), 'a');
const insertB = (id: string, aId: string): CompiledQuery =>
  deferredWrite(db.insertInto('b').values({ id, a_id: aId }).compile(), 'b');

async function rowsOfA(): Promise<{ id: string; v: number }[]> {
  return db.selectFrom('a').selectAll().orderBy('id').execute();
}

describe('[issue 13] deferred writes on PostgreSQL (ADR 38)', () => {
  it('go as one statement, in the order written, before the next statement that is not one', async () => {
    let seen: unknown[] = [];
    const texts = await pgQueriesSent(() =>
      db.transaction().execute(async (trx) => {
        await trx.executeQuery(insertA('t1', 1));
        // Refers to the row just written: checked at the end of the one statement, it passes.
        await trx.executeQuery(insertB('t1b', 't1'));
        seen = await trx.selectFrom('b').select('a_id').where('id', '=', 't1b').execute();
      }),
    );
    expect(seen).toEqual([{ a_id: 't1' }]);
    expect(texts).toEqual([
      'begin',
      expect.stringMatching(/^with w0 as \(insert into "a".*\), w1 as \(insert into "b".*\) select 1$/),
      expect.stringMatching(/^select "a_id" from "b"/),
      'commit',
    ]);
  });

  it('ride with a marked read of other tables, whose rows are its own', async () => {
    let seen: unknown[] = [];
    const texts = await pgQueriesSent(() =>
      db.transaction().execute(async (trx) => {
        await trx.executeQuery(insertA('t7', 7));
        seen = (
          await trx.executeQuery(
            carrier(db.selectFrom('b').select('id').where('id', '=', 't1b').compile(), ['b']),
          )
        ).rows;
      }),
    );
    expect(seen).toEqual([{ id: 't1b' }]);
    expect(texts).toEqual([
      'begin',
      expect.stringMatching(/^with w0 as \(insert into "a".*\) select "id" from "b" where "id" = \$3$/),
      'commit',
    ]);
    expect(await rowsOfA()).toContainEqual({ id: 't7', v: 7 });
  });

  it('are sent before a marked read of a table they change, which sees them', async () => {
    let seen: unknown[] = [];
    await db.transaction().execute(async (trx) => {
      await trx.executeQuery(insertA('t8', 8));
      seen = (
        await trx.executeQuery(
          carrier(db.selectFrom('a').select('v').where('id', '=', 't8').compile(), ['a']),
        )
      ).rows;
    });
    expect(seen).toEqual([{ v: 8 }]);
  });

  it('are sent before the commit when nothing follows them', async () => {
    await db.transaction().execute(async (trx) => {
      await trx.executeQuery(insertA('t2', 2));
    });
    expect(await rowsOfA()).toContainEqual({ id: 't2', v: 2 });
  });

  it('a second write to the same table sends the first before it (it sees the first row)', async () => {
    await db.transaction().execute(async (trx) => {
      await trx.executeQuery(insertA('t3', 3));
      await trx.executeQuery(
        deferredWrite(db.updateTable('a').set({ v: 33 }).where('id', '=', 't3').compile(), 'a'),
      );
    });
    expect(await rowsOfA()).toContainEqual({ id: 't3', v: 33 });
  });

  it('a rollback drops them: never sent', async () => {
    const texts = await pgQueriesSent(() =>
      db.transaction().execute(async (trx) => {
        await trx.executeQuery(insertA('t4', 4));
        throw new Error('changed my mind');
      }),
    );
    expect(texts).toEqual(['begin', 'rollback']);
    expect((await rowsOfA()).map((r) => r.id)).not.toContain('t4');
  });

  it("a kept write's error fails the transaction at the statement that sends it, and nothing stays", async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.executeQuery(insertA('t5', 5));
        await trx.executeQuery(insertB('t5b', 'no such row'));
      }),
    ).rejects.toThrow(/foreign key/);
    expect((await rowsOfA()).map((r) => r.id)).not.toContain('t5');
  });

  it('outside a transaction a marked write runs at once', async () => {
    await db.executeQuery(insertA('t6', 6));
    const other = new pg.Client({ connectionString: PG_URL });
    await other.connect();
    try {
      const { rows } = await other.query(`select v from "${schema}".a where id = 't6'`);
      expect(rows).toEqual([{ v: 6 }]);
    } finally {
      await other.end();
    }
  });

  it('writes of different parts of one table go together; a second write of a part goes after them', async () => {
    await db
      .insertInto('a')
      .values([
        { id: 'p1', v: 1 },
        { id: 'p2', v: 2 },
      ])
      .execute();
    const part = (query: CompiledQuery, name: string) => deferredWrite(query, 'a', name);
    const texts = await pgQueriesSent(() =>
      db.transaction().execute(async (trx) => {
        await trx.executeQuery(part(db.deleteFrom('a').where('id', '=', 'p1').compile(), 'left'));
        await trx.executeQuery(
          part(db.updateTable('a').set({ v: 20 }).where('id', '=', 'p2').compile(), 'moved'),
        );
        await trx.executeQuery(part(db.insertInto('a').values({ id: 'p3', v: 3 }).compile(), 'queued'));
        // A second write of a part: it must see the insert, so the three are sent first.
        await trx.executeQuery(
          part(db.updateTable('a').set({ v: 30 }).where('id', '=', 'p3').compile(), 'moved'),
        );
      }),
    );
    expect(texts).toEqual([
      'begin',
      expect.stringMatching(
        /^with w0 as \(delete from "a".*\), w1 as \(update "a".*\), w2 as \(insert into "a".*\) select 1$/,
      ),
      expect.stringMatching(/^update "a"/),
      'commit',
    ]);
    const rows = await rowsOfA();
    expect(rows.filter((r) => r.id.startsWith('p'))).toEqual([
      { id: 'p2', v: 20 },
      { id: 'p3', v: 30 },
    ]);
  });

  it('refuses to mark a statement with a quoted literal, where a "$1" could be text', () => {
    expect(() =>
      deferredWrite(
        db
          .insertInto('a')
          .values({ id: sql.lit('$1'), v: 1 })
          .compile(),
        'a',
      ),
    ).toThrow(/no literal with a \$/);
  });

  it("renumbers each write's parameters past those before it", () => {
    const query = combinedWrites([
      { sql: 'insert into a values ($1, $2)', parameters: ['x', 1] },
      {
        sql: 'update a set v = $1 where id = $2 or id = $12',
        parameters: Array.from({ length: 12 }, (_, i) => i),
      },
    ]);
    expect(query.sql).toBe(
      'with w0 as (insert into a values ($1, $2)), w1 as (update a set v = $3 where id = $4 or id = $14) select 1',
    );
    expect(query.parameters).toEqual(['x', 1, ...Array.from({ length: 12 }, (_, i) => i)]);
  });
});

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
    const texts = await pgQueriesSent(() =>
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
