import {
  adminRoutes,
  adminUserResponseSchema,
  adminUsersResponseSchema,
  createUserRequestSchema,
  okResponseSchema,
  resetPasswordRequestSchema,
  updateUserRequestSchema,
} from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerDocumented, type RouteDoc } from '../../openapi/index.ts';
import { idOf, parseOr400, type ServerContext } from '../../platform/index.ts';
import {
  createUser,
  deleteUser,
  getUser,
  listUsers,
  resetPassword,
  updateUser,
} from '../../services/admin/index.ts';
import { requireAdmin } from '../../services/auth/index.ts';

const PATH = '/api/admin/users';
const ONE = `${PATH}/{id}`;

export const USER_DOCS = {
  list: {
    method: 'GET',
    path: adminRoutes.users,
    summary: 'Users (not deleted), with their routing profile',
    tag: 'Users',
    auth: 'admin',
    response: adminUsersResponseSchema,
  },
  create: {
    method: 'POST',
    path: PATH,
    summary: 'Create a user; agents get a routing profile (queues, capacity)',
    tag: 'Users',
    auth: 'admin',
    body: createUserRequestSchema,
    response: adminUserResponseSchema,
    status: 201,
    errors: ['ALREADY_EXISTS', 'UNKNOWN_REFERENCE', 'PASSWORD_TOO_COMMON'],
  },
  get: {
    method: 'GET',
    path: ONE,
    summary: 'One user',
    tag: 'Users',
    auth: 'admin',
    response: adminUserResponseSchema,
  },
  update: {
    method: 'PATCH',
    path: ONE,
    summary: 'Change a user (fields present only); routing sees new queues and capacity at once',
    tag: 'Users',
    auth: 'admin',
    body: updateUserRequestSchema,
    response: adminUserResponseSchema,
    errors: ['ALREADY_EXISTS', 'UNKNOWN_REFERENCE', 'AGENT_HAS_WORK'],
  },
  remove: {
    method: 'DELETE',
    path: ONE,
    summary: 'Delete a user (soft: history keeps the name); refused while the agent holds work',
    tag: 'Users',
    auth: 'admin',
    response: okResponseSchema,
    errors: ['AGENT_HAS_WORK', 'IN_USE'],
  },
  resetPassword: {
    method: 'POST',
    path: `${ONE}/password`,
    summary: "Set a new password; the user's sessions end",
    tag: 'Users',
    auth: 'admin',
    body: resetPasswordRequestSchema,
    response: okResponseSchema,
    errors: ['PASSWORD_TOO_COMMON'],
  },
} as const satisfies Record<string, RouteDoc>;

export function registerUserRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const admin = (request: FastifyRequest) => requireAdmin(ctx.store, request, ctx.clock());

  registerDocumented(app, USER_DOCS.list, async (request) => {
    await admin(request);
    return listUsers(ctx);
  });

  registerDocumented(app, USER_DOCS.get, async (request) => {
    await admin(request);
    return getUser(ctx, idOf(request));
  });

  registerDocumented(app, USER_DOCS.create, async (request) => {
    const by = await admin(request);
    return createUser(ctx, by, parseOr400(createUserRequestSchema, request.body));
  });

  registerDocumented(app, USER_DOCS.update, async (request) => {
    const by = await admin(request);
    const id = idOf(request);
    return updateUser(ctx, by, id, parseOr400(updateUserRequestSchema, request.body));
  });

  registerDocumented(app, USER_DOCS.remove, async (request) => {
    const by = await admin(request);
    return deleteUser(ctx, by, idOf(request));
  });

  registerDocumented(app, USER_DOCS.resetPassword, async (request) => {
    const by = await admin(request);
    const id = idOf(request);
    return resetPassword(ctx, by, id, parseOr400(resetPasswordRequestSchema, request.body));
  });
}
