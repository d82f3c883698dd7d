import { lookup } from '@parlo/core';
import { describe, expect, it } from 'vitest';
import {
  eventually,
  inboundTextPayload,
  openDesktop,
  postWebhook,
  signedIn,
  useTwoNodes,
} from '../testing/index.ts';

const { node, startNode } = useTwoNodes('cross-node');

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
