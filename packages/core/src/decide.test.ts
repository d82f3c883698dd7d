import { describe, expect, it } from 'vitest';
import {
  canSignOut,
  decide,
  graceTimerKey,
  maxWaitTimerKey,
  offerTimerKey,
  wrapUpTimerKey,
  type Decision,
  type RoutingEvent,
} from './decide.ts';
import type { Agent, RoutingState } from './model.ts';
import { agentLoad } from './world.ts';

const T0 = 1_700_000_000_000;

function agent(id: string, overrides: Partial<Agent> = {}): Agent {
  return {
    id,
    state: { kind: 'available', since: T0 },
    capacity: 5,
    queueIds: ['q1'],
    lastOfferedAt: null,
    ...overrides,
  };
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

const arrive = (id: string, at = T0): RoutingEvent => ({
  type: 'conversation.arrived',
  conversationId: id,
  queueId: 'q1',
  receivedAt: at,
});

describe('routing core', () => {
  it('[S-3] offers a new conversation to an Available agent, with a deadline timer', () => {
    const d = ok(decide(world([agent('a1')]), arrive('c1'), T0));
    const offer = Object.values(d.state.offers)[0];
    expect(offer).toMatchObject({
      agentId: 'a1',
      conversationId: 'c1',
      expiresAt: T0 + 30_000,
      status: { kind: 'pending' },
    });
    expect(d.state.conversations.c1?.phase).toEqual({ kind: 'offered', offerId: offer?.id, agentId: 'a1' });
    expect(d.effects).toContainEqual({
      kind: 'timerArmed',
      timer: {
        key: offerTimerKey(offer!.id),
        dueAt: T0 + 30_000,
        event: { type: 'offer.deadlinePassed', offerId: offer!.id },
      },
    });
  });

  it('[S-3] an Idle agent is never offered work', () => {
    const d = ok(
      decide(
        world([agent('a1', { state: { kind: 'idle', idleCodeId: 'lunch', since: T0 } })]),
        arrive('c1'),
        T0,
      ),
    );
    expect(Object.keys(d.state.offers)).toHaveLength(0);
    expect(d.state.conversations.c1?.phase.kind).toBe('queued');
  });

  it('[S-3] a conversation waiting in the queue is offered when an agent becomes Available', () => {
    const idle = world([agent('a1', { state: { kind: 'idle', idleCodeId: 'lunch', since: T0 } })]);
    const queued = ok(decide(idle, arrive('c1'), T0)).state;
    const d = ok(
      decide(queued, { type: 'agent.stateRequested', agentId: 'a1', to: { kind: 'available' } }, T0 + 5),
    );
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
    const s = ok(
      decide(
        world([agent('a1'), agent('a2', { state: { kind: 'idle', idleCodeId: 'x', since: T0 } })]),
        arrive('c1'),
        T0,
      ),
    ).state;
    const offerId = Object.keys(s.offers)[0]!;
    expect(decide(s, { type: 'offer.acceptRequested', agentId: 'a2', offerId }, T0)).toEqual({
      kind: 'rejected',
      rejection: 'NOT_OFFER_RECIPIENT',
    });
    const accepted = ok(decide(s, { type: 'offer.acceptRequested', agentId: 'a1', offerId }, T0)).state;
    expect(decide(accepted, { type: 'offer.acceptRequested', agentId: 'a1', offerId }, T0)).toEqual({
      kind: 'rejected',
      rejection: 'OFFER_NOT_PENDING',
    });
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
    s = ok(
      decide(s, { type: 'agent.stateRequested', agentId: 'a1', to: { kind: 'available' } }, T0 + 70_000),
    ).state;
    expect(s.agents.a1?.state.kind).toBe('available');
  });

  it("[S-4] a RONA'd conversation keeps its place at the head of the queue", () => {
    let s = world([
      agent('a1', { capacity: 1 }),
      agent('a2', { capacity: 1, state: { kind: 'idle', idleCodeId: 'x', since: T0 } }),
    ]);
    s = ok(decide(s, arrive('c1', T0), T0)).state;
    s = ok(decide(s, arrive('c2', T0 + 1), T0 + 1)).state; // waits: a1 is full
    const offerId = Object.keys(s.offers)[0]!;
    s = ok(decide(s, { type: 'offer.deadlinePassed', offerId }, T0 + 30_000)).state;
    s = ok(
      decide(s, { type: 'agent.stateRequested', agentId: 'a2', to: { kind: 'available' } }, T0 + 30_001),
    ).state;
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
    s = ok(
      decide(s, { type: 'conversation.endRequested', agentId: 'a1', conversationId: 'c1' }, T0 + 10),
    ).state;
    expect(s.conversations.c1?.phase.kind).toBe('wrapUp');
    expect(s.conversations.c2?.phase.kind).toBe('queued'); // wrap-up still counts against capacity
    s = ok(
      decide(s, { type: 'wrapUp.submitted', agentId: 'a1', conversationId: 'c1', reasonId: 'r1' }, T0 + 20),
    ).state;
    expect(s.conversations.c1?.phase).toEqual({
      kind: 'closed',
      ownerId: 'a1',
      closedAt: T0 + 20,
      wrapUpReasonId: 'r1',
    });
    expect(s.conversations.c2?.phase).toMatchObject({ kind: 'offered', agentId: 'a1' });
  });

  it('only the owner may end or wrap up a conversation', () => {
    let s = ok(
      decide(
        world([agent('a1'), agent('a2', { state: { kind: 'idle', idleCodeId: 'x', since: T0 } })]),
        arrive('c1'),
        T0,
      ),
    ).state;
    const offerId = Object.keys(s.offers)[0]!;
    s = ok(decide(s, { type: 'offer.acceptRequested', agentId: 'a1', offerId }, T0)).state;
    expect(decide(s, { type: 'conversation.endRequested', agentId: 'a2', conversationId: 'c1' }, T0)).toEqual(
      { kind: 'rejected', rejection: 'NOT_CONVERSATION_OWNER' },
    );
    expect(
      decide(s, { type: 'wrapUp.submitted', agentId: 'a1', conversationId: 'c1', reasonId: 'r' }, T0),
    ).toEqual({ kind: 'rejected', rejection: 'CONVERSATION_NOT_IN_WRAP_UP' });
  });

  it('[S-4] a conversation RONAs any number of times and each lapsed agent waits its turn', () => {
    let s = world([
      agent('a1', { state: { kind: 'available', since: T0 - 3 } }),
      agent('a2', { state: { kind: 'available', since: T0 - 2 } }),
      agent('a3', { state: { kind: 'available', since: T0 - 1 } }),
    ]);
    s = ok(decide(s, arrive('c1'), T0)).state;
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const phase = s.conversations.c1?.phase;
      if (phase?.kind !== 'offered') throw new Error('not offered');
      seen.push(phase.agentId);
      s = ok(
        decide(s, { type: 'offer.deadlinePassed', offerId: phase.offerId }, T0 + 30_000 * (i + 1)),
      ).state;
    }
    expect(seen).toEqual(['a1', 'a2', 'a3']);
    expect(s.conversations.c1?.phase.kind).toBe('queued'); // everyone is in RONA now
    s = ok(
      decide(s, { type: 'agent.stateRequested', agentId: 'a1', to: { kind: 'available' } }, T0 + 100_000),
    ).state;
    // Only a1 could take it, so the lapsed agent is offered it again.
    expect(s.conversations.c1?.phase).toMatchObject({ kind: 'offered', agentId: 'a1' });
    expect(s.conversations.c1?.lapsedAgentIds).toEqual(['a1', 'a2', 'a3']);
  });

  it('[S-4] a supervisor may bring an agent back from RONA', () => {
    let s = ok(decide(world([agent('a1')]), arrive('c1'), T0)).state;
    s = ok(
      decide(s, { type: 'offer.deadlinePassed', offerId: Object.keys(s.offers)[0]! }, T0 + 30_000),
    ).state;
    const d = ok(
      decide(
        s,
        {
          type: 'agent.stateRequested',
          agentId: 'a1',
          to: { kind: 'available' },
          by: { kind: 'supervisor', supervisorId: 's1' },
        },
        T0 + 31_000,
      ),
    );
    expect(d.state.agents.a1?.state.kind).toBe('available');
  });

  it('several offers to one agent can be pending at once, up to capacity', () => {
    let s = world([agent('a1', { capacity: 2 })]);
    for (const id of ['c1', 'c2', 'c3']) s = ok(decide(s, arrive(id), T0)).state;
    expect(
      Object.values(s.offers)
        .filter((o) => o.status.kind === 'pending')
        .map((o) => o.conversationId),
    ).toEqual(['c1', 'c2']);
    expect(s.conversations.c3?.phase.kind).toBe('queued');
  });

  it('[S-3] a higher-priority queue is served first; FIFO by arrival within it', () => {
    const base = world([
      agent('a1', {
        capacity: 1,
        queueIds: ['q1', 'vip'],
        state: { kind: 'idle', idleCodeId: 'x', since: T0 },
      }),
    ]);
    let s: RoutingState = {
      ...base,
      queues: {
        ...base.queues,
        vip: { id: 'vip', priority: 0, offerTimeoutMs: 30_000, strategy: 'leastBusy' },
      },
    };
    s = ok(decide(s, arrive('old', T0), T0)).state;
    s = ok(
      decide(
        s,
        { type: 'conversation.arrived', conversationId: 'v2', queueId: 'vip', receivedAt: T0 + 20 },
        T0 + 20,
      ),
    ).state;
    s = ok(
      decide(
        s,
        { type: 'conversation.arrived', conversationId: 'v1', queueId: 'vip', receivedAt: T0 + 10 },
        T0 + 21,
      ),
    ).state;
    s = ok(
      decide(s, { type: 'agent.stateRequested', agentId: 'a1', to: { kind: 'available' } }, T0 + 30),
    ).state;
    expect(s.conversations.v1?.phase.kind).toBe('offered');
    expect(s.conversations.v2?.phase.kind).toBe('queued');
    expect(s.conversations.old?.phase.kind).toBe('queued');
  });

  it('least busy picks the agent with the fewest conversations', () => {
    const base = world([agent('a1', { state: { kind: 'available', since: T0 - 10 } }), agent('a2')]);
    let s: RoutingState = { ...base, queues: { q1: { ...base.queues.q1!, strategy: 'leastBusy' } } };
    s = ok(decide(s, arrive('c1'), T0)).state; // a1: longest available at equal load
    s = ok(decide(s, arrive('c2'), T0 + 1)).state;
    expect(s.conversations.c1?.phase).toMatchObject({ agentId: 'a1' });
    expect(s.conversations.c2?.phase).toMatchObject({ agentId: 'a2' });
  });

  it('a disconnect rescinds pending offers at once and re-routes them; a disconnected agent gets no work', () => {
    let s = world([
      agent('a1', { state: { kind: 'available', since: T0 - 10 } }),
      agent('a2', { capacity: 1 }),
    ]);
    s = ok(decide(s, arrive('c1'), T0)).state;
    const offerId = Object.keys(s.offers)[0]!;
    const d = ok(decide(s, { type: 'agent.disconnected', agentId: 'a1', graceMs: 60_000 }, T0 + 5));
    expect(d.state.offers[offerId]?.status).toEqual({ kind: 'rescinded', at: T0 + 5 });
    expect(d.effects).toContainEqual({ kind: 'timerCancelled', key: offerTimerKey(offerId) });
    expect(d.state.conversations.c1?.phase).toMatchObject({ kind: 'offered', agentId: 'a2' });
    expect(d.state.conversations.c1?.lapsedAgentIds).toEqual([]); // rescinded is not RONA
    expect(d.state.agents.a1?.state.kind).toBe('available');
    s = ok(decide(d.state, arrive('c2', T0 + 6), T0 + 6)).state;
    expect(s.conversations.c2?.phase.kind).toBe('queued'); // a2 is full, a1 is gone
    s = ok(decide(s, { type: 'agent.reconnected', agentId: 'a1' }, T0 + 7)).state;
    expect(s.conversations.c2?.phase).toMatchObject({ kind: 'offered', agentId: 'a1' });
    expect(s.agents.a1).not.toHaveProperty('disconnectedAt');
  });

  it('an owner who stays away past the grace loses their active conversations to the head of the queue', () => {
    let s = world([
      agent('a1', { state: { kind: 'available', since: T0 - 10 } }),
      agent('a2', { capacity: 1 }),
    ]);
    s = ok(decide(s, arrive('c1', T0), T0)).state;
    s = ok(
      decide(
        s,
        {
          type: 'offer.acceptRequested',
          agentId: 'a1',
          offerId: s.conversations.c1?.phase.kind === 'offered' ? s.conversations.c1.phase.offerId : '',
        },
        T0 + 1,
      ),
    ).state;
    s = ok(decide(s, arrive('c0', T0 + 2), T0 + 2)).state; // to a2, who is then full
    s = ok(decide(s, arrive('c2', T0 + 3), T0 + 3)).state; // a1 (longest available with room)
    const gone = ok(decide(s, { type: 'agent.disconnected', agentId: 'a1', graceMs: 60_000 }, T0 + 10));
    const timer = {
      key: graceTimerKey('a1'),
      dueAt: T0 + 60_010,
      event: { type: 'agent.disconnectGraceEnded', agentId: 'a1', disconnectedAt: T0 + 10 },
    };
    expect(gone.effects).toContainEqual({ kind: 'timerArmed', timer });
    expect(gone.state.conversations.c1?.phase.kind).toBe('active'); // still theirs during grace
    expect(canSignOut(gone.state, 'a1')).toBe(false);
    const d = ok(decide(gone.state, timer.event as RoutingEvent, T0 + 60_010));
    expect(d.state.conversations.c1?.phase.kind).toBe('queued');
    expect(d.state.conversations.c1?.receivedAt).toBe(T0);
    expect(d.effects).toContainEqual({
      kind: 'conversationRequeued',
      conversationId: 'c1',
      agentId: 'a1',
      reason: 'ownerDisconnected',
    });
    expect(canSignOut(d.state, 'a1')).toBe(true);
  });

  it('reconnecting within the grace cancels it; a stale grace timer does nothing', () => {
    let s = ok(decide(world([agent('a1')]), arrive('c1'), T0)).state;
    s = ok(
      decide(s, { type: 'offer.acceptRequested', agentId: 'a1', offerId: Object.keys(s.offers)[0]! }, T0 + 1),
    ).state;
    s = ok(decide(s, { type: 'agent.disconnected', agentId: 'a1', graceMs: 60_000 }, T0 + 10)).state;
    const back = ok(decide(s, { type: 'agent.reconnected', agentId: 'a1' }, T0 + 20));
    expect(back.effects).toContainEqual({ kind: 'timerCancelled', key: graceTimerKey('a1') });
    const late = ok(
      decide(
        back.state,
        { type: 'agent.disconnectGraceEnded', agentId: 'a1', disconnectedAt: T0 + 10 },
        T0 + 60_010,
      ),
    );
    expect(late.state).toBe(back.state);
  });

  it('[S-26] auto wrap-up closes a conversation left in wrap-up with the default reason', () => {
    const base = world([agent('a1', { capacity: 1 })]);
    let s: RoutingState = {
      ...base,
      queues: { q1: { ...base.queues.q1!, autoWrapUpMs: 120_000, defaultWrapUpReasonId: 'auto' } },
    };
    s = ok(decide(s, arrive('c1'), T0)).state;
    s = ok(
      decide(s, { type: 'offer.acceptRequested', agentId: 'a1', offerId: Object.keys(s.offers)[0]! }, T0 + 1),
    ).state;
    s = ok(decide(s, arrive('c2', T0 + 2), T0 + 2)).state;
    const ended = ok(
      decide(s, { type: 'conversation.endRequested', agentId: 'a1', conversationId: 'c1' }, T0 + 10),
    );
    const timer = {
      key: wrapUpTimerKey('c1'),
      dueAt: T0 + 120_010,
      event: { type: 'wrapUp.deadlinePassed', conversationId: 'c1' },
    };
    expect(ended.effects).toContainEqual({ kind: 'timerArmed', timer });
    const d = ok(decide(ended.state, timer.event as RoutingEvent, T0 + 120_010));
    expect(d.state.conversations.c1?.phase).toEqual({
      kind: 'closed',
      ownerId: 'a1',
      closedAt: T0 + 120_010,
      wrapUpReasonId: 'auto',
    });
    expect(d.state.conversations.c2?.phase).toMatchObject({ kind: 'offered', agentId: 'a1' });
    // Wrapped up by hand first: the timer is cancelled, and a late firing changes nothing.
    const byHand = ok(
      decide(
        ended.state,
        { type: 'wrapUp.submitted', agentId: 'a1', conversationId: 'c1', reasonId: 'r1' },
        T0 + 20,
      ),
    );
    expect(byHand.effects).toContainEqual({ kind: 'timerCancelled', key: wrapUpTimerKey('c1') });
    expect(ok(decide(byHand.state, timer.event as RoutingEvent, T0 + 120_010)).state).toBe(byHand.state);
  });

  it('a conversation waiting past the max wait moves to the overflow queue, keeping its arrival', () => {
    const base = world([
      agent('a1', { queueIds: ['over'], capacity: 1 }),
      agent('a2', { state: { kind: 'idle', idleCodeId: 'x', since: T0 } }),
    ]);
    let s: RoutingState = {
      ...base,
      queues: {
        q1: { ...base.queues.q1!, maxWaitMs: 60_000, overflowQueueId: 'over' },
        over: { id: 'over', priority: 5, offerTimeoutMs: 10_000, strategy: 'longestAvailable' },
      },
    };
    s = ok(
      decide(
        s,
        { type: 'conversation.arrived', conversationId: 'x', queueId: 'over', receivedAt: T0 + 5 },
        T0 + 5,
      ),
    ).state; // a1 full
    const arrived = ok(decide(s, arrive('c1', T0), T0 + 6));
    const timer = {
      key: maxWaitTimerKey('c1'),
      dueAt: T0 + 60_006,
      event: { type: 'conversation.maxWaitPassed', conversationId: 'c1', queueId: 'q1' },
    };
    expect(arrived.effects).toContainEqual({ kind: 'timerArmed', timer });
    const d = ok(decide(arrived.state, timer.event as RoutingEvent, T0 + 60_006));
    expect(d.state.conversations.c1).toMatchObject({
      queueId: 'over',
      receivedAt: T0,
      phase: { kind: 'queued' },
    });
    expect(d.effects).toContainEqual({
      kind: 'conversationOverflowed',
      conversationId: 'c1',
      fromQueueId: 'q1',
      toQueueId: 'over',
    });
    // c1 arrived before x: once a1 is free, c1 is first in the overflow queue.
    let t = ok(
      decide(d.state, { type: 'offer.acceptRequested', agentId: 'a1', offerId: 'x.o1' }, T0 + 60_010),
    ).state;
    t = ok(
      decide(t, { type: 'conversation.endRequested', agentId: 'a1', conversationId: 'x' }, T0 + 60_020),
    ).state;
    t = ok(
      decide(t, { type: 'wrapUp.submitted', agentId: 'a1', conversationId: 'x', reasonId: 'r' }, T0 + 60_030),
    ).state;
    expect(t.conversations.c1?.phase).toMatchObject({ kind: 'offered', agentId: 'a1' });
  });

  it('an agent cannot sign out while an offer is pending or a conversation is open', () => {
    let s = ok(decide(world([agent('a1')]), arrive('c1'), T0)).state;
    expect(canSignOut(s, 'a1')).toBe(false);
    s = ok(
      decide(s, { type: 'offer.acceptRequested', agentId: 'a1', offerId: Object.keys(s.offers)[0]! }, T0 + 1),
    ).state;
    s = ok(
      decide(s, { type: 'conversation.endRequested', agentId: 'a1', conversationId: 'c1' }, T0 + 2),
    ).state;
    expect(canSignOut(s, 'a1')).toBe(false);
    s = ok(
      decide(s, { type: 'wrapUp.submitted', agentId: 'a1', conversationId: 'c1', reasonId: 'r' }, T0 + 3),
    ).state;
    expect(canSignOut(s, 'a1')).toBe(true);
    expect(canSignOut(JSON.parse(JSON.stringify(s)) as RoutingState, 'a1')).toBe(true);
  });

  it('untouched records keep their identity; the state is plain data', () => {
    let s = world([agent('a1'), agent('a2', { state: { kind: 'idle', idleCodeId: 'x', since: T0 } })]);
    s = ok(decide(s, arrive('c1'), T0)).state;
    const d = ok(decide(s, arrive('c2'), T0 + 1));
    expect(d.state.agents.a2).toBe(s.agents.a2);
    expect(d.state.conversations.c1).toBe(s.conversations.c1);
    expect(d.state.queues).toBe(s.queues);
    expect(JSON.parse(JSON.stringify(d.state))).toEqual(d.state);
    expect(structuredClone(d.state)).toEqual(d.state);
  });
});

describe('[S-7][issue-18] a conversation whose number or queue was deleted before anyone accepted it', () => {
  const withdraw = (id: string): RoutingEvent => ({ type: 'conversation.withdrawn', conversationId: id });

  it('an offered one: the offer is withdrawn (never acceptable) and it closes unanswered', () => {
    const offered = ok(decide(world([agent('a1')]), arrive('c1'), T0)).state;
    const offerId = Object.keys(offered.offers)[0] ?? '';
    const d = ok(decide(offered, withdraw('c1'), T0 + 5));
    expect(d.state.offers[offerId]?.status).toEqual({ kind: 'rescinded', at: T0 + 5 });
    expect(d.state.conversations.c1?.phase).toEqual({
      kind: 'closed',
      ownerId: null,
      closedAt: T0 + 5,
      wrapUpReasonId: null,
    });
    expect(d.effects).toContainEqual({ kind: 'timerCancelled', key: offerTimerKey(offerId) });
    // Accepting it afterwards is refused; the agent is free for the next customer.
    const late = decide(d.state, { type: 'offer.acceptRequested', agentId: 'a1', offerId }, T0 + 6);
    expect(late.kind).toBe('rejected');
    const next = ok(decide(d.state, arrive('c2', T0 + 7), T0 + 7));
    expect(next.state.conversations.c2?.phase).toMatchObject({ kind: 'offered', agentId: 'a1' });
  });

  it('a queued one closes and leaves the queue; one an agent holds is left to S-7 (only End remains)', () => {
    const busy = agent('a1', { capacity: 1 });
    let s = ok(decide(world([busy]), arrive('c1'), T0)).state;
    s = ok(decide(s, { type: 'offer.acceptRequested', agentId: 'a1', offerId: 'c1.o1' }, T0 + 1)).state;
    s = ok(decide(s, arrive('c2', T0 + 2), T0 + 2)).state;
    expect(s.conversations.c2?.phase).toEqual({ kind: 'queued' });
    const d = ok(decide(s, withdraw('c2'), T0 + 3));
    expect(d.state.conversations.c2?.phase.kind).toBe('closed');
    expect(d.effects).toContainEqual({ kind: 'timerCancelled', key: maxWaitTimerKey('c2') });
    const held = ok(decide(d.state, withdraw('c1'), T0 + 4));
    expect(held.state.conversations.c1?.phase).toMatchObject({ kind: 'active', ownerId: 'a1' });
    expect(held.effects).toEqual([]);
    // When a1 ends c1, nothing of c2 is offered to them.
    let t = ok(
      decide(held.state, { type: 'conversation.endRequested', agentId: 'a1', conversationId: 'c1' }, T0 + 5),
    ).state;
    t = ok(
      decide(t, { type: 'wrapUp.submitted', agentId: 'a1', conversationId: 'c1', reasonId: 'r' }, T0 + 6),
    ).state;
    expect(Object.values(t.offers).filter((o) => o.status.kind === 'pending')).toEqual([]);
  });
});
