import type { AgentId, QueueId, RoutingState } from './model.ts';
import {
  onAgentDisconnected,
  onAgentReconnected,
  onAgentStateRequested,
  onConversationArrived,
  onCustomerWrote,
  onPreferenceEnded,
  onDisconnectGraceEnded,
  onMaxWaitPassed,
} from './events/arrival-and-state.ts';
import {
  onConferenceEndRequested,
  onConferenceExitRequested,
  onConferenceRequested,
  onTransferRequested,
} from './events/collaboration.ts';
import {
  onConversationWithdrawn,
  onOfferAcceptRequested,
  onOfferDeadlinePassed,
  onOfferDeclineRequested,
} from './events/offers.ts';
import { onConversationEndRequested, onWrapUpDeadlinePassed, onWrapUpSubmitted } from './events/wrap-up.ts';
import { route } from './routing.ts';
import type { Rejection, RoutingEffect, RoutingEvent } from './types.ts';
import { Draft, heldBy, stateOfWorld, worldOf, type RoutingChanges, type World } from './world.ts';

// The public face of the routing core: what the shell imports through `index.ts` lives here or is
// re-exported from here.
export type { Rejection, RoutingEffect, RoutingEvent, StateChangeActor, Timer } from './types.ts';
export {
  graceTimerKey,
  maxWaitTimerKey,
  offerTimerKey,
  preferenceTimerKey,
  wrapUpTimerKey,
} from './timers.ts';
export { ownerOf } from './conversation.ts';

/** What `decide` made of an event: the next state and what to do, or why the command was refused. */
export type Decision =
  | {
      readonly kind: 'accepted';
      readonly state: RoutingState;
      readonly effects: readonly RoutingEffect[];
      /** The records this decision changed: all the shell has to write (O(changes), not a diff). */
      readonly changes: RoutingChanges;
    }
  | { readonly kind: 'rejected'; readonly rejection: Rejection };

/**
 * The routing core: given the world, one event and the time, the next world and what to do.
 * After every accepted event, waiting conversations are offered to whoever can take them.
 *
 * Incremental: only queues where the event made a conversation wait or a member free are routed
 * again, which is enough because every state `decide` returns is work-conserving (no waiting
 * conversation has a free member in its queue). A state that did not come from `decide` (loaded
 * from rows, or through JSON) is indexed once and every queue is routed.
 *
 * The returned state's records are the input's objects where unchanged (compare by identity).
 */
export function decide(
  state: RoutingState,
  event: RoutingEvent,
  now: number,
  closedQueueIds: ReadonlySet<QueueId> = NONE_CLOSED,
): Decision {
  const { world, built } = worldOf(state);
  const draft = new Draft(world);
  const effects: RoutingEffect[] = [];
  const rejection = apply(draft, effects, event, now);
  if (rejection !== undefined) return { kind: 'rejected', rejection };
  const queueIds = built ? Object.keys(world.queues) : [...draft.touchedQueues];
  route(draft, effects, openOnly(queueIds, closedQueueIds), now);
  return finish(state, world, draft, effects);
}

const NONE_CLOSED: ReadonlySet<QueueId> = new Set();

/**
 * Issue 18: a queue out of its business hours (the shell says which, at `now`) offers nothing; its
 * conversations wait in it until a `queue.opened` event routes it again. So `decide`'s states are
 * work-conserving for open queues only.
 */
function openOnly(queueIds: readonly QueueId[], closed: ReadonlySet<QueueId>): QueueId[] {
  return closed.size === 0 ? [...queueIds] : queueIds.filter((id) => !closed.has(id));
}

/**
 * Offers every waiting conversation, in order of (queue priority, arrival), to the agent its
 * queue's strategy picks among Available, connected members with spare capacity (S-3).
 */
export function routeWaiting(
  state: RoutingState,
  now: number,
  closedQueueIds: ReadonlySet<QueueId> = NONE_CLOSED,
): { state: RoutingState; effects: readonly RoutingEffect[]; changes: RoutingChanges } {
  const { world } = worldOf(state);
  const draft = new Draft(world);
  const effects: RoutingEffect[] = [];
  route(draft, effects, openOnly(Object.keys(world.queues), closedQueueIds), now);
  const { state: next, changes } = finish(state, world, draft, effects);
  return { state: next, effects, changes };
}

/** Whether the agent may sign out: no pending offer, no open conversation, no wrap-up still owed (S-18, S-23). */
export function canSignOut(state: RoutingState, agentId: AgentId): boolean {
  return heldBy(state, agentId).length === 0;
}

/** The accepted decision: the draft's world as a state (the input itself if nothing changed). */
function finish(
  state: RoutingState,
  world: World,
  draft: Draft,
  effects: RoutingEffect[],
): { kind: 'accepted'; state: RoutingState; effects: readonly RoutingEffect[]; changes: RoutingChanges } {
  const next = draft.world();
  return {
    kind: 'accepted',
    state: next === world ? state : stateOfWorld(next, state),
    effects,
    changes: draft.changes(),
  };
}

/** Applies one event to the draft; returns why it was refused, if it was. */
function apply(d: Draft, effects: RoutingEffect[], event: RoutingEvent, now: number): Rejection | undefined {
  switch (event.type) {
    case 'conversation.arrived':
      return onConversationArrived(d, effects, event, now);
    case 'conversation.customerWrote':
      return onCustomerWrote(d, event);
    case 'conversation.preferenceEnded':
      return onPreferenceEnded(d, event);
    case 'agent.stateRequested':
      return onAgentStateRequested(d, effects, event, now);
    case 'offer.acceptRequested':
      return onOfferAcceptRequested(d, effects, event, now);
    case 'offer.deadlinePassed':
      return onOfferDeadlinePassed(d, effects, event, now);
    case 'offer.declineRequested':
      return onOfferDeclineRequested(d, effects, event, now);
    case 'conversation.endRequested':
      return onConversationEndRequested(d, effects, event, now);
    case 'wrapUp.submitted':
      return onWrapUpSubmitted(d, effects, event, now);
    case 'wrapUp.deadlinePassed':
      return onWrapUpDeadlinePassed(d, effects, event, now);
    case 'agent.disconnected':
      return onAgentDisconnected(d, effects, event, now);
    case 'agent.reconnected':
      return onAgentReconnected(d, effects, event);
    case 'agent.disconnectGraceEnded':
      return onDisconnectGraceEnded(d, effects, event, now);
    case 'transfer.requested':
      return onTransferRequested(d, effects, event, now);
    case 'conference.requested':
      return onConferenceRequested(d, effects, event, now);
    case 'conference.endRequested':
      return onConferenceEndRequested(d, effects, event, now);
    case 'conference.exitRequested':
      return onConferenceExitRequested(d, effects, event, now);
    case 'conversation.maxWaitPassed':
      return onMaxWaitPassed(d, effects, event, now);
    case 'conversation.withdrawn':
      return onConversationWithdrawn(d, effects, event, now);
    case 'queue.opened':
      // Only routing follows: the queue's waiting conversations (if it is open now).
      if (d.queues[event.queueId] !== undefined) d.touchedQueues.add(event.queueId);
      return undefined;
  }
}
