import { canSignOut, lookup } from '@parlo/core';
import { ApiError, type MeResponse, type UserView } from '@parlo/protocol';
import { commit, type ServerContext } from '../../platform/index.ts';
import type { UserRow } from '../../store/index.ts';
import { toAgentView } from '../../views/index.ts';
import { DUMMY_HASH_PROMISE, verifyPassword } from './passwords.ts';
import { hashToken, newSessionToken, toUserView } from './sessions.ts';
import { forgetUserFailures, recordFailure, refuseIfLocked, throttleSubjects } from './sign-in-throttle.ts';
import { checkSecondFactor } from './totp.ts';

/** A new session: the token for the cookie and how long it lives. */
export interface NewSession {
  readonly user: UserView;
  readonly token: string;
  readonly ttlMs: number;
}

/** A sign-in attempt: what the user typed, and where it came from (for the limits). */
export interface SignInAttempt {
  readonly username: string;
  readonly password: string;
  /** The second step of an administrator with TOTP on. */
  readonly totpCode?: string | undefined;
  /** The client's address (the balancer's forwarded one when TRUST_PROXY is set). */
  readonly address: string;
}

/**
 * Checks a username and password (and a TOTP code when the user has one) and opens a session; the
 * same 401 whichever part was wrong. A locked username or address answers 429 before any check;
 * each failure counts toward a lock (issue 17).
 */
export async function signIn(ctx: ServerContext, attempt: SignInAttempt): Promise<NewSession> {
  const subjects = throttleSubjects(attempt.username, attempt.address);
  await refuseIfLocked(ctx, subjects, ctx.clock());
  const user = await ctx.store.transaction((tx) => tx.findUserByUsername(attempt.username));
  // Verify against a dummy hash for unknown users: same work, same answer, so neither timing
  // nor message tells which part was wrong.
  const ok = await verifyPassword(attempt.password, user?.passwordHash ?? (await DUMMY_HASH_PROMISE));
  if (!user || !ok) {
    await recordFailure(ctx, subjects, ctx.clock());
    ctx.logger.info({ event: 'login.failed' }, 'login failed');
    throw new ApiError('INVALID_CREDENTIALS', 'Wrong username or password');
  }
  try {
    await checkSecondFactor(ctx, user, attempt.totpCode, ctx.clock());
  } catch (error) {
    if (error instanceof ApiError && error.code === 'INVALID_TOTP_CODE') {
      await recordFailure(ctx, subjects, ctx.clock());
    }
    throw error;
  }
  await forgetUserFailures(ctx, subjects);
  const token = newSessionToken();
  const ttlMs = ctx.config.SESSION_TTL_HOURS * 3600_000;
  await commit(ctx, (tx, _out, now) =>
    tx.insertSession({
      tokenHash: hashToken(token),
      userId: user.id,
      createdAt: now,
      expiresAt: now + ttlMs,
    }),
  );
  ctx.logger.info({ event: 'login', userId: user.id }, 'signed in');
  return { user: toUserView(user), token, ttlMs };
}

/**
 * Ends the session of `token` (if any). An agent cannot sign out while an offer is shown or a
 * conversation is open (issue 3).
 */
export async function signOut(
  ctx: ServerContext,
  user: UserRow | undefined,
  token: string | undefined,
): Promise<void> {
  if (user) {
    const state = await ctx.store.transaction((tx) => tx.routing.read());
    if (lookup(state).agent(user.id) && !canSignOut(state, user.id)) {
      throw new ApiError('AGENT_HAS_WORK', 'Finish your offers and conversations before signing out');
    }
  }
  if (token) await ctx.store.transaction((tx) => tx.deleteSession(hashToken(token)));
}

/** The signed-in user, and their agent view if they are an agent. */
export function whoAmI(ctx: ServerContext, user: UserRow): Promise<MeResponse> {
  return ctx.store.transaction(async (tx) => {
    const state = await tx.routing.read();
    const agent = lookup(state).agent(user.id);
    return { user: toUserView(user), agent: agent ? toAgentView(agent, user, state) : null };
  });
}
