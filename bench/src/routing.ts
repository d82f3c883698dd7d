/**
 * P5: routing decision latency (goal p99 <= 1 ms with 5,000 waiting conversations and 1,000
 * agents). Builds a loaded contact center (every agent full with active conversations, a backlog
 * waiting in 10 queues), then drives a mixed workload through `decide` — arrivals, ends,
 * wrap-ups (each frees an agent, who is offered the head of its queues), accepts, lapses (RONA,
 * back to the head of the queue) and agents coming back from RONA — timing every `decide` call.
 * Median of 3 runs, next to a bare baseline in the same process: a Map lookup plus a scan for
 * the least-loaded of N agents. Also times a decision on a state that was not indexed yet (what
 * a shell that reloads the state from rows on every event pays) and reading a record of a
 * decided state (built lazily, once). Figures, never pass/fail.
 *
 * Alone: `npx tsx bench/src/routing.ts`.
 */
import { fileURLToPath } from 'node:url';
import {
  decide,
  type Agent,
  type Conversation,
  type Queue,
  type RoutingEvent,
  type RoutingState,
} from '@parlo/core';
import { seededRandom } from '@parlo/core';

export interface RoutingBenchRow {
  scenario: string;
  p50Ms: number;
  p99Ms: number;
  decisionsPerSec: number;
}

const QUEUES = 10;
const CAPACITY = 3;
const T0 = 1_700_000_000_000;

/** Agents all full with active conversations, and `waiting` conversations queued behind them. */
function loadedState(agentCount: number, waiting: number): RoutingState {
  const queues: Record<string, Queue> = {};
  for (let q = 0; q < QUEUES; q++) {
    queues[`q${q}`] = {
      id: `q${q}`,
      priority: q % 3,
      offerTimeoutMs: 30_000,
      strategy: q % 2 === 0 ? 'longestAvailable' : 'leastBusy',
    };
  }
  const agents: Record<string, Agent> = {};
  const conversations: Record<string, Conversation> = {};
  for (let i = 0; i < agentCount; i++) {
    const id = `agent-${i}`;
    agents[id] = {
      id,
      state: { kind: 'available', since: T0 - i },
      capacity: CAPACITY,
      queueIds: [`q${i % QUEUES}`, `q${(i + 3) % QUEUES}`, `q${(i + 7) % QUEUES}`],
      lastOfferedAt: null,
    };
    for (let k = 0; k < CAPACITY; k++) {
      const cid = `busy-${i}-${k}`;
      conversations[cid] = {
        id: cid,
        queueId: `q${i % QUEUES}`,
        receivedAt: T0 - 100_000,
        offerCount: 1,
        lapsedAgentIds: [],
        phase: { kind: 'active', ownerId: id, acceptedAt: T0 - 50_000 },
      };
    }
  }
  for (let w = 0; w < waiting; w++) {
    const cid = `wait-${w}`;
    conversations[cid] = {
      id: cid,
      queueId: `q${w % QUEUES}`,
      receivedAt: T0 + w,
      offerCount: 0,
      lapsedAgentIds: [],
      phase: { kind: 'queued' },
    };
  }
  return { agents, queues, conversations, offers: {} };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

interface RunFigures {
  p50Ms: number;
  p99Ms: number;
  decisionsPerSec: number;
}

/**
 * One run of the mixed workload: `decisions` timed `decide` calls on a state that starts with
 * every agent full and `waiting` conversations queued. Arrivals roughly match closes, so the
 * backlog stays near its size.
 */
function runMixed(initial: RoutingState, decisions: number, seed: number): RunFigures {
  const rand = seededRandom(seed);
  let now = T0 + 1_000_000;
  let state = initial;
  // The driver's own bookkeeping, from effects, so it never reads the (lazily built) records.
  const active: Array<{ id: string; agentId: string }> = [];
  for (const c of Object.values(initial.conversations))
    if (c.phase.kind === 'active') active.push({ id: c.id, agentId: c.phase.ownerId });
  const pending = new Map<string, { agentId: string; conversationId: string }>();
  const rona: string[] = [];
  const times = new Float64Array(decisions);
  let n = 0;
  let arrivals = 0;
  let total = 0;

  const run = (event: RoutingEvent): void => {
    const t = performance.now();
    const decision = decide(state, event, now);
    const dt = performance.now() - t;
    if (n < decisions) times[n++] = dt;
    total += dt;
    if (decision.kind === 'rejected') throw new Error(`bench: ${event.type} rejected: ${decision.rejection}`);
    state = decision.state;
    for (const effect of decision.effects) {
      if (effect.kind === 'offerMade')
        pending.set(effect.offer.id, {
          agentId: effect.offer.agentId,
          conversationId: effect.offer.conversationId,
        });
      else if (effect.kind === 'offerEnded') pending.delete(effect.offer.id);
    }
  };

  while (n < decisions) {
    now += 1 + Math.floor(rand() * 10);
    const r = rand();
    if (pending.size > 0 && r < 0.45) {
      // Settle the oldest pending offer: mostly accepted, sometimes lapsed (RONA).
      const [offerId, offer] = pending.entries().next().value as [
        string,
        { agentId: string; conversationId: string },
      ];
      if (rand() < 0.85) {
        run({ type: 'offer.acceptRequested', agentId: offer.agentId, offerId });
        active.push({ id: offer.conversationId, agentId: offer.agentId });
      } else {
        run({ type: 'offer.deadlinePassed', offerId });
        rona.push(offer.agentId);
      }
    } else if (rona.length > 0 && r < 0.55) {
      run({ type: 'agent.stateRequested', agentId: rona.shift() ?? '', to: { kind: 'available' } });
    } else if (r < 0.75 && active.length > 0) {
      // End then wrap up a random active conversation: frees its agent, who gets the next in line.
      const i = Math.floor(rand() * active.length);
      const done = active[i];
      if (!done) continue;
      active[i] = active[active.length - 1] ?? done;
      active.pop();
      run({ type: 'conversation.endRequested', agentId: done.agentId, conversationId: done.id });
      run({ type: 'wrapUp.submitted', agentId: done.agentId, conversationId: done.id, reasonId: 'resolved' });
    } else {
      run({
        type: 'conversation.arrived',
        conversationId: `new-${seed}-${arrivals}`,
        queueId: `q${arrivals % QUEUES}`,
        receivedAt: now,
      });
      arrivals++;
    }
  }
  times.sort();
  return {
    p50Ms: percentile(times, 0.5),
    p99Ms: percentile(times, 0.99),
    decisionsPerSec: n / (total / 1000),
  };
}

/** The bare baseline: a Map lookup, then the least-loaded of `agents` by an array scan. */
function runBaseline(agents: number, ops: number): RunFigures {
  const loads = new Float64Array(agents);
  const byId = new Map<string, number>();
  for (let i = 0; i < agents; i++) byId.set(`agent-${i}`, i);
  const rand = seededRandom(7);
  for (let i = 0; i < agents; i++) loads[i] = Math.floor(rand() * 100);
  const times = new Float64Array(ops);
  let total = 0;
  for (let k = 0; k < ops; k++) {
    const t = performance.now();
    const from = byId.get(`agent-${k % agents}`) ?? 0;
    let best = from;
    for (let i = 0; i < agents; i++) if ((loads[i] ?? 0) < (loads[best] ?? 0)) best = i;
    loads[best] = (loads[best] ?? 0) + 1;
    const dt = performance.now() - t;
    times[k] = dt;
    total += dt;
  }
  times.sort();
  return {
    p50Ms: percentile(times, 0.5),
    p99Ms: percentile(times, 0.99),
    decisionsPerSec: ops / (total / 1000),
  };
}

/** `decide` on a plain state (not indexed yet), as a shell that reloads rows per event does. */
function runCold(agents: number, waiting: number, times: number): { cold: RunFigures; read: RunFigures } {
  const cold: number[] = [];
  const read: number[] = [];
  for (let k = 0; k < times; k++) {
    const plain = JSON.parse(JSON.stringify(loadedState(agents, waiting))) as RoutingState;
    let t = performance.now();
    const decision = decide(
      plain,
      { type: 'conversation.arrived', conversationId: 'cold', queueId: 'q0', receivedAt: T0 },
      T0,
    );
    cold.push(performance.now() - t);
    if (decision.kind !== 'accepted') throw new Error('bench: cold decision rejected');
    t = performance.now();
    if (Object.keys(decision.state.conversations).length === 0) throw new Error('bench: empty state');
    read.push(performance.now() - t);
  }
  const figures = (xs: number[]): RunFigures => {
    const s = Float64Array.from(xs).sort();
    return {
      p50Ms: percentile(s, 0.5),
      p99Ms: percentile(s, 0.99),
      decisionsPerSec: xs.length / (xs.reduce((a, b) => a + b, 0) / 1000),
    };
  };
  return { cold: figures(cold), read: figures(read) };
}

function medianOf(runs: RunFigures[]): RunFigures {
  return {
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    decisionsPerSec: median(runs.map((r) => r.decisionsPerSec)),
  };
}

/** Runs the routing benchmark; each row is the median of 3 runs. */
export async function benchRouting(): Promise<RoutingBenchRow[]> {
  const rows: RoutingBenchRow[] = [];
  const sizes = [
    { agents: 1_000, waiting: 5_000, decisions: 30_000 },
    { agents: 10_000, waiting: 50_000, decisions: 30_000 },
  ];
  for (const { agents, waiting, decisions } of sizes) {
    const label = `${waiting.toLocaleString('en')} waiting x ${agents.toLocaleString('en')} agents`;
    const initial = loadedState(agents, waiting);
    // Index once (the first decision on a plain state) and warm the JIT.
    runMixed(initial, 5_000, 1);
    const runs: RunFigures[] = [];
    const base: RunFigures[] = [];
    for (let r = 0; r < 3; r++) {
      runs.push(runMixed(initial, decisions, 100 + r));
      base.push(runBaseline(agents, decisions));
      await new Promise((resolve) => setImmediate(resolve));
    }
    rows.push({ scenario: `decide, mixed workload, ${label}`, ...medianOf(runs) });
    rows.push({
      scenario: `baseline: Map lookup + min of ${agents.toLocaleString('en')} loads`,
      ...medianOf(base),
    });
    const { cold, read } = runCold(agents, waiting, 5);
    rows.push({ scenario: `decide on a not-yet-indexed state (re-index), ${label}`, ...cold });
    rows.push({ scenario: `shell reads state.conversations once after decide, ${label}`, ...read });
  }
  return rows;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await benchRouting();
  console.log('| scenario | p50 ms | p99 ms | decisions/s |');
  console.log('| --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.scenario} | ${r.p50Ms.toFixed(4)} | ${r.p99Ms.toFixed(4)} | ${Math.round(r.decisionsPerSec).toLocaleString('en')} |`,
    );
  }
  console.log('P5 goal: decide p99 <= 1 ms at 5,000 waiting x 1,000 agents.');
}
