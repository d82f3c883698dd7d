import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { lookup, seededRandom, type RoutingEvent, type RoutingState } from '@parlo/core';
import { openPostgresStore, openSqliteStore, type Store, type StoreTx } from '../../store/index.ts';
import { seedRoutingWorld } from '../../testing/index.ts';
import { Outgoing } from '../../platform/index.ts';
import { decideAndApply } from './engine.ts';

/**
 * ADR 0010: the routing world lives in memory, each transaction writes only what it changed, and
 * a process whose copy is behind catches up from the change log. Proved through the real shell
 * (`decideAndApply` over the store) on SQLite and PostgreSQL: after every step the copy in memory
 * equals a fresh load from the database; two processes on one PostgreSQL stay equal without a
 * reload; a failed transaction leaves the copy as the database; and the rows read and written per
 * event do not depend on the backlog (counted, not timed).
 */

const PG_URL = process.env.PARLO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const AGENTS = ['a1', 'a2', 'a3', 'a4'];
const QUEUES = ['q1', 'q2'];
const T0 = 1_700_000_000_000;

interface Backend {
  readonly label: string;
  /** Opens `count` stores over one fresh database: one per process. */
  open(count: number): Promise<Store[]>;
  /** Runs SQL on the opened database behind the stores' backs (a restore, an operator). */
  execute(statement: string): Promise<void>;
  cleanUp(): Promise<void>;
}

const backends: Backend[] = [
  (() => {
    let dir: string | undefined;
    return {
      label: 'SQLite',
      async open(count) {
        dir = mkdtempSync(join(tmpdir(), 'parlo-world-'));
        const path = join(dir, 'parlo.db');
        const stores: Store[] = [];
        for (let i = 0; i < count; i++) stores.push(await openSqliteStore(path));
        return stores;
      },
      execute(statement) {
        const db = new Sqlite(join(dir ?? '', 'parlo.db'));
        try {
          db.exec(statement);
        } finally {
          db.close();
        }
        return Promise.resolve();
      },
      cleanUp() {
        if (dir) rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  })(),
  (() => {
    let schema: string | undefined;
    return {
      label: 'PostgreSQL',
      async open(count) {
        schema = `parlo_world_${randomBytes(6).toString('hex')}`;
        const stores: Store[] = [];
        for (let i = 0; i < count; i++) stores.push(await openPostgresStore(PG_URL, { schema }));
        return stores;
      },
      async execute(statement) {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        try {
          await client.query(`set search_path to "${schema ?? 'public'}"`);
          await client.query(statement);
        } finally {
          await client.end();
        }
      },
      async cleanUp() {
        if (!schema) return;
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        try {
          await client.query(`drop schema if exists "${schema}" cascade`);
        } finally {
          await client.end();
        }
      },
    };
  })(),
];

async function seed(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.insertIdleCode({ id: 'idle', name: 'Idle', position: 0 });
    await tx.insertIdleCode({ id: 'lunch', name: 'Lunch', position: 1 });
    await tx.insertWrapUpReason({ id: 'done', name: 'Done', position: 0 });
    await seedRoutingWorld(tx, {
      queues: QUEUES.map((id, i) => ({ id, priority: i, offerTimeoutMs: 30_000 })),
      agents: AGENTS.map((id, i) => ({ id, capacity: 2, queueIds: i % 2 === 0 ? ['q1', 'q2'] : ['q1'] })),
    });
  });
}

let arrivals = 0;

/** A new conversation: its row, then the arrival decided on (as ingest does), in one transaction. */
async function arrive(store: Store, now: number, queueId = 'q1'): Promise<void> {
  const n = arrivals++;
  await store.transaction(async (tx) => {
    await tx.upsertCustomer({ id: `c${n}`, businessNumberId: 'bn', waId: `3900${n}`, name: `C${n}` });
    await tx.insertConversation({
      id: `k${n}`,
      customerId: `c${n}`,
      businessNumberId: 'bn',
      queueId,
      receivedAt: now,
    });
    await decide(
      tx,
      { type: 'conversation.arrived', conversationId: `k${n}`, queueId, receivedAt: now },
      now,
    );
  });
}

async function decide(tx: StoreTx, event: RoutingEvent, now: number): Promise<void> {
  const out = new Outgoing(tx, now);
  await decideAndApply(tx, out, event, now);
  await out.flush();
}

/** A random event that makes sense in `state` (or a random one that is refused, now and then). */
function nextEvent(rand: () => number, state: RoutingState): RoutingEvent | 'arrival' {
  const world = lookup(state);
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rand() * xs.length)];
  const agentId = pick(AGENTS) ?? 'a1';
  const conversations = [...world.conversations()];
  const offers = [...world.offers()].filter((o) => o.status.kind === 'pending');
  const roll = rand();
  if (roll < 0.25) return 'arrival';
  if (roll < 0.4)
    return {
      type: 'agent.stateRequested',
      agentId,
      to:
        rand() < 0.6 ? { kind: 'available' } : { kind: 'idle', idleCodeId: rand() < 0.5 ? 'idle' : 'lunch' },
    };
  if (roll < 0.55) {
    const offer = pick(offers);
    if (offer) return { type: 'offer.acceptRequested', agentId: offer.agentId, offerId: offer.id };
  }
  if (roll < 0.62) {
    const offer = pick(offers);
    if (offer) return { type: 'offer.deadlinePassed', offerId: offer.id };
  }
  if (roll < 0.75) {
    const active = pick(conversations.filter((c) => c.phase.kind === 'active'));
    if (active?.phase.kind === 'active')
      return { type: 'conversation.endRequested', agentId: active.phase.ownerId, conversationId: active.id };
  }
  if (roll < 0.85) {
    const wrapping = pick(conversations.filter((c) => c.phase.kind === 'wrapUp'));
    if (wrapping?.phase.kind === 'wrapUp')
      return {
        type: 'wrapUp.submitted',
        agentId: wrapping.phase.ownerId,
        conversationId: wrapping.id,
        reasonId: 'done',
      };
  }
  if (roll < 0.92) {
    const active = pick(conversations.filter((c) => c.phase.kind === 'active'));
    if (active?.phase.kind === 'active')
      return {
        type: 'transfer.requested',
        agentId: active.phase.ownerId,
        conversationId: active.id,
        target: { kind: 'queue', queueId: pick(QUEUES) ?? 'q1' },
        notAcceptedPolicy: 'returnToQueue',
      };
  }
  return rand() < 0.5
    ? { type: 'agent.disconnected', agentId, graceMs: 60_000 }
    : { type: 'agent.reconnected', agentId };
}

/** Records in key order, so a copy and a load compare by content only. */
function canonical(state: RoutingState): string {
  const sorted = <V>(record: Readonly<Record<string, V>>): Array<[string, V]> =>
    Object.keys(record)
      .sort()
      .map((k) => [k, record[k] as V]);
  return JSON.stringify({
    agents: sorted(state.agents),
    queues: sorted(state.queues),
    conversations: sorted(state.conversations),
    offers: sorted(state.offers),
  });
}

/** This process's copy (brought up to date from the log) and a fresh load, compared. */
async function expectCopyEqualsDatabase(store: Store, step: string): Promise<void> {
  const copy = await store.transaction((tx) => tx.routing.read());
  const loaded = await store.transaction((tx) => tx.routing.loadFromDatabase());
  expect(canonical(copy), step).toBe(canonical(loaded));
}

describe.each(backends)('the routing world kept in memory ($label)', (backend) => {
  let stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores) await store.close();
    stores = [];
    await backend.cleanUp();
  });

  it('[S-3][S-4][S-14] a seeded run through the shell: after every step the copy in memory equals the database', async () => {
    stores = await backend.open(1);
    const [store] = stores as [Store];
    await seed(store);
    const rand = seededRandom(20_261_204);
    let now = T0;
    for (let step = 0; step < 60; step++) {
      now += 1_000;
      const state = await store.transaction((tx) => tx.routing.read());
      const event = nextEvent(rand, state);
      if (event === 'arrival') await arrive(store, now, rand() < 0.7 ? 'q1' : 'q2');
      else await store.transaction((tx) => decide(tx, event, now));
      await expectCopyEqualsDatabase(
        store,
        `step ${step}: ${typeof event === 'string' ? event : event.type}`,
      );
    }
    // One load at start, never again: every later transaction used the copy.
    expect(store.routingStats.loads).toBe(1);
    expect(store.routingStats.reloads).toBe(0);
  });

  it('a copy ahead of its database (commits lost to a restore or a failover) reloads the world', async () => {
    stores = await backend.open(1);
    const [store] = stores as [Store];
    await seed(store);
    await arrive(store, T0 + 1_000);
    await arrive(store, T0 + 2_000);
    // The last arrival's commit is gone from the database, as after a restore from a backup taken
    // before it: its conversation row, its log rows, and the version it made.
    const last = `c${arrivals - 1}`;
    await backend.execute(`
      delete from routing_changes where version = (select version from routing_version where id = 1);
      delete from messages where conversation_id in (select id from conversations where customer_id = '${last}');
      delete from conversations where customer_id = '${last}';
      update routing_version set version = version - 1 where id = 1;
    `);
    const before = store.routingStats.loads;
    await store.transaction((tx) =>
      decide(tx, { type: 'agent.stateRequested', agentId: 'a1', to: { kind: 'available' } }, T0 + 3_000),
    );
    expect(store.routingStats.loads).toBe(before + 1);
    await expectCopyEqualsDatabase(store, 'after the reload');
  });

  it('two processes on one database, alternating: each catches up from the log and stays equal, no reload', async () => {
    stores = await backend.open(2);
    const [a, b] = stores as [Store, Store];
    await seed(a);
    const rand = seededRandom(7_001);
    let now = T0;
    for (let step = 0; step < 40; step++) {
      now += 1_000;
      const node = step % 2 === 0 ? a : b;
      const state = await node.transaction((tx) => tx.routing.forDecision());
      const event = nextEvent(rand, state);
      if (event === 'arrival') await arrive(node, now);
      else await node.transaction((tx) => decide(tx, event, now));
      await expectCopyEqualsDatabase(a, `node A after step ${step}`);
      await expectCopyEqualsDatabase(b, `node B after step ${step}`);
    }
    for (const node of [a, b]) {
      expect(node.routingStats.reloads).toBe(0);
      expect(node.routingStats.loads).toBe(1);
      expect(node.routingStats.catchUps).toBeGreaterThan(0);
    }
    // No double offer and no capacity overrun, in either copy.
    const state = await a.transaction((tx) => tx.routing.read());
    const world = lookup(state);
    for (const agentId of AGENTS) expect(world.heldBy(agentId).length).toBeLessThanOrEqual(2);
    const offered = [...world.offers()].map((o) => o.conversationId);
    expect(new Set(offered).size).toBe(offered.length);
  });

  it('a failure between decide and commit leaves the copy equal to the database', async () => {
    stores = await backend.open(1);
    const [store] = stores as [Store];
    await seed(store);
    await store.transaction((tx) =>
      decide(tx, { type: 'agent.stateRequested', agentId: 'a1', to: { kind: 'available' } }, T0),
    );
    await arrive(store, T0 + 1);
    const before = canonical(await store.transaction((tx) => tx.routing.read()));
    // The service throws after the decision was saved in its transaction.
    await expect(
      store.transaction(async (tx) => {
        await decide(tx, { type: 'agent.stateRequested', agentId: 'a2', to: { kind: 'available' } }, T0 + 2);
        throw new Error('injected after decide');
      }),
    ).rejects.toThrow('injected');
    // The database refuses: an arrival whose conversation has no row cannot be saved.
    await expect(
      store.transaction((tx) =>
        decide(
          tx,
          { type: 'conversation.arrived', conversationId: 'ghost', queueId: 'q1', receivedAt: T0 },
          T0 + 3,
        ),
      ),
    ).rejects.toThrow();
    expect(canonical(await store.transaction((tx) => tx.routing.read()))).toBe(before);
    await expectCopyEqualsDatabase(store, 'after the failures');
    // And the next decision starts from that copy.
    await store.transaction((tx) =>
      decide(tx, { type: 'agent.stateRequested', agentId: 'a2', to: { kind: 'available' } }, T0 + 4),
    );
    await expectCopyEqualsDatabase(store, 'after the next decision');
  });

  it('rows written per event do not depend on the backlog; a catch-up after k changes reads O(k) rows', async () => {
    stores = await backend.open(2);
    const [a, b] = stores as [Store, Store];
    await seed(a);
    // Every agent idle: arrivals wait. Cost of one arrival and one idle-code change at two backlogs.
    const costAt = async (backlog: number): Promise<{ written: number; read: number }[]> => {
      for (let i = 0; i < backlog; i++) await arrive(a, T0 + i);
      const measure = async (work: () => Promise<void>): Promise<{ written: number; read: number }> => {
        const { rowsWritten, rowsRead } = a.routingStats;
        await work();
        return {
          written: a.routingStats.rowsWritten - rowsWritten,
          read: a.routingStats.rowsRead - rowsRead,
        };
      };
      return [
        await measure(() => arrive(a, T0 + 10_000)),
        await measure(() =>
          a.transaction((tx) =>
            decide(
              tx,
              { type: 'agent.stateRequested', agentId: 'a1', to: { kind: 'idle', idleCodeId: 'lunch' } },
              T0,
            ),
          ),
        ),
        await measure(() =>
          a.transaction((tx) =>
            decide(
              tx,
              { type: 'agent.stateRequested', agentId: 'a1', to: { kind: 'idle', idleCodeId: 'idle' } },
              T0,
            ),
          ),
        ),
      ];
    };
    const small = await costAt(3);
    const large = await costAt(150);
    expect(large).toEqual(small);
    expect(small.every((c) => c.read === 0 && c.written >= 1)).toBe(true);

    // Process B has not looked since the start: it loads once; then k changes made by A are read as k rows.
    await b.transaction((tx) => tx.routing.read());
    const readBefore = b.routingStats.rowsRead;
    for (let i = 0; i < 5; i++) {
      await a.transaction((tx) =>
        decide(
          tx,
          {
            type: 'agent.stateRequested',
            agentId: 'a2',
            to: { kind: 'idle', idleCodeId: i % 2 === 0 ? 'lunch' : 'idle' },
          },
          T0 + i,
        ),
      );
    }
    await b.transaction((tx) => tx.routing.read());
    // 5 log rows naming one agent, and that agent's row: not the 150+ conversations.
    expect(b.routingStats.rowsRead - readBefore).toBe(6);
    expect(b.routingStats.reloads).toBe(0);
    await expectCopyEqualsDatabase(b, 'B after catching up');
  });
});
