import { okResponseSchema, signInLockRoutes, signInLocksResponseSchema } from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerDocumented, type RouteDoc } from '../../openapi/index.ts';
import { idOf, type ServerContext } from '../../platform/index.ts';
import { listSignInLocks, unlockSignIn } from '../../services/admin/index.ts';
import { requireAdmin } from '../../services/auth/index.ts';

export const SIGN_IN_LOCK_DOCS = {
  list: {
    method: 'GET',
    path: signInLockRoutes.list,
    summary:
      'Usernames and client addresses with failed sign-ins in the last day, and until when each is locked (429)',
    tag: 'Users',
    auth: 'admin',
    response: signInLocksResponseSchema,
  },
  unlock: {
    method: 'DELETE',
    path: '/api/admin/sign-in-locks/{id}',
    summary:
      'Lift a sign-in lock: forget the failures of one username or address (the id is its key; audited)',
    tag: 'Users',
    auth: 'admin',
    response: okResponseSchema,
  },
} as const satisfies Record<string, RouteDoc>;

export function registerSignInLockRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const admin = (request: FastifyRequest) => requireAdmin(ctx.store, request, ctx.clock());

  registerDocumented(app, SIGN_IN_LOCK_DOCS.list, async (request) => {
    await admin(request);
    return listSignInLocks(ctx);
  });

  registerDocumented(app, SIGN_IN_LOCK_DOCS.unlock, async (request) => {
    const by = await admin(request);
    return unlockSignIn(ctx, by, idOf(request));
  });
}
