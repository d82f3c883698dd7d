import type { Kysely } from 'kysely';
import { KyselyStoreTx } from './kysely-store-tx.ts';
import type { Store, StoreDialect, StoreTx } from './port.ts';
import { RoutingMemory } from './routing-repository.ts';
import type { Database } from './schema.ts';

export type { StoreDialect } from './port.ts';

/**
 * The one `Store` implementation, over a Kysely instance of either dialect. Transactions:
 * PostgreSQL runs them on pooled connections at READ COMMITTED (the conflict-handling statements
 * of the repositories are written to be correct there); Kysely's SqliteDialect has a single
 * connection guarded by a mutex held from BEGIN to COMMIT, so SQLite transactions never interleave.
 * A consequence: on SQLite, calling `store.transaction` from inside another transaction's `work`
 * deadlocks.
 */
export function createKyselyStore(db: Kysely<Database>, dialect: StoreDialect): Store {
  const memory = new RoutingMemory();
  return {
    dialect,
    routingStats: memory.stats,
    async transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
      const afterCommit: Array<() => void> = [];
      const result = await db
        .transaction()
        .execute((trx) => work(new KyselyStoreTx(trx, dialect, memory, (hook) => afterCommit.push(hook))));
      for (const hook of afterCommit) hook();
      return result;
    },
    forgetRoutingWorld: () => memory.forget(),
    onRoutingReload: (listener) => {
      memory.onReload = listener;
    },
    close: () => db.destroy(),
  };
}
