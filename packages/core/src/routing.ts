/** Offering waiting conversations to free agents: what runs after every accepted event. */
import {
  offerIdFor,
  type Agent,
  type Conversation,
  type ConversationId,
  type Offer,
  type OfferPurpose,
  type QueueId,
} from './model.ts';
import { holdersOf } from './participants.ts';
import { strategies, type Candidate } from './strategies.ts';
import { maxWaitTimerKey, offerTimerKey } from './timers.ts';
import type { RoutingEffect } from './types.ts';
import type { Draft } from './world.ts';

/**
 * Offers waiting conversations of the given queues while some queue has both a waiting
 * conversation and a free member: each time the head that comes first in (queue priority,
 * arrival, id) goes to the agent its queue's strategy picks, preferring agents who have not let
 * it lapse. A queue whose head finds no agent has none for the rest either (same members), except
 * when its only free members left that conversation (they are never offered it back while they
 * owe its wrap-up): then the next conversation in the queue is tried.
 */
export function route(d: Draft, effects: RoutingEffect[], queueIds: readonly QueueId[], now: number): void {
  if (queueIds.length === 0 || d.free.length === 0) return;
  const live = queueIds.filter((id) => d.queues[id] !== undefined && (d.waiting.get(id)?.length ?? 0) > 0);
  for (;;) {
    let bestQueue: QueueId | undefined;
    let bestCandidates: Candidate[] = [];
    let bestPriority = 0;
    let bestAt = 0;
    let bestId = '';
    for (const queueId of live) {
      const queue = d.queues[queueId];
      const waiting = d.waiting.get(queueId);
      if (!queue || !waiting || waiting.length === 0) continue;
      if (bestQueue !== undefined && queue.priority > bestPriority) continue;
      const members = freeMembers(d, queueId);
      if (members.length === 0) continue;
      for (const entry of waiting) {
        if (
          bestQueue !== undefined &&
          queue.priority === bestPriority &&
          (entry.at > bestAt || (entry.at === bestAt && entry.id > bestId))
        ) {
          break; // the rest of this queue comes later still
        }
        const inIt = holdersOf(d.conversations.get(entry.id));
        const candidates = inIt.length === 0 ? members : members.filter((c) => !inIt.includes(c.agent.id));
        if (candidates.length === 0) continue;
        bestQueue = queueId;
        bestCandidates = candidates;
        bestPriority = queue.priority;
        bestAt = entry.at;
        bestId = entry.id;
        break;
      }
    }
    if (bestQueue === undefined) return;
    offer(d, effects, bestQueue, bestId, bestCandidates, now);
    if (d.free.length === 0) return;
  }
}

/** Free members of the queue, except agents already in `conversation` (e.g. who transferred it away). */
export function freeMembers(d: Draft, queueId: QueueId, conversation?: Conversation): Candidate[] {
  const inIt = conversation ? holdersOf(conversation) : [];
  const candidates: Candidate[] = [];
  for (const agentId of d.free) {
    const agent = d.agents.get(agentId);
    if (agent?.queueIds.includes(queueId) && !inIt.includes(agentId))
      candidates.push({ agent, load: d.load(agentId) });
  }
  return candidates;
}

/** Offers the conversation to the member its queue's strategy picks (who has not let it lapse, if any). */
function offer(
  d: Draft,
  effects: RoutingEffect[],
  queueId: QueueId,
  conversationId: ConversationId,
  members: readonly Candidate[],
  now: number,
): void {
  const queue = d.queues[queueId];
  const conversation = d.conversations.get(conversationId);
  if (!queue || !conversation) throw new Error(`route: ${conversationId} is not in the index`);
  const lapsed = conversation.lapsedAgentIds;
  const fresh = lapsed.length === 0 ? members : members.filter((c) => !lapsed.includes(c.agent.id));
  const chosen = strategies[queue.strategy](fresh.length > 0 ? fresh : members);
  if (!chosen) throw new Error(`route: strategy ${queue.strategy} chose nobody`);
  const agent: Agent = chosen.agent;
  const made = makeOffer(d, effects, conversation, agent, queue.offerTimeoutMs, undefined, now);
  d.putConversation({
    ...conversation,
    offerCount: conversation.offerCount + 1,
    phase: { kind: 'offered', offerId: made.id, agentId: agent.id },
  });
  effects.push({ kind: 'conversationChanged', conversationId: conversation.id });
  if (
    queue.maxWaitMs !== undefined &&
    queue.overflowQueueId !== undefined &&
    queue.overflowQueueId !== null
  ) {
    effects.push({ kind: 'timerCancelled', key: maxWaitTimerKey(conversation.id) });
  }
}

/**
 * Makes the conversation's next offer to `agent` (numbered from `offerCount`; the caller bumps it
 * and sets the conversation's phase) with its deadline timer.
 */
export function makeOffer(
  d: Draft,
  effects: RoutingEffect[],
  conversation: Conversation,
  agent: Agent,
  timeoutMs: number,
  purpose: OfferPurpose | undefined,
  now: number,
): Offer {
  const made: Offer = {
    id: offerIdFor(conversation.id, conversation.offerCount + 1),
    conversationId: conversation.id,
    agentId: agent.id,
    createdAt: now,
    expiresAt: now + timeoutMs,
    status: { kind: 'pending' },
    ...(purpose === undefined ? {} : { purpose }),
  };
  d.putOffer(made);
  d.putAgent({ ...agent, lastOfferedAt: now });
  effects.push(
    { kind: 'offerMade', offer: made },
    {
      kind: 'timerArmed',
      timer: {
        key: offerTimerKey(made.id),
        dueAt: made.expiresAt,
        event: { type: 'offer.deadlinePassed', offerId: made.id },
      },
    },
  );
  return made;
}
