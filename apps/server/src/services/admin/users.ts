/** Users and their routing profile (queues, capacity); every change audited. */
import { canSignOut, lookup } from '@parlo/core';
import {
  ApiError,
  type AdminUserView,
  type createUserRequestSchema,
  type resetPasswordRequestSchema,
  type updateUserRequestSchema,
} from '@parlo/protocol';
import type { z } from 'zod';
import { commit, type Outgoing, type ServerContext } from '../../platform/index.ts';
import type { AgentProfileRow, Permission, Role, StoreTx, UserRow } from '../../store/index.ts';
import { toAgentView } from '../../views/index.ts';
import { checkNewPassword, hashPassword } from '../auth/index.ts';
import { routeAgain } from '../routing/index.ts';
import { alreadyExists, audit, changes, inUse, newId, notFound, unknownReference } from './common.ts';

// The protocol's permission names and the store's are checked against each other by the
// compiler: a view is built from the store's (toView) and the store is given the request's.
function toView(
  user: UserRow,
  profile: AgentProfileRow | undefined,
  permissions: readonly Permission[],
): AdminUserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    queueIds: profile ? [...profile.queueIds] : [],
    capacity: profile?.capacity ?? 0,
    permissions: [...permissions].sort(),
    createdAt: new Date(user.createdAt).toISOString(),
  };
}

async function liveUser(tx: StoreTx, id: string): Promise<UserRow> {
  const user = await tx.findUserById(id);
  if (!user || (user.deletedAt ?? null) !== null) throw notFound('user');
  return user;
}

async function permissionsOfUser(tx: StoreTx, userId: string): Promise<Permission[]> {
  return (await tx.permissionsOf([userId])).get(userId) ?? [];
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
  if (agent && user) out.emit(userId, { type: 'agent.updated', agent: toAgentView(agent, user, state) });
}

export function listUsers(ctx: ServerContext): Promise<{ users: AdminUserView[] }> {
  return ctx.store.transaction(async (tx) => {
    const profiles = new Map((await tx.listAgentProfiles()).map((p) => [p.userId, p]));
    const users = await tx.listUsers();
    const permissions = await tx.permissionsOf(users.map((u) => u.id));
    return { users: users.map((u) => toView(u, profiles.get(u.id), permissions.get(u.id) ?? [])) };
  });
}

export function getUser(ctx: ServerContext, id: string): Promise<{ user: AdminUserView }> {
  return ctx.store.transaction(async (tx) => ({
    user: toView(await liveUser(tx, id), await profileOf(tx, id), await permissionsOfUser(tx, id)),
  }));
}

export async function createUser(
  ctx: ServerContext,
  admin: UserRow,
  body: z.output<typeof createUserRequestSchema>,
): Promise<{ user: AdminUserView }> {
  checkNewPassword(body.password, body.username);
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
    await tx.setPermissions(user.id, body.permissions);
    let profile: AgentProfileRow | undefined;
    if (body.role === 'agent') {
      profile = { userId: user.id, capacity: body.capacity, queueIds: body.queueIds };
      await tx.upsertAgentProfile(profile, await initialIdleCode(tx), now);
    }
    const view = toView(user, profile, body.permissions);
    const { createdAt: _created, ...detail } = view;
    await audit(tx, admin, now, 'users.create', user.id, detail);
    return { user: view };
  });
}

export function updateUser(
  ctx: ServerContext,
  admin: UserRow,
  id: string,
  body: z.output<typeof updateUserRequestSchema>,
): Promise<{ user: AdminUserView }> {
  return commit(ctx, async (tx, out, now) => {
    const user = await liveUser(tx, id);
    const profile = await profileOf(tx, id);
    const permissions = await permissionsOfUser(tx, id);
    const before = toView(user, profile, permissions);
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
    if (body.permissions) await tx.setPermissions(id, body.permissions);
    const after = toView({ ...user, ...body, role }, next, body.permissions ?? permissions);
    await audit(tx, admin, now, 'users.update', id, changes(before, after));
    if (next) await afterProfileChange(tx, out, id, now);
    return { user: after };
  });
}

export function deleteUser(ctx: ServerContext, admin: UserRow, id: string): Promise<{ ok: true }> {
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
}

/** A new password; the user's sessions end. Never audited with the password, not even hashed. */
export async function resetPassword(
  ctx: ServerContext,
  admin: UserRow,
  id: string,
  body: z.output<typeof resetPasswordRequestSchema>,
): Promise<{ ok: true }> {
  const target = await ctx.store.transaction((tx) => liveUser(tx, id));
  checkNewPassword(body.password, target.username);
  const passwordHash = await hashPassword(body.password);
  return ctx.store.transaction(async (tx) => {
    await liveUser(tx, id);
    await tx.updateUser(id, { passwordHash });
    await tx.deleteSessionsOfUser(id);
    await audit(tx, admin, ctx.clock(), 'users.resetPassword', id, null);
    return { ok: true as const };
  });
}
