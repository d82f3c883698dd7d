/** Who is signed in: scrypt passwords, sessions (an HttpOnly SameSite cookie), signing in and out. */
export { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './passwords.ts';
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
export { signIn, signOut, whoAmI, type NewSession } from './sign-in.ts';
