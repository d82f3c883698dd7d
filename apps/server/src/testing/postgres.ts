import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';

const PG_ADMIN_URL = process.env.PARLO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Databases made here carry this prefix: only those are ever reset by `releaseFreshPostgres`. */
const PREFIX = 'parlo_t_';
/** An emptied test database waiting to be taken again by `freshPostgres`. */
const SPARE_PREFIX = 'parlo_spare_';

/** PostgreSQL's codes for "no such database" and "someone else uses it". */
const NO_SUCH_DATABASE = '3D000';
const IN_USE = '55006';

/** Runs `use` with a client connected to `url`, ended after whatever happens. */
export async function withPgClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

function urlOf(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

function codeOf(err: unknown): unknown {
  return err instanceof Error && 'code' in err ? err.code : undefined;
}

/**
 * A fresh, empty PostgreSQL database with a random name, so that test runs and files sharing one
 * server never meet (a fixed name let one run drop another's database mid-test). The test server
 * that uses it gives it back when it closes.
 *
 * A database given back is emptied and kept as a spare, and the next call takes a spare by renaming
 * it (atomic: two processes never take the same one) before it creates one. Dropping a database
 * makes PostgreSQL run a whole checkpoint and wait for it: on a busy disk the fsync of every file
 * written since the last one took over 30 s, and a test's hook timed out waiting for it.
 */
export async function freshPostgres(): Promise<string> {
  const name = `${PREFIX}${randomBytes(6).toString('hex')}`;
  await withPgClient(PG_ADMIN_URL, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `select datname from pg_database where starts_with(datname, $1) order by random()`,
      [SPARE_PREFIX],
    );
    for (const { datname } of rows) {
      try {
        await client.query(`alter database "${datname}" rename to "${name}"`);
        return;
      } catch (err) {
        // Another process took it first, or is still giving it back.
        if (codeOf(err) !== NO_SUCH_DATABASE && codeOf(err) !== IN_USE) throw err;
      }
    }
    await client.query(`create database "${name}"`);
  });
  return urlOf(name);
}

/**
 * Gives back the database `freshPostgres` made for this URL: its sessions are ended, every schema
 * in it dropped and `public` made again, as in a new database, and it is kept as a spare. Any
 * other URL is left alone.
 */
export async function releaseFreshPostgres(databaseUrl: string): Promise<void> {
  if (!/^postgres(ql)?:\/\//i.test(databaseUrl)) return;
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!name.startsWith(PREFIX) || !/^[a-z0-9_]+$/.test(name)) return;
  const found = await withPgClient(PG_ADMIN_URL, async (client) => {
    await endSessions(client, name);
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    return rowCount === 1;
  });
  // Given back already (two test servers on one database: the first to close gives it back).
  if (!found) return;
  await withPgClient(urlOf(name), async (client) => {
    const { rows } = await client.query<{ nspname: string }>(
      `select nspname from pg_namespace where nspname !~ '^pg_' and nspname <> 'information_schema'`,
    );
    for (const { nspname } of rows) await client.query(`drop schema "${nspname}" cascade`);
    await client.query('create schema public');
    // The catalogs keep a dead row for every table, column and index dropped, and the machine's
    // PostgreSQL may run without autovacuum: after one medium tier a spare held ~95k dead rows in
    // pg_attribute, and a server's start (its migrations) on it took 10-15% longer.
    await client.query('vacuum');
  });
  await withPgClient(PG_ADMIN_URL, async (client) => {
    const spare = `${SPARE_PREFIX}${randomBytes(6).toString('hex')}`;
    for (let attempt = 0; ; attempt++) {
      await endSessions(client, name);
      try {
        await client.query(`alter database "${name}" rename to "${spare}"`);
        return;
      } catch (err) {
        // A session that was ending still counts for a moment.
        if (codeOf(err) !== IN_USE || attempt >= 50) throw err;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  });
}

/** Ends every other session on the database `name` (a test's client left open, a killed server's). */
async function endSessions(client: pg.Client, name: string): Promise<void> {
  await client.query(
    'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
    [name],
  );
}

/**
 * Resolves once `pg_locks` holds a lock not granted that matches `where` (SQL over pg_locks): a
 * session waits for it. Tests use it to order what happens on both sides of a lock, rather than
 * guess how long a loaded machine takes to get there.
 */
export async function untilSomeoneWaitsForLock(client: pg.Client, where: string): Promise<void> {
  for (let waited = 0; ; waited += 20) {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from pg_locks where not granted and (${where})`,
    );
    if (Number(rows[0]?.n) > 0) return;
    if (waited > 20_000) throw new Error(`nobody waited for a lock where ${where}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Drops schemas tests made on the database at `url` (each a store's own: `openPostgresStore(url, { schema })`). */
export async function dropSchemas(url: string, schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  await withPgClient(url, async (client) => {
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  });
}

/**
 * A test file's scratch space, removed once its tests are done: a temporary directory for SQLite
 * files, and PostgreSQL schema names (random, so parallel runs never meet) for the stores it opens.
 */
export function scratchSpace(prefix: string): { readonly dir: string; readonly newSchema: () => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const schemas: string[] = [];
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropSchemas(PG_ADMIN_URL, schemas);
  });
  return {
    dir,
    newSchema: () => {
      const schema = `parlo_test_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      return schema;
    },
  };
}
