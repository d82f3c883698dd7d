/**
 * Transfer (S-14..S-18) and conference (S-19..S-23). The core decides who may do what (only the
 * owner transfers, asks for a guest or ends the conference; only the guest exits); this adds what
 * the core cannot know: deleted queues and users, the S-7 block, the admin's policy.
 */
import { agentLoad, holdersOf, lookup, type CollaborationTarget } from '@parlo/core';
import { ApiError, type ConversationView, type TargetsResponse } from '@parlo/protocol';
import { defaultSettings, readSettings, type ServerContext } from '../../platform/index.ts';
import type { StoreTx, UserRow } from '../../store/index.ts';
import { conversationBlockOf } from '../../views/index.ts';
import { commandOnConversation } from '../routing/index.ts';

/**
 * S-7: the owner of a conversation whose number or queue was deleted may only End it. Checked
 * for the owner only, so anyone else still gets the core's 403.
 */
async function refuseIfBlocked(tx: StoreTx, user: UserRow, conversationId: string): Promise<void> {
  const [details] = await tx.getConversationDetails([conversationId]);
  if (!details) throw new ApiError('NOT_FOUND', 'No such conversation');
  if (
    details.agentId === user.id &&
    details.phaseKind === 'active' &&
    conversationBlockOf(details) !== null
  ) {
    throw new ApiError('CONVERSATION_BLOCKED', 'A resource this conversation depends on was deleted');
  }
}

/** A target the administration has deleted is unavailable, whatever the routing world says. */
async function refuseDeletedTarget(tx: StoreTx, target: CollaborationTarget): Promise<void> {
  if (target.kind === 'queue') {
    const live = await tx.listQueues();
    if (!live.some((q) => q.id === target.queueId))
      throw new ApiError('TRANSFER_TARGET_UNAVAILABLE', 'That queue no longer exists');
    return;
  }
  const user = await tx.findUserById(target.agentId);
  if (!user || (user.deletedAt !== undefined && user.deletedAt !== null))
    throw new ApiError('TRANSFER_TARGET_UNAVAILABLE', 'That agent no longer exists');
}

/**
 * S-15, S-16: who can take it now. Only the owner asks (they are the one who may transfer).
 * `conference` lists only queues with an agent who could join now.
 */
export function collaborationTargets(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
  purpose: 'transfer' | 'conference' | undefined,
): Promise<TargetsResponse> {
  return ctx.store.transaction(async (tx) => {
    const state = await tx.routing.read();
    const world = lookup(state);
    const conversation = world.conversation(conversationId);
    if (!conversation) throw new ApiError('NOT_FOUND', 'No such conversation');
    const phase = conversation.phase;
    if (phase.kind !== 'active' || phase.ownerId !== user.id)
      throw new ApiError('NOT_CONVERSATION_OWNER', 'This conversation belongs to another agent');
    const inIt = holdersOf(conversation);
    const agents: TargetsResponse['agents'] = [];
    const freeAgentIds = new Set<string>();
    for (const agent of world.agents()) {
      const freeSlots = agent.capacity - agentLoad(state, agent.id);
      if (
        inIt.includes(agent.id) ||
        agent.state.kind !== 'available' ||
        agent.disconnectedAt !== undefined ||
        freeSlots < 1
      )
        continue;
      const row = await tx.findUserById(agent.id);
      if (!row || (row.deletedAt !== undefined && row.deletedAt !== null)) continue;
      freeAgentIds.add(agent.id);
      agents.push({ id: agent.id, displayName: row.displayName, freeSlots });
    }
    agents.sort((a, b) => a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id));
    const queues = (await tx.listQueues())
      .filter(
        (q) =>
          purpose !== 'conference' ||
          [...freeAgentIds].some((agentId) => world.agent(agentId)?.queueIds.includes(q.id)),
      )
      .map(({ id: queueId, name }) => ({ id: queueId, name }));
    return { queues, agents };
  });
}

/** S-14, S-17, S-18: the owner hands it on and wraps up at once; the answer is their wrap-up view. */
export function transfer(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
  target: CollaborationTarget,
): Promise<{ conversation: ConversationView }> {
  return commandOnConversation(ctx, user, conversationId, async (tx) => {
    await refuseIfBlocked(tx, user, conversationId);
    await refuseDeletedTarget(tx, target);
    const settings = await readSettings(tx, defaultSettings(ctx.config.DISCONNECT_GRACE_SECONDS));
    return {
      type: 'transfer.requested',
      agentId: user.id,
      conversationId,
      target,
      notAcceptedPolicy: settings.transferNotAcceptedPolicy,
    };
  });
}

/** S-19: the owner asks for a guest; the answer shows "Conference requested". */
export function requestConference(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
  target: CollaborationTarget,
): Promise<{ conversation: ConversationView }> {
  return commandOnConversation(ctx, user, conversationId, async (tx) => {
    await refuseIfBlocked(tx, user, conversationId);
    await refuseDeletedTarget(tx, target);
    return { type: 'conference.requested', agentId: user.id, conversationId, target };
  });
}

/** S-21, S-23: the owner ends the conference (or withdraws the request); the guest wraps up. */
export function endConference(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
): Promise<{ conversation: ConversationView }> {
  return commandOnConversation(ctx, user, conversationId, () => ({
    type: 'conference.endRequested',
    agentId: user.id,
    conversationId,
  }));
}

/** S-22, S-23: the guest leaves; the answer is the guest's view, now in wrap-up. */
export function exitConference(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
): Promise<{ conversation: ConversationView }> {
  return commandOnConversation(ctx, user, conversationId, () => ({
    type: 'conference.exitRequested',
    agentId: user.id,
    conversationId,
  }));
}
