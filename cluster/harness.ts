/**
 * A whole cluster for one test file: private PostgreSQL and Redis on free ports, the WhatsApp
 * simulator in the test process (so the test reads what it received), N Parlo nodes as child
 * processes, and HAProxy in front. The first node starts alone (it seeds the demo data), the admin
 * adds the test's agents, then the other nodes start. Logs of every process go to a scratch
 * folder, printed when a test fails and kept on disk then.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator, type SimCustomer, type Simulator, type ThreadMessage } from '@parlo/whatsapp-sim';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { RestClient, TestDesktop, rest, signIn } from './clients.ts';
import {
  Balancer,
  ParloNode,
  PrivatePostgres,
  PrivateRedis,
  freePort,
  until,
  type WebhookLimits,
} from './processes.ts';

/** The demo's business number (apps/server/src/seed/demo.ts), bound to the simulator. */
export const DEMO_NUMBER = {
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
  wabaId: '102290129340398',
  accessToken: 'demo-access-token',
  appSecret: 'demo-app-secret',
} as const;

/** The demo's agents; each has capacity 5 in both demo queues. */
export const DEMO_AGENTS = ['anna', 'marco', 'giulia'] as const;

export interface ClusterOptions {
  /** Nodes behind the balancer (default 3). */
  readonly nodeCount?: number;
  /** Extra environment of every node (see apps/server/src/platform/config.ts). */
  readonly nodeEnv?: Readonly<Record<string, string>>;
  /** The simulator's sends per second per number before 130429 (default 1000: no limit in the way). */
  readonly simRateLimitPerSecond?: number;
  /**
   * When the simulator reports a send sent and delivered (default 20 and 60 ms). The simulator
   * shares the test's process: a test that times arrivals may hold statuses back, so their webhooks
   * do not load that process while it stamps arrivals.
   */
  readonly simStatusDelaysMs?: { readonly sent: number; readonly delivered: number };
  /** Customers the simulator knows (default 30). */
  readonly customers?: number;
  /** Agents the admin adds (`agent01`...) in the support queue, besides the demo's three. */
  readonly extraAgents?: number;
  /** Capacity of the added agents (default 3). */
  readonly extraAgentCapacity?: number;
  /** Offer deadline of both demo queues (default: the demo's 30 s); at least 5. */
  readonly offerTimeoutSeconds?: number;
  /** The balancer's webhook limits (default: scripts/haproxy-config.mjs's). */
  readonly webhookLimits?: WebhookLimits;
}

/** An agent of the test: signed in (REST through the balancer) with a desktop open. */
export interface TestAgent {
  readonly username: string;
  readonly userId: string;
  readonly api: RestClient;
  readonly desktop: TestDesktop;
}

/** One send the simulator accepted (Graph API 200), in arrival order. */
export interface AcceptedSend {
  readonly text: string;
  readonly waId: string;
  /** performance.now() in the test process when the simulator accepted it. */
  readonly at: number;
}

export interface Cluster {
  readonly scratch: string;
  readonly postgres: PrivatePostgres;
  readonly redis: PrivateRedis;
  readonly sim: Simulator;
  readonly simUrl: string;
  readonly balancer: Balancer;
  readonly nodes: readonly ParloNode[];
  /** A small pool on the private database, for the tests' checks. */
  readonly db: pg.Pool;
  readonly customers: readonly SimCustomer[];
  /** Every agent's username (demo's and added), with their user id. */
  readonly agentIds: ReadonlyMap<string, string>;
  /** Sends the simulator accepted, in order. */
  readonly acceptedSends: AcceptedSend[];
  /** Graph API answers carrying 130429 (the number's rate exceeded). */
  readonly rateLimitHits: () => number;
  /**
   * Refuses every send (Meta's transient 503, code 2, which Parlo retries) until the returned
   * function is called: lets a test build an outbox backlog before anything drains it.
   */
  holdSends(): () => void;
  /** Signs an agent in through the balancer and opens their desktop (through it, or on one node). */
  agent(username: string, via?: ParloNode): Promise<TestAgent>;
  /** A customer writes; resolves with the message's wamid (the webhook goes out through the balancer). */
  customerWrites(waId: string, text: string): string;
  /** Prints the tail of every log to stderr. */
  printLogs(): void;
  stop(options?: { keepLogs?: boolean }): Promise<void>;
}

/** Builds the cluster; on a failure prints the logs, stops what started, and rethrows. */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const scratch = mkdtempSync(join(tmpdir(), 'parlo-cluster-'));
  const parts: Partial<Mutable<Cluster>> & { desktops: TestDesktop[] } = { scratch, desktops: [] };
  try {
    return await build(scratch, options, parts);
  } catch (err) {
    printLogsOf(parts);
    await stopParts(parts, true);
    throw err;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

async function build(
  scratch: string,
  options: ClusterOptions,
  parts: Partial<Mutable<Cluster>> & { desktops: TestDesktop[] },
): Promise<Cluster> {
  // Both at once, but each one that started is recorded for the clean-up even if the other failed.
  const [startedPostgres, startedRedis] = await Promise.allSettled([
    PrivatePostgres.create(scratch),
    PrivateRedis.create(scratch),
  ]);
  if (startedPostgres.status === 'fulfilled') parts.postgres = startedPostgres.value;
  if (startedRedis.status === 'fulfilled') parts.redis = startedRedis.value;
  if (startedPostgres.status === 'rejected') throw startedPostgres.reason;
  if (startedRedis.status === 'rejected') throw startedRedis.reason;
  const postgres = startedPostgres.value;
  const redis = startedRedis.value;
  const db = new pg.Pool({ connectionString: postgres.url, max: 4 });
  // The tests stop PostgreSQL on purpose: an idle client's error must not crash the test process.
  db.on('error', () => undefined);
  parts.db = db;

  const customers: SimCustomer[] = Array.from({ length: options.customers ?? 30 }, (_, i) => ({
    waId: `3930000${String(10_000 + i)}`,
    name: `Customer ${letters(i)}`,
  }));
  const balancerPort = await freePort();
  const sim = createSimulator({
    webhookUrl: `http://127.0.0.1:${balancerPort}/webhooks/whatsapp`,
    numbers: [{ ...DEMO_NUMBER, verifiedName: 'Parlo Cluster' }],
    customers,
    statusDelaysMs: { ...(options.simStatusDelaysMs ?? { sent: 20, delivered: 60 }), read: 3_600_000 },
    rateLimitPerSecond: options.simRateLimitPerSecond ?? 1000,
    // Meta retries for a day; the tests need the retries to land within their time.
    delivery: {
      maxAttempts: 30,
      initialBackoffMs: 200,
      maxBackoffMs: 2_000,
      timeoutMs: 5_000,
      maxQueued: 10_000,
    },
  });
  let rateLimitHits = 0;
  sim.app.addHook('onSend', async (_request, _reply, payload) => {
    if (typeof payload === 'string' && payload.includes('"code":130429')) rateLimitHits++;
    return payload;
  });
  // While closed, every send is refused as Meta refuses one when its service is briefly away
  // (HTTP 503, code 2, retried with backoff): nothing is accepted, so nothing is late or bunched.
  let sendsRefused = false;
  sim.app.addHook('onRequest', async (request, reply) => {
    if (sendsRefused && request.method === 'POST' && request.url.endsWith('/messages')) {
      await reply.code(503).send({
        error: {
          message: 'Service temporarily unavailable',
          type: 'OAuthException',
          code: 2,
          fbtrace_id: 'AcLuster',
        },
      });
    }
  });
  const holdSends = (): (() => void) => {
    sendsRefused = true;
    return () => {
      sendsRefused = false;
    };
  };
  const acceptedSends: AcceptedSend[] = [];
  sim.subscribe((event) => {
    if (event.type === 'message' && event.message.direction === 'out') {
      acceptedSends.push({ text: event.message.text, waId: event.message.waId, at: performance.now() });
    }
  });
  const simUrl = await sim.start(0, '127.0.0.1');
  parts.sim = sim;
  parts.simUrl = simUrl;
  parts.customers = customers;
  parts.acceptedSends = acceptedSends;

  const settings = {
    databaseUrl: postgres.url,
    redisUrl: redis.url,
    graphUrl: simUrl,
    mediaDir: join(scratch, 'media'),
    publicOrigin: `http://127.0.0.1:${balancerPort}`,
    env: options.nodeEnv ?? {},
  };
  const nodeCount = options.nodeCount ?? 3;
  const nodes: ParloNode[] = [];
  for (let i = 1; i <= nodeCount; i++)
    nodes.push(new ParloNode(`n${i}`, await freePort(), scratch, settings));
  parts.nodes = nodes;
  const [first, ...others] = nodes;
  if (!first) throw new Error('a cluster needs a node');
  // The first node alone: it migrates and seeds the demo data; two seeding at once would race.
  await first.start();

  const agentIds = new Map<string, string>(DEMO_AGENTS.map((name) => [name, `usr_${name}`]));
  const admin = await signIn(first.url, 'admin');
  const masking = await rest(`${first.url}/api/admin/settings`, {
    method: 'PUT',
    cookie: admin,
    body: { maskSensitiveData: false },
  });
  if (masking.status !== 200) throw new Error(`turning masking off failed: ${masking.status}`);
  if (options.offerTimeoutSeconds !== undefined) {
    for (const queueId of ['q_support', 'q_sales']) {
      const patched = await rest(`${first.url}/api/admin/queues/${queueId}`, {
        method: 'PATCH',
        cookie: admin,
        body: { offerTimeoutSeconds: options.offerTimeoutSeconds },
      });
      if (patched.status !== 200)
        throw new Error(`setting ${queueId}'s offer timeout failed: ${patched.status}`);
    }
  }
  for (let i = 1; i <= (options.extraAgents ?? 0); i++) {
    const username = `agent${String(i).padStart(2, '0')}`;
    const created = await rest(`${first.url}/api/admin/users`, {
      cookie: admin,
      body: {
        username,
        displayName: `Agent ${letters(i)}`,
        role: 'agent',
        password: 'parlo-demo-2026',
        queueIds: ['q_support'],
        capacity: options.extraAgentCapacity ?? 3,
      },
    });
    const id = (created.json as { user?: { id?: unknown } } | undefined)?.user?.id;
    if (created.status !== 201 && created.status !== 200) {
      throw new Error(`creating ${username} failed: ${created.status} ${JSON.stringify(created.json)}`);
    }
    if (typeof id !== 'string') throw new Error(`creating ${username}: no id in the answer`);
    agentIds.set(username, id);
  }
  await Promise.all(others.map((node) => node.start()));

  const balancer = await Balancer.create(balancerPort, scratch, nodes, options.webhookLimits);
  parts.balancer = balancer;
  for (const node of nodes) await balancer.waitFor(node.name, 'UP');

  const cluster: Cluster = {
    scratch,
    postgres,
    redis,
    sim,
    simUrl,
    balancer,
    nodes,
    db,
    customers,
    agentIds,
    acceptedSends,
    rateLimitHits: () => rateLimitHits,
    holdSends,
    async agent(username, via) {
      const userId = agentIds.get(username);
      if (userId === undefined) throw new Error(`no agent ${username}`);
      const cookie = await signIn(balancer.url, username);
      const api = new RestClient(username, cookie, () => balancer.url);
      const wsBase = () => (via ?? balancer).url.replace(/^http/, 'ws');
      const desktop = new TestDesktop(
        username,
        cookie,
        () => `${wsBase()}/api/ws`,
        via ? () => via.name : undefined,
      );
      parts.desktops.push(desktop);
      await desktop.open();
      return { username, userId, api, desktop };
    },
    customerWrites(waId, text) {
      return sim.sendFromCustomer(waId, { text }).wamid;
    },
    printLogs: () => printLogsOf(parts),
    stop: (stopOptions) => stopParts(parts, stopOptions?.keepLogs ?? false),
  };
  return cluster;
}

function printLogsOf(parts: Partial<Cluster>): void {
  const sections: string[] = [`cluster logs in ${parts.scratch ?? '?'}`];
  for (const node of parts.nodes ?? []) sections.push(`--- node ${node.name} ---\n${node.process.tail(80)}`);
  if (parts.balancer) sections.push(`--- haproxy ---\n${parts.balancer.process.tail(20)}`);
  if (parts.redis) sections.push(`--- redis ---\n${parts.redis.process.tail(10)}`);
  if (parts.postgres) sections.push(`--- postgresql ---\n${parts.postgres.tail(20)}`);
  console.error(sections.join('\n'));
}

async function stopParts(
  parts: Partial<Cluster> & { desktops: TestDesktop[] },
  keepLogs: boolean,
): Promise<void> {
  for (const desktop of parts.desktops) desktop.close();
  await parts.balancer?.process.stop('SIGTERM', 5_000);
  await Promise.all((parts.nodes ?? []).map((node) => node.process.stop('SIGTERM', 10_000)));
  await parts.sim?.stop();
  await parts.db?.end().catch(() => undefined);
  await parts.redis?.stop('SIGKILL');
  parts.postgres?.dispose();
  if (keepLogs) console.error(`cluster logs kept in ${parts.scratch ?? '?'}`);
  else if (parts.scratch) rmSync(parts.scratch, { recursive: true, force: true });
}

/**
 * The cluster of a test file: started before its tests, stopped after them, its logs printed
 * when a test fails (and kept on disk then).
 */
export function useCluster(options: ClusterOptions = {}): () => Cluster {
  let cluster: Cluster | undefined;
  let failed = false;
  beforeAll(async () => {
    cluster = await startCluster(options);
  }, 240_000);
  beforeEach((context) => {
    context.onTestFailed(() => {
      failed = true;
      cluster?.printLogs();
    });
  });
  afterAll(async () => {
    await cluster?.stop({ keepLogs: failed });
  }, 90_000);
  return () => {
    if (!cluster) throw new Error('the cluster did not start');
    return cluster;
  };
}

/** Letters for a number (0 -> "Aa", 1 -> "Ab"...): message texts and names stay free of digits, which masking or phone detection could touch. */
export function letters(n: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  let out = '';
  let rest = n;
  do {
    out = alphabet[rest % 26] + out;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return `A${out}`;
}

// --- what the tests check ---

/** Inbound messages the simulator got a 200 for (the customer's phone shows them delivered). */
export function ackedInbound(cluster: Cluster): ThreadMessage[] {
  return cluster.customers.flatMap((customer) =>
    cluster.sim
      .thread(customer.waId)
      .filter((m) => m.direction === 'in' && (m.status === 'delivered' || m.status === 'read')),
  );
}

/** Acknowledged inbound messages that are not in the database: must be none. */
export async function lostAckedMessages(cluster: Cluster): Promise<string[]> {
  const acked = ackedInbound(cluster).map((m) => m.wamid);
  if (acked.length === 0) return [];
  const found = await cluster.db.query<{ wamid: string }>(
    'select wamid from messages where wamid = any($1::text[])',
    [acked],
  );
  const stored = new Set(found.rows.map((r) => r.wamid));
  return acked.filter((wamid) => !stored.has(wamid));
}

/** Texts the simulator received more than once (each test send has a unique text): must be none. */
export function duplicateSends(cluster: Cluster): string[] {
  const seen = new Map<string, number>();
  for (const send of cluster.acceptedSends) seen.set(send.text, (seen.get(send.text) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([text, n]) => `${text} x${n}`);
}

/**
 * The routing invariants, read from the database: at most one live (non-conference) offer per
 * conversation, an `offered` conversation's offer is pending, no agent holds more than capacity.
 */
export async function routingViolations(cluster: Cluster): Promise<string[]> {
  const problems: string[] = [];
  const twoOffers = await cluster.db.query<{ conversation_id: string; n: string }>(
    `select conversation_id, count(*) as n from offers
      where status_kind = 'pending' and purpose_kind <> 'conference'
      group by conversation_id having count(*) > 1`,
  );
  for (const row of twoOffers.rows) problems.push(`${row.conversation_id} has ${row.n} pending offers`);
  const orphan = await cluster.db.query<{ id: string }>(
    `select c.id from conversations c left join offers o on o.id = c.phase_offer_id
      where c.phase_kind = 'offered' and (o.id is null or o.status_kind <> 'pending' or o.agent_id <> c.phase_agent_id)`,
  );
  for (const row of orphan.rows) problems.push(`${row.id} is offered without its pending offer`);
  const overCapacity = await cluster.db.query<{ user_id: string; capacity: number; load: string }>(
    `select a.user_id, a.capacity, count(c.id) as load from agents a
       join conversations c on (c.phase_agent_id = a.user_id and c.phase_kind in ('offered', 'active', 'wrapUp'))
                            or c.guest_agent_id = a.user_id
      group by a.user_id, a.capacity having count(c.id) > a.capacity`,
  );
  for (const row of overCapacity.rows) {
    problems.push(`${row.user_id} holds ${row.load} conversations, capacity ${row.capacity}`);
  }
  return problems;
}

/** The conversation of a customer (the newest, if several), once it is in the database. */
export async function conversationOf(cluster: Cluster, waId: string): Promise<string | undefined> {
  const result = await cluster.db.query<{ id: string }>(
    `select c.id from conversations c join customers u on u.id = c.customer_id
      where u.wa_id = $1 order by c.received_at desc limit 1`,
    [waId],
  );
  return result.rows[0]?.id;
}

/** The agent a conversation is offered to or owned by now, per the database. */
export async function holderOf(cluster: Cluster, conversationId: string): Promise<string | undefined> {
  const result = await cluster.db.query<{ phase_agent_id: string | null }>(
    'select phase_agent_id from conversations where id = $1',
    [conversationId],
  );
  return result.rows[0]?.phase_agent_id ?? undefined;
}

/** The agent's last event seq in the log (0 if none). */
export async function lastSeqInLog(cluster: Cluster, agentId: string): Promise<number> {
  const result = await cluster.db.query<{ seq: number }>('select seq from agent_seqs where agent_id = $1', [
    agentId,
  ]);
  return Number(result.rows[0]?.seq ?? 0);
}

/** Waits until every desktop has applied the agent's last logged event (resynced after a fault). */
export async function desktopsCaughtUp(
  cluster: Cluster,
  agents: readonly TestAgent[],
  timeoutMs = 30_000,
): Promise<void> {
  await until(
    async () => {
      for (const agent of agents) {
        if (!agent.desktop.isSynced) return undefined;
        if (agent.desktop.lastSeq !== (await lastSeqInLog(cluster, agent.userId))) return undefined;
      }
      return true;
    },
    'every desktop to reach its agent’s last logged seq',
    timeoutMs,
    100,
  ).catch(async (err: unknown) => {
    const states = await Promise.all(
      agents.map(
        async (a) =>
          `${a.username}: desktop ${String(a.desktop.lastSeq)} (synced ${String(a.desktop.isSynced)}, on ${a.desktop.node}) log ${await lastSeqInLog(cluster, a.userId)}`,
      ),
    );
    throw new Error(`${String(err)}\n${states.join('\n')}`);
  });
}

/**
 * Waits until the cluster has nothing left in flight: the outbox is empty (sent, failed or settled
 * after a crash) and the simulator has no webhook left to deliver (messages and statuses).
 */
export async function quiesce(cluster: Cluster, timeoutMs = 60_000): Promise<void> {
  await until(
    async () => {
      const outbox = await cluster.db.query<{ n: number }>('select count(*)::int as n from outbox');
      if ((outbox.rows[0]?.n ?? 1) > 0) return undefined;
      return cluster.sim.deliveries().some((d) => d.outcome === 'pending') ? undefined : true;
    },
    'the outbox to drain and every webhook to be delivered',
    timeoutMs,
    200,
  );
}

/** Offers added or removed more than once on one desktop (a timer fired twice, a push doubled). */
export function repeatedOfferEvents(agents: readonly TestAgent[]): string[] {
  const problems: string[] = [];
  for (const agent of agents) {
    const counts = new Map<string, number>();
    for (const { event } of agent.desktop.events) {
      const key =
        event.type === 'offer.added'
          ? `added ${event.offer.id}`
          : event.type === 'offer.removed'
            ? `removed ${event.offerId}`
            : undefined;
      if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [key, n] of counts) if (n > 1) problems.push(`${agent.username}: offer ${key} x${n}`);
  }
  return problems;
}

/** Conversations re-queued because their owner counted as disconnected (a desktop that moved node must not). */
export async function ownersDisconnected(cluster: Cluster): Promise<number> {
  const result = await cluster.db.query<{ n: number }>(
    `select count(*)::int as n from messages where content like '%"ownerDisconnected"%'`,
  );
  return result.rows[0]?.n ?? 0;
}

/** Offers still pending well past their deadline: a timer that no node fired. */
export async function overdueOffers(cluster: Cluster, slackMs = 5_000): Promise<number> {
  const result = await cluster.db.query<{ n: number }>(
    `select count(*)::int as n from offers where status_kind = 'pending' and expires_at < $1`,
    [Date.now() - slackMs],
  );
  return result.rows[0]?.n ?? 0;
}
