import type { Selectable, Transaction, Updateable } from 'kysely';
import { oneOf, updatedAny } from './columns.ts';
import type { SignInRepository, SignInThrottleKind, SignInThrottleRow, TotpRow } from './ports/sign-in.ts';
import type { Database, SignInThrottlesTable, UsersTable } from './schema.ts';

const KINDS: readonly SignInThrottleKind[] = ['user', 'address'];

/** Sign-in throttles over `sign_in_throttles`; TOTP state over the `totp_*` columns of `users`. */
export class KyselySignInRepository implements SignInRepository {
  constructor(private readonly db: Transaction<Database>) {}

  async findSignInThrottles(keys: readonly string[]): Promise<SignInThrottleRow[]> {
    if (keys.length === 0) return [];
    const rows = await this.db.selectFrom('sign_in_throttles').selectAll().where('key', 'in', keys).execute();
    return rows.map(throttleFromRow);
  }

  async recordSignInFailure(
    key: string,
    kind: SignInThrottleKind,
    subject: string,
    at: number,
    forgetBefore: number,
  ): Promise<number> {
    // One statement on both dialects: two failures at once are both counted.
    const row = await this.db
      .insertInto('sign_in_throttles')
      .values({ key, kind, subject, failures: 1, last_failure_at: at, locked_until: null })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          failures: eb
            .case()
            .when('sign_in_throttles.last_failure_at', '<', forgetBefore)
            .then(1)
            .else(eb('sign_in_throttles.failures', '+', 1))
            .end(),
          last_failure_at: at,
        })),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    return Number(row.failures);
  }

  async setSignInLock(key: string, lockedUntil: number | null): Promise<void> {
    await this.db
      .updateTable('sign_in_throttles')
      .set({ locked_until: lockedUntil })
      .where('key', '=', key)
      .execute();
  }

  async deleteSignInThrottle(key: string): Promise<boolean> {
    const result = await this.db.deleteFrom('sign_in_throttles').where('key', '=', key).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async listSignInThrottles(since: number, limit: number): Promise<SignInThrottleRow[]> {
    const rows = await this.db
      .selectFrom('sign_in_throttles')
      .selectAll()
      .where((eb) => eb.or([eb('last_failure_at', '>=', since), eb('locked_until', '>', since)]))
      .orderBy('last_failure_at', 'desc')
      .orderBy('key')
      .limit(limit)
      .execute();
    return rows.map(throttleFromRow);
  }

  async findTotp(userId: string): Promise<TotpRow | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(['totp_secret', 'totp_pending_secret', 'totp_last_step'])
      .where('id', '=', userId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return (
      row && { secret: row.totp_secret, pendingSecret: row.totp_pending_secret, lastStep: row.totp_last_step }
    );
  }

  async updateTotp(userId: string, patch: Partial<TotpRow>): Promise<boolean> {
    const set: Updateable<UsersTable> = {
      ...(patch.secret === undefined ? {} : { totp_secret: patch.secret }),
      ...(patch.pendingSecret === undefined ? {} : { totp_pending_secret: patch.pendingSecret }),
      ...(patch.lastStep === undefined ? {} : { totp_last_step: patch.lastStep }),
    };
    if (Object.keys(set).length === 0) return (await this.findTotp(userId)) !== undefined;
    const result = await this.db
      .updateTable('users')
      .set(set)
      .where('id', '=', userId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return updatedAny(result);
  }
}

function throttleFromRow(row: Selectable<SignInThrottlesTable>): SignInThrottleRow {
  return {
    key: row.key,
    kind: oneOf(row.kind, KINDS, 'kind'),
    subject: row.subject,
    failures: Number(row.failures),
    lastFailureAt: Number(row.last_failure_at),
    lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
  };
}
