import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isTextLikeType, openStore, type SchemaColumn, type Store } from '../../store/index.ts';
import { releaseFreshPostgres, freshPostgres } from '../../testing/index.ts';
import { CUSTOMER_DATA, DERIVED_TABLE_PREFIXES, NOT_CUSTOMER_DATA } from './customer-data-columns.ts';

/**
 * Issue 17: erase is table-driven, so the registry must know every column that can hold customer
 * data. Checked against the migrated schema of both databases: a new text or JSON column (in any
 * table) that is neither registered as customer data nor listed as not customer data fails here,
 * and so does an entry naming a column that no longer exists.
 */

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function migratedColumns(dialect: 'sqlite' | 'postgres'): Promise<SchemaColumn[]> {
  let store: Store;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'parlo-registry-'));
    store = await openStore(`sqlite:${join(dir, 'parlo.db')}`);
    cleanups.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
  } else {
    const url = await freshPostgres();
    store = await openStore(url);
    cleanups.push(() => releaseFreshPostgres(url));
  }
  try {
    return await store.transaction((tx) => tx.privacy.schemaColumns());
  } finally {
    await store.close();
  }
}

function registered(table: string, column: string): boolean {
  return (
    CUSTOMER_DATA.some((entry) => entry.table === table && entry.columns.includes(column)) ||
    (NOT_CUSTOMER_DATA[table]?.columns.includes(column) ?? false) ||
    DERIVED_TABLE_PREFIXES.some((derived) => table.startsWith(derived.prefix))
  );
}

describe.each(['sqlite', 'postgres'] as const)('[issue-17] customer-data registry on %s', (dialect) => {
  it('[issue-17] every text or JSON column of the migrated schema is registered as customer data or as not', async () => {
    const columns = await migratedColumns(dialect);
    expect(columns.length).toBeGreaterThan(50);
    const unregistered = columns
      .filter((c) => isTextLikeType(c.type) && !registered(c.table, c.column))
      .map((c) => `${c.table}.${c.column} (${c.type})`);
    expect(unregistered, 'add each to CUSTOMER_DATA or NOT_CUSTOMER_DATA').toEqual([]);
  });

  it('[issue-17] every registered column exists, and none is listed as both', async () => {
    const columns = await migratedColumns(dialect);
    const exists = new Set(columns.map((c) => `${c.table}.${c.column}`));
    const named = [
      ...CUSTOMER_DATA.flatMap((entry) => [
        ...entry.columns.map((c) => `${entry.table}.${c}`),
        `${entry.table}.${entry.link.column}`,
        ...(entry.erase.kind === 'overwrite' ? Object.keys(entry.erase.values) : []).map(
          (c) => `${entry.table}.${c}`,
        ),
        ...(entry.erase.kind === 'delete' && entry.erase.fileColumn !== undefined
          ? [`${entry.table}.${entry.erase.fileColumn}`]
          : []),
      ]),
      ...Object.entries(NOT_CUSTOMER_DATA).flatMap(([table, { columns: cs }]) =>
        cs.map((c) => `${table}.${c}`),
      ),
    ];
    expect(named.filter((name) => !exists.has(name))).toEqual([]);
    const both = CUSTOMER_DATA.flatMap((entry) =>
      entry.columns.filter((c) => NOT_CUSTOMER_DATA[entry.table]?.columns.includes(c)),
    );
    expect(both).toEqual([]);
  });
});
