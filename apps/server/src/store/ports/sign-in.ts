/**
 * Sign-in protection (issue 17, migration 0014): failed sign-ins per username and per client
 * address with the lock they earned, and administrators' TOTP second factor.
 */

/** What a throttle counts: one username (known or not) or one client address. */
export type SignInThrottleKind = 'user' | 'address';

/** Failed sign-ins in a row of one username or client address, and until when it is locked. */
export interface SignInThrottleRow {
  /** `user:<username>` or `address:<client address>`. */
  readonly key: string;
  readonly kind: SignInThrottleKind;
  /** The username or the address. */
  readonly subject: string;
  readonly failures: number;
  readonly lastFailureAt: number;
  /** Sign-in is refused before this instant; null when no lock was earned. */
  readonly lockedUntil: number | null;
}

/** A user's TOTP state: the confirmed secret, a pending enrollment, the last time step accepted. */
export interface TotpRow {
  readonly secret: string | null;
  readonly pendingSecret: string | null;
  readonly lastStep: number | null;
}

/** Sign-in throttles and TOTP secrets. Every method runs inside its transaction. */
export interface SignInRepository {
  /** The throttles of these keys that exist. */
  findSignInThrottles(keys: readonly string[]): Promise<SignInThrottleRow[]>;
  /**
   * Counts one more failure of `key` at `at`, atomically (concurrent failures are all counted);
   * a row whose last failure is before `forgetBefore` starts again from 1. Returns the new count.
   */
  recordSignInFailure(
    key: string,
    kind: SignInThrottleKind,
    subject: string,
    at: number,
    forgetBefore: number,
  ): Promise<number>;
  /** Sets (or clears, with null) the lock of an existing throttle. */
  setSignInLock(key: string, lockedUntil: number | null): Promise<void>;
  /** Forgets a throttle (a right password, or an administrator's unlock); false if there was none. */
  deleteSignInThrottle(key: string): Promise<boolean>;
  /** Throttles with a failure at or after `since`, or locked past it; the latest failure first. */
  listSignInThrottles(since: number, limit: number): Promise<SignInThrottleRow[]>;

  /** A live user's TOTP state; undefined for no such user. */
  findTotp(userId: string): Promise<TotpRow | undefined>;
  /** Changes the fields present; false if there is no such live user. */
  updateTotp(userId: string, patch: Partial<TotpRow>): Promise<boolean>;
}
