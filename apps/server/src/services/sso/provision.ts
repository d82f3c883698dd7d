import { randomUUID } from 'node:crypto';
import { canSignOut, lookup } from '@parlo/core';
import { ApiError } from '@parlo/protocol';
import type { Outgoing } from '../../platform/index.ts';
import type { AgentProfileRow, StoreTx, UserRow } from '../../store/index.ts';
import { toAgentView } from '../../views/index.ts';
import { routeAgain } from '../routing/index.ts';
import type { MappedIdentity } from './claims.ts';

/**
 * What an SSO user has instead of a password hash: not `scrypt$...`, so no password ever matches
 * it (an administrator may still give the user a local password).
 */
export const NO_LOCAL_PASSWORD = 'sso-only';

/** A new SSO agent's capacity; an administrator may change it afterwards, and it is kept. */
const NEW_AGENT_CAPACITY = 1;

/** Queue ids for the references (ids or names) the claims gave; live queues only, unknown ones dropped. */
async function resolveQueues(tx: StoreTx, refs: readonly string[]): Promise<string[]> {
  const queues = await tx.listQueues();
  const ids = refs.flatMap((ref) => {
    const queue = queues.find((q) => q.id === ref) ?? queues.find((q) => q.name === ref);
    return queue ? [queue.id] : [];
  });
  return [...new Set(ids)];
}

async function audit(
  tx: StoreTx,
  user: UserRow,
  now: number,
  action: string,
  detail: unknown,
): Promise<void> {
  await tx.insertAudit({
    id: `aud_${randomUUID()}`,
    at: now,
    actorUserId: user.id,
    action,
    subject: user.id,
    detail,
  });
}

/** A new agent starts Idle with the first idle code (S-3), as one an administrator creates. */
async function initialIdleCode(tx: StoreTx): Promise<string> {
  const [first] = await tx.listIdleCodes();
  if (!first) throw new ApiError('UNKNOWN_REFERENCE', 'Create an idle code first: a new agent starts Idle');
  return first.id;
}

const sameQueues = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((id, i) => id === b[i]);

/**
 * The user an identity signs in as, created on its first sign-in and brought in line with the
 * provider's claims (display name, role, an agent's queues) on every later one. The link is the
 * issuer and subject; a username already taken by another account is refused, never merged.
 */
export async function provisionUser(
  tx: StoreTx,
  out: Outgoing,
  now: number,
  issuer: string,
  identity: MappedIdentity,
): Promise<UserRow> {
  const role = identity.role;
  if (role === undefined) {
    throw new ApiError('SSO_NOT_ALLOWED', 'Your account at the identity provider has no Parlo role');
  }
  const queueIds = await resolveQueues(tx, identity.queueRefs);
  const existing = await tx.findUserByIdentity(issuer, identity.subject);
  if (!existing) {
    if (await tx.findUserByUsername(identity.username)) {
      throw new ApiError('ALREADY_EXISTS', 'Another account has this username: ask an administrator', {
        username: 'taken',
      });
    }
    const user: UserRow = {
      id: `usr_${randomUUID()}`,
      username: identity.username,
      displayName: identity.displayName,
      role,
      passwordHash: NO_LOCAL_PASSWORD,
      createdAt: now,
    };
    await tx.insertUser(user);
    await tx.linkIdentity({ issuer, subject: identity.subject, userId: user.id, createdAt: now });
    if (role === 'agent') {
      const profile = { userId: user.id, capacity: NEW_AGENT_CAPACITY, queueIds };
      await tx.upsertAgentProfile(profile, await initialIdleCode(tx), now);
    }
    await audit(tx, user, now, 'users.sso.create', { issuer, role, queueIds });
    return user;
  }
  if ((existing.deletedAt ?? null) !== null) {
    throw new ApiError('SSO_NOT_ALLOWED', 'This account was deleted by an administrator');
  }

  const profile = (await tx.listAgentProfiles()).find((p) => p.userId === existing.id);
  const user: UserRow = { ...existing, displayName: identity.displayName, role };
  await tx.updateUser(existing.id, { displayName: user.displayName, role });
  let next: AgentProfileRow | undefined = profile;
  if (role === 'agent') {
    if (!profile || !sameQueues(profile.queueIds, queueIds)) {
      next = { userId: existing.id, capacity: profile?.capacity ?? NEW_AGENT_CAPACITY, queueIds };
      // An existing agent keeps its state: the idle code only matters for a new routing row.
      await tx.upsertAgentProfile(next, profile ? '' : await initialIdleCode(tx), now);
    }
  } else if (profile) {
    const state = await tx.routing.read();
    if (lookup(state).agent(existing.id) && !canSignOut(state, existing.id)) {
      throw new ApiError('AGENT_HAS_WORK', 'Finish your contact requests and conversations first');
    }
    await tx.deleteAgentProfile(existing.id);
    next = undefined;
  }
  const changed =
    existing.role !== role ||
    existing.displayName !== user.displayName ||
    !sameQueues(profile?.queueIds ?? [], next?.queueIds ?? []);
  if (changed) {
    await audit(tx, user, now, 'users.sso.update', { role, queueIds: next?.queueIds ?? [] });
    if (next && profile) {
      // The desktop shows its new queues at once, and routing may now offer more work.
      await routeAgain(tx, out, now);
      const state = await tx.routing.read();
      const agent = lookup(state).agent(existing.id);
      if (agent) out.emit(existing.id, { type: 'agent.updated', agent: toAgentView(agent, user, state) });
    }
  }
  return user;
}
