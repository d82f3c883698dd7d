import { lookup, type Conversation } from '@parlo/core';
import type { Wallboard, WallboardAgent, WallboardFigures } from '@parlo/protocol';
import {
  CONVERSATION_NOTICE_PREFIX,
  defaultSettings,
  readSettings,
  type ServerContext,
} from '../../platform/index.ts';
import type { InteractionEventRow, QueueRow, StoreTx } from '../../store/index.ts';
import { toAgentView } from '../../views/index.ts';
import { DEFAULT_SERVICE_LEVEL_MS, figuresOf, parseLocalDate, timeBuckets } from '../reports/index.ts';
import { DayCounters } from './counters.ts';

/** How long conversation notices from other nodes gather before their events are read (one query). */
const NOTICE_BATCH_MS = 100;

/** The center's local date of an instant, 'YYYY-MM-DD'. */
function localDateOf(instant: number, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/** `[local midnight, next local midnight)` of the day holding `instant` in `zone`. */
function dayOf(instant: number, zone: string): { label: string; start: number; end: number } {
  const label = localDateOf(instant, zone);
  const date = parseLocalDate(label);
  const [day] = date ? timeBuckets(date, date, zone, 'day') : [];
  if (!day) throw new Error(`no local day for ${label} in ${zone}`);
  return { label, start: day.start, end: day.end };
}

const iso = (ms: number): string => new Date(ms).toISOString();
const round1 = (n: number): number => Math.round(n * 10) / 10;

/** What the wallboard of a process keeps between reads: the day's counters and who listens. */
export interface WallboardService {
  /** The wallboard now: live figures from the routing world, today's from the counters. */
  read(): Promise<Wallboard>;
  /** Told (at most every `throttleMs`) when the wallboard may have changed; returns how to stop. */
  subscribe(listener: () => void): () => void;
  close(): void;
}

/**
 * Issue 16's wallboard (ADR 25). Today's counts are `DayCounters` fed by the interaction events as
 * they commit: this process's through the store's listener, other nodes' read again (by
 * conversation) when their `conversation:` notice arrives, everything read again after the bus was
 * away; the day's events are read once at start and at each local midnight, never on a timer. The
 * live part (who waits, since when, agents by state and load) is read from the routing world,
 * without its lock, at each read.
 */
export function createWallboard(ctx: ServerContext, throttleMs = 250): WallboardService {
  let counters: DayCounters | undefined;
  let loading: Promise<DayCounters> | undefined;
  let day = { label: '', start: 0, end: 0, zone: '' };
  const listeners = new Set<() => void>();
  let timer: NodeJS.Timeout | undefined;
  const pendingConversations = new Set<string>();
  let noticeTimer: NodeJS.Timeout | undefined;

  function changed(): void {
    if (timer || listeners.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      for (const listener of listeners) listener();
    }, throttleMs);
    timer.unref();
  }

  async function serviceLevels(tx: StoreTx): Promise<Map<string, number>> {
    const queues: readonly QueueRow[] = await tx.listQueues({ includeDeleted: true });
    return new Map(queues.map((q) => [q.id, q.serviceLevelMs ?? DEFAULT_SERVICE_LEVEL_MS]));
  }

  /** Events committed while the day was being read: applied to it once read (each counts once). */
  const pendingRows: InteractionEventRow[] = [];

  /** The counters of today in the center's zone: read again at a new day, a new zone, or on demand. */
  async function today(force = false): Promise<DayCounters> {
    const zone = (
      await ctx.store.transaction((tx) =>
        readSettings(tx, defaultSettings(ctx.config.DISCONNECT_GRACE_SECONDS)),
      )
    ).timeZone;
    const current = dayOf(ctx.clock(), zone);
    const same = day.label === current.label && day.zone === zone;
    if (!force && same && loading) return loading;
    if (!force && same && counters) return counters;
    day = { ...current, zone };
    const load = ctx.store.transaction(async (tx) => {
      const levels = await serviceLevels(tx);
      const fresh = new DayCounters(current.start, current.end, (q) =>
        q === null ? DEFAULT_SERVICE_LEVEL_MS : (levels.get(q) ?? DEFAULT_SERVICE_LEVEL_MS),
      );
      fresh.apply(await tx.interactionEvents.startedSince(current.start));
      return fresh;
    });
    loading = load;
    try {
      const fresh = await load;
      if (loading === load) {
        fresh.apply(pendingRows.splice(0));
        counters = fresh;
        loading = undefined;
      }
      return fresh;
    } finally {
      if (loading === load) loading = undefined;
    }
  }

  const stopEvents = ctx.store.onInteractionEvents((rows) => {
    if (loading) pendingRows.push(...rows);
    counters?.apply(rows);
    changed();
  });

  function readNoticed(): void {
    noticeTimer = undefined;
    const ids = [...pendingConversations];
    pendingConversations.clear();
    if (ids.length === 0) return;
    ctx.store
      .transaction((tx) => tx.interactionEvents.eventsOf(ids))
      .then((rows) => {
        if (counters?.apply(rows)) changed();
      })
      .catch((err: unknown) => ctx.logger.warn({ err }, 'wallboard: reading noticed events failed'));
  }

  ctx.bus.onAnnounce((latest) => {
    for (const key of latest.keys())
      if (key.startsWith(CONVERSATION_NOTICE_PREFIX))
        pendingConversations.add(key.slice(CONVERSATION_NOTICE_PREFIX.length));
    if (pendingConversations.size > 0 && !noticeTimer) {
      noticeTimer = setTimeout(readNoticed, NOTICE_BATCH_MS);
      noticeTimer.unref();
    }
    // Agents' notices too: another node changed who is available or busy.
    changed();
  });
  ctx.bus.onResume(() => {
    today(true).then(changed, (err: unknown) => ctx.logger.warn({ err }, 'wallboard: reload failed'));
  });

  async function read(): Promise<Wallboard> {
    const counts = await today();
    const now = ctx.clock();
    return ctx.store.transaction(async (tx) => {
      const state = await tx.routing.read();
      const world = lookup(state);
      const queues = (await tx.listQueues()).map((q) => ({ id: q.id, name: q.name }));
      const users = new Map((await tx.listUsers()).map((u) => [u.id, u]));
      const agentsInWorld = [...world.agents()];
      const connected = await ctx.bus.presentAnywhere(agentsInWorld.map((a) => a.id));

      // Live, per queue: who waits (queued, or offered and not accepted) and since when; who is handled.
      const live = new Map<string, { waiting: number; oldest: number | null; handled: number[] }>();
      const cell = (queueId: string) => {
        let c = live.get(queueId);
        if (!c) {
          c = { waiting: 0, oldest: null, handled: [] };
          live.set(queueId, c);
        }
        return c;
      };
      const waitedSince = (c: { oldest: number | null }, at: number) => {
        c.oldest = c.oldest === null ? at : Math.min(c.oldest, at);
      };
      for (const q of queues) {
        const list = world.waiting(q.id);
        const c = cell(q.id);
        c.waiting += list.length;
        // Serving order is arrival order but for marks that put a conversation back at the head:
        // the first few hold the oldest arrival.
        for (const entry of list.slice(0, 50)) {
          const conversation = world.conversation(entry.id);
          if (conversation) waitedSince(c, conversation.receivedAt);
        }
      }
      const seen = new Set<string>();
      for (const agent of agentsInWorld) {
        for (const id of world.heldBy(agent.id)) {
          if (seen.has(id)) continue;
          seen.add(id);
          const conversation: Conversation | undefined = world.conversation(id);
          if (!conversation) continue;
          const phase = conversation.phase;
          const c = cell(conversation.queueId);
          if (phase.kind === 'offered') {
            c.waiting++;
            waitedSince(c, conversation.receivedAt);
          } else if (phase.kind === 'active' || phase.kind === 'wrapUp') {
            c.handled.push(now - phase.acceptedAt);
          }
        }
      }

      const figures = (queueId: string | null): WallboardFigures => {
        const sums = counts.sums(queueId);
        const f = figuresOf(sums);
        const cells = queueId === null ? [...live.values()] : [live.get(queueId) ?? cell(queueId)];
        const waiting = cells.reduce((n, c) => n + c.waiting, 0);
        const oldest = cells.reduce<number | null>(
          (o, c) => (c.oldest === null ? o : o === null ? c.oldest : Math.min(o, c.oldest)),
          null,
        );
        const handled = cells.flatMap((c) => c.handled);
        return {
          waiting,
          oldestWaitingSince: oldest === null ? null : iso(oldest),
          inProgress: handled.length,
          offered: f.offered,
          answered: f.answered,
          abandoned: f.abandoned,
          serviceLevelPercent: f.serviceLevelPercent,
          asaSeconds: f.asaSeconds,
          ahtSeconds: f.ahtSeconds,
          currentHandleSeconds:
            handled.length === 0 ? null : round1(handled.reduce((a, b) => a + b, 0) / handled.length / 1000),
          rona: f.rona,
          transfers: f.transfers,
          transferRatePercent: f.answered === 0 ? null : round1((100 * f.transfers) / f.answered),
        };
      };

      const agents: WallboardAgent[] = agentsInWorld.flatMap((agent) => {
        const user = users.get(agent.id);
        if (!user) return [];
        const view = toAgentView(agent, user, state);
        return [
          {
            userId: view.userId,
            displayName: view.displayName,
            state: view.state,
            load: view.load,
            capacity: view.capacity,
            connected: connected.has(agent.id),
          },
        ];
      });
      agents.sort((a, b) => a.displayName.localeCompare(b.displayName));
      const byState = { available: 0, idle: 0, rona: 0, disconnected: 0 };
      let load = 0;
      let capacity = 0;
      for (const a of agents) {
        byState[a.state.kind]++;
        if (!a.connected) byState.disconnected++;
        if (a.connected && a.state.kind !== 'idle') {
          load += Math.min(a.load, a.capacity);
          capacity += a.capacity;
        }
      }
      return {
        at: iso(now),
        day: day.label,
        timeZone: day.zone,
        total: figures(null),
        queues: queues.map((q) => ({ queueId: q.id, name: q.name, ...figures(q.id) })),
        agents,
        agentsByState: byState,
        occupancyPercent: capacity === 0 ? null : round1((100 * load) / capacity),
      };
    });
  }

  return {
    read,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      stopEvents();
      if (timer) clearTimeout(timer);
      if (noticeTimer) clearTimeout(noticeTimer);
      listeners.clear();
    },
  };
}
