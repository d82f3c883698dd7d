import type { Insertable, Selectable, Transaction } from 'kysely';
import { fromJson, toJson } from './columns.ts';
import type { StoreDialect } from './port.ts';
import type { StoredTimer, TimersRepository } from './ports/timers.ts';
import type { Database, TimersTable } from './schema.ts';

/** Durable timers over the `timers` table. */
export class KyselyTimersRepository implements TimersRepository {
  constructor(
    private readonly db: Transaction<Database>,
    private readonly dialect: StoreDialect,
  ) {}

  async armTimer(timer: StoredTimer): Promise<void> {
    await this.db
      .insertInto('timers')
      .values(timerToRow(timer))
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet((eb) => ({ due_at: eb.ref('excluded.due_at'), event: eb.ref('excluded.event') })),
      )
      .execute();
  }

  async cancelTimer(key: string): Promise<void> {
    await this.db.deleteFrom('timers').where('key', '=', key).execute();
  }

  async dueTimers(now: number, limit: number): Promise<StoredTimer[]> {
    const rows = await this.db
      .selectFrom('timers')
      .selectAll()
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .orderBy('key')
      .limit(limit)
      .execute();
    return rows.map(timerFromRow);
  }

  async claimTimer(key: string): Promise<boolean> {
    if (this.dialect === 'sqlite') {
      // One writer at a time (the adapter's single connection): nothing else can hold the row.
      const result = await this.db.deleteFrom('timers').where('key', '=', key).executeTakeFirst();
      return result.numDeletedRows > 0n;
    }
    // Several nodes: a row another transaction is claiming is skipped at once (SKIP LOCKED) rather
    // than waited for, so the loser moves on instead of blocking on the winner's routing decision.
    // Should the winner roll back, the row is still there for the next pass.
    const result = await this.db
      .deleteFrom('timers')
      .where('key', 'in', (eb) =>
        eb.selectFrom('timers').select('key').where('key', '=', key).forUpdate().skipLocked(),
      )
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}

// --- row mapping of `timers` ---

function timerToRow(timer: StoredTimer): Insertable<TimersTable> {
  return { key: timer.key, due_at: timer.dueAt, event: toJson(timer.event) };
}

function timerFromRow(row: Selectable<TimersTable>): StoredTimer {
  return { key: row.key, dueAt: row.due_at, event: fromJson(row.event) };
}
