import type { Kysely } from 'kysely';
import { KyselyStoreTx } from './kysely-store-tx.ts';
import { KyselyInteractionEventsRepository } from './interaction-events-repository.ts';
import type { Store, StoreDialect, StoreReader, StoreTx } from './port.ts';
import { KyselySearchRepository } from './search-repository.ts';
import type { InteractionEventRow } from './ports/interaction-events.ts';
import { RoutingMemory } from './routing-repository.ts';
import type { Database } from './schema.ts';

export type { StoreDialect } from './port.ts';

/**
 * How a dialect whose commits do not wait for the disk makes a transaction durable (SQLite's
 * WalFlush): statements that wrote so far, and a flush that covers every commit already returned.
 */
export interface Durability {
  writes(): number;
  flush(): Promise<void>;
  /** Before the connection closes. */
  close(): Promise<void>;
  /** Sets who is told how long each flush took (seconds). */
  onFlushed(listener: (seconds: number) => void): void;
}

/**
 * The one `Store` implementation, over a Kysely instance of either dialect. Transactions:
 * PostgreSQL runs them on pooled connections at READ COMMITTED (the conflict-handling statements
 * of the repositories are written to be correct there); Kysely's SqliteDialect has a single
 * connection guarded by a mutex held from BEGIN to COMMIT, so SQLite transactions never interleave.
 * A consequence: on SQLite, calling `store.transaction` from inside another transaction's `work`
 * deadlocks.
 */
export function createKyselyStore(
  db: Kysely<Database>,
  dialect: StoreDialect,
  durability?: Durability,
  /** Where `readOnly` runs (SQLite's reader thread); else on `db`. */
  reader?: Kysely<Database>,
): Store {
  const memory = new RoutingMemory();
  const eventListeners = new Set<(rows: readonly InteractionEventRow[]) => void>();
  const eventsCommitted = (rows: readonly InteractionEventRow[]): void => {
    for (const listener of eventListeners) listener(rows);
  };
  return {
    dialect,
    routingStats: memory.stats,
    async transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
      const afterCommit: Array<() => void> = [];
      let wrote = false;
      const result = await db.transaction().execute(async (trx) => {
        // Counted inside the transaction: nothing else runs statements on its connection meanwhile.
        const before = durability?.writes() ?? 0;
        const tx = new KyselyStoreTx(trx, dialect, memory, (hook) => afterCommit.push(hook), eventsCommitted);
        const value = await work(tx);
        await tx.beforeCommit();
        wrote = (durability?.writes() ?? 0) > before;
        return value;
      });
      for (const hook of afterCommit) hook();
      // Durable before the caller acts on it (acks, answers, pushes): see WalFlush.
      if (wrote) await durability?.flush();
      return result;
    },
    readOnly: <T>(work: (reader: StoreReader) => Promise<T>): Promise<T> =>
      (reader ?? db)
        .transaction()
        .setAccessMode('read only')
        .execute((trx) =>
          work({
            search: new KyselySearchRepository(trx, dialect),
            // Reads only: nothing is appended, so its flush writes nothing.
            reports: new KyselyInteractionEventsRepository(trx, dialect),
          }),
        ),
    forgetRoutingWorld: () => memory.forget(),
    onRoutingReload: (listener) => {
      memory.onReload = listener;
    },
    onDiskFlush: (listener) => durability?.onFlushed(listener),
    onInteractionEvents: (listener) => {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    close: async () => {
      await reader?.destroy();
      await durability?.close();
      await db.destroy();
    },
  };
}
