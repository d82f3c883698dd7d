import { describe, expect, it } from 'vitest';
import { decide, type RoutingEffect, type RoutingEvent, type Timer } from './decide.ts';
import type { Agent, RoutingState } from './model.ts';
import { seededRandom } from './seeded-random.ts';
import { agentLoad } from './world.ts';

/**
 * Sticky agent (issue 15, "a returning customer"), proven in a seeded simulation: returning
 * customers arrive with the agent who last served them; agents take breaks and come back; every
 * timer fires. After every step: a kept conversation is offered to nobody but its last agent, and
 * to everyone once its time is up — never later; no agent is left free while something waits that
 * they may take (the kept ones included).
 */

const T0 = 1_700_000_000_000;
const MINUTE = 60_000;
const STICKY_MS = 2 * MINUTE;

interface Armed {
  readonly timer: Timer;
  readonly seq: number;
}

function simulate(seed: number, stickyAgentMs: number | undefined) {
  const rand = seededRandom(seed);
  const agentIds = ['a0', 'a1', 'a2', 'a3', 'a4'];
  const agents: Record<string, Agent> = {};
  for (const id of agentIds)
    agents[id] = {
      id,
      state: { kind: 'available', since: T0 },
      capacity: 1 + Math.floor(rand() * 2),
      queueIds: ['q1'],
      lastOfferedAt: null,
    };
  let state: RoutingState = {
    agents,
    queues: {
      q1: {
        id: 'q1',
        priority: 1,
        offerTimeoutMs: 30_000,
        strategy: 'longestAvailable',
        ...(stickyAgentMs === undefined ? {} : { stickyAgentMs }),
      },
    },
    conversations: {},
    offers: {},
  };
  const timers = new Map<string, Armed>();
  type Step = { at: number; seq: number; event: RoutingEvent; timerKey?: string };
  const agenda: Step[] = [];
  let seq = 0;
  const push = (at: number, event: RoutingEvent, timerKey?: string) =>
    agenda.push({ at, seq: seq++, event, ...(timerKey === undefined ? {} : { timerKey }) });
  const lastAgent = new Map<string, string>();
  /** Returning customers' conversations and the agent who last served them. */
  const expected = new Map<string, string>();
  let returning = 0;
  let backToLastAgent = 0;

  // Arrivals (a third from returning customers), breaks and returns.
  let at = T0;
  for (let i = 0; i < 150; i++) {
    at += Math.round(rand() * 2 * MINUTE);
    push(at, { type: 'conversation.arrived', conversationId: `c${i}`, queueId: 'q1', receivedAt: at });
    if (rand() < 0.3) {
      const agentId = agentIds[Math.floor(rand() * agentIds.length)] as string;
      const kind = rand() < 0.5 ? 'idle' : 'available';
      push(at + Math.round(rand() * MINUTE), {
        type: 'agent.stateRequested',
        agentId,
        to: kind === 'idle' ? { kind: 'idle', idleCodeId: 'break' } : { kind: 'available' },
      });
    }
  }
  // Everyone comes back in the end, so everything is served.
  for (const agentId of agentIds)
    push(at + 10 * MINUTE, { type: 'agent.stateRequested', agentId, to: { kind: 'available' } });

  const check = (prev: RoutingState, effects: readonly RoutingEffect[], now: number): void => {
    for (const effect of effects) {
      if (effect.kind !== 'offerMade') continue;
      const before = prev.conversations[effect.offer.conversationId];
      const preferred = before?.preferredAgentId;
      if (
        preferred !== undefined &&
        (before?.preferredUntil ?? 0) > now &&
        effect.offer.agentId !== preferred
      )
        throw new Error(
          `${effect.offer.conversationId} kept for ${preferred} offered to ${effect.offer.agentId}`,
        );
    }
    for (const c of Object.values(state.conversations)) {
      if (c.phase.kind !== 'queued') continue;
      if (c.preferredAgentId !== undefined && (c.preferredUntil ?? 0) <= now)
        throw new Error(`${c.id} still kept for ${c.preferredAgentId} after its time`);
      for (const agent of Object.values(state.agents)) {
        const free = agent.state.kind === 'available' && agentLoad(state, agent.id) < agent.capacity;
        const may = c.preferredAgentId === undefined || c.preferredAgentId === agent.id;
        if (free && may) throw new Error(`${c.id} waits while ${agent.id} is free to take it`);
      }
    }
  };

  while (agenda.length > 0) {
    agenda.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const step = agenda.shift() as Step;
    if (step.timerKey !== undefined) {
      const armed = timers.get(step.timerKey);
      if (!armed || armed.seq !== step.seq) continue; // cancelled or re-armed since
      timers.delete(step.timerKey);
    }
    let event = step.event;
    if (event.type === 'conversation.arrived' && rand() < 0.35 && lastAgent.size > 0) {
      // A returning customer: the agent who served one of the earlier conversations.
      const served = [...lastAgent.values()];
      event = { ...event, lastAgentId: served[Math.floor(rand() * served.length)] as string };
    }
    const prev = state;
    const decision = decide(state, event, step.at);
    if (decision.kind === 'rejected') continue; // e.g. an agent going idle who is already idle
    state = decision.state;
    for (const effect of decision.effects) {
      if (effect.kind === 'timerArmed') {
        const s = seq;
        push(effect.timer.dueAt, effect.timer.event, effect.timer.key);
        timers.set(effect.timer.key, { timer: effect.timer, seq: s });
      } else if (effect.kind === 'timerCancelled') timers.delete(effect.key);
    }
    check(prev, decision.effects, step.at);
    if (event.type === 'conversation.arrived' && event.lastAgentId !== undefined) {
      returning++;
      expected.set(event.conversationId, event.lastAgentId);
    }
    for (const effect of decision.effects) {
      if (effect.kind !== 'offerMade') continue;
      const { agentId, id: offerId, conversationId } = effect.offer;
      // The first offer of a returning customer's conversation: to their last agent?
      if (expected.get(conversationId) === agentId) backToLastAgent++;
      expected.delete(conversationId);
      push(step.at + Math.round(rand() * 10_000), { type: 'offer.acceptRequested', agentId, offerId });
      const done = step.at + Math.round(MINUTE + rand() * 5 * MINUTE);
      push(done, { type: 'conversation.endRequested', agentId, conversationId });
      push(done, { type: 'wrapUp.submitted', agentId, conversationId, reasonId: 'r1' });
    }
    if (event.type === 'offer.acceptRequested') {
      const c = state.conversations[state.offers[event.offerId]?.conversationId ?? ''];
      if (c) lastAgent.set(c.id, event.agentId);
    }
  }
  return { returning, backToLastAgent };
}

describe('sticky agent (issue 15): seeded simulation', () => {
  it(
    '[issue-15] a kept conversation goes only to its last agent, to anyone once its time is up, and never waits longer',
    { timeout: 60_000 },
    () => {
      for (let seed = 1; seed <= 10; seed++) {
        try {
          simulate(seed, STICKY_MS);
        } catch (error) {
          throw new Error(`seed ${seed}: ${(error as Error).message}`, { cause: error });
        }
      }
    },
  );

  it(
    '[issue-15] with the option, returning customers are offered to their last agent more often than without',
    { timeout: 60_000 },
    () => {
      let withOption = 0;
      let without = 0;
      let returning = 0;
      for (let seed = 1; seed <= 10; seed++) {
        const on = simulate(seed, STICKY_MS);
        withOption += on.backToLastAgent;
        returning += on.returning;
        without += simulate(seed, undefined).backToLastAgent;
      }
      const figures = `${returning} returning: last agent first ${withOption} with the option, ${without} without`;
      expect(withOption, figures).toBeGreaterThan(without * 1.5);
    },
  );
});
