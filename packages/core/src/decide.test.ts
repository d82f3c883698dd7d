import { describe, expect, it } from 'vitest';
import { decide, offerTimerKey, type Decision, type RoutingEvent } from './decide.ts';
import type { Agent, RoutingState } from './model.ts';
import { agentLoad } from './model.ts';

const T0 = 1_700_000_000_000;

function agent(id: string, overrides: Partial<Agent> = {}): Agent {
  return { id, state: { kind: 'available', since: T0 }, capacity: 5, queueIds: ['q1'], lastOfferedAt: null, ...overrides };
}

function world(agents: Agent[]): RoutingState {
  return {
    agents: Object.fromEntries(agents.map((a) => [a.id, a])),
    queues: { q1: { id: 'q1', priority: 1, offerTimeoutMs: 30_000, strategy: 'longestAvailable' } },
    conversations: {},
    offers: {},
  };
}

function ok(decision: Decision) {
  if (decision.kind !== 'accepted') throw new Error(`rejected: ${decision.rejection}`);
  return decision;
}

const arrive = (id: string, at = T0): RoutingEvent => ({ type: 'conversation.arrived', conversationId: id, queueId: 'q1', receivedAt: at });

describe('routing core', () => {
  it('[S-3] offers a new conversation to an Available agent, with a deadline timer', () => {
    const d = ok(decide(world([agent('a1')]), arrive('c1'), T0));
    const offer = Object.values(d.state.offers)[0];
    expect(offer).toMatchObject({ agentId: 'a1', conversationId: 'c1', expiresAt: T0 + 30_000, status: { kind: 'pending' } });
    expect(d.state.conversations.c1?.phase).toEqual({ kind: 'offered', offerId: offer?.id, agentId: 'a1' });
    expect(d.effects).toContainEqual({
      kind: 'timerArmed',
      timer: { key: offerTimerKey(offer!.id), dueAt: T0 + 30_000, event: { type: 'offer.deadlinePassed', offerId: offer!.id } },
    });
  });

  it('[S-3] an Idle agent is never offered work', () => {
    const d = ok(decide(world([agent('a1', { state: { kind: 'idle', idleCodeId: 'lunch', since: T0 } })]), arrive('c1'), T0));
    expect(Object.keys(d.state.offers)).toHaveLength(0);
    expect(d.state.conversations.c1?.phase.kind).toBe('queued');
  });

  it('[S-3] a conversation waiting in the queue is offered when an agent becomes Available', () => {
    const idle = world([agent('a1', { state: { kind: 'idle', idleCodeId: 'lunch', since: T0 } })]);
    const queued = ok(decide(idle, arrive('c1'), T0)).state;
    const d = ok(decide(queued, { type: 'agent.stateRequested', agentId: 'a1', to: { kind: 'available' } }, T0 + 5));
    expect(d.state.conversations.c1?.phase.kind).toBe('offered');
  });

  it('an agent at capacity is not offered more', () => {
    let s = world([agent('a1', { capacity: 1 })]);
    s = ok(decide(s, arrive('c1'), T0)).state;
    s = ok(decide(s, arrive('c2', T0 + 1), T0 + 1)).state;
    expect(s.conversations.c2?.phase.kind).toBe('queued');
    expect(agentLoad(s, 'a1')).toBe(1);
  });

  it('picks the longest available agent', () => {
    const s = world([
      agent('a1', { state: { kind: 'available', since: T0 + 10 } }),
      agent('a2', { state: { kind: 'available', since: T0 } }),
    ]);
    const d = ok(decide(s, arrive('c1'), T0 + 20));
    expect(d.state.conversations.c1?.phase).toMatchObject({ agentId: 'a2' });
  });

  it('[S-5] accept makes the agent the owner and cancels the deadline', () => {
    const s = ok(decide(world([agent('a1')]), arrive('c1'), T0)).state;
    const offerId = Object.keys(s.offers)[0]!;
    const d = ok(decide(s, { type: 'offer.acceptRequested', agentId: 'a1', offerId }, T0 + 1000));
    expect(d.state.conversations.c1?.phase).toEqual({ kind: 'active', ownerId: 'a1', acceptedAt: T0 + 1000 });
    expect(d.state.offers[offerId]?.status).toEqual({ kind: 'accepted', at: T0 + 1000 });
    expect(d.effects).toContainEqual({ kind: 'timerCancelled', key: offerTimerKey(offerId) });
  });

  it('accepting an offer made to someone else, or one no longer pending, is refused', () => {
    const s = ok(decide(world([agent('a1'), agent('a2', { state: { kind: 'idle', idleCodeId: 'x', since: T0 } })]), arrive('c1'), T0)).state;
    const offerId = Object.keys(s.offers)[0]!;
    expect(decide(s, { type: 'offer.acceptRequested', agentId: 'a2', offerId }, T0)).toEqual({ kind: 'rejected', rejection: 'NOT_OFFER_RECIPIENT' });
    const accepted = ok(decide(s, { type: 'offer.acceptRequested', agentId: 'a1', offerId }, T0)).state;
    expect(decide(accepted, { type: 'offer.acceptRequested', agentId: 'a1', offerId }, T0)).toEqual({ kind: 'rejected', rejection: 'OFFER_NOT_PENDING' });
  });

  it('[S-4] a lapsed offer puts the agent in RONA and offers the conversation to another agent', () => {
    let s = world([agent('a1', { state: { kind: 'available', since: T0 - 10 } }), agent('a2')]);
    s = ok(decide(s, arrive('c1'), T0)).state;
    const first = Object.values(s.offers)[0]!;
    expect(first.agentId).toBe('a1');
    const d = ok(decide(s, { type: 'offer.deadlinePassed', offerId: first.id }, T0 + 30_000));
    expect(d.state.agents.a1?.state).toEqual({ kind: 'rona', since: T0 + 30_000 });
    expect(d.state.offers[first.id]?.status.kind).toBe('lapsed');
    expect(d.state.conversations.c1?.phase).toMatchObject({ kind: 'offered', agentId: 'a2' });
  });

  it('[S-4] RONA is left only by the agent: the system never makes them Available again', () => {
    let s = world([agent('a1')]);
    s = ok(decide(s, arrive('c1'), T0)).state;
    const offerId = Object.keys(s.offers)[0]!;
    s = ok(decide(s, { type: 'offer.deadlinePassed', offerId }, T0 + 30_000)).state;
    // Time passes, other conversations arrive: still RONA, and nothing is offered to them.
    s = ok(decide(s, arrive('c2', T0 + 60_000), T0 + 60_000)).state;
    expect(s.agents.a1?.state.kind).toBe('rona');
    expect(Object.values(s.offers).filter((o) => o.status.kind === 'pending')).toHaveLength(0);
    s = ok(decide(s, { type: 'agent.stateRequested', agentId: 'a1', to: { kind: 'available' } }, T0 + 70_000)).state;
    expect(s.agents.a1?.state.kind).toBe('available');
  });

  it('[S-4] a RONA\'d conversation keeps its place at the head of the queue', () => {
    let s = world([agent('a1', { capacity: 1 }), agent('a2', { capacity: 1, state: { kind: 'idle', idleCodeId: 'x', since: T0 } })]);
    s = ok(decide(s, arrive('c1', T0), T0)).state;
    s = ok(decide(s, arrive('c2', T0 + 1), T0 + 1)).state; // waits: a1 is full
    const offerId = Object.keys(s.offers)[0]!;
    s = ok(decide(s, { type: 'offer.deadlinePassed', offerId }, T0 + 30_000)).state;
    s = ok(decide(s, { type: 'agent.stateRequested', agentId: 'a2', to: { kind: 'available' } }, T0 + 30_001)).state;
    // c1 arrived first and went back to the head: a2 gets c1, not c2.
    expect(s.conversations.c1?.phase).toMatchObject({ kind: 'offered', agentId: 'a2' });
    expect(s.conversations.c2?.phase.kind).toBe('queued');
  });

  it('a deadline firing after the offer was accepted changes nothing', () => {
    let s = ok(decide(world([agent('a1')]), arrive('c1'), T0)).state;
    const offerId = Object.keys(s.offers)[0]!;
    s = ok(decide(s, { type: 'offer.acceptRequested', agentId: 'a1', offerId }, T0 + 5)).state;
    const d = ok(decide(s, { type: 'offer.deadlinePassed', offerId }, T0 + 30_000));
    expect(d.state).toBe(s);
    expect(d.effects).toEqual([]);
  });

  it('[S-24] End puts the conversation in wrap-up; [S-26] wrap-up closes it and frees capacity', () => {
    let s = ok(decide(world([agent('a1', { capacity: 1 })]), arrive('c1'), T0)).state;
    const offerId = Object.keys(s.offers)[0]!;
    s = ok(decide(s, { type: 'offer.acceptRequested', agentId: 'a1', offerId }, T0 + 5)).state;
    s = ok(decide(s, arrive('c2', T0 + 6), T0 + 6)).state;
    expect(s.conversations.c2?.phase.kind).toBe('queued');
    s = ok(decide(s, { type: 'conversation.endRequested', agentId: 'a1', conversationId: 'c1' }, T0 + 10)).state;
    expect(s.conversations.c1?.phase.kind).toBe('wrapUp');
    expect(s.conversations.c2?.phase.kind).toBe('queued'); // wrap-up still counts against capacity
    s = ok(decide(s, { type: 'wrapUp.submitted', agentId: 'a1', conversationId: 'c1', reasonId: 'r1' }, T0 + 20)).state;
    expect(s.conversations.c1?.phase).toEqual({ kind: 'closed', ownerId: 'a1', closedAt: T0 + 20, wrapUpReasonId: 'r1' });
    expect(s.conversations.c2?.phase).toMatchObject({ kind: 'offered', agentId: 'a1' });
  });

  it('only the owner may end or wrap up a conversation', () => {
    let s = ok(decide(world([agent('a1'), agent('a2', { state: { kind: 'idle', idleCodeId: 'x', since: T0 } })]), arrive('c1'), T0)).state;
    const offerId = Object.keys(s.offers)[0]!;
    s = ok(decide(s, { type: 'offer.acceptRequested', agentId: 'a1', offerId }, T0)).state;
    expect(decide(s, { type: 'conversation.endRequested', agentId: 'a2', conversationId: 'c1' }, T0)).toEqual({ kind: 'rejected', rejection: 'NOT_CONVERSATION_OWNER' });
    expect(decide(s, { type: 'wrapUp.submitted', agentId: 'a1', conversationId: 'c1', reasonId: 'r' }, T0)).toEqual({ kind: 'rejected', rejection: 'CONVERSATION_NOT_IN_WRAP_UP' });
  });
});
