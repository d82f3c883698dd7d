import { randomBytes } from 'node:crypto';
import pg from 'pg';

const PG_ADMIN_URL = process.env.PARLO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Databases made here carry this prefix: only those are ever dropped by `dropFreshPostgres`. */
const PREFIX = 'parlo_t_';

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty PostgreSQL database with a random name, so that test runs and files sharing one
 * server never meet (a fixed name let one run drop another's database mid-test). The test server
 * that uses it drops it when it closes.
 */
export async function freshPostgres(): Promise<string> {
  const name = `${PREFIX}${randomBytes(6).toString('hex')}`;
  await admin(`create database "${name}"`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops the database `freshPostgres` made for this URL; any other URL is left alone. */
export async function dropFreshPostgres(databaseUrl: string): Promise<void> {
  if (!/^postgres(ql)?:\/\//i.test(databaseUrl)) return;
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!name.startsWith(PREFIX) || !/^[a-z0-9_]+$/.test(name)) return;
  await admin(`drop database if exists "${name}" with (force)`);
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
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
