import { sql, type Transaction } from 'kysely';
import type { HeldLease, LeasesRepository } from './ports/leases.ts';
import type { Database } from './schema.ts';

/** Leases on background work over `work_leases`. */
export class KyselyLeasesRepository implements LeasesRepository {
  constructor(private readonly db: Transaction<Database>) {}

  async claimLease(name: string, holder: string, now: number, until: number): Promise<boolean> {
    // One statement, atomic on both databases: the insert of a new lease, or the takeover of an
    // expired one. On PostgreSQL a concurrent claimant's ON CONFLICT
    // waits for this row's lock and then sees the lease taken: its WHERE fails and no row returns.
    const row = await this.db
      .insertInto('work_leases')
      .values({ name, holder, held_until: until })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet((eb) => ({
            holder: eb.ref('excluded.holder'),
            held_until: eb.ref('excluded.held_until'),
          }))
          .where('work_leases.held_until', '<=', now),
      )
      .returning('name')
      .executeTakeFirst();
    return row !== undefined;
  }

  async renewLease(name: string, holder: string, until: number): Promise<void> {
    await this.db
      .insertInto('work_leases')
      .values({ name, holder, held_until: until })
      .onConflict((oc) => oc.column('name').doUpdateSet({ holder, held_until: until }))
      .execute();
  }

  async liveLeases(prefix: string, now: number): Promise<HeldLease[]> {
    const rows = await this.db
      .selectFrom('work_leases')
      .select(['name', 'holder', 'held_until'])
      .where(startsWith(prefix))
      .where('held_until', '>', now)
      .orderBy('name')
      .execute();
    return rows.map((row) => ({ name: row.name, holder: row.holder, heldUntil: row.held_until }));
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.db.deleteFrom('work_leases').where('name', '=', name).where('holder', '=', holder).execute();
  }

  async pruneLeases(prefix: string, before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('work_leases')
      .where(startsWith(prefix))
      .where('held_until', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** `name` starts with `prefix`, literally (no LIKE wildcards), the same on both databases. */
function startsWith(prefix: string) {
  return sql<boolean>`substr(name, 1, ${prefix.length}) = ${prefix}`;
}
