import {
  adminRoutes,
  adminUserResponseSchema,
  adminUsersResponseSchema,
  ApiError,
  createUserRequestSchema,
  okResponseSchema,
  resetPasswordRequestSchema,
  updateUserRequestSchema,
  type AdminUserView,
} from '@parlo/protocol';
import { canSignOut, lookup } from '@parlo/core';
import type { FastifyInstance } from 'fastify';
import { hashPassword } from '../auth/passwords.ts';
import { commit, type ServerContext } from '../context.ts';
import { parseOr400 } from '../http/errors.ts';
import { registerDocumented, type RouteDoc } from '../openapi/registry.ts';
import { routeAgain, type Outgoing } from '../routing/engine.ts';
import type { AgentProfileRow, Role, StoreTx, UserRow } from '../store/index.ts';
import { toAgentView } from '../views/index.ts';
import {
  alreadyExists,
  audit,
  changes,
  idOf,
  inUse,
  newId,
  notFound,
  requireAdmin,
  unknownReference,
} from './common.ts';

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
    errors: ['ALREADY_EXISTS', 'UNKNOWN_REFERENCE'],
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
  },
} as const satisfies Record<string, RouteDoc>;

function toView(user: UserRow, profile: AgentProfileRow | undefined): AdminUserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    queueIds: profile ? [...profile.queueIds] : [],
    capacity: profile?.capacity ?? 0,
    createdAt: new Date(user.createdAt).toISOString(),
  };
}

async function liveUser(tx: StoreTx, id: string): Promise<UserRow> {
  const user = await tx.findUserById(id);
  if (!user || (user.deletedAt ?? null) !== null) throw notFound('user');
  return user;
}

async function profileOf(tx: StoreTx, userId: string): Promise<AgentProfileRow | undefined> {
  return (await tx.listAgentProfiles()).find((p) => p.userId === userId);
}

async function checkUsernameFree(tx: StoreTx, username: string, self?: string): Promise<void> {
  const other = await tx.findUserByUsername(username);
  if (other && other.id !== self) throw alreadyExists('username', 'This username is taken');
}

async function checkQueues(tx: StoreTx, queueIds: readonly string[]): Promise<void> {
  const live = new Set((await tx.listQueues()).map((q) => q.id));
  for (const [i, id] of queueIds.entries()) {
    if (!live.has(id)) throw unknownReference(`queueIds.${i}`, 'No such queue');
  }
}

/** A new agent starts Idle with the first idle code (S-3: nobody is Available without choosing it). */
async function initialIdleCode(tx: StoreTx): Promise<string> {
  const [first] = await tx.listIdleCodes();
  if (!first) throw unknownReference('role', 'Create an idle code first: a new agent starts Idle');
  return first.id;
}

/** Refuses while the agent has an offer or a conversation: they would be stranded. */
async function requireNoWork(tx: StoreTx, userId: string): Promise<void> {
  const state = await tx.routing.read();
  if (lookup(state).agent(userId) && !canSignOut(state, userId)) {
    throw new ApiError('AGENT_HAS_WORK', 'The agent still has contact requests or conversations');
  }
}

/** The agent's desktop shows its new capacity at once, and routing may now offer them more. */
async function afterProfileChange(tx: StoreTx, out: Outgoing, userId: string, now: number): Promise<void> {
  await routeAgain(tx, out, now);
  const state = await tx.routing.read();
  const agent = lookup(state).agent(userId);
  const user = await tx.findUserById(userId);
  if (agent && user)
    await out.emit(userId, { type: 'agent.updated', agent: toAgentView(agent, user, state) });
}

export function registerUserRoutes(app: FastifyInstance, ctx: ServerContext): void {
  registerDocumented(app, USER_DOCS.list, async (request) => {
    await requireAdmin(ctx, request);
    return ctx.store.transaction(async (tx) => {
      const profiles = new Map((await tx.listAgentProfiles()).map((p) => [p.userId, p]));
      return { users: (await tx.listUsers()).map((u) => toView(u, profiles.get(u.id))) };
    });
  });

  registerDocumented(app, USER_DOCS.get, async (request) => {
    await requireAdmin(ctx, request);
    const id = idOf(request);
    return ctx.store.transaction(async (tx) => ({
      user: toView(await liveUser(tx, id), await profileOf(tx, id)),
    }));
  });

  registerDocumented(app, USER_DOCS.create, async (request) => {
    const admin = await requireAdmin(ctx, request);
    const body = parseOr400(createUserRequestSchema, request.body);
    const passwordHash = await hashPassword(body.password);
    return commit(ctx, async (tx, _out, now) => {
      await checkUsernameFree(tx, body.username);
      await checkQueues(tx, body.queueIds);
      const user: UserRow = {
        id: newId('usr'),
        username: body.username,
        displayName: body.displayName,
        role: body.role,
        passwordHash,
        createdAt: now,
      };
      await tx.insertUser(user);
      let profile: AgentProfileRow | undefined;
      if (body.role === 'agent') {
        profile = { userId: user.id, capacity: body.capacity, queueIds: body.queueIds };
        await tx.upsertAgentProfile(profile, await initialIdleCode(tx), now);
      }
      const view = toView(user, profile);
      const { createdAt: _created, ...detail } = view;
      await audit(tx, admin, now, 'users.create', user.id, detail);
      return { user: view };
    });
  });

  registerDocumented(app, USER_DOCS.update, async (request) => {
    const admin = await requireAdmin(ctx, request);
    const id = idOf(request);
    const body = parseOr400(updateUserRequestSchema, request.body);
    return commit(ctx, async (tx, out, now) => {
      const user = await liveUser(tx, id);
      const profile = await profileOf(tx, id);
      const before = toView(user, profile);
      if (body.username !== undefined && body.username !== user.username)
        await checkUsernameFree(tx, body.username, id);
      if (body.queueIds) await checkQueues(tx, body.queueIds);
      const role: Role = body.role ?? user.role;
      if (id === admin.id && role !== 'admin')
        throw inUse('role', 'You cannot take the administrator role from yourself');
      await tx.updateUser(id, {
        ...(body.username === undefined ? {} : { username: body.username }),
        ...(body.displayName === undefined ? {} : { displayName: body.displayName }),
        ...(body.role === undefined ? {} : { role: body.role }),
      });
      let next: AgentProfileRow | undefined = profile;
      if (role === 'agent') {
        next = {
          userId: id,
          capacity: body.capacity ?? profile?.capacity ?? 1,
          queueIds: body.queueIds ?? profile?.queueIds ?? [],
        };
        // An existing agent keeps its state: the idle code only matters for a new routing row.
        await tx.upsertAgentProfile(next, profile ? '' : await initialIdleCode(tx), now);
      } else if (profile) {
        // No longer an agent: out of routing, once nothing is left in their hands.
        await requireNoWork(tx, id);
        await tx.deleteAgentProfile(id);
        next = undefined;
      }
      const after = toView({ ...user, ...body, role }, next);
      await audit(tx, admin, now, 'users.update', id, changes(before, after));
      if (next) await afterProfileChange(tx, out, id, now);
      return { user: after };
    });
  });

  registerDocumented(app, USER_DOCS.remove, async (request) => {
    const admin = await requireAdmin(ctx, request);
    const id = idOf(request);
    return commit(ctx, async (tx, _out, now) => {
      const user = await liveUser(tx, id);
      if (id === admin.id) throw inUse('id', 'You cannot delete yourself');
      await requireNoWork(tx, id);
      await tx.deleteAgentProfile(id);
      await tx.softDeleteUser(id, now);
      await tx.deleteSessionsOfUser(id);
      await audit(tx, admin, now, 'users.delete', id, {
        username: user.username,
        displayName: user.displayName,
      });
      return { ok: true as const };
    });
  });

  registerDocumented(app, USER_DOCS.resetPassword, async (request) => {
    const admin = await requireAdmin(ctx, request);
    const id = idOf(request);
    const body = parseOr400(resetPasswordRequestSchema, request.body);
    const passwordHash = await hashPassword(body.password);
    return ctx.store.transaction(async (tx) => {
      await liveUser(tx, id);
      await tx.updateUser(id, { passwordHash });
      await tx.deleteSessionsOfUser(id);
      // Never the password, not even hashed.
      await audit(tx, admin, ctx.clock(), 'users.resetPassword', id, null);
      return { ok: true as const };
    });
  });
}
