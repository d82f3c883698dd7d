import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openPostgresStore, openSqliteStore } from './index.ts';
import { storeContract } from './store.contract.ts';

const PG_URL = process.env.PARLO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// SQLite: a fresh database file per test, in a directory removed at the end.
const sqliteDir = mkdtempSync(join(tmpdir(), 'parlo-store-'));
let sqliteFiles = 0;
storeContract('sqlite', () => openSqliteStore(join(sqliteDir, `store-${++sqliteFiles}.db`)));

// PostgreSQL: a fresh schema per test (random, so parallel runs never meet), all dropped at the end.
const schemas: string[] = [];
storeContract('postgres', () => {
  const schema = `parlo_test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return openPostgresStore(PG_URL, { schema, maxConnections: 8 });
});

afterAll(async () => {
  rmSync(sqliteDir, { recursive: true, force: true });
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
});
