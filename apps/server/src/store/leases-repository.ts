import type { Transaction } from 'kysely';
import type { LeasesRepository } from './ports/leases.ts';
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
}
