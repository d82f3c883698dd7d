import { randomUUID } from 'node:crypto';
import { ApiError } from '@parlo/protocol';
import type { Config, ServerContext } from '../../platform/index.ts';
import type { SignInThrottleKind, SignInThrottleRow, StoreTx } from '../../store/index.ts';

/** Failures older than this are forgotten: the count starts again (a lock never outlives its max). */
export const FORGET_FAILURES_AFTER_MS = 24 * 3600_000;

/** The audit's actor for what sign-in protection does by itself (a lock earned). */
export const SYSTEM_ACTOR = 'system';

/** Which knobs the lock schedule reads (see `platform/config.ts`). */
export type ThrottleConfig = Pick<
  Config,
  | 'SIGN_IN_USER_FREE_FAILURES'
  | 'SIGN_IN_ADDRESS_FREE_FAILURES'
  | 'SIGN_IN_LOCK_SECONDS'
  | 'SIGN_IN_LOCK_MAX_SECONDS'
>;

/**
 * How long a username or address is locked after its `failures`-th failure in a row: nothing
 * before the free failures are spent, then SIGN_IN_LOCK_SECONDS, doubling with each further
 * failure up to SIGN_IN_LOCK_MAX_SECONDS. Milliseconds.
 */
export function lockAfter(failures: number, kind: SignInThrottleKind, config: ThrottleConfig): number {
  const free = kind === 'user' ? config.SIGN_IN_USER_FREE_FAILURES : config.SIGN_IN_ADDRESS_FREE_FAILURES;
  if (failures < free) return 0;
  const doublings = Math.min(failures - free, 30);
  return Math.min(config.SIGN_IN_LOCK_SECONDS * 2 ** doublings, config.SIGN_IN_LOCK_MAX_SECONDS) * 1000;
}

/** What a throttle counts: the username as typed (lower case, so case does not dodge it) and the address. */
export interface ThrottleSubjects {
  readonly user: { readonly key: string; readonly subject: string };
  readonly address: { readonly key: string; readonly subject: string };
}

export function throttleSubjects(username: string, address: string): ThrottleSubjects {
  const user = username.trim().toLowerCase();
  return {
    user: { key: `user:${user}`, subject: user },
    address: { key: `address:${address}`, subject: address },
  };
}

/** 429 RATE_LIMITED for a locked username or address; the route turns `retryAfterSeconds` into `Retry-After`. */
export class SignInLocked extends ApiError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    super('RATE_LIMITED', 'Too many failed sign-ins: try again later');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * Refuses the attempt if the username or the address is locked now, before any password is
 * checked: a locked username answers alike whether it exists or not.
 */
export async function refuseIfLocked(
  ctx: ServerContext,
  subjects: ThrottleSubjects,
  now: number,
): Promise<void> {
  const rows = await ctx.store.transaction((tx) =>
    tx.signIn.findSignInThrottles([subjects.user.key, subjects.address.key]),
  );
  const until = Math.max(0, ...rows.map((row) => row.lockedUntil ?? 0));
  if (until > now) throw new SignInLocked(Math.ceil((until - now) / 1000));
}

/**
 * Counts a failed sign-in against the username and the address; the one whose count earned a
 * lock is locked, and the lock is audited (actor `system`, subject the throttle's key).
 */
export async function recordFailure(
  ctx: ServerContext,
  subjects: ThrottleSubjects,
  now: number,
): Promise<void> {
  await ctx.store.transaction(async (tx) => {
    for (const kind of ['user', 'address'] as const) {
      const { key, subject } = subjects[kind];
      const failures = await tx.signIn.recordSignInFailure(
        key,
        kind,
        subject,
        now,
        now - FORGET_FAILURES_AFTER_MS,
      );
      const lockMs = lockAfter(failures, kind, ctx.config);
      if (lockMs === 0) continue;
      await tx.signIn.setSignInLock(key, now + lockMs);
      await auditLock(tx, now, key, { failures, lockedForSeconds: lockMs / 1000 });
      ctx.logger.warn(
        { event: 'login.locked', kind, failures, lockedForSeconds: lockMs / 1000 },
        'sign-in locked',
      );
    }
  });
}

/** A right password forgets the username's failures (the address's stay: one account must not clear them). */
export async function forgetUserFailures(ctx: ServerContext, subjects: ThrottleSubjects): Promise<void> {
  await ctx.store.transaction((tx) => tx.signIn.deleteSignInThrottle(subjects.user.key));
}

async function auditLock(tx: StoreTx, at: number, key: string, detail: unknown): Promise<void> {
  await tx.insertAudit({
    id: `aud_${randomUUID()}`,
    at,
    actorUserId: SYSTEM_ACTOR,
    action: 'signIn.locked',
    subject: key,
    detail,
  });
}

/** A throttle as the administrators' list shows it; the lock only while it lasts. */
export function lockIsLive(row: SignInThrottleRow, now: number): boolean {
  return row.lockedUntil !== null && row.lockedUntil > now;
}
