import type { Agent, RoutingStrategy } from './model.ts';

/** A candidate agent with what the strategies rank on. */
export interface Candidate {
  readonly agent: Agent;
  readonly load: number;
}

/**
 * Picks one agent among eligible candidates (all Available, with spare capacity, members of the
 * queue). Pure; ties broken by id so the choice is deterministic.
 */
export type Strategy = (candidates: readonly Candidate[]) => Candidate | undefined;

/** When the agent became free for work: the later of entering Available and the last offer. */
function availableSince(agent: Agent): number {
  return Math.max(agent.state.since, agent.lastOfferedAt ?? Number.NEGATIVE_INFINITY);
}

function pickMin(candidates: readonly Candidate[], key: (c: Candidate) => number): Candidate | undefined {
  let best: Candidate | undefined;
  for (const candidate of candidates) {
    if (best === undefined) {
      best = candidate;
      continue;
    }
    const a = key(candidate);
    const b = key(best);
    if (a < b || (a === b && candidate.agent.id < best.agent.id)) best = candidate;
  }
  return best;
}

/** Webex's default: the agent who has waited longest for work. */
export const longestAvailable: Strategy = (candidates) => pickMin(candidates, (c) => availableSince(c.agent));

/** The agent with the fewest conversations; among equals, the longest available. */
export const leastBusy: Strategy = (candidates) =>
  pickMin(candidates, (c) => c.load * 1e15 + availableSince(c.agent));

export const strategies: Readonly<Record<RoutingStrategy, Strategy>> = { longestAvailable, leastBusy };
