import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lookup, type RoutingEvent } from '@parlo/core';
import { Outgoing } from '../../platform/index.ts';
import { openSqliteStore, type Store, type StoreTx } from '../../store/index.ts';
import { seedRoutingWorld } from '../../testing/index.ts';
import { decideAndApply, decideAndApplyAll } from './engine.ts';

/**
 * Issue 13 (ADR 32): the routing events of one ingest batch (new conversations, customers writing)
 * are decided one after the other as before, and carried out together: the same world, pushes and
 * report events as deciding each alone, with one read of the conversations' details.
 */

const dir = mkdtempSync(join(tmpdir(), 'parlo-together-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = 1_700_000_000_000;
const CONVERSATIONS = ['k1', 'k2', 'k3', 'k4'];

/** Two Available agents of capacity 1 in one queue; four customers' conversations inserted, not routed. */
async function world(name: string): Promise<Store> {
  const store = await openSqliteStore(join(dir, `${name}.db`));
  await store.transaction((tx) =>
    seedRoutingWorld(tx, {
      queues: [{ id: 'q1', priority: 0, offerTimeoutMs: 30_000 }],
      agents: ['a1', 'a2'].map((id) => ({ id, capacity: 1, queueIds: ['q1'] })),
    }),
  );
  for (const [i, id] of ['a1', 'a2'].entries())
    await store.transaction((tx) =>
      decideAndApply(
        tx,
        new Outgoing(tx, T0 + i),
        { type: 'agent.stateRequested', agentId: id, to: { kind: 'available' } },
        T0 + i,
      ),
    );
  await store.transaction(async (tx) => {
    for (const [i, id] of CONVERSATIONS.entries()) {
      await tx.upsertCustomer({ id: `c${id}`, businessNumberId: 'bn', waId: `3900${i}`, name: `C${i}` });
      await tx.insertConversation({
        id,
        customerId: `c${id}`,
        businessNumberId: 'bn',
        queueId: 'q1',
        receivedAt: T0 + 100 + i,
      });
    }
  });
  return store;
}

const NOW = T0 + 1000;
/** Four arrivals, and the first customer writing again: what one ingest batch may route. */
const EVENTS: RoutingEvent[] = [
  ...CONVERSATIONS.map((id, i): RoutingEvent => ({
    type: 'conversation.arrived',
    conversationId: id,
    queueId: 'q1',
    receivedAt: T0 + 100 + i,
  })),
  { type: 'conversation.customerWrote', conversationId: 'k3', windowClosesAt: NOW + 86_400_000 },
];

/** Counts the transaction's reads of conversation details. */
function counting(tx: StoreTx): { tx: StoreTx; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(tx, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (key === 'getConversationDetails' && typeof value === 'function')
        return (...args: unknown[]) => {
          reads++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { tx: proxy, reads: () => reads };
}

async function outcome(store: Store, route: (tx: StoreTx, out: Outgoing) => Promise<void>) {
  return store.transaction(async (raw) => {
    const { tx, reads } = counting(raw);
    const out = new Outgoing(tx, NOW);
    await route(tx, out);
    await out.flush();
    const state = lookup(await tx.routing.forDecision());
    const phases = CONVERSATIONS.map((id) => {
      const phase = state.conversation(id)?.phase;
      return `${id}:${phase?.kind ?? '-'}:${phase && 'agentId' in phase ? String(phase.agentId) : ''}`;
    });
    const offered = [...state.offers()]
      .map((o) => `${o.conversationId}->${o.agentId}:${o.status.kind}`)
      .sort();
    const pushes = out.pushes
      .map((p) => {
        const e = p.event as {
          type: string;
          offer?: { conversationId?: string };
          conversation?: { id?: string };
        };
        return `${p.agentId}:${e.type}:${e.offer?.conversationId ?? e.conversation?.id ?? ''}`;
      })
      .sort();
    const events = (await tx.interactionEvents.eventsOf(CONVERSATIONS))
      .map((e) => `${e.conversationId}:${e.kind}:${e.agentId ?? ''}`)
      .sort();
    return {
      phases,
      offered,
      pushes,
      events,
      window: state.conversation('k3')?.windowClosesAt,
      reads: reads(),
    };
  });
}

describe('[issue 13] a batch of routing events carried out together (ADR 32)', () => {
  it('ends as deciding each alone, with one read of the details instead of one per event', async () => {
    const alone = await world('alone');
    const together = await world('together');
    try {
      const one = await outcome(alone, async (tx, out) => {
        for (const event of EVENTS) await decideAndApply(tx, out, event, NOW);
      });
      const all = await outcome(together, async (tx, out) => {
        await decideAndApplyAll(tx, out, EVENTS, NOW);
      });
      // Two offered (one to each agent), two waiting; k3's window moved.
      expect(one.offered).toHaveLength(2);
      expect(one.pushes.filter((p) => p.includes('offer.added'))).toHaveLength(2);
      expect(one.events.length).toBeGreaterThanOrEqual(6);
      expect(one.window).toBe(NOW + 86_400_000);
      expect({ ...all, reads: 0 }).toEqual({ ...one, reads: 0 });
      // Alone, each arrival read its conversation's details (the customer writing pushed nothing).
      expect(one.reads).toBe(CONVERSATIONS.length);
      expect(all.reads).toBe(1);
    } finally {
      await alone.close();
      await together.close();
    }
  });
});
