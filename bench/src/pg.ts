/**
 * PostgreSQL helpers of the benches: a fresh database per run, created on the maintenance
 * connection and dropped (with its connections) when the run ends, fails or is interrupted.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where the benches create and drop their databases (a maintenance database of the server). */
export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs `statements` one after the other on a connection of its own. */
export async function adminQuery(adminUrl: string, ...statements: string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (const statement of statements) await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** `adminUrl` pointed at database `name`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export const dropDatabase = (name: string): string => `drop database if exists ${name} with (force)`;

export interface FreshDatabase {
  readonly name: string;
  readonly url: string;
  /** Drops it (idempotent); also run on SIGINT/SIGTERM of this process. */
  drop(): Promise<void>;
}

const owed = new Set<() => Promise<void>>();
let handlersInstalled = false;
function dropOwedOnSignal(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const onSignal = (signal: NodeJS.Signals) => {
    void Promise.allSettled([...owed].map((drop) => drop())).finally(() => {
      console.error(`bench: ${signal}; ${owed.size === 0 ? 'no' : 'its'} databases dropped`);
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

/** A new empty database `<prefix>_<pid>_<random>`, optionally copied from `template`. */
export async function freshDatabase(
  adminUrl: string,
  prefix: string,
  template?: string,
): Promise<FreshDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}${template ? ` template ${template}` : ''}`);
  dropOwedOnSignal();
  const drop = async (): Promise<void> => {
    if (!owed.delete(drop)) return;
    await adminQuery(adminUrl, dropDatabase(name));
  };
  owed.add(drop);
  return { name, url: databaseUrl(adminUrl, name), drop };
}

/** `SHOW <setting>` as a connection to `url` sees it (database and role settings included). */
export async function showSetting(url: string, setting: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<Record<string, string>>(`show ${setting}`);
    return Object.values(result.rows[0] ?? {})[0] ?? '';
  } finally {
    await client.end();
  }
}
