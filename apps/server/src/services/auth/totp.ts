import { randomUUID } from 'node:crypto';
import { ApiError, type TotpEnrollResponse, type TotpStatusResponse } from '@parlo/protocol';
import { Secret, TOTP } from 'otpauth';
import type { ServerContext } from '../../platform/index.ts';
import type { StoreTx, UserRow } from '../../store/index.ts';

/** RFC 6238 as every authenticator app reads it: SHA-1, 6 digits, 30 s. */
const PERIOD_SECONDS = 30;
/** One step either side: a phone's clock a little off still works. */
const WINDOW = 1;

function totpOf(secretBase32: string, label: string): TOTP {
  return new TOTP({
    issuer: 'Parlo',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/**
 * The time step `code` belongs to if it is a current code of `secretBase32` and newer than
 * `lastStep` (a code is accepted once), else undefined.
 */
export function acceptedStep(
  secretBase32: string,
  code: string,
  lastStep: number | null,
  now: number,
): number | undefined {
  const delta = totpOf(secretBase32, '').validate({ token: code, timestamp: now, window: WINDOW });
  if (delta === null) return undefined;
  const step = Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
  return lastStep !== null && step <= lastStep ? undefined : step;
}

/** The current code of a secret (for tests, which compute a real code as a phone would). */
export function currentTotpCode(secretBase32: string, now: number): string {
  return totpOf(secretBase32, '').generate({ timestamp: now });
}

/** Whether the user must give a code after the password. */
export async function totpEnabled(tx: StoreTx, userId: string): Promise<boolean> {
  return ((await tx.signIn.findTotp(userId))?.secret ?? null) !== null;
}

/**
 * The second step of a sign-in: nothing to do without a secret; else the code must be a current
 * one never used before (401 TOTP_REQUIRED without one, 400 INVALID_TOTP_CODE for a wrong one,
 * which the caller counts as a failed sign-in).
 */
export async function checkSecondFactor(
  ctx: ServerContext,
  user: UserRow,
  code: string | undefined,
  now: number,
): Promise<void> {
  await ctx.store.transaction(async (tx) => {
    const totp = await tx.signIn.findTotp(user.id);
    if (!totp?.secret) return;
    if (code === undefined) throw new ApiError('TOTP_REQUIRED', 'Enter the code of your authenticator app');
    const step = acceptedStep(totp.secret, code, totp.lastStep, now);
    if (step === undefined) throw new ApiError('INVALID_TOTP_CODE', 'This code is not the current one');
    await tx.signIn.updateTotp(user.id, { lastStep: step });
  });
}

/** A new secret for `user`, pending until a code of it is confirmed; the secret and URI are shown once. */
export async function enrollTotp(ctx: ServerContext, user: UserRow): Promise<TotpEnrollResponse> {
  const secret = new Secret({ size: 20 }).base32;
  await ctx.store.transaction((tx) => tx.signIn.updateTotp(user.id, { pendingSecret: secret }));
  return { secret, uri: totpOf(secret, user.username).toString() };
}

/** A code of the pending secret turns the second factor on (audited; never the secret). */
export async function confirmTotp(
  ctx: ServerContext,
  user: UserRow,
  code: string,
): Promise<TotpStatusResponse> {
  const now = ctx.clock();
  return ctx.store.transaction(async (tx) => {
    const totp = await tx.signIn.findTotp(user.id);
    const step = totp?.pendingSecret ? acceptedStep(totp.pendingSecret, code, null, now) : undefined;
    if (!totp?.pendingSecret || step === undefined) {
      throw new ApiError('INVALID_TOTP_CODE', 'This code is not the current one of the new secret');
    }
    await tx.signIn.updateTotp(user.id, { secret: totp.pendingSecret, pendingSecret: null, lastStep: step });
    await auditTotp(tx, user.id, now, 'auth.totpEnabled');
    return { enabled: true };
  });
}

/** A current code turns the second factor off (audited). */
export async function disableTotp(
  ctx: ServerContext,
  user: UserRow,
  code: string,
): Promise<TotpStatusResponse> {
  const now = ctx.clock();
  return ctx.store.transaction(async (tx) => {
    const totp = await tx.signIn.findTotp(user.id);
    const step = totp?.secret ? acceptedStep(totp.secret, code, totp.lastStep, now) : undefined;
    if (step === undefined) throw new ApiError('INVALID_TOTP_CODE', 'This code is not the current one');
    await tx.signIn.updateTotp(user.id, { secret: null, pendingSecret: null, lastStep: null });
    await auditTotp(tx, user.id, now, 'auth.totpDisabled');
    return { enabled: false };
  });
}

/** Whether the signed-in user has the second factor on. */
export async function totpStatus(ctx: ServerContext, user: UserRow): Promise<TotpStatusResponse> {
  return { enabled: await ctx.store.transaction((tx) => totpEnabled(tx, user.id)) };
}

async function auditTotp(tx: StoreTx, userId: string, at: number, action: string): Promise<void> {
  await tx.insertAudit({
    id: `aud_${randomUUID()}`,
    at,
    actorUserId: userId,
    action,
    subject: userId,
    detail: null,
  });
}
