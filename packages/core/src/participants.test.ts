import { describe, expect, it } from 'vitest';
import {
  canSignOut,
  decide,
  offerTimerKey,
  wrapUpTimerKey,
  type Decision,
  type RoutingEvent,
} from './decide.ts';
import type { Agent, Queue, RoutingState } from './model.ts';
import { agentLoad } from './world.ts';

/** The participant rules of transfer (S-14..S-18) and conference (S-19..S-23). */

const T0 = 1_700_000_000_000;

function agent(id: string, overrides: Partial<Agent> = {}): Agent {
  return {
    id,
    state: { kind: 'available', since: T0 },
    capacity: 2,
    queueIds: ['q1'],
    lastOfferedAt: null,
    ...overrides,
  };
}

const idle = { kind: 'idle', idleCodeId: 'lunch', since: T0 } as const;

function queue(id: string, overrides: Partial<Queue> = {}): Queue {
  return { id, priority: 1, offerTimeoutMs: 30_000, strategy: 'longestAvailable', ...overrides };
}

function world(agents: Agent[], queues: Queue[] = [queue('q1'), queue('q2')]): RoutingState {
  return {
    agents: Object.fromEntries(agents.map((a) => [a.id, a])),
    queues: Object.fromEntries(queues.map((q) => [q.id, q])),
    conversations: {},
    offers: {},
  };
}

function ok(decision: Decision) {
  if (decision.kind !== 'accepted') throw new Error(`rejected: ${decision.rejection}`);
  return decision;
}

function step(s: RoutingState, event: RoutingEvent, at = T0): RoutingState {
  return ok(decide(s, event, at)).state;
}

const arrive = (id: string, at = T0, queueId = 'q1'): RoutingEvent => ({
  type: 'conversation.arrived',
  conversationId: id,
  queueId,
  receivedAt: at,
});

const pendingOfferOf = (s: RoutingState, agentId: string) =>
  Object.values(s.offers).find((o) => o.agentId === agentId && o.status.kind === 'pending');

/** a1 owns c1 (received at T0); every other agent is Idle until the test says otherwise. */
function owned(others: Agent[] = [], queues?: Queue[]): RoutingState {
  let s = step(world([agent('a1'), ...others.map((o) => ({ ...o, state: idle }))], queues), arrive('c1'));
  const offer = pendingOfferOf(s, 'a1');
  s = step(s, { type: 'offer.acceptRequested', agentId: 'a1', offerId: offer!.id }, T0 + 1);
  for (const other of others) {
    if (other.state.kind === 'available')
      s = step(s, { type: 'agent.stateRequested', agentId: other.id, to: { kind: 'available' } }, T0 + 2);
  }
  return s;
}

const transfer = (
  target: { kind: 'queue'; queueId: string } | { kind: 'agent'; agentId: string },
  policy: 'returnToQueue' | 'endConversation' = 'returnToQueue',
): RoutingEvent => ({
  type: 'transfer.requested',
  agentId: 'a1',
  conversationId: 'c1',
  target,
  notAcceptedPolicy: policy,
});

const conference = (
  target: { kind: 'queue'; queueId: string } | { kind: 'agent'; agentId: string },
  by = 'a1',
) => ({ type: 'conference.requested', agentId: by, conversationId: 'c1', target }) as RoutingEvent;

const wrapUp = (agentId: string, reasonId = 'r1'): RoutingEvent => ({
  type: 'wrapUp.submitted',
  agentId,
  conversationId: 'c1',
  reasonId,
});

/** a1 owns c1 with a2 joined as guest. */
function inConference(queues?: Queue[]): RoutingState {
  let s = owned([agent('a2')], queues);
  s = step(s, conference({ kind: 'agent', agentId: 'a2' }), T0 + 3);
  const offer = pendingOfferOf(s, 'a2');
  return step(s, { type: 'offer.acceptRequested', agentId: 'a2', offerId: offer!.id }, T0 + 4);
}

describe('transfer', () => {
  it('[S-14][S-18] transfer to a queue: it waits there keeping its arrival time; the owner wraps up at once', () => {
    let s = owned();
    s = step(s, arrive('c0', T0 + 100, 'q2'), T0 + 100); // arrived later, nobody in q2
    const d = ok(decide(s, transfer({ kind: 'queue', queueId: 'q2' }), T0 + 200));
    s = d.state;
    expect(s.conversations.c1).toMatchObject({
      queueId: 'q2',
      receivedAt: T0,
      phase: { kind: 'queued' },
      departed: [{ agentId: 'a1', role: 'owner', queueId: 'q1', acceptedAt: T0 + 1, endedAt: T0 + 200 }],
    });
    expect(d.effects).toContainEqual({
      kind: 'conversationTransferred',
      conversationId: 'c1',
      fromAgentId: 'a1',
      target: { kind: 'queue', queueId: 'q2' },
    });
    // FIFO by the original arrival: c1 is ahead of c0, which arrived later.
    s = step(s, { type: 'agent.stateRequested', agentId: 'a1', to: { kind: 'available' } }, T0 + 250);
    let t: RoutingState = {
      ...s,
      agents: { ...s.agents, a3: agent('a3', { queueIds: ['q2'], capacity: 1 }) },
    };
    t = step(
      t,
      { type: 'agent.stateRequested', agentId: 'a3', to: { kind: 'idle', idleCodeId: 'x' } },
      T0 + 300,
    );
    t = step(t, { type: 'agent.stateRequested', agentId: 'a3', to: { kind: 'available' } }, T0 + 301);
    expect(t.conversations.c1?.phase).toMatchObject({ kind: 'offered', agentId: 'a3' });
    expect(t.conversations.c0?.phase.kind).toBe('queued');
  });

  it('[S-18] the transferring agent’s capacity counts the conversation until their own wrap-up', () => {
    let s = owned([], [queue('q1'), queue('q2')]);
    s = step(s, transfer({ kind: 'queue', queueId: 'q2' }), T0 + 10);
    expect(agentLoad(s, 'a1')).toBe(1);
    expect(canSignOut(s, 'a1')).toBe(false);
    // The conversation is not theirs any more: End is refused, their wrap-up is accepted.
    expect(
      decide(s, { type: 'conversation.endRequested', agentId: 'a1', conversationId: 'c1' }, T0 + 11),
    ).toEqual({
      kind: 'rejected',
      rejection: 'NOT_CONVERSATION_OWNER',
    });
    const d = ok(decide(s, wrapUp('a1'), T0 + 20));
    expect(d.effects).toContainEqual(
      expect.objectContaining({ kind: 'participantWrappedUp', reasonId: 'r1', at: T0 + 20 }),
    );
    s = d.state;
    expect(agentLoad(s, 'a1')).toBe(0);
    expect(s.conversations.c1?.departed).toBeUndefined();
    expect(s.conversations.c1?.phase.kind).toBe('queued'); // the customer still waits in q2
    expect(decide(s, wrapUp('a1'), T0 + 21)).toEqual({
      kind: 'rejected',
      rejection: 'NOT_CONVERSATION_OWNER',
    });
  });

  it('[S-18] the departed owner is auto wrapped up by their own timer with the queue’s default reason', () => {
    const q1 = queue('q1', { autoWrapUpMs: 60_000, defaultWrapUpReasonId: 'auto' });
    let s = owned([], [q1, queue('q2')]);
    const d = ok(decide(s, transfer({ kind: 'queue', queueId: 'q2' }), T0 + 10));
    expect(d.effects).toContainEqual({
      kind: 'timerArmed',
      timer: {
        key: wrapUpTimerKey('c1', 'a1'),
        dueAt: T0 + 60_010,
        event: { type: 'wrapUp.deadlinePassed', conversationId: 'c1', agentId: 'a1' },
      },
    });
    s = d.state;
    const fired = ok(
      decide(s, { type: 'wrapUp.deadlinePassed', conversationId: 'c1', agentId: 'a1' }, T0 + 60_010),
    );
    expect(fired.effects).toContainEqual(
      expect.objectContaining({ kind: 'participantWrappedUp', reasonId: 'auto' }),
    );
    expect(agentLoad(fired.state, 'a1')).toBe(0);
    // A timer firing after a wrap-up by hand does nothing.
    s = step(s, wrapUp('a1'), T0 + 20);
    expect(
      ok(decide(s, { type: 'wrapUp.deadlinePassed', conversationId: 'c1', agentId: 'a1' }, T0 + 60_010))
        .state,
    ).toBe(s);
  });

  it('[S-17] transfer to an agent: an offer that says transfer and from whom; accepting makes them the owner', () => {
    let s = owned([agent('a2')]);
    s = step(s, transfer({ kind: 'agent', agentId: 'a2' }), T0 + 10);
    const offer = pendingOfferOf(s, 'a2');
    expect(offer?.purpose).toEqual({
      kind: 'transfer',
      fromAgentId: 'a1',
      notAcceptedPolicy: 'returnToQueue',
    });
    expect(s.conversations.c1?.phase).toEqual({ kind: 'offered', offerId: offer!.id, agentId: 'a2' });
    s = step(s, { type: 'offer.acceptRequested', agentId: 'a2', offerId: offer!.id }, T0 + 20);
    expect(s.conversations.c1?.phase).toEqual({ kind: 'active', ownerId: 'a2', acceptedAt: T0 + 20 });
    expect(agentLoad(s, 'a1')).toBe(1);
    expect(agentLoad(s, 'a2')).toBe(1);
  });

  it('[S-17] a lapsed transfer puts the target in RONA and returns the conversation to the head of its queue', () => {
    let s = owned([agent('a2', { queueIds: ['q2'] }), agent('a3', { capacity: 1 })]);
    // a3 (and a1) go Idle so cOld, received long before, waits; c1 must still go ahead of it.
    s = step(
      s,
      { type: 'agent.stateRequested', agentId: 'a3', to: { kind: 'idle', idleCodeId: 'x' } },
      T0 + 3,
    );
    s = step(
      s,
      { type: 'agent.stateRequested', agentId: 'a1', to: { kind: 'idle', idleCodeId: 'x' } },
      T0 + 3,
    );
    s = step(s, arrive('cOld', T0 - 50_000), T0 + 4);
    s = step(s, transfer({ kind: 'agent', agentId: 'a2' }), T0 + 10);
    const offer = pendingOfferOf(s, 'a2')!;
    const d = ok(decide(s, { type: 'offer.deadlinePassed', offerId: offer.id }, offer.expiresAt));
    s = d.state;
    expect(s.agents.a2?.state.kind).toBe('rona');
    expect(s.conversations.c1).toMatchObject({ queueId: 'q1', atHead: true, phase: { kind: 'queued' } });
    expect(d.effects).toContainEqual({
      kind: 'transferNotAccepted',
      conversationId: 'c1',
      agentId: 'a2',
      outcome: 'returnedToQueue',
    });
    s = step(
      s,
      { type: 'agent.stateRequested', agentId: 'a3', to: { kind: 'available' } },
      offer.expiresAt + 1,
    );
    expect(s.conversations.c1?.phase).toMatchObject({ kind: 'offered', agentId: 'a3' });
    expect(s.conversations.cOld?.phase.kind).toBe('queued');
    // Once taken, the head mark is gone.
    s = step(s, { type: 'offer.acceptRequested', agentId: 'a3', offerId: pendingOfferOf(s, 'a3')!.id });
    expect(s.conversations.c1?.atHead).toBeUndefined();
  });

  it('[S-17] under the endConversation policy a lapsed transfer closes the conversation; the transferrer still wraps up', () => {
    let s = owned([agent('a2')]);
    s = step(s, transfer({ kind: 'agent', agentId: 'a2' }, 'endConversation'), T0 + 10);
    const offer = pendingOfferOf(s, 'a2')!;
    const d = ok(decide(s, { type: 'offer.deadlinePassed', offerId: offer.id }, offer.expiresAt));
    s = d.state;
    expect(s.conversations.c1?.phase).toEqual({
      kind: 'closed',
      ownerId: null,
      closedAt: offer.expiresAt,
      wrapUpReasonId: null,
    });
    expect(d.effects).toContainEqual(
      expect.objectContaining({ kind: 'transferNotAccepted', outcome: 'ended' }),
    );
    expect(agentLoad(s, 'a1')).toBe(1);
    s = step(s, wrapUp('a1'), offer.expiresAt + 1);
    expect(agentLoad(s, 'a1')).toBe(0);
  });

  it('[S-15] transfer to an agent not Available, at capacity, unknown, or oneself is refused and the conversation stays', () => {
    const s = owned([agent('idle'), agent('full', { capacity: 0 }), agent('a2')]);
    const idleState = step(s, {
      type: 'agent.stateRequested',
      agentId: 'idle',
      to: { kind: 'idle', idleCodeId: 'x' },
    });
    for (const agentId of ['idle', 'full', 'nobody', 'a1']) {
      expect(decide(idleState, transfer({ kind: 'agent', agentId }), T0 + 10)).toEqual({
        kind: 'rejected',
        rejection: 'TRANSFER_TARGET_UNAVAILABLE',
      });
    }
    expect(decide(s, transfer({ kind: 'queue', queueId: 'deleted' }), T0 + 10)).toEqual({
      kind: 'rejected',
      rejection: 'TRANSFER_TARGET_UNAVAILABLE',
    });
    expect(s.conversations.c1?.phase).toMatchObject({ kind: 'active', ownerId: 'a1' });
  });

  it('[S-14] only the owner may transfer; a second (double-clicked) transfer is refused', () => {
    let s = owned([agent('a2')]);
    expect(
      decide(s, { ...transfer({ kind: 'queue', queueId: 'q2' }), agentId: 'a2' } as RoutingEvent, T0 + 5),
    ).toEqual({
      kind: 'rejected',
      rejection: 'NOT_CONVERSATION_OWNER',
    });
    s = step(s, transfer({ kind: 'queue', queueId: 'q2' }), T0 + 10);
    expect(decide(s, transfer({ kind: 'queue', queueId: 'q2' }), T0 + 10)).toEqual({
      kind: 'rejected',
      rejection: 'NOT_CONVERSATION_OWNER',
    });
  });

  it('[S-18] the agent who transferred is never offered the same conversation back while in its wrap-up', () => {
    let s = owned([], [queue('q1')]);
    s = step(s, transfer({ kind: 'queue', queueId: 'q1' }), T0 + 10);
    expect(s.conversations.c1?.phase.kind).toBe('queued'); // a1 is free (1 of 2) but left it
    s = step(s, wrapUp('a1'), T0 + 20);
    expect(s.conversations.c1?.phase).toMatchObject({ kind: 'offered', agentId: 'a1' });
  });
});

describe('conference', () => {
  it('[S-19] a conference to a queue: its strategy picks a free member who is not the owner', () => {
    let s = owned([agent('a2', { queueIds: ['q2'] }), agent('a3', { queueIds: ['q2'], capacity: 0 })]);
    s = { ...s, agents: { ...s.agents, a1: { ...s.agents.a1!, queueIds: ['q1', 'q2'] } } };
    s = step(s, conference({ kind: 'queue', queueId: 'q2' }), T0 + 10);
    const offer = pendingOfferOf(s, 'a2');
    expect(offer?.purpose).toEqual({ kind: 'conference', fromAgentId: 'a1' });
    expect(s.conversations.c1?.phase).toEqual({
      kind: 'active',
      ownerId: 'a1',
      acceptedAt: T0 + 1,
      guest: { kind: 'requested', agentId: 'a2', offerId: offer!.id },
    });
    expect(agentLoad(s, 'a2')).toBe(1);
  });

  it('[S-19] a conference to a queue with nobody free (or an unknown queue) is refused', () => {
    const s = owned([agent('a2', { queueIds: ['q2'] })]);
    const busy = step(s, {
      type: 'agent.stateRequested',
      agentId: 'a2',
      to: { kind: 'idle', idleCodeId: 'x' },
    });
    expect(decide(busy, conference({ kind: 'queue', queueId: 'q2' }), T0 + 10)).toEqual({
      kind: 'rejected',
      rejection: 'TRANSFER_TARGET_UNAVAILABLE',
    });
    expect(decide(s, conference({ kind: 'queue', queueId: 'nope' }), T0 + 10)).toEqual({
      kind: 'rejected',
      rejection: 'TRANSFER_TARGET_UNAVAILABLE',
    });
  });

  it('[S-20] accepting joins the guest: both hold it, both capacities count it, and the join is announced', () => {
    let s = owned([agent('a2')]);
    s = step(s, conference({ kind: 'agent', agentId: 'a2' }), T0 + 3);
    const offer = pendingOfferOf(s, 'a2')!;
    const d = ok(decide(s, { type: 'offer.acceptRequested', agentId: 'a2', offerId: offer.id }, T0 + 4));
    expect(d.effects).toContainEqual({
      kind: 'conferenceJoined',
      conversationId: 'c1',
      ownerId: 'a1',
      guestId: 'a2',
    });
    expect(d.effects).toContainEqual({ kind: 'timerCancelled', key: offerTimerKey(offer.id) });
    expect(d.state.conversations.c1?.phase).toMatchObject({
      guest: { kind: 'joined', agentId: 'a2', joinedAt: T0 + 4 },
    });
    expect(agentLoad(d.state, 'a1')).toBe(1);
    expect(agentLoad(d.state, 'a2')).toBe(1);
  });

  it('[S-19] a lapsed conference request puts the asked agent in RONA, is dropped and the owner is told', () => {
    let s = owned([agent('a2')]);
    s = step(s, conference({ kind: 'agent', agentId: 'a2' }), T0 + 3);
    const offer = pendingOfferOf(s, 'a2')!;
    const d = ok(decide(s, { type: 'offer.deadlinePassed', offerId: offer.id }, offer.expiresAt));
    s = d.state;
    expect(s.agents.a2?.state.kind).toBe('rona');
    expect(s.conversations.c1?.phase).toEqual({ kind: 'active', ownerId: 'a1', acceptedAt: T0 + 1 });
    expect(d.effects).toContainEqual({
      kind: 'conferenceRequestDropped',
      conversationId: 'c1',
      ownerId: 'a1',
      agentId: 'a2',
      reason: 'lapsed',
    });
    expect(agentLoad(s, 'a2')).toBe(0);
  });

  it('[S-17] a declined transfer is dropped like a lapsed one: RONA for the target, the customer back at the head', () => {
    let s = owned([agent('a2')]);
    s = step(s, transfer({ kind: 'agent', agentId: 'a2' }), T0 + 10);
    const offer = pendingOfferOf(s, 'a2')!;
    expect(decide(s, { type: 'offer.declineRequested', agentId: 'a1', offerId: offer.id }, T0 + 11)).toEqual({
      kind: 'rejected',
      rejection: 'NOT_OFFER_RECIPIENT',
    });
    const d = ok(decide(s, { type: 'offer.declineRequested', agentId: 'a2', offerId: offer.id }, T0 + 12));
    expect(d.state.offers[offer.id]?.status).toEqual({ kind: 'declined', at: T0 + 12 });
    expect(d.state.agents.a2?.state.kind).toBe('rona');
    expect(d.state.conversations.c1).toMatchObject({ atHead: true, phase: { kind: 'queued' } });
    expect(d.effects).toContainEqual({ kind: 'timerCancelled', key: offerTimerKey(offer.id) });
    expect(d.effects).toContainEqual({
      kind: 'transferNotAccepted',
      conversationId: 'c1',
      agentId: 'a2',
      outcome: 'returnedToQueue',
    });
    // Declining twice, or after the deadline, is refused.
    expect(
      decide(d.state, { type: 'offer.declineRequested', agentId: 'a2', offerId: offer.id }, T0 + 13),
    ).toEqual({ kind: 'rejected', rejection: 'OFFER_NOT_PENDING' });
  });

  it('[S-19] a declined conference request is dropped and the owner is told it was declined', () => {
    let s = owned([agent('a2')]);
    s = step(s, conference({ kind: 'agent', agentId: 'a2' }), T0 + 3);
    const offer = pendingOfferOf(s, 'a2')!;
    const d = ok(decide(s, { type: 'offer.declineRequested', agentId: 'a2', offerId: offer.id }, T0 + 5));
    expect(d.state.conversations.c1?.phase).toEqual({ kind: 'active', ownerId: 'a1', acceptedAt: T0 + 1 });
    expect(d.effects).toContainEqual({
      kind: 'conferenceRequestDropped',
      conversationId: 'c1',
      ownerId: 'a1',
      agentId: 'a2',
      reason: 'declined',
    });
    expect(agentLoad(d.state, 'a2')).toBe(0);
  });

  it('[S-19] one conference at a time, and no transfer while one is open', () => {
    const s = inConference();
    expect(decide(s, conference({ kind: 'queue', queueId: 'q1' }), T0 + 5)).toEqual({
      kind: 'rejected',
      rejection: 'CONFERENCE_ALREADY_OPEN',
    });
    expect(decide(s, transfer({ kind: 'queue', queueId: 'q2' }), T0 + 5)).toEqual({
      kind: 'rejected',
      rejection: 'CONFERENCE_ALREADY_OPEN',
    });
  });

  it('[S-21][S-23] the owner ends the conference: the guest leaves and wraps up; the owner goes on', () => {
    let s = inConference();
    const d = ok(
      decide(s, { type: 'conference.endRequested', agentId: 'a1', conversationId: 'c1' }, T0 + 10),
    );
    s = d.state;
    expect(d.effects).toContainEqual({ kind: 'guestLeft', conversationId: 'c1', agentId: 'a2' });
    expect(s.conversations.c1?.phase).toEqual({ kind: 'active', ownerId: 'a1', acceptedAt: T0 + 1 });
    expect(s.conversations.c1?.departed).toEqual([
      { agentId: 'a2', role: 'guest', queueId: 'q1', acceptedAt: T0 + 4, endedAt: T0 + 10 },
    ]);
    expect(agentLoad(s, 'a2')).toBe(1);
    s = step(s, wrapUp('a2'), T0 + 20);
    expect(agentLoad(s, 'a2')).toBe(0);
    expect(s.conversations.c1?.phase.kind).toBe('active');
    expect(
      decide(s, { type: 'conference.endRequested', agentId: 'a1', conversationId: 'c1' }, T0 + 30),
    ).toEqual({
      kind: 'rejected',
      rejection: 'NO_CONFERENCE',
    });
  });

  it('[S-21] only the owner may end the conference, transfer or ask for another guest', () => {
    const s = inConference();
    for (const event of [
      { type: 'conference.endRequested', agentId: 'a2', conversationId: 'c1' },
      { ...transfer({ kind: 'queue', queueId: 'q2' }), agentId: 'a2' },
      conference({ kind: 'queue', queueId: 'q1' }, 'a2'),
      { type: 'conversation.endRequested', agentId: 'a2', conversationId: 'c1' },
      { type: 'conference.endRequested', agentId: 'stranger', conversationId: 'c1' },
    ] as RoutingEvent[]) {
      expect(decide(s, event, T0 + 10)).toEqual({ kind: 'rejected', rejection: 'NOT_CONVERSATION_OWNER' });
    }
  });

  it('[S-22][S-23] the guest exits: they wrap up, owner and customer go on; only the guest may exit', () => {
    let s = inConference();
    for (const agentId of ['a1', 'stranger']) {
      expect(decide(s, { type: 'conference.exitRequested', agentId, conversationId: 'c1' }, T0 + 10)).toEqual(
        {
          kind: 'rejected',
          rejection: 'NOT_CONFERENCE_GUEST',
        },
      );
    }
    s = step(s, { type: 'conference.exitRequested', agentId: 'a2', conversationId: 'c1' }, T0 + 10);
    expect(s.conversations.c1?.phase).toMatchObject({ kind: 'active', ownerId: 'a1' });
    expect(s.conversations.c1?.phase).not.toHaveProperty('guest');
    expect(s.conversations.c1?.departed?.map((p) => p.agentId)).toEqual(['a2']);
    expect(
      decide(s, { type: 'conference.exitRequested', agentId: 'a2', conversationId: 'c1' }, T0 + 11),
    ).toEqual({
      kind: 'rejected',
      rejection: 'NOT_CONFERENCE_GUEST',
    });
  });

  it('[S-23] the owner ends the conversation during a conference: both wrap up, each with their own timer', () => {
    const q1 = queue('q1', { autoWrapUpMs: 5_000, defaultWrapUpReasonId: 'auto' });
    let s = inConference([q1, queue('q2')]);
    const d = ok(
      decide(s, { type: 'conversation.endRequested', agentId: 'a1', conversationId: 'c1' }, T0 + 10),
    );
    s = d.state;
    expect(s.conversations.c1?.phase).toMatchObject({ kind: 'wrapUp', ownerId: 'a1' });
    expect(s.conversations.c1?.departed?.map((p) => p.agentId)).toEqual(['a2']);
    const armed = d.effects.flatMap((e) => (e.kind === 'timerArmed' ? [e.timer.key] : []));
    expect(armed.sort()).toEqual([wrapUpTimerKey('c1'), wrapUpTimerKey('c1', 'a2')].sort());
    // The owner wraps up first: the conversation closes, the guest still owes theirs.
    s = step(s, wrapUp('a1'), T0 + 20);
    expect(s.conversations.c1?.phase.kind).toBe('closed');
    expect(agentLoad(s, 'a2')).toBe(1);
    s = step(s, { type: 'wrapUp.deadlinePassed', conversationId: 'c1', agentId: 'a2' }, T0 + 5_010);
    expect(agentLoad(s, 'a2')).toBe(0);
    expect(agentLoad(s, 'a1')).toBe(0);
  });

  it('[S-21] ending the conference while it is only requested withdraws the request (no RONA)', () => {
    let s = owned([agent('a2')]);
    s = step(s, conference({ kind: 'agent', agentId: 'a2' }), T0 + 3);
    const offer = pendingOfferOf(s, 'a2')!;
    const d = ok(decide(s, { type: 'conference.endRequested', agentId: 'a1', conversationId: 'c1' }, T0 + 5));
    expect(d.state.offers[offer.id]?.status).toEqual({ kind: 'rescinded', at: T0 + 5 });
    expect(d.state.agents.a2?.state.kind).toBe('available');
    expect(d.state.conversations.c1?.phase).not.toHaveProperty('guest');
  });

  it('a guest who stays disconnected past the grace leaves the conference; the owner keeps it', () => {
    let s = inConference();
    s = step(s, { type: 'agent.disconnected', agentId: 'a2', graceMs: 1_000 }, T0 + 10);
    s = step(s, { type: 'agent.disconnectGraceEnded', agentId: 'a2', disconnectedAt: T0 + 10 }, T0 + 1_010);
    expect(s.conversations.c1?.phase).toEqual({ kind: 'active', ownerId: 'a1', acceptedAt: T0 + 1 });
    expect(s.conversations.c1?.departed?.map((p) => p.agentId)).toEqual(['a2']);
  });

  it('an owner who stays disconnected past the grace takes the guest out too; the customer waits again', () => {
    let s = inConference();
    s = step(s, { type: 'agent.disconnected', agentId: 'a1', graceMs: 1_000 }, T0 + 10);
    s = step(s, { type: 'agent.disconnectGraceEnded', agentId: 'a1', disconnectedAt: T0 + 10 }, T0 + 1_010);
    // a2 left the conversation (owes a wrap-up), so it is not offered back to a2.
    expect(s.conversations.c1?.phase.kind).toBe('queued');
    expect(s.conversations.c1?.departed?.map((p) => p.agentId)).toEqual(['a2']);
  });
});
