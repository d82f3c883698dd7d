/** Offering waiting conversations to free agents: what runs after every accepted event. */
import {
  offerIdFor,
  type Agent,
  type Conversation,
  type ConversationId,
  type Offer,
  type OfferPurpose,
  type Queue,
  type QueueId,
  type WindowFirst,
} from './model.ts';
import { holdersOf, waitAt } from './participants.ts';
import { strategies, type Candidate } from './strategies.ts';
import { maxWaitTimerKey, offerTimerKey, preferenceTimerKey } from './timers.ts';
import { withoutPreference } from './conversation.ts';
import type { RoutingEffect } from './types.ts';
import type { WaitEntry } from './wait-list.ts';
import type { Draft } from './world.ts';

/**
 * Offers waiting conversations of the given queues while some queue has both a waiting
 * conversation and a free member: each time the conversation that comes first in (queue priority,
 * serving key, id) goes to the agent its queue's strategy picks, preferring agents who have not let
 * it lapse. A conversation's serving key is its arrival (`waitAt`); with the queue's `windowFirst`
 * option, the conversation whose reply window closes soonest (within the threshold, still open) is
 * served as if it had arrived `maxOvertakeMs` earlier — ahead of everyone who arrived less than that
 * before it, never ahead of anyone older. A queue whose head finds no agent has none for the rest
 * either (same members), except when its only free members left that conversation (they are never
 * offered it back while they owe its wrap-up): then the next conversation in the queue is tried.
 */
export function route(d: Draft, effects: RoutingEffect[], queueIds: readonly QueueId[], now: number): void {
  if (queueIds.length === 0 || d.free.length === 0) return;
  const live = queueIds.filter((id) => d.queues[id] !== undefined && (d.waiting.get(id)?.length ?? 0) > 0);
  for (;;) {
    let best: Pick | undefined;
    for (const queueId of live) {
      const queue = d.queues[queueId];
      const waiting = d.waiting.get(queueId);
      if (!queue || !waiting || waiting.length === 0) continue;
      if (best !== undefined && queue.priority > best.priority) continue;
      const members = freeMembers(d, queueId);
      if (members.length === 0) continue;
      const bound = best !== undefined && queue.priority === best.priority ? best : undefined;
      const pick = firstInQueue(d, queue, waiting, members, bound);
      if (pick !== undefined && (bound === undefined || comesBefore(pick, bound))) best = pick;
      if (queue.windowFirst === undefined) continue;
      const urgent = mostUrgent(d, queue, queue.windowFirst, members, now);
      if (urgent !== undefined && (best === undefined || comesBefore(urgent, best))) best = urgent;
    }
    if (best === undefined) return;
    offer(d, effects, best.queueId, best.id, best.candidates, now);
    if (d.free.length === 0) return;
  }
}

/** A waiting conversation that could be offered now, with the key it is served by. */
interface Pick {
  readonly queueId: QueueId;
  readonly priority: number;
  readonly key: number;
  readonly id: ConversationId;
  readonly candidates: Candidate[];
}

function comesBefore(a: Pick, b: Pick): boolean {
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.key < b.key || (a.key === b.key && a.id < b.id);
}

/**
 * Who of `members` may be offered the conversation: not its present or departed participants, and
 * only its last agent while it is kept for them (sticky agent).
 */
function candidatesFor(d: Draft, id: ConversationId, members: Candidate[]): Candidate[] {
  const conversation = d.conversations.get(id);
  const preferred = conversation?.preferredAgentId;
  if (preferred !== undefined) return members.filter((c) => c.agent.id === preferred);
  const inIt = holdersOf(conversation);
  return inIt.length === 0 ? members : members.filter((c) => !inIt.includes(c.agent.id));
}

/** The first of the queue in arrival order that someone of `members` may take; none past `bound`. */
function firstInQueue(
  d: Draft,
  queue: Queue,
  waiting: Iterable<WaitEntry>,
  members: Candidate[],
  bound: Pick | undefined,
): Pick | undefined {
  for (const entry of waiting) {
    // The rest of this queue comes later still.
    if (bound !== undefined && (entry.at > bound.key || (entry.at === bound.key && entry.id > bound.id)))
      return;
    const candidates = candidatesFor(d, entry.id, members);
    if (candidates.length === 0) continue;
    return { queueId: queue.id, priority: queue.priority, key: entry.at, id: entry.id, candidates };
  }
  return undefined;
}

/**
 * The queue's waiting conversation whose reply window closes soonest, still open and closing within
 * the threshold, that someone of `members` may take: keyed `maxOvertakeMs` before its arrival.
 */
function mostUrgent(
  d: Draft,
  queue: Queue,
  option: WindowFirst,
  members: Candidate[],
  now: number,
): Pick | undefined {
  const closing = d.closing.get(queue.id);
  if (!closing) return undefined;
  for (const entry of closing.after(now)) {
    if (entry.at > now + option.thresholdMs) return undefined;
    const conversation = d.conversations.get(entry.id);
    if (!conversation) continue;
    const candidates = candidatesFor(d, entry.id, members);
    if (candidates.length === 0) continue;
    const key = waitAt(conversation) - option.maxOvertakeMs;
    return { queueId: queue.id, priority: queue.priority, key, id: entry.id, candidates };
  }
  return undefined;
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
    ...withoutPreference(conversation),
    offerCount: conversation.offerCount + 1,
    phase: { kind: 'offered', offerId: made.id, agentId: agent.id },
  });
  if (conversation.preferredAgentId !== undefined)
    effects.push({ kind: 'timerCancelled', key: preferenceTimerKey(conversation.id) });
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
