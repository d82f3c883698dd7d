import { createHash, randomBytes } from 'node:crypto';
import { ApiError, type UserView } from '@parlo/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store, UserRow } from '../../store/index.ts';

export const SESSION_COOKIE = 'parlo_session';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function toUserView(user: UserRow): UserView {
  return { id: user.id, username: user.username, displayName: user.displayName, role: user.role };
}

/** The signed-in user of a request, or undefined. Expired sessions count as none. */
export async function sessionUser(
  store: Store,
  request: FastifyRequest,
  now: number,
): Promise<UserRow | undefined> {
  const token = request.cookies[SESSION_COOKIE];
  if (!token) return undefined;
  return store.transaction(async (tx) => {
    const session = await tx.findSession(hashToken(token));
    if (!session || session.expiresAt <= now) return undefined;
    return tx.findUserById(session.userId);
  });
}

/** Every API route starts here: 401 UNAUTHENTICATED without a live session. */
export async function requireUser(store: Store, request: FastifyRequest, now: number): Promise<UserRow> {
  const user = await sessionUser(store, request, now);
  if (!user) throw new ApiError('UNAUTHENTICATED', 'Sign in first');
  return user;
}

export function setSessionCookie(
  reply: FastifyReply,
  token: string,
  maxAgeSeconds: number,
  secure: boolean,
): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    maxAge: maxAgeSeconds,
  });
}

/** 401 without a session, 403 FORBIDDEN for anyone but a supervisor or an administrator. */
export async function requireSupervisor(
  store: Store,
  request: FastifyRequest,
  now: number,
): Promise<UserRow> {
  const user = await requireUser(store, request, now);
  if (user.role !== 'supervisor' && user.role !== 'admin') {
    throw new ApiError('FORBIDDEN', 'Only supervisors and administrators can do this');
  }
  return user;
}

/** 401 without a session, 403 FORBIDDEN for anyone but an administrator. */
export async function requireAdmin(store: Store, request: FastifyRequest, now: number): Promise<UserRow> {
  const user = await requireUser(store, request, now);
  if (user.role !== 'admin') throw new ApiError('FORBIDDEN', 'Only administrators can do this');
  return user;
}
