import { z } from 'zod';

/**
 * Sign-in protection (issue 17): the password policy, the TOTP second factor administrators may
 * turn on, and the sign-in locks (growing delays after failed sign-ins) administrators see and lift.
 */

/** The shortest password accepted when one is set (NIST SP 800-63B asks for at least 8; we ask 12). */
export const MIN_PASSWORD_LENGTH = 12;

/** How long a password may be (scrypt reads all of it; a megabyte would be a denial of service). */
export const MAX_PASSWORD_LENGTH = 200;

/** A password being set: at least {@link MIN_PASSWORD_LENGTH} characters (the server also refuses common ones). */
export const newPasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, 'too long');

/** A TOTP code as an authenticator app shows it: 6 digits. */
export const totpCodeSchema = z.string().regex(/^\d{6}$/, '6 digits');

export const totpRoutes = {
  /** GET: whether the signed-in user has the second factor on. */
  status: '/api/auth/totp',
  /** POST: a new secret for the signed-in administrator, pending until confirmed. Shown once. */
  enroll: '/api/auth/totp/enroll',
  /** POST { code }: the code of the pending secret turns the second factor on. */
  confirm: '/api/auth/totp/confirm',
  /** POST { code }: a current code turns the second factor off. */
  disable: '/api/auth/totp/disable',
} as const;

export const totpEnrollResponseSchema = z.object({
  /** Base32, for typing into an authenticator app. */
  secret: z.string(),
  /** `otpauth://totp/...`, for a QR code or a link on a phone. */
  uri: z.string(),
});
export type TotpEnrollResponse = z.infer<typeof totpEnrollResponseSchema>;

export const totpCodeRequestSchema = z.object({ code: totpCodeSchema }).strict();
export type TotpCodeRequest = z.infer<typeof totpCodeRequestSchema>;

export const totpStatusResponseSchema = z.object({ enabled: z.boolean() });
export type TotpStatusResponse = z.infer<typeof totpStatusResponseSchema>;

export const signInLockRoutes = {
  /** GET: usernames and client addresses with failed sign-ins, locked or not. */
  list: '/api/admin/sign-in-locks',
  /** DELETE: forget the failures of one (the id is its key): the lock is lifted at once. */
  one: (key: string) => `/api/admin/sign-in-locks/${encodeURIComponent(key)}`,
} as const;

export const signInLockViewSchema = z.object({
  /** `user:<username>` or `address:<client address>`: the id to unlock it with. */
  key: z.string(),
  kind: z.enum(['user', 'address']),
  /** The username or the client address. */
  subject: z.string(),
  /** Failed sign-ins in a row. */
  failures: z.number().int(),
  lastFailureAt: z.iso.datetime({ offset: true }),
  /** Until when sign-in is refused (429); null when not locked now. */
  lockedUntil: z.iso.datetime({ offset: true }).nullable(),
});
export type SignInLockView = z.infer<typeof signInLockViewSchema>;

export const signInLocksResponseSchema = z.object({ locks: z.array(signInLockViewSchema) });
export type SignInLocksResponse = z.infer<typeof signInLocksResponseSchema>;
