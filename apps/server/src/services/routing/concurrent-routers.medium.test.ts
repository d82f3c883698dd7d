import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutingEvent } from '@parlo/core';
import { openPostgresStore, type Store } from '../../store/index.ts';
import { seedRoutingWorld } from '../../testing/index.ts';
import { Outgoing } from '../../platform/index.ts';
import { decideAndApply } from './engine.ts';

const PG_URL = process.env.PARLO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `parlo_routers_${randomBytes(6).toString('hex')}`;
const AGENTS = ['a1', 'a2', 'a3'];
const CAPACITY = 2;
const CONVERSATIONS = 24;

let nodeA: Store;
let nodeB: Store;

async function dispatch(store: Store, event: RoutingEvent): Promise<void> {
  await store.transaction(async (tx) => {
    await decideAndApply(tx, new Outgoing(tx, Date.now()), event, Date.now());
  });
}

beforeAll(async () => {
  // Two stores over one database: two server nodes routing the same world.
  nodeA = await openPostgresStore(PG_URL, { schema });
  nodeB = await openPostgresStore(PG_URL, { schema });
  await nodeA.transaction(async (tx) => {
    await tx.insertIdleCode({ id: 'idle', name: 'Idle', position: 0 });
    await seedRoutingWorld(tx, {
      queues: [
        { id: 'q', name: 'Q', priority: 1, offerTimeoutMs: 60_000 },
        { id: 'solo-q', name: 'Solo', priority: 1, offerTimeoutMs: 60_000 },
      ],
      agents: [
        ...AGENTS.map((id) => ({ id, capacity: CAPACITY, queueIds: ['q'] })),
        { id: 'solo', capacity: 1, queueIds: ['solo-q'] },
      ],
    });
    for (const id of ['x1', 'x2']) {
      await tx.upsertCustomer({ id: `c-${id}`, businessNumberId: 'bn', waId: `39111${id}`, name: id });
      await tx.insertConversation({
        id,
        customerId: `c-${id}`,
        businessNumberId: 'bn',
        queueId: 'solo-q',
        receivedAt: 1000,
      });
    }
    for (let i = 0; i < CONVERSATIONS; i++) {
      await tx.upsertCustomer({ id: `c${i}`, businessNumberId: 'bn', waId: `39000${i}`, name: `C${i}` });
      await tx.insertConversation({
        id: `k${i}`,
        customerId: `c${i}`,
        businessNumberId: 'bn',
        queueId: 'q',
        receivedAt: 1000 + i,
      });
    }
  });
});

afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  const pool = new pg.Pool({ connectionString: PG_URL });
  await pool.query(`drop schema if exists "${schema}" cascade`);
  await pool.end();
});

describe('concurrent routers on PostgreSQL', () => {
  it('two nodes deciding at once never offer a conversation twice nor overrun capacity', async () => {
    const events: RoutingEvent[] = [
      ...AGENTS.map((agentId): RoutingEvent => ({
        type: 'agent.stateRequested',
        agentId,
        to: { kind: 'available' },
      })),
      ...Array.from({ length: CONVERSATIONS }, (_, i): RoutingEvent => ({
        type: 'conversation.arrived',
        conversationId: `k${i}`,
        queueId: 'q',
        receivedAt: 1000 + i,
      })),
    ];
    // Both nodes hold a copy first, so that each must catch up from the other's decisions (which
    // of them catches up during the concurrent burst depends on the order the lock is granted).
    for (const node of [nodeA, nodeB]) await node.transaction((tx) => tx.routing.read());
    const [first, second, ...rest] = events;
    if (!first || !second) throw new Error('no events');
    await dispatch(nodeA, first);
    await dispatch(nodeB, second);
    await Promise.all(rest.map((event, i) => dispatch(i % 2 === 0 ? nodeA : nodeB, event)));

    const state = await nodeB.transaction((tx) => tx.routing.read());
    const pending = Object.values(state.offers).filter((o) => o.status.kind === 'pending');
    expect(pending).toHaveLength(AGENTS.length * CAPACITY);
    expect(new Set(pending.map((o) => o.conversationId)).size).toBe(pending.length);
    for (const agentId of AGENTS) expect(pending.filter((o) => o.agentId === agentId)).toHaveLength(CAPACITY);
    for (const offer of pending) {
      expect(state.conversations[offer.conversationId]?.phase).toEqual({
        kind: 'offered',
        offerId: offer.id,
        agentId: offer.agentId,
      });
    }
    // FIFO: the offered ones are the earliest arrivals.
    expect(pending.map((o) => o.conversationId).sort()).toEqual(
      Array.from({ length: AGENTS.length * CAPACITY }, (_, i) => `k${i}`).sort(),
    );
    // ADR 0010: each node caught up from the log, never reloaded, and holds what the database holds.
    const loaded = await nodeA.transaction((tx) => tx.routing.loadFromDatabase());
    for (const node of [nodeA, nodeB]) {
      const copy = await node.transaction((tx) => tx.routing.read());
      expect({ ...copy }).toEqual(loaded);
      expect(node.routingStats.reloads).toBe(0);
      expect(node.routingStats.catchUps).toBeGreaterThan(0);
    }
  });

  it('a node deciding while another holds the routing lock waits, then decides on what it committed', async () => {
    await dispatch(nodeA, { type: 'agent.stateRequested', agentId: 'solo', to: { kind: 'available' } });
    for (const node of [nodeA, nodeB]) await node.transaction((tx) => tx.routing.read());
    // Node A decides x1 (an offer to solo, his only slot) and keeps its transaction open; node B
    // decides x2 meanwhile. Without the lock B would decide on the world before A's offer and give
    // solo a second one: the lock makes B wait for A's commit and find him full.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let decided!: () => void;
    const aDecided = new Promise<void>((resolve) => (decided = resolve));
    const order: string[] = [];
    const a = nodeA.transaction(async (tx) => {
      await decideAndApply(
        tx,
        new Outgoing(tx, Date.now()),
        { type: 'conversation.arrived', conversationId: 'x1', queueId: 'solo-q', receivedAt: 1000 },
        Date.now(),
      );
      decided();
      await held;
      order.push('A commits');
    });
    await aDecided;
    const b = dispatch(nodeB, {
      type: 'conversation.arrived',
      conversationId: 'x2',
      queueId: 'solo-q',
      receivedAt: 1000,
    }).then(() => order.push('B committed'));
    // Long enough for B to have decided, had nothing held it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await Promise.all([a, b]);
    expect(order).toEqual(['A commits', 'B committed']);
    for (const node of [nodeA, nodeB]) {
      const state = await node.transaction((tx) => tx.routing.read());
      const solo = Object.values(state.offers).filter(
        (o) => o.agentId === 'solo' && o.status.kind === 'pending',
      );
      expect(solo.map((o) => o.conversationId)).toEqual(['x1']);
      expect(state.conversations.x2?.phase).toEqual({ kind: 'queued' });
    }
  });
});
