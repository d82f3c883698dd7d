import type { Insertable, Selectable, Transaction } from 'kysely';
import { fromJson, toJson } from './columns.ts';
import type { StoredTimer, TimersRepository } from './ports/timers.ts';
import type { Database, TimersTable } from './schema.ts';

/** Durable timers over the `timers` table. */
export class KyselyTimersRepository implements TimersRepository {
  constructor(private readonly db: Transaction<Database>) {}

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
    // On PostgreSQL a concurrent DELETE of the same row waits for this one to commit, then finds
    // nothing: exactly one claimant sees a deleted row.
    const result = await this.db.deleteFrom('timers').where('key', '=', key).executeTakeFirst();
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
