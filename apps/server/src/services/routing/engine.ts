import { randomUUID } from 'node:crypto';
import {
  decide,
  routeWaiting,
  holdersOf,
  lookup,
  type Conversation,
  type Decision,
  type RoutingEffect,
  type RoutingEvent,
  type RoutingState,
} from '@parlo/core';
import type { SystemNote } from '@parlo/protocol';
import type { Outgoing } from '../../platform/index.ts';
import type { ConversationDetails, MessageRow, StoreTx } from '../../store/index.ts';
import { audienceOf, Presenter, toAgentView, type ConversationViewer } from '../../views/index.ts';
import { sendCsatSurveys, type WrappedUpConversation } from '../csat/index.ts';
import { recordRoutingEvents } from './interaction-events.ts';
import {
  armOpening,
  armOpenings,
  AUTOMATIC_MESSAGES_KEY,
  hoursAt,
  redirectOutOfHours,
  sendAutomaticMessages,
} from '../automation/index.ts';
import { conferenceDroppedNote, renderSystemNote } from './system-notes.ts';

/**
 * The settings `decideAndApplyAll` reads (a new conversation's automatic messages): a caller that
 * reads ahead (the webhook batch, ADR 41) reads them with its own.
 */
export const ROUTING_SETTING_KEYS: readonly string[] = [AUTOMATIC_MESSAGES_KEY];

/**
 * The shell around the routing core: take the world kept in memory (brought up to date under the
 * routing lock), decide, write only what the decision changed, arm timers and log the agent
 * events — all in the caller's transaction. Nothing here reads or writes the whole world.
 */
export async function decideAndApply(
  tx: StoreTx,
  out: Outgoing,
  event: RoutingEvent,
  now: number,
): Promise<Decision> {
  const [decision] = await decideAndApplyAll(tx, out, [event], now);
  if (!decision) throw new Error('routing: one event, no decision');
  return decision;
}

/**
 * Several events of one transaction, each about a conversation of its own (an ingest batch's new
 * conversations and customers writing), decided one after the other and saved as each is decided,
 * as `decideAndApply` would; their effects are then carried out together, against the world
 * before the first and after the last: one read of the conversations' details, one push per
 * agent and conversation, instead of one of each per event (ADR 32). Events that move the same
 * conversation through several phases (an offer made, then declined) must not share a call: only
 * the first and last phase would be reported.
 */
export async function decideAndApplyAll(
  tx: StoreTx,
  out: Outgoing,
  events: readonly RoutingEvent[],
  now: number,
): Promise<readonly Decision[]> {
  const before = await tx.routing.forDecision();
  // Issue 18: queues out of their business hours offer nothing (ADR 27).
  const hours = await hoursAt(tx, now);
  const queues = lookup(before);
  const decisions: Decision[] = [];
  const applied: {
    event: RoutingEvent;
    routed: RoutingEvent;
    state: RoutingState;
    effects: readonly RoutingEffect[];
  }[] = [];
  for (const [i, event] of events.entries()) {
    // Each later event is decided on the world as saved (records no longer routable let go).
    const current = i === 0 ? before : await tx.routing.forDecision();
    // Out of hours, a queue may send its new conversations to another queue.
    const routed = redirectOutOfHours(event, hours, (id) => queues.queue(id) !== undefined);
    const decision = decide(current, routed, now, hours.closed);
    decisions.push(decision);
    if (decision.kind === 'rejected') continue;
    await tx.routing.save(decision.state, decision.changes);
    applied.push({ event, routed, state: decision.state, effects: decision.effects });
  }
  const last = applied.at(-1);
  if (!last) return decisions;
  await carryOut(
    tx,
    out,
    before,
    last.state,
    applied.flatMap((a) => a.effects),
  );
  for (const a of applied) {
    await armOpenings(tx, hours, a.routed, a.state, a.effects);
    // Welcome, out-of-hours reply, closing message: through the outbox, in this transaction.
    await sendAutomaticMessages(tx, out, a.event, a.state, hours, now);
  }
  return decisions;
}

async function carryOut(
  tx: StoreTx,
  out: Outgoing,
  before: RoutingState,
  after: RoutingState,
  effects: readonly RoutingEffect[],
): Promise<void> {
  const touchedAgents = new Set<string>();
  const conversationIds = new Set<string>();
  for (const effect of effects) {
    switch (effect.kind) {
      case 'offerMade':
      case 'offerEnded':
        conversationIds.add(effect.offer.conversationId);
        touchedAgents.add(effect.offer.agentId);
        break;
      case 'conversationChanged':
        conversationIds.add(effect.conversationId);
        break;
      case 'agentStateChanged':
        touchedAgents.add(effect.agentId);
        break;
      case 'conversationTransferred':
      case 'transferNotAccepted':
      case 'conferenceJoined':
      case 'conferenceRequestDropped':
      case 'guestLeft':
        conversationIds.add(effect.conversationId);
        break;
      case 'conversationRequeued':
      case 'conversationOverflowed':
      case 'participantWrappedUp':
        out.touch(effect.conversationId);
        break;
      case 'timerArmed':
      case 'timerCancelled':
        break;
    }
  }
  // Every conversation a decision changed is announced: its monitors and every node's wallboard
  // (issue 16) look again, even when no agent is told (a new conversation nobody was offered).
  for (const id of conversationIds) out.touch(id);
  const details = await detailsById(tx, [...conversationIds]);
  // Index reads only: reading a record of a state `decide` made would build all of it (O(world)).
  const was = lookup(before);
  const is = lookup(after);
  // Display names of every agent a view or a note of this decision may mention.
  const mentioned = new Set<string>();
  for (const id of conversationIds) {
    for (const c of [was.conversation(id), is.conversation(id)])
      for (const a of holdersOf(c)) mentioned.add(a);
  }
  for (const effect of effects) {
    if (effect.kind !== 'offerMade') continue;
    const purpose = effect.offer.purpose;
    if (purpose && purpose.kind !== 'route') mentioned.add(purpose.fromAgentId);
  }
  const names = await loadNames(tx, mentioned);
  const nameOf = (id: string): string => names.get(id) ?? 'An agent';
  /** A system note in the history, pushed at once to whoever sees the conversation now. */
  const note = async (
    conversationId: string,
    systemNote: SystemNote,
    also: readonly string[] = [],
  ): Promise<void> => {
    const row = await addSystemNote(tx, out, conversationId, systemNote);
    const d = details.get(conversationId);
    if (!d) return;
    const view = (await Presenter.of(tx)).message(row, d);
    for (const agentId of new Set([...audienceOf(is.conversation(conversationId)).viewers, ...also]))
      out.emit(agentId, { type: 'message.upserted', message: view });
  };

  for (const effect of effects) {
    switch (effect.kind) {
      case 'timerArmed':
        await tx.armTimer({ key: effect.timer.key, dueAt: effect.timer.dueAt, event: effect.timer.event });
        break;
      case 'timerCancelled':
        await tx.cancelTimer(effect.key);
        break;
      case 'offerMade': {
        const d = details.get(effect.offer.conversationId);
        if (d)
          out.emit(effect.offer.agentId, {
            type: 'offer.added',
            offer: (await Presenter.of(tx)).offer(effect.offer, d, names),
          });
        break;
      }
      case 'offerEnded':
        out.emit(effect.offer.agentId, {
          type: 'offer.removed',
          offerId: effect.offer.id,
          reason: effect.offer.status.kind === 'pending' ? 'rescinded' : effect.offer.status.kind,
        });
        break;
      case 'conversationChanged': {
        const previous = was.conversation(effect.conversationId);
        const current = is.conversation(effect.conversationId);
        const d = details.get(effect.conversationId);
        if (current && d) await emitConversation(tx, out, previous, current, d, touchedAgents, names);
        break;
      }
      case 'conversationTransferred': {
        const target = effect.target;
        const from = nameOf(effect.fromAgentId);
        const queueName = async (queueId: string): Promise<string> =>
          (await tx.listQueues({ includeDeleted: true })).find((q) => q.id === queueId)?.name ?? queueId;
        await note(
          effect.conversationId,
          target.kind === 'agent'
            ? { kind: 'transferredToAgent', from, agent: nameOf(target.agentId) }
            : { kind: 'transferredToQueue', from, queue: await queueName(target.queueId) },
        );
        break;
      }
      case 'transferNotAccepted':
        await note(effect.conversationId, {
          kind: effect.outcome === 'ended' ? 'transferEnded' : 'transferRequeued',
          agent: nameOf(effect.agentId),
        });
        break;
      case 'conferenceJoined':
        // S-20: both agents read it.
        await note(effect.conversationId, { kind: 'agentJoined', agent: nameOf(effect.guestId) });
        break;
      case 'conferenceRequestDropped':
        // The owner is told the request lapsed (or was withdrawn); the conversation goes on.
        await note(effect.conversationId, conferenceDroppedNote(effect.reason, nameOf(effect.agentId)));
        break;
      case 'guestLeft':
        await note(effect.conversationId, { kind: 'agentLeft', agent: nameOf(effect.agentId) });
        break;
      case 'participantWrappedUp':
        await tx.recordParticipantWrapUp({
          id: `pwu_${randomUUID()}`,
          conversationId: effect.conversationId,
          agentId: effect.participant.agentId,
          role: effect.participant.role,
          reasonId: effect.reasonId,
          acceptedAt: effect.participant.acceptedAt,
          endedAt: effect.participant.endedAt,
          wrappedUpAt: effect.at,
        });
        break;
      case 'agentStateChanged':
        break;
      case 'conversationRequeued': {
        const agent = await tx.findUserById(effect.agentId);
        await addSystemNote(tx, out, effect.conversationId, {
          kind: 'ownerDisconnected',
          agent: agent?.displayName ?? 'The agent',
        });
        break;
      }
      case 'conversationOverflowed': {
        const queues = await tx.listQueues();
        const target = queues.find((q) => q.id === effect.toQueueId)?.name ?? effect.toQueueId;
        await addSystemNote(tx, out, effect.conversationId, { kind: 'overflowed', queue: target });
        break;
      }
    }
  }

  // Issue 16: what reports count, in the same transaction (ADR 22).
  await recordRoutingEvents(tx, effects, was, is, details, out.now);

  // Issue 18: a conversation whose owner's wrap-up closed it may ask the customer for CSAT (ADR 28).
  const wrappedUp: WrappedUpConversation[] = [];
  for (const id of conversationIds) {
    const previous = was.conversation(id)?.phase;
    const current = is.conversation(id)?.phase;
    if (previous?.kind === 'wrapUp' && current?.kind === 'closed')
      wrappedUp.push({ conversationId: id, agentId: previous.ownerId });
  }
  if (wrappedUp.length > 0) await sendCsatSurveys(tx, out, wrappedUp, out.now);

  for (const agentId of touchedAgents) {
    const agent = is.agent(agentId);
    const user = agent ? await tx.findUserById(agentId) : undefined;
    if (agent && user) out.emit(agentId, { type: 'agent.updated', agent: toAgentView(agent, user, after) });
  }
}

/**
 * Tells every agent who sees (or saw) the conversation what became of it: owner, joined guest and
 * departed participants get its view as they see it; one who no longer sees it gets a removal.
 * Their load changed, so their agent views too.
 */
async function emitConversation(
  tx: StoreTx,
  out: Outgoing,
  previous: Conversation | undefined,
  current: Conversation,
  details: ConversationDetails,
  touchedAgents: Set<string>,
  names: ReadonlyMap<string, string>,
): Promise<void> {
  const presenter = await Presenter.of(tx);
  const closedOwner = current.phase.kind === 'closed' ? current.phase.ownerId : null;
  const agents = new Set([...audienceOf(previous).viewers, ...audienceOf(current).viewers]);
  if (closedOwner !== null) agents.add(closedOwner);
  for (const agentId of agents) {
    const viewer: ConversationViewer = { agentId, names };
    const view = presenter.conversation(current, details, viewer);
    touchedAgents.add(agentId);
    if (view) {
      out.emit(agentId, { type: 'conversation.upserted', conversation: view });
    } else if ((previous && presenter.conversation(previous, details, viewer)) || agentId === closedOwner) {
      out.emit(agentId, { type: 'conversation.removed', conversationId: current.id });
    }
  }
}

/** Display names by user id (a deleted user keeps theirs). */
export async function loadNames(tx: StoreTx, ids: Iterable<string>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const id of ids) {
    const user = await tx.findUserById(id);
    if (user) names.set(id, user.displayName);
  }
  return names;
}

/**
 * A system note in the conversation's history: whoever holds it next reads why it moved. The note
 * is stored as the message's content (each desktop words it in its language); `text` is English.
 */
async function addSystemNote(
  tx: StoreTx,
  out: Outgoing,
  conversationId: string,
  note: SystemNote,
): Promise<MessageRow> {
  const row: MessageRow = {
    id: `msg_${randomUUID()}`,
    conversationId,
    direction: 'system',
    wamid: null,
    kind: 'system',
    text: renderSystemNote(note),
    content: JSON.stringify({ kind: 'note', note }),
    authorName: '',
    authorUserId: null,
    sentAt: out.now,
    createdAt: out.now,
    status: null,
    failureReason: null,
    clientMessageId: null,
  };
  await tx.insertSystemMessage(row);
  return row;
}

/**
 * Routes every waiting conversation again without any event: after an administrator changed what
 * routing decides on (an agent's capacity or queues, a queue's policy), in the caller's transaction.
 */
export async function routeAgain(tx: StoreTx, out: Outgoing, now: number): Promise<void> {
  const before = await tx.routing.forDecision();
  const hours = await hoursAt(tx, now);
  // A closed queue's conversations are routed at its opening (its hours may just have changed).
  for (const queueId of hours.closed) await armOpening(tx, hours, queueId);
  const { state, effects, changes } = routeWaiting(before, now, hours.closed);
  if (state === before) return;
  await tx.routing.save(state, changes);
  await carryOut(tx, out, before, state, effects);
}

/** Each conversation's stored details, by id; the missing ones are absent. */
export async function detailsById(
  tx: StoreTx,
  ids: readonly string[],
): Promise<Map<string, ConversationDetails>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.getConversationDetails(ids);
  return new Map(rows.map((row) => [row.id, row]));
}
