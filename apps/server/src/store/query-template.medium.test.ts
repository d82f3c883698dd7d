import SqliteDatabase from 'better-sqlite3';
import { Kysely, sql, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listArgs, QueryTemplates, statementLength, templateLength } from './query-template.ts';
import type { Database } from './schema.ts';

describe('query templates (issue 13: statements compiled once)', () => {
  let db: Kysely<Database>;

  beforeEach(async () => {
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }) });
    await sql`create table settings (key text primary key, value text not null)`.execute(db);
  });
  afterEach(() => db.destroy());

  it('[issue 13] builds once per shape and runs each call with its own values', async () => {
    const templates = new QueryTemplates('sqlite');
    let builds = 0;
    const put = (key: string, value: string) =>
      templates.run(db, 'put', { key, value }, (a) => {
        builds++;
        return db.insertInto('settings').values({ key: a.key, value: a.value });
      });
    const get = (key: string) =>
      templates.run(db, 'get', { key }, (a) =>
        db.selectFrom('settings').select('value').where('key', '=', a.key),
      );
    await put('a', 'one');
    await put('b', 'two');
    expect(builds).toBe(1);
    expect((await get('a')).rows).toEqual([{ value: 'one' }]);
    expect((await get('b')).rows).toEqual([{ value: 'two' }]);
    expect((await get('c')).rows).toEqual([]);
  });

  it('[issue 13] refuses a build that inlines an argument or leaves one out', async () => {
    const templates = new QueryTemplates('sqlite');
    await expect(
      templates.run(db, 'inlined', { key: 'a' }, (a) =>
        db.selectFrom('settings').select('value').where('key', '=', sql.lit(a.key)),
      ),
    ).rejects.toThrow(/every argument must be a parameter/);
    await expect(
      templates.run(db, 'unused', { key: 'a', other: 'b' }, (a) =>
        db.selectFrom('settings').select('value').where('key', '=', a.key),
      ),
    ).rejects.toThrow(/every argument must be a parameter/);
  });

  it('[issue 13] refuses an undefined value rather than binding it', async () => {
    const templates = new QueryTemplates('sqlite');
    const put = (value: string | undefined) =>
      templates.run(db, 'put', { key: 'k', value }, (a) =>
        db.insertInto('settings').values({ key: a.key, value: a.value ?? '' }),
      );
    await put('x');
    await expect(put(undefined)).rejects.toThrow(/value is undefined/);
  });

  it('[issue 13] inserts many rows with one template per row count, each value from its row and column', async () => {
    const templates = new QueryTemplates('sqlite');
    let builds = 0;
    const putAll = (rows: { key: string; value: string }[]) =>
      templates.runRows(db, 'putAll', rows, (r) => {
        builds++;
        return db.insertInto('settings').values(r);
      });
    await putAll([
      { key: 'a', value: 'one' },
      { key: 'b', value: 'two' },
    ]);
    await putAll([
      { key: 'd', value: 'four' },
      { key: 'c', value: 'three' },
    ]);
    expect(builds).toBe(1);
    // Another count, or the columns in another order: another template, the values still in place.
    await putAll([{ value: 'five', key: 'e' }]);
    expect(builds).toBe(2);
    const all = await db.selectFrom('settings').selectAll().orderBy('key').execute();
    expect(all.map((r) => `${r.key}=${r.value}`)).toEqual(['a=one', 'b=two', 'c=three', 'd=four', 'e=five']);
    await expect(
      putAll([{ key: 'f', value: 'six' }, { key: 'g' } as { key: string; value: string }]),
    ).rejects.toThrow(/row 1 has no value/);
  });

  it('[issue 13] batches of every size from 1 to 200 rows compile a dozen templates, and every row lands once', async () => {
    const templates = new QueryTemplates('sqlite');
    let builds = 0;
    let next = 0;
    for (let size = 1; size <= 200; size++) {
      const rows = Array.from({ length: size }, () => ({ key: `k${next++}`, value: String(size) }));
      const result = await templates.runRows(db, 'putMany', rows, (r) => {
        builds++;
        return db.insertInto('settings').values(r).returning('key');
      });
      expect(result.rows.map((r) => r.key)).toEqual(rows.map((r) => r.key));
      const plain = rows.map((r) => ({ key: `plain-${r.key}`, value: r.value }));
      const counted = await templates.runRows(db, 'putPlain', plain, (r) =>
        db.insertInto('settings').values(r),
      );
      expect(Number(counted.numAffectedRows)).toBe(size);
    }
    // 1..8, 16, 32 and 64 rows: eleven shapes, not two hundred.
    expect(builds).toBe(11);
    const { count } = await db
      .selectFrom('settings')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(2 * next);
  });

  it('[issue 13] on PostgreSQL a batch of up to 64 rows is one statement: a round trip each is what the batch waits on', async () => {
    // The SQL comes from the database the rows go to (SQLite here); the dialect only picks how the
    // rows are cut into statements, as it does on PostgreSQL.
    let statements = 0;
    const counted = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }),
      log: (event) => {
        if (event.level === 'query') statements++;
      },
    });
    try {
      await sql`create table settings (key text primary key, value text not null)`.execute(counted);
      const templates = new QueryTemplates('postgres');
      let next = 0;
      for (const size of [31, 64, 200]) {
        statements = 0;
        const rows = Array.from({ length: size }, () => ({ key: `k${next++}`, value: String(size) }));
        const result = await templates.runRows(counted, 'putMany', rows, (r) =>
          counted.insertInto('settings').values(r).returning('key'),
        );
        expect(result.rows.map((r) => r.key)).toEqual(rows.map((r) => r.key));
        expect(statements).toBe(Math.ceil(size / 64));
      }
      expect([1, 9, 31, 64, 65].map((n) => statementLength('postgres', n))).toEqual([1, 9, 31, 64, 64]);
      expect([1, 9, 31, 64, 65].map((n) => statementLength('sqlite', n))).toEqual([1, 8, 16, 64, 64]);
    } finally {
      await counted.destroy();
    }
  });

  it('[issue 13] an in-list of any length runs on a template of a bounded length, with the same rows', async () => {
    await db
      .insertInto('settings')
      .values(Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: String(i) })))
      .execute();
    const templates = new QueryTemplates('sqlite');
    let builds = 0;
    for (let n = 9; n <= 16; n++) {
      const keys = Array.from({ length: n }, (_, i) => `k${i * 2}`);
      const args = listArgs(keys);
      expect(Object.keys(args)).toHaveLength(templateLength(n));
      const { rows } = await templates.run(db, 'some', args, (a) => {
        builds++;
        return db.selectFrom('settings').select('key').where('key', 'in', Object.values(a)).orderBy('value');
      });
      expect(rows.map((r) => r.key).sort()).toEqual([...keys].sort());
    }
    expect(builds).toBe(1);
    expect(listArgs([])).toEqual({});
  });
});
