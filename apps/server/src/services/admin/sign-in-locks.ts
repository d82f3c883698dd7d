/** Sign-in locks (issue 17): usernames and addresses with failed sign-ins; an administrator lifts a lock. */
import type { SignInLocksResponse, SignInLockView } from '@parlo/protocol';
import type { ServerContext } from '../../platform/index.ts';
import type { SignInThrottleRow, UserRow } from '../../store/index.ts';
import { lockIsLive } from '../auth/index.ts';
import { audit, notFound } from './common.ts';

/** How far back the list looks, and how long it may be. */
const LIST_SINCE_MS = 24 * 3600_000;
const LIST_LIMIT = 200;

function toView(row: SignInThrottleRow, now: number): SignInLockView {
  return {
    key: row.key,
    kind: row.kind,
    subject: row.subject,
    failures: row.failures,
    lastFailureAt: new Date(row.lastFailureAt).toISOString(),
    lockedUntil:
      lockIsLive(row, now) && row.lockedUntil !== null ? new Date(row.lockedUntil).toISOString() : null,
  };
}

/** Usernames and addresses with failures in the last day or locked now, the latest failure first. */
export async function listSignInLocks(ctx: ServerContext): Promise<SignInLocksResponse> {
  const now = ctx.clock();
  const rows = await ctx.store.transaction((tx) =>
    tx.signIn.listSignInThrottles(now - LIST_SINCE_MS, LIST_LIMIT),
  );
  return { locks: rows.map((row) => toView(row, now)) };
}

/** Forgets the failures of one username or address: its lock is lifted at once (audited). */
export async function unlockSignIn(ctx: ServerContext, admin: UserRow, key: string): Promise<{ ok: true }> {
  return ctx.store.transaction(async (tx) => {
    const [row] = await tx.signIn.findSignInThrottles([key]);
    if (!row) throw notFound('sign-in lock');
    await tx.signIn.deleteSignInThrottle(key);
    await audit(tx, admin, ctx.clock(), 'signIn.unlock', key, {
      failures: row.failures,
      wasLocked: lockIsLive(row, ctx.clock()),
    });
    return { ok: true as const };
  });
}
