/** Who is signed in: scrypt passwords, sessions (an HttpOnly SameSite cookie), signing in and out. */
export { DUMMY_HASH_PROMISE, hashPassword, passwordDerivations, verifyPassword } from './passwords.ts';
export { checkNewPassword, passwordProblem } from './password-policy.ts';
export {
  lockAfter,
  lockIsLive,
  SignInLocked,
  SYSTEM_ACTOR,
  throttleSubjects,
  type ThrottleConfig,
} from './sign-in-throttle.ts';
export { confirmTotp, currentTotpCode, disableTotp, enrollTotp, totpStatus } from './totp.ts';
export {
  hashToken,
  newSessionToken,
  requireAdmin,
  requireSupervisor,
  requireUser,
  SESSION_COOKIE,
  sessionUser,
  setSessionCookie,
  toUserView,
} from './sessions.ts';
export { signIn, signOut, whoAmI, type NewSession, type SignInAttempt } from './sign-in.ts';
