import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, NO_MIGRATIONS, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './index.ts';
import { allMigrations, staticMigrationProvider } from './migrations/index.ts';

const PG_URL = process.env.PARLO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dir = mkdtempSync(join(tmpdir(), 'parlo-open-store-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const user = {
  id: 'u1',
  username: 'ann',
  displayName: 'Ann',
  role: 'agent' as const,
  passwordHash: 'h',
  createdAt: 1,
};

describe('openStore', () => {
  it('opens an in-memory SQLite store', async () => {
    const store = await openStore(':memory:');
    try {
      expect(store.dialect).toBe('sqlite');
      await store.transaction((tx) => tx.insertUser(user));
      expect(await store.transaction((tx) => tx.findUserById('u1'))).toEqual(user);
    } finally {
      await store.close();
    }
  });

  it('creates the directory of a sqlite: path, uses WAL, and keeps data across reopening', async () => {
    const path = join(dir, 'nested', 'deeper', 'parlo.db');
    const first = await openStore(`sqlite:${path}`);
    await first.transaction((tx) => tx.insertUser(user));
    await first.close();

    // Reopening runs the migrator again: nothing to do, nothing lost.
    const second = await openStore(path);
    try {
      expect(await second.transaction((tx) => tx.findUserById('u1'))).toEqual(user);
    } finally {
      await second.close();
    }
    const raw = new SqliteDatabase(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });
  it('[issue-13] a SQLite transaction holds the write lock from BEGIN: another process committing between its read and its write cannot fail it', async () => {
    const path = join(dir, 'immediate.db');
    const store = await openStore(`sqlite:${path}`);
    const other = new SqliteDatabase(path, { timeout: 0 });
    try {
      let otherBegan: unknown;
      await store.transaction(async (tx) => {
        // The transaction has only read so far; a deferred BEGIN would hold no write lock yet, the
        // other process would commit here, and this transaction's write would then fail at once.
        await tx.findUserById('u1');
        try {
          other.exec('begin immediate');
          other.exec('rollback');
          otherBegan = true;
        } catch (error) {
          otherBegan = error;
        }
        await tx.insertUser(user);
      });
      expect(String(otherBegan)).toContain('database is locked');
      other.exec('begin immediate');
      other.exec('rollback');
    } finally {
      other.close();
      await store.close();
    }
  });
});

describe('migrations', () => {
  async function upDownUp(
    db: Kysely<unknown>,
    dialect: 'sqlite' | 'postgres',
    schema?: string,
  ): Promise<void> {
    const migrator = new Migrator({
      db,
      provider: staticMigrationProvider(dialect),
      ...(schema === undefined ? {} : { migrationTableSchema: schema }),
    });
    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    const down = await migrator.migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    const names = Object.keys(allMigrations(dialect)).reverse();
    expect(down.results?.map((r) => [r.migrationName, r.status])).toEqual(names.map((n) => [n, 'Success']));
    const tables = (await db.introspection.getTables()).filter(
      (t) => schema === undefined || t.schema === schema,
    );
    expect(tables.map((t) => t.name)).toEqual([]);
    const again = await migrator.migrateToLatest();
    expect(again.error).toBeUndefined();
  }

  it('go up, down and up again on SQLite', async () => {
    const db = new Kysely<unknown>({
      dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }),
    });
    try {
      await upDownUp(db, 'sqlite');
    } finally {
      await db.destroy();
    }
  });

  it('go up, down and up again on PostgreSQL', async () => {
    const schema = `parlo_test_${randomBytes(6).toString('hex')}`;
    const pool = new pg.Pool({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    try {
      await pool.query(`create schema "${schema}"`);
      await upDownUp(db, 'postgres', schema);
    } finally {
      await pool.query(`drop schema if exists "${schema}" cascade`);
      await db.destroy();
    }
  });
});
