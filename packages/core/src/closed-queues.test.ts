import { describe, expect, it } from 'vitest';
import { decide, routeWaiting, type Decision } from './decide.ts';
import type { Agent, RoutingState } from './model.ts';

const T0 = 1_700_000_000_000;
const CLOSED = new Set(['q1']);

function agent(id: string, queueIds = ['q1']): Agent {
  return { id, state: { kind: 'available', since: T0 }, capacity: 5, queueIds, lastOfferedAt: null };
}

function world(agents: Agent[]): RoutingState {
  return {
    agents: Object.fromEntries(agents.map((a) => [a.id, a])),
    queues: {
      q1: { id: 'q1', priority: 1, offerTimeoutMs: 30_000, strategy: 'longestAvailable' },
      q2: { id: 'q2', priority: 1, offerTimeoutMs: 30_000, strategy: 'longestAvailable' },
    },
    conversations: {},
    offers: {},
  };
}

function ok(decision: Decision): Extract<Decision, { kind: 'accepted' }> {
  if (decision.kind !== 'accepted') throw new Error(`rejected: ${decision.rejection}`);
  return decision;
}

describe('closed queues (issue 18, business hours)', () => {
  it('[issue 18] a conversation arriving in a closed queue waits and is offered to nobody', () => {
    const d = ok(
      decide(
        world([agent('a1')]),
        { type: 'conversation.arrived', conversationId: 'c1', queueId: 'q1', receivedAt: T0 },
        T0,
        CLOSED,
      ),
    );
    expect(d.state.conversations.c1?.phase.kind).toBe('queued');
    expect(Object.keys(d.state.offers)).toHaveLength(0);
  });

  it('[issue 18] a free agent of a closed queue is offered nothing from it, but still from an open one', () => {
    let state = world([agent('a1', ['q1', 'q2'])]);
    state = ok(
      decide(
        state,
        { type: 'agent.stateRequested', agentId: 'a1', to: { kind: 'idle', idleCodeId: 'x' } },
        T0,
      ),
    ).state;
    state = ok(
      decide(
        state,
        { type: 'conversation.arrived', conversationId: 'c1', queueId: 'q1', receivedAt: T0 },
        T0,
        CLOSED,
      ),
    ).state;
    state = ok(
      decide(
        state,
        { type: 'conversation.arrived', conversationId: 'c2', queueId: 'q2', receivedAt: T0 + 1 },
        T0 + 1,
        CLOSED,
      ),
    ).state;
    const d = ok(
      decide(
        state,
        { type: 'agent.stateRequested', agentId: 'a1', to: { kind: 'available' } },
        T0 + 2,
        CLOSED,
      ),
    );
    expect(d.state.conversations.c1?.phase.kind).toBe('queued');
    expect(d.state.conversations.c2?.phase.kind).toBe('offered');
  });

  it('[issue 18] at opening the queue is routed again and its waiting conversation is offered', () => {
    let state = world([agent('a1')]);
    state = ok(
      decide(
        state,
        { type: 'conversation.arrived', conversationId: 'c1', queueId: 'q1', receivedAt: T0 },
        T0,
        CLOSED,
      ),
    ).state;
    // Still closed: the timer fired early (the hours changed): nothing happens.
    const early = ok(decide(state, { type: 'queue.opened', queueId: 'q1' }, T0 + 10, CLOSED));
    expect(early.state.conversations.c1?.phase.kind).toBe('queued');
    const open = ok(decide(state, { type: 'queue.opened', queueId: 'q1' }, T0 + 20));
    expect(open.state.conversations.c1?.phase).toMatchObject({ kind: 'offered', agentId: 'a1' });
  });

  it('[issue 18] routing every queue again skips the closed ones', () => {
    let state = world([agent('a1')]);
    state = ok(
      decide(
        state,
        { type: 'conversation.arrived', conversationId: 'c1', queueId: 'q1', receivedAt: T0 },
        T0,
        CLOSED,
      ),
    ).state;
    expect(routeWaiting(state, T0 + 1, CLOSED).state.conversations.c1?.phase.kind).toBe('queued');
    expect(routeWaiting(state, T0 + 1).state.conversations.c1?.phase.kind).toBe('offered');
  });
});
