import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator, type Simulator } from '@parlo/whatsapp-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParlo, loadConfig, type Parlo } from '../../index.ts';
import { createLogger } from '../../platform/index.ts';
import { DEMO_NUMBER } from '../../seed/index.ts';
import type { MessageRow, Store, StoreTx } from '../../store/index.ts';
import { releaseFreshPostgres, freshPostgres } from '../../testing/index.ts';
import { enqueueMarkRead, enqueueSend } from '../conversations/index.ts';

/**
 * Cluster mode: two Parlo nodes on one PostgreSQL database, both carrying out the same background
 * work at once (outbox sends and read receipts, media downloads, timers, template syncs), the
 * simulator as the Graph API behind a proxy that records every call. Each work item must be done by
 * exactly one node: a message reaches the customer once and in order, a file is downloaded once, a
 * timer fires once, a number's periodic template sync runs once per interval.
 */

const CUSTOMERS = Array.from({ length: 20 }, (_, i) => `3900000${String(i).padStart(4, '0')}`);
const SENDS_PER_CONVERSATION = 15;
/** The read receipt is queued after this many of a conversation's sends. */
const READ_AFTER = 7;
const IMAGES_PER_CUSTOMER = 10;
const TIMERS = 300;
const TEMPLATE_SYNC_INTERVAL_MS = 60_000;

interface GraphCall {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown> | undefined;
}

let sim: Simulator;
let proxy: Server;
const calls: GraphCall[] = [];
let databaseUrl = '';
let mediaDir = '';
/** Added to both nodes' clocks: moves time on for the leases. */
let skewMs = 0;
let nodeA: Parlo;
let nodeB: Parlo;
/** Timer keys and outbox row ids whose claim committed, per node. */
const fired = new Map<Parlo, string[]>();
const claimedRows = new Map<Parlo, string[]>();

async function startNode(nodeId: string, graphUrl: string): Promise<{ parlo: Parlo; url: string }> {
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: databaseUrl,
    PARLO_MEDIA_DIR: join(mediaDir, nodeId),
    PARLO_DEMO: 'true',
    GRAPH_API_BASE_URL: graphUrl,
    LOG_LEVEL: 'silent',
    NODE_ID: nodeId,
    OUTBOX_POLL_MS: '10',
    // Pacing is per node here (no Redis): keep it out of the way of the claims under test.
    OUTBOUND_RATE_PER_SECOND: '10000',
    OUTBOUND_BURST: '10000',
    OUTBOUND_RECIPIENT_BURST: '1000',
    TEMPLATE_SYNC_INTERVAL_MS: String(TEMPLATE_SYNC_INTERVAL_MS),
  });
  const parlo = await createParlo(config, {
    backgroundWork: false,
    logger: createLogger('silent'),
    clock: () => Date.now() + skewMs,
  });
  const url = await parlo.listen();
  const recorded = recordClaims(parlo.store);
  fired.set(parlo, recorded.timers);
  claimedRows.set(parlo, recorded.outbox);
  return { parlo, url };
}

/** Wraps the store's transactions to record the timers and outbox rows a committed one claimed. */
function recordClaims(store: Store): { timers: string[]; outbox: string[] } {
  const committed = { timers: [] as string[], outbox: [] as string[] };
  const transaction = store.transaction.bind(store);
  store.transaction = async <T>(work: (tx: StoreTx) => Promise<T>): Promise<T> => {
    const claimed = { timers: [] as string[], outbox: [] as string[] };
    const result = await transaction((tx) =>
      work(
        new Proxy(tx, {
          get(target, property) {
            if (property === 'claimTimer') {
              return async (key: string) => {
                const won = await target.claimTimer(key);
                if (won) claimed.timers.push(key);
                return won;
              };
            }
            if (property === 'claimOutbox') {
              return async (row: Parameters<StoreTx['claimOutbox']>[0], at: number) => {
                const won = await target.claimOutbox(row, at);
                if (won) claimed.outbox.push(row.id);
                return won;
              };
            }
            const value: unknown = Reflect.get(target, property, target);
            return typeof value === 'function'
              ? (value as (...args: unknown[]) => unknown).bind(target)
              : value;
          },
        }),
      ),
    );
    committed.timers.push(...claimed.timers);
    committed.outbox.push(...claimed.outbox);
    return result;
  };
  return committed;
}

/** The simulator behind a proxy that records each Graph call. */
async function startGraph(): Promise<string> {
  sim = createSimulator({
    webhookUrl: 'http://127.0.0.1:9/unset',
    numbers: [
      {
        phoneNumberId: DEMO_NUMBER.phoneNumberId,
        displayPhoneNumber: DEMO_NUMBER.displayPhoneNumber,
        wabaId: DEMO_NUMBER.wabaId,
        accessToken: DEMO_NUMBER.accessToken,
        appSecret: DEMO_NUMBER.appSecret,
      },
    ],
    customers: CUSTOMERS.map((waId, i) => ({ waId, name: `Customer ${i}` })),
    statusDelaysMs: { sent: 5, delivered: 10, read: 100_000 },
    rateLimitPerSecond: 100_000,
  });
  const simUrl = await sim.start(0, '127.0.0.1');
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const raw = Buffer.concat(chunks);
      let body: Record<string, unknown> | undefined;
      try {
        body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : undefined;
      } catch {
        body = undefined;
      }
      calls.push({ method: req.method ?? 'GET', path: url.split('?')[0] ?? url, body });
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'content-type']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      fetch(`${simUrl}${url}`, {
        method: req.method ?? 'GET',
        headers,
        ...(raw.length > 0 ? { body: raw } : {}),
      })
        .then(async (answer) => {
          const data = Buffer.from(await answer.arrayBuffer());
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'application/json',
          });
          res.end(data);
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Each customer's live conversation (the customers wrote first, so WhatsApp's window is open). */
async function conversationsByCustomer(store: Store): Promise<Map<string, string>> {
  return store.transaction(async (tx) => {
    const numberId = (await tx.listBusinessNumbers())[0]?.id;
    if (numberId === undefined) throw new Error('no business number');
    const ids = await tx.liveConversationIdsOf({ businessNumberId: numberId });
    const details = await tx.getConversationDetails(ids);
    return new Map(details.map((d) => [d.customerWaId, d.id]));
  });
}

const outboundText = (waId: string, n: number): string => `to ${waId}: message ${n}`;

function outboundRow(id: string, conversationId: string, text: string, now: number): MessageRow {
  return {
    id,
    conversationId,
    direction: 'outbound',
    wamid: null,
    kind: 'text',
    text,
    authorName: 'Marco',
    authorUserId: null,
    sentAt: now,
    createdAt: now,
    status: 'pending',
    failureReason: null,
    clientMessageId: null,
  };
}

beforeAll(async () => {
  databaseUrl = await freshPostgres();
  mediaDir = mkdtempSync(join(tmpdir(), 'parlo-claims-'));
  const graphUrl = await startGraph();
  // One after the other: the first runs the migrations and seeds the demo data.
  const a = await startNode('node-a', graphUrl);
  const b = await startNode('node-b', graphUrl);
  nodeA = a.parlo;
  nodeB = b.parlo;
  // Webhooks reach one node (as a load balancer would send each to one); the work they leave is
  // done by whichever node claims it.
  sim.setWebhookUrl(`${a.url}/webhooks/whatsapp`);
  for (const waId of CUSTOMERS) {
    sim.sendFromCustomer(waId, { text: 'Hello' });
    for (let i = 0; i < IMAGES_PER_CUSTOMER; i++)
      sim.sendFromCustomer(waId, { type: 'image', caption: `${i}` });
  }
  await sim.idle();
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([nodeA?.close(), nodeB?.close()]);
  await sim?.stop();
  if (proxy) await new Promise((done) => proxy.close(done));
  if (mediaDir) rmSync(mediaDir, { recursive: true, force: true });
  if (databaseUrl) await releaseFreshPostgres(databaseUrl);
});

describe('[cluster] two nodes on one PostgreSQL database claim each work item once', () => {
  it('[cluster][ADR 0008] each outbox send reaches WhatsApp exactly once and in order per conversation; each read receipt once', async () => {
    const conversations = await conversationsByCustomer(nodeA.store);
    expect([...conversations.keys()].sort()).toEqual([...CUSTOMERS].sort());
    // The newest inbound wamid of each customer: what its read receipt names.
    const lastInbound = new Map(
      CUSTOMERS.map((waId) => [waId, sim.thread(waId, DEMO_NUMBER.phoneNumberId).at(-1)?.wamid ?? '']),
    );
    // One transaction per row, interleaving conversations: ids (and so order) follow enqueue order.
    for (let n = 0; n < SENDS_PER_CONVERSATION; n++) {
      for (const waId of CUSTOMERS) {
        const conversationId = conversations.get(waId) ?? '';
        await nodeA.store.transaction(async (tx) => {
          const now = Date.now();
          const { message } = await tx.insertOutboundMessage(
            outboundRow(`msg-${waId}-${n}`, conversationId, outboundText(waId, n), now),
          );
          await enqueueSend(tx, message, now);
          if (n === READ_AFTER - 1)
            await enqueueMarkRead(tx, conversationId, lastInbound.get(waId) ?? '', now);
        });
      }
    }
    const total = CUSTOMERS.length * SENDS_PER_CONVERSATION;
    const outThread = (waId: string) =>
      sim.thread(waId, DEMO_NUMBER.phoneNumberId).filter((m) => m.direction === 'out');
    const depth = async (): Promise<number> => {
      const health = await nodeA.store.transaction((tx) => tx.channelHealth());
      return health.numbers.reduce((sum, n) => sum + n.outboxDepth, 0);
    };

    nodeA.outbox.start();
    nodeB.outbox.start();
    try {
      await until(async () => (await depth()) === 0, 'the outbox to drain');
    } finally {
      await Promise.all([nodeA.outbox.stop(), nodeB.outbox.stop()]);
    }

    for (const waId of CUSTOMERS) {
      expect(outThread(waId).map((m) => m.text)).toEqual(
        Array.from({ length: SENDS_PER_CONVERSATION }, (_, n) => outboundText(waId, n)),
      );
    }
    const sends = calls.filter((c) => c.method === 'POST' && c.body?.type !== undefined);
    expect(sends).toHaveLength(total);
    const reads = calls.filter((c) => c.method === 'POST' && c.body?.status === 'read');
    expect(reads.map((c) => c.body?.message_id).sort()).toEqual([...lastInbound.values()].sort());
    // Every message settled with its wamid (none left "delivery unknown" or failed).
    const messages = await nodeB.store.transaction(async (tx) =>
      (await Promise.all([...conversations.values()].map((id) => tx.listMessages(id)))).flat(),
    );
    const outbound = messages.filter((m) => m.direction === 'outbound');
    expect(outbound).toHaveLength(total);
    expect(outbound.filter((m) => m.wamid === null || m.status === 'failed')).toEqual([]);
    // Both nodes carried out rows (so their claims did meet).
    expect(claimedRows.get(nodeA)?.length).toBeGreaterThan(0);
    expect(claimedRows.get(nodeB)?.length).toBeGreaterThan(0);
  }, 120_000);

  it('[cluster] each inbound media file is downloaded exactly once', async () => {
    const pending = (): Promise<number> =>
      nodeA.store.transaction(async (tx) => (await tx.dueMedia(Number.MAX_SAFE_INTEGER, 1_000)).length);
    expect(await pending()).toBe(CUSTOMERS.length * IMAGES_PER_CUSTOMER);
    const before = calls.length;
    const drive = async (node: Parlo): Promise<number> => {
      let fetched = 0;
      while ((await pending()) > 0) {
        const n = await node.media.runOnce();
        fetched += n;
        // The rest is leased to the other loops: look again shortly.
        if (n === 0) await new Promise((r) => setTimeout(r, 10));
      }
      return fetched;
    };
    const [byA, byB] = await Promise.all([drive(nodeA), drive(nodeB), drive(nodeA), drive(nodeB)]);
    expect((byA ?? 0) + (byB ?? 0)).toBeGreaterThan(0);

    const mine = calls.slice(before);
    const lookups = mine.filter((c) => c.method === 'GET' && /^\/v[\d.]+\/[^/]+$/.test(c.path));
    const perMedia = new Map<string, number>();
    for (const c of lookups) perMedia.set(c.path, (perMedia.get(c.path) ?? 0) + 1);
    expect(perMedia.size).toBe(CUSTOMERS.length * IMAGES_PER_CUSTOMER);
    expect([...perMedia.values()].filter((n) => n !== 1)).toEqual([]);
    // Each file stored by one node only (the download URL is the simulator's own, past the proxy).
    const stored = (nodeId: string): string[] => {
      const dir = join(mediaDir, nodeId);
      return existsSync(dir) ? readdirSync(dir) : [];
    };
    const [inA, inB] = [stored('node-a'), stored('node-b')];
    expect(inA.length + inB.length).toBe(CUSTOMERS.length * IMAGES_PER_CUSTOMER);
    expect(inA.filter((file) => inB.includes(file))).toEqual([]);
  }, 120_000);

  it('[cluster] each due timer fires exactly once, whichever node fires it', async () => {
    const now = Date.now();
    const keys = Array.from({ length: TIMERS }, (_, i) => `cluster-test:${String(i).padStart(4, '0')}`);
    await nodeA.store.transaction(async (tx) => {
      // An offer deadline of no live offer: the decision changes nothing, the claim is what counts.
      for (const key of keys) {
        await tx.armTimer({ key, dueAt: now - 1, event: { type: 'offer.deadlinePassed', offerId: key } });
      }
    });
    const due = (): Promise<number> =>
      nodeA.store.transaction(async (tx) => (await tx.dueTimers(Date.now(), 1)).length);
    const drive = async (node: Parlo): Promise<void> => {
      while ((await due()) > 0) {
        if ((await node.timers.fireDue()) === 0) await new Promise((r) => setTimeout(r, 5));
      }
    };
    await Promise.all([drive(nodeA), drive(nodeB), drive(nodeA), drive(nodeB)]);

    const all = [...(fired.get(nodeA) ?? []), ...(fired.get(nodeB) ?? [])].filter((k) =>
      k.startsWith('cluster-test:'),
    );
    expect([...all].sort()).toEqual(keys);
    // Both nodes took part (so the claims did meet): not a proof by one node doing all of it.
    expect(fired.get(nodeA)?.some((k) => k.startsWith('cluster-test:'))).toBe(true);
    expect(fired.get(nodeB)?.some((k) => k.startsWith('cluster-test:'))).toBe(true);
  }, 120_000);

  it("[cluster] a number's periodic template sync runs on one node per interval; an on-demand sync always runs", async () => {
    const listings = (): number => calls.filter((c) => c.path.endsWith('/message_templates')).length;
    const synced = (results: readonly { templates: number }[]): number =>
      results.filter((r) => r.templates >= 0).length;

    const before = listings();
    const [a1, b1] = await Promise.all([nodeA.templates.syncClaimed(), nodeB.templates.syncClaimed()]);
    expect(synced(a1) + synced(b1)).toBe(1);
    expect(listings() - before).toBe(1);
    // Within the interval neither node syncs again.
    const [a2, b2] = await Promise.all([nodeA.templates.syncClaimed(), nodeB.templates.syncClaimed()]);
    expect(synced(a2) + synced(b2)).toBe(0);
    // One interval later the lease has lapsed: one node (either) takes it and syncs once.
    skewMs += TEMPLATE_SYNC_INTERVAL_MS;
    const [a3, b3] = await Promise.all([nodeA.templates.syncClaimed(), nodeB.templates.syncClaimed()]);
    expect(synced(a3) + synced(b3)).toBe(1);
    expect(listings() - before).toBe(2);
    // An administrator's sync is not claimed: each node asked does it.
    await Promise.all([nodeA.templates.syncAll(), nodeB.templates.syncAll()]);
    expect(listings() - before).toBe(4);
  }, 60_000);
});
