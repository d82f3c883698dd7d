import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookup } from '@parlo/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParlo, loadConfig, type Parlo } from '../index.ts';
import { createLogger } from '../platform/index.ts';
import {
  dropFreshPostgres,
  eventually,
  freshPostgres,
  inboundTextPayload,
  openDesktop,
  postWebhook,
  signedIn,
} from '../testing/index.ts';

const REDIS_URL = process.env.PARLO_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Each run has its own keys and channel on the machine's Redis. */
const prefix = `parlo-t-${randomBytes(4).toString('hex')}:`;
const dir = mkdtempSync(join(tmpdir(), 'parlo-cross-node-'));
let databaseUrl = '';
const nodes: Array<{ parlo: Parlo; url: string }> = [];

async function startNode(nodeId: string, bus = true): Promise<{ parlo: Parlo; url: string }> {
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: databaseUrl,
    ...(bus ? { REDIS_URL } : {}),
    REDIS_KEY_PREFIX: prefix,
    NODE_ID: nodeId,
    PARLO_MEDIA_DIR: join(dir, 'media'),
    PARLO_DEMO: 'true',
    GRAPH_API_BASE_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'silent',
  });
  const parlo = await createParlo(config, { backgroundWork: false, logger: createLogger('silent') });
  return { parlo, url: await parlo.listen() };
}

beforeAll(async () => {
  databaseUrl = await freshPostgres();
  // The first node seeds the demo data alone; the second joins the same database and Redis.
  nodes.push(await startNode('n1'));
  nodes.push(await startNode('n2'));
});

afterAll(async () => {
  for (const node of nodes.reverse()) await node.parlo.close();
  await dropFreshPostgres(databaseUrl);
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const node = (i: number) => {
  const found = nodes[i];
  if (!found) throw new Error(`node ${i} has not started`);
  return found;
};

describe('cluster mode: two nodes on one PostgreSQL and Redis', () => {
  it('[cluster] an offer committed on one node reaches the desktop held by the other', async () => {
    const anna = await signedIn(node(1).url, 'anna');
    expect((await anna('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(
      200,
    );
    const desktop = await openDesktop(node(1).url, 'anna');
    try {
      const body = JSON.stringify(inboundTextPayload({ wamid: 'wamid.cross-1', text: 'Hello from node 1' }));
      expect((await postWebhook(node(0).url, body)).status).toBe(200);
      const offer = await eventually(() => desktop.events.find((e) => e.type === 'offer.added'));
      expect(offer).toBeDefined();
    } finally {
      desktop.close();
    }
  });

  it('[cluster] an agent whose desktop is on another node is not swept as disconnected', async () => {
    const desktop = await openDesktop(node(1).url, 'marco');
    try {
      // Node 1 holds no socket of marco's; cluster presence says node 2 does. (Giulia, with no
      // desktop anywhere, is swept: the sweep is not simply switched off.)
      expect(await node(0).parlo.sweepPresence()).toBeGreaterThan(0);
      const world = lookup(await node(0).parlo.store.transaction((tx) => tx.routing.read()));
      const marco = await node(0).parlo.store.transaction((tx) => tx.findUserByUsername('marco'));
      const giulia = await node(0).parlo.store.transaction((tx) => tx.findUserByUsername('giulia'));
      expect(world.agent(marco?.id ?? '')?.disconnectedAt).toBeUndefined();
      expect(world.agent(giulia?.id ?? '')?.disconnectedAt).toBeDefined();
      const health = await fetch(`${node(0).url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      desktop.close();
    }
  });

  it('[cluster] a node without REDIS_URL that finds another live node says so and is not ready', async () => {
    const alone = await startNode('n3-no-redis', false);
    try {
      expect((await fetch(`${alone.url}/healthz`)).status).toBe(200);
      // Node 1 beats after node 3 started: node 3 now knows a live node shares its database.
      await node(0).parlo.heartbeat.beat();
      await alone.parlo.heartbeat.beat();
      const health = await fetch(`${alone.url}/healthz`);
      expect(health.status).toBe(503);
      expect(JSON.stringify(await health.json())).toContain('REDIS_URL is not set');
      // The nodes with the bus stay ready.
      await node(0).parlo.heartbeat.beat();
      expect((await fetch(`${node(0).url}/healthz`)).status).toBe(200);
    } finally {
      await alone.parlo.close();
    }
  });
});
