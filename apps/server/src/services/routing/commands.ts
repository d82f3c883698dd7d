/**
 * An agent's routing commands (S-3..S-4, S-17, S-24..S-26): each runs in one transaction, a
 * refusal of the core becomes its API error and rolls everything back.
 */
import { holdersOf, lookup, wrapUpQueueOf, type RoutingEvent, type RoutingState } from '@parlo/core';
import {
  ApiError,
  type AgentView,
  type Catalog,
  type ConversationView,
  type SetAgentStateRequest,
} from '@parlo/protocol';
import { commit, rejectionError, type Outgoing, type ServerContext } from '../../platform/index.ts';
import type { StoreTx, UserRow } from '../../store/index.ts';
import { Presenter, toAgentView } from '../../views/index.ts';
import { decideAndApply, detailsById, loadNames } from './engine.ts';

/** Runs one routing command; a refusal becomes its API error and rolls the transaction back. */
export async function runCommand(
  tx: StoreTx,
  out: Outgoing,
  event: RoutingEvent,
  now: number,
): Promise<RoutingState> {
  const decision = await decideAndApply(tx, out, event, now);
  if (decision.kind === 'rejected') throw rejectionError(decision.rejection);
  return decision.state;
}

/** This agent's view of the conversation after a command: what the route answers with. */
export async function conversationViewAfter(
  tx: StoreTx,
  state: RoutingState,
  conversationId: string,
  agentId: string,
): Promise<ConversationView> {
  const conversation = lookup(state).conversation(conversationId);
  const details = (await detailsById(tx, [conversationId])).get(conversationId);
  if (!conversation || !details) throw new ApiError('INTERNAL', 'The conversation has no view');
  const names = await loadNames(tx, holdersOf(conversation));
  const view = (await Presenter.of(tx)).conversation(conversation, details, { agentId, names });
  if (!view) throw new ApiError('INTERNAL', 'The conversation has no view for this agent');
  return view;
}

/**
 * Runs a command about one conversation for `user` and answers with their view of it afterwards.
 * `event` builds the command in the same transaction, after checking what the core cannot know
 * (deletions, the administrator's settings).
 */
export function commandOnConversation(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
  event: (tx: StoreTx) => Promise<RoutingEvent> | RoutingEvent,
): Promise<{ conversation: ConversationView }> {
  return commit(ctx, async (tx, out, now) => {
    const state = await runCommand(tx, out, await event(tx), now);
    return { conversation: await conversationViewAfter(tx, state, conversationId, user.id) };
  });
}

/** What the desktop lists: idle codes, wrap-up reasons, queues (and the reasons each allows). */
export function agentCatalog(ctx: ServerContext): Promise<Catalog> {
  return ctx.store.transaction(async (tx) => ({
    idleCodes: (await tx.listIdleCodes()).map(({ id, name }) => ({ id, name })),
    wrapUpReasons: (await tx.listWrapUpReasons()).map(({ id, name }) => ({ id, name })),
    queues: (await tx.listQueues()).map(({ id, name, wrapUpReasonIds }) => ({
      id,
      name,
      wrapUpReasonIds: [...(wrapUpReasonIds ?? [])],
    })),
  }));
}

/** S-3, S-4: the agent picks Available or Idle with a code; leaving RONA is done here too, by hand. */
export function setAgentState(
  ctx: ServerContext,
  user: UserRow,
  to: SetAgentStateRequest,
): Promise<{ agent: AgentView }> {
  return commit(ctx, async (tx, out, now) => {
    if (to.kind === 'idle') {
      const codes = await tx.listIdleCodes();
      if (!codes.some((c) => c.id === to.idleCodeId))
        throw new ApiError('UNKNOWN_IDLE_CODE', 'No such idle code');
    }
    const state = await runCommand(tx, out, { type: 'agent.stateRequested', agentId: user.id, to }, now);
    const agent = lookup(state).agent(user.id);
    if (!agent) throw new ApiError('FORBIDDEN', 'Only agents have a state');
    return { agent: toAgentView(agent, user, state) };
  });
}

/** The agent accepts an offer: the new owner's view, or the guest's for a conference request (S-20). */
export function acceptOffer(
  ctx: ServerContext,
  user: UserRow,
  offerId: string,
): Promise<{ conversation: ConversationView }> {
  return commit(ctx, async (tx, out, now) => {
    const before = await tx.routing.read();
    const conversationId = lookup(before).offer(offerId)?.conversationId;
    const state = await runCommand(
      tx,
      out,
      { type: 'offer.acceptRequested', agentId: user.id, offerId },
      now,
    );
    if (!conversationId) throw new ApiError('INTERNAL', 'Accepted offer has no conversation');
    return { conversation: await conversationViewAfter(tx, state, conversationId, user.id) };
  });
}

/** S-17: the recipient turns a (transfer or conference) offer down; it ends as a lapse would. */
export function declineOffer(
  ctx: ServerContext,
  user: UserRow,
  offerId: string,
): Promise<{ agent: AgentView }> {
  return commit(ctx, async (tx, out, now) => {
    const state = await runCommand(
      tx,
      out,
      { type: 'offer.declineRequested', agentId: user.id, offerId },
      now,
    );
    const agent = lookup(state).agent(user.id);
    if (!agent) throw new ApiError('FORBIDDEN', 'Only agents receive offers');
    return { agent: toAgentView(agent, user, state) };
  });
}

/** S-24: End puts the conversation in wrap-up. */
export function endConversation(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
): Promise<{ conversation: ConversationView }> {
  return commandOnConversation(ctx, user, conversationId, () => ({
    type: 'conversation.endRequested',
    agentId: user.id,
    conversationId,
  }));
}

/** S-25, S-26: a reason from the list (and from the queue's, when it narrows them) completes it. */
export function wrapUp(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
  reasonId: string,
): Promise<{ ok: true }> {
  return commit(ctx, async (tx, out, now) => {
    const reasons = await tx.listWrapUpReasons();
    if (!reasons.some((r) => r.id === reasonId)) {
      throw new ApiError('UNKNOWN_WRAP_UP_REASON', 'No such wrap-up reason');
    }
    // A queue may narrow the reasons its conversations are wrapped up with: the queue the agent
    // worked it in (a transferring agent's, not the one it went on to).
    const queueId = wrapUpQueueOf(lookup(await tx.routing.read()).conversation(conversationId), user.id);
    const queue = (await tx.listQueues()).find((q) => q.id === queueId);
    const allowed = queue?.wrapUpReasonIds ?? [];
    if (allowed.length > 0 && !allowed.includes(reasonId)) {
      throw new ApiError('UNKNOWN_WRAP_UP_REASON', "Not a wrap-up reason of this conversation's queue");
    }
    await runCommand(tx, out, { type: 'wrapUp.submitted', agentId: user.id, conversationId, reasonId }, now);
    return { ok: true as const };
  });
}
