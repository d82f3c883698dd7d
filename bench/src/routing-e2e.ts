/**
 * Routing end to end: how the latency of routing grows with the backlog, through the real server
 * (HTTP, database, WebSocket). For each cell of waiting conversations W x agents A:
 *
 * - a fresh database (SQLite file, or a PostgreSQL database per cell), a copy of a template the
 *   server migrated and gave the demo data once (a first start), seeded directly with SQL in one
 *   transaction, server down: A agents of the demo queue, Available and connected-looking but busy
 *   (capacity 1, one active conversation each), and W conversations waiting behind them there;
 * - the server started as a child process (`tsx apps/server/src/main.ts`, pinned to core 0):
 *   spawn to /healthz 200 is the start-up, the load of the world;
 * - one request at a time (closed loop), p50/p99: a signed webhook from a new customer (a new
 *   conversation, routed, waits: time to the ack), `anna`'s state command (idle <-> available, in
 *   a queue where nothing waits), and `marco`'s accept of an offer (Available, alone in the bench's
 *   own queue: a new customer of the bench's number is offered to him on his socket; end and
 *   wrap-up free him, untimed). Each measure stops after N samples or a time cap;
 * - stop (SIGTERM) and start again on the same database: the restart, and its first command; then
 *   a check that the server routes on the world it was given (the head of the backlog is offered,
 *   and no seeded conversation was taken).
 *
 * Run alone: `npx tsx bench/src/routing-e2e.ts [--quick]`. Environment: `ROUTING_E2E_QUICK=1` is
 * `--quick`; `ROUTING_E2E_DB=postgres` runs on PostgreSQL (`ROUTING_E2E_PG_URL`, default
 * postgres://postgres@127.0.0.1:5432/test: where each cell's database is created and dropped);
 * `ROUTING_E2E_CHECKOUT=<dir>` measures the server of another copy of the tree (before/after).
 * Customer phone numbers are never printed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION } from '@parlo/protocol';
import { signPayload } from '@parlo/whatsapp';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { Client } from 'undici';
import WebSocket from 'ws';
import { quantile, round } from './load.ts';
import { serverNodeArgs } from './server-command.ts';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const pinned = cpus().length >= 2;

/** The demo number the server seeds with PARLO_DEMO=true (apps/server/src/seed/demo.ts). */
const DEMO_NUMBER = {
  id: 'bn_demo',
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
  wabaId: '102290129340398',
  appSecret: 'demo-app-secret',
};
/** A second number the bench seeds, bound to a queue of its own: its customers are offered to `marco`. */
const BENCH_NUMBER = {
  id: 'bn_e2e',
  phoneNumberId: '106540352249999',
  displayPhoneNumber: '15550789999',
  wabaId: DEMO_NUMBER.wabaId,
  appSecret: DEMO_NUMBER.appSecret,
};
const DEMO_PASSWORD = 'parlo-demo-2026';
/** The demo queue every seeded agent belongs to and where the backlog waits. */
const WAITING_QUEUE = 'q_support';
/** The bench's own queue: `marco` alone is a member, so each of its conversations is offered to him. */
const ACCEPT_QUEUE = 'q_e2e';
const IDLE_CODE = 'idle_break';
const WRAP_UP_REASON = 'wr_resolved';

/** Every request gets this long; a slower answer counts as an error. */
const REQUEST_TIMEOUT_MS = 15_000;
/** Spawn to /healthz 200, at most. */
const START_TIMEOUT_MS = 120_000;
/** Samples before each measure, not counted (JIT, connections, statement caches). */
const WARMUP_SAMPLES = 3;

export type RoutingE2eDb = 'sqlite' | 'postgres';

export interface RoutingE2eOptions {
  /** {0, 10k} x {10, 1k}, fewer samples: a couple of minutes. */
  readonly quick?: boolean;
  readonly db?: RoutingE2eDb;
  /** Counted samples per measure, at most. */
  readonly samples?: number;
  /** A measure stops after this long, whatever its count (slow cells report fewer samples). */
  readonly measureCapMs?: number;
  readonly grid?: { readonly waiting: readonly number[]; readonly agents: readonly number[] };
  /**
   * The tree whose server is measured (default: this one; env ROUTING_E2E_CHECKOUT): another copy,
   * e.g. before a change, for before/after figures. It needs node_modules: links to this one's
   * entries do, but `@parlo/*` must point at that copy's own packages.
   */
  readonly checkout?: string;
}

/** One measure of a cell: closed loop, one request at a time. */
export interface Measure {
  /** Samples timed (errors excluded). */
  readonly n: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Stopped by the time cap before reaching the sample count. */
  readonly capped: boolean;
}

export interface CellResult {
  readonly waiting: number;
  readonly agents: number;
  /** Bulk insert of the world (one transaction). */
  readonly seedMs: number;
  /** Spawn to /healthz 200 on the seeded world. */
  readonly startMs: number;
  /** Signed webhook from a new customer (a new conversation, routed): time to the 200 ack. */
  readonly webhook: Measure;
  /** POST /api/agent/state, idle <-> available. */
  readonly state: Measure;
  /** POST /api/offers/:id/accept (an offer made by routing to an Available agent). */
  readonly accept: Measure;
  /** SIGTERM to exit (graceful close). */
  readonly stopMs: number;
  /** Spawn to /healthz 200 again, on the same database after the measures. */
  readonly restartMs: number;
  /** The first agent command after the restart (a lazy load of the world would show here). */
  readonly firstCommandAfterRestartMs: number;
  /**
   * After the restart, an agent of the demo queue going Available was offered its head: the
   * oldest seeded waiting conversation (any conversation when W = 0). The server routes on the
   * world it was given.
   */
  readonly headOffered: boolean;
  /**
   * Conversations queued in the demo queue at the end (SQL), and how many there should be: W, plus
   * the webhooks' new ones, minus the head offered. Fewer means a seeded agent took some: the
   * server did not see them busy.
   */
  readonly waitingAtEnd: number;
  readonly expectedWaitingAtEnd: number;
  readonly error?: string;
}

export interface RoutingE2eReport {
  readonly db: RoutingE2eDb;
  readonly quick: boolean;
  readonly pinned: boolean;
  readonly samples: number;
  readonly measureCapMs: number;
  readonly cells: CellResult[];
  /** Each cell's p99 (and start) divided by the same figure at the smallest cell. */
  readonly growth: Record<string, number | string>[];
  readonly goals: Record<string, number | string>;
}

const FULL_GRID = { waiting: [0, 1000, 10_000, 50_000], agents: [10, 500, 1000] } as const;
const QUICK_GRID = { waiting: [0, 10_000], agents: [10, 1000] } as const;

// --- the server under test ---

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

interface RunningServer {
  readonly origin: string;
  /** Spawn to /healthz 200. */
  readonly startMs: number;
  /** SIGTERM, then SIGKILL after 10 s; resolves with the time to exit. */
  stop(): Promise<number>;
}

/** Spawns the server (pinned to core 0 when there are two cores) and waits for /healthz 200. */
async function startServer(databaseUrl: string, scratch: string, checkout: string): Promise<RunningServer> {
  const port = await freePort();
  const args = serverNodeArgs(checkout);
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    PARLO_DEMO: 'true',
    // Benchmarks sign in and call the API far faster than people do: no request limits (issue 17).
    RATE_LIMIT_API_PER_MINUTE: '0',
    RATE_LIMIT_SIGN_IN_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    GRAPH_API_BASE_URL: 'http://127.0.0.1:9',
    DESKTOP_DIST: '',
    PARLO_MEDIA_DIR: join(scratch, 'media'),
    // Seeded agents have no socket: without this they would be swept as disconnected 20 s after
    // the start, and the world would change under the measures.
    RECONNECT_WINDOW_SECONDS: '3600',
  };
  const started = performance.now();
  const child: ChildProcess = spawn(
    pinned ? 'taskset' : process.execPath,
    pinned ? ['-c', '0', process.execPath, ...args] : args,
    { cwd: checkout, stdio: ['ignore', 'ignore', 'pipe'], env },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-2000)));
  child.once('error', (err) => (stderr += `\n${err.message}`));
  const origin = `http://127.0.0.1:${port}`;
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}): ${stderr}`);
    try {
      const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > START_TIMEOUT_MS) {
      kill();
      throw new Error(`server did not answer /healthz within ${START_TIMEOUT_MS} ms: ${stderr}`);
    }
    await sleep(10);
  }
  const startMs = performance.now() - started;
  return {
    origin,
    startMs,
    stop: () =>
      new Promise<number>((done) => {
        const t0 = performance.now();
        if (child.exitCode !== null || child.signalCode !== null) return done(0);
        const timer = setTimeout(kill, 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          done(performance.now() - t0);
        });
        child.kill('SIGTERM');
      }),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// --- HTTP and the agents' sockets ---

interface Answer {
  /** 0: no answer (connection error or timeout). */
  readonly status: number;
  readonly ms: number;
  readonly json: unknown;
  readonly setCookie: string | undefined;
}

/** One keep-alive connection, one request at a time. */
class Http {
  private readonly client: Client;

  constructor(readonly origin: string) {
    this.client = new Client(origin, {
      pipelining: 1,
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
    });
  }

  post(path: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
    return this.request('POST', path, body, {
      'content-type': 'application/json',
      origin: this.origin,
      ...headers,
    });
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<Answer> {
    const t0 = performance.now();
    try {
      const res = await this.client.request({
        method,
        path,
        headers,
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await res.body.text();
      const ms = performance.now() - t0;
      const cookie = res.headers['set-cookie'];
      return {
        status: res.statusCode,
        ms,
        json: parseJson(text),
        setCookie: Array.isArray(cookie) ? cookie[0] : cookie,
      };
    } catch {
      return { status: 0, ms: performance.now() - t0, json: undefined, setCookie: undefined };
    }
  }

  /** A signed-in agent's JSON command. */
  command(cookie: string, path: string, body: unknown = {}): Promise<Answer> {
    return this.post(path, JSON.stringify(body), { cookie });
  }

  async login(username: string): Promise<string> {
    const answer = await this.post('/api/auth/login', JSON.stringify({ username, password: DEMO_PASSWORD }));
    const cookie = answer.setCookie?.split(';')[0];
    if (answer.status !== 200 || !cookie) throw new Error(`login of ${username} failed: ${answer.status}`);
    return cookie;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

interface OfferRef {
  readonly id: string;
  readonly conversationId: string;
}

/** An agent's desktop feed: signed in, said hello, collects the offers pushed to it. */
class AgentFeed {
  private readonly offers: OfferRef[] = [];
  private waiter: ((offer: OfferRef) => void) | undefined;

  private constructor(private readonly socket: WebSocket) {}

  static async open(origin: string, cookie: string): Promise<AgentFeed> {
    const socket = new WebSocket(`${origin.replace('http', 'ws')}/api/ws`, {
      headers: { cookie },
      origin,
      handshakeTimeout: REQUEST_TIMEOUT_MS,
    });
    const feed = new AgentFeed(socket);
    const snapshot = new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error('no snapshot on the agent socket')), 60_000);
      socket.on('message', (data: Buffer) => {
        const frame = (parseJson(data.toString('utf8')) ?? {}) as {
          type?: string;
          snapshot?: { offers?: OfferRef[] };
          event?: { type?: string; offer?: OfferRef };
        };
        if (frame.type === 'snapshot') {
          clearTimeout(timer);
          for (const offer of frame.snapshot?.offers ?? []) feed.push(offer);
          done();
        } else if (frame.type === 'event' && frame.event?.type === 'offer.added' && frame.event.offer) {
          feed.push(frame.event.offer);
        }
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        fail(err);
      });
    });
    // Awaited below; until then a failure must not count as an unhandled rejection.
    snapshot.catch(() => {});
    // An error after the handshake (the server stopping) closes the socket; nothing to report.
    socket.on('error', () => {});
    await new Promise<void>((done, fail) => {
      socket.once('open', () => done());
      socket.once('error', fail);
    });
    socket.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, lastSeq: null }));
    await snapshot;
    return feed;
  }

  private push(offer: OfferRef): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter(offer);
    } else {
      this.offers.push(offer);
    }
  }

  /** The next offer pushed (or already pushed), or undefined after `timeoutMs`. */
  nextOffer(timeoutMs: number): Promise<OfferRef | undefined> {
    const queued = this.offers.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((done) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        done(undefined);
      }, timeoutMs);
      this.waiter = (offer) => {
        clearTimeout(timer);
        done(offer);
      };
    });
  }

  close(): void {
    this.socket.close();
  }
}

// --- webhooks ---

let wamidSeq = 0;
let customerSeq = 0;

/** A new customer each time; never printed. Apart from the seeded ones (prefix 39). */
function newCustomer(): string {
  return `44${String(7_000_000_000 + ((process.pid * 100_000 + ++customerSeq) % 1_000_000_000))}`;
}

/** A Cloud API webhook with one text message from `from` to `number`, signed as Meta signs it. */
function webhook(
  number: typeof DEMO_NUMBER,
  from: string,
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: number.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: number.displayPhoneNumber,
                phone_number_id: number.phoneNumberId,
              },
              contacts: [{ profile: { name: 'Bench Customer' }, wa_id: from }],
              messages: [
                {
                  from,
                  id: `wamid.e2e.${process.pid}.${++wamidSeq}`,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: 'Hello, I need help with my order please' },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  return { body, headers: { 'x-hub-signature-256': signPayload(body, number.appSecret) } };
}

async function sendWebhook(http: Http, number: typeof DEMO_NUMBER): Promise<Answer> {
  const { body, headers } = webhook(number, newCustomer());
  return http.post('/webhooks/whatsapp', body, headers);
}

// --- the world, seeded with SQL ---

type Row = readonly (string | number | null)[];
interface TableRows {
  readonly table: string;
  readonly columns: readonly string[];
  readonly rows: Row[];
}

const CONVERSATION_COLUMNS = [
  'id',
  'customer_id',
  'business_number_id',
  'queue_id',
  'received_at',
  'last_inbound_at',
  'offer_count',
  'lapsed_agent_ids',
  'phase_kind',
  'phase_agent_id',
  'phase_offer_id',
  'accepted_at',
  'ended_at',
  'closed_at',
  'wrap_up_reason_id',
  'guest_kind',
  'guest_agent_id',
  'guest_offer_id',
  'guest_joined_at',
  'departed',
  'at_head',
] as const;

/** The n-th seeded conversation (1-based): the A active ones first, then the W waiting, oldest first. */
function seededConversationId(n: number): string {
  return `con_e2e_${String(n).padStart(6, '0')}`;
}

/**
 * The rows of a contact center under load: `agents` agents of the demo queue, all Available and
 * connected-looking but busy (capacity 1, one active conversation each), and `waiting`
 * conversations queued behind them in the same queue, oldest first over the last hour. Each
 * conversation has its customer and one inbound message; each active one its accepted offer.
 * Plus the bench's own queue and number (for the accept measure).
 */
function worldRows(waiting: number, agents: number, passwordHash: string, now: number): TableRows[] {
  const users: Row[] = [];
  const agentRows: Row[] = [];
  const customers: Row[] = [];
  const conversations: Row[] = [];
  const offers: Row[] = [];
  const messages: Row[] = [];
  const hour = 3_600_000;
  let n = 0;
  const conversation = (receivedAt: number, phase: { agentId: string; acceptedAt: number } | undefined) => {
    n++;
    const pad = String(n).padStart(6, '0');
    const customerId = `cus_e2e_${pad}`;
    const conversationId = seededConversationId(n);
    customers.push([customerId, DEMO_NUMBER.id, `39${3_000_000_000 + n}`, `Customer ${n}`]);
    const offerId = `${conversationId}.o1`;
    const columns: Record<(typeof CONVERSATION_COLUMNS)[number], string | number | null> = {
      id: conversationId,
      customer_id: customerId,
      business_number_id: DEMO_NUMBER.id,
      queue_id: WAITING_QUEUE,
      received_at: receivedAt,
      last_inbound_at: receivedAt,
      offer_count: phase ? 1 : 0,
      lapsed_agent_ids: '[]',
      phase_kind: phase ? 'active' : 'queued',
      phase_agent_id: phase?.agentId ?? null,
      phase_offer_id: null,
      accepted_at: phase?.acceptedAt ?? null,
      ended_at: null,
      closed_at: null,
      wrap_up_reason_id: null,
      guest_kind: null,
      guest_agent_id: null,
      guest_offer_id: null,
      guest_joined_at: null,
      departed: '[]',
      at_head: 0,
    };
    conversations.push(CONVERSATION_COLUMNS.map((c) => columns[c]));
    if (phase) {
      offers.push([
        offerId,
        conversationId,
        phase.agentId,
        receivedAt,
        receivedAt + 30_000,
        'accepted',
        phase.acceptedAt,
        'route',
        null,
        null,
      ]);
    }
    messages.push([
      `msg_${String(receivedAt).padStart(15, '0')}_${pad}_e2e`,
      conversationId,
      'inbound',
      `wamid.e2e.seed.${pad}`,
      'text',
      'Hello, is anyone there?',
      `Customer ${n}`,
      null,
      receivedAt,
      receivedAt,
      null,
      null,
      null,
      null,
      null,
    ]);
  };
  for (let i = 0; i < agents; i++) {
    const pad = String(i + 1).padStart(4, '0');
    const id = `usr_e2e_${pad}`;
    const acceptedAt = now - hour + Math.floor((i * hour) / Math.max(1, agents));
    users.push([id, `e2e_agent_${pad}`, `Bench Agent ${i + 1}`, 'agent', passwordHash, now - 2 * hour, null]);
    agentRows.push([
      id,
      1,
      JSON.stringify([WAITING_QUEUE]),
      'available',
      now - 2 * hour,
      null,
      acceptedAt,
      null,
    ]);
    conversation(acceptedAt - 10_000, { agentId: id, acceptedAt });
  }
  for (let i = 0; i < waiting; i++) conversation(now - hour + Math.floor((i * hour) / waiting), undefined);
  return [
    {
      table: 'queues',
      columns: ['id', 'name', 'priority', 'offer_timeout_ms', 'strategy'],
      rows: [[ACCEPT_QUEUE, 'Bench accept', 3, 60_000, 'longestAvailable']],
    },
    {
      table: 'business_numbers',
      columns: [
        'id',
        'phone_number_id',
        'display_phone_number',
        'waba_id',
        'access_token',
        'app_secrets',
        'verify_token',
        'queue_id',
      ],
      rows: [
        [
          BENCH_NUMBER.id,
          BENCH_NUMBER.phoneNumberId,
          BENCH_NUMBER.displayPhoneNumber,
          BENCH_NUMBER.wabaId,
          'bench-access-token',
          JSON.stringify([BENCH_NUMBER.appSecret]),
          'bench-verify-token',
          ACCEPT_QUEUE,
        ],
      ],
    },
    {
      table: 'users',
      columns: ['id', 'username', 'display_name', 'role', 'password_hash', 'created_at', 'deleted_at'],
      rows: users,
    },
    {
      table: 'agents',
      columns: [
        'user_id',
        'capacity',
        'queue_ids',
        'state_kind',
        'state_since',
        'idle_code_id',
        'last_offered_at',
        'disconnected_at',
      ],
      rows: agentRows,
    },
    { table: 'customers', columns: ['id', 'business_number_id', 'wa_id', 'name'], rows: customers },
    { table: 'conversations', columns: CONVERSATION_COLUMNS, rows: conversations },
    {
      table: 'offers',
      columns: [
        'id',
        'conversation_id',
        'agent_id',
        'created_at',
        'expires_at',
        'status_kind',
        'status_at',
        'purpose_kind',
        'purpose_from_agent_id',
        'purpose_policy',
      ],
      rows: offers,
    },
    {
      table: 'messages',
      columns: [
        'id',
        'conversation_id',
        'direction',
        'wamid',
        'kind',
        'text',
        'author_name',
        'author_user_id',
        'sent_at',
        'created_at',
        'status',
        'failure_reason',
        'client_message_id',
        'content',
        'reply_to_wamid',
      ],
      rows: messages,
    },
  ];
}

/**
 * The demo agents measured: `anna` toggles her state in a queue where nothing waits (a pure state
 * command), `marco` alone takes the bench queue with capacity 1 (one offer at a time). `giulia`
 * stays Idle in the demo queue with capacity 1 until the check after the restart. Run after the
 * world's rows are in.
 */
const DEMO_AGENT_UPDATES: readonly { userId: string; capacity: number; queueIds: string[] }[] = [
  { userId: 'usr_anna', capacity: 5, queueIds: ['q_sales'] },
  { userId: 'usr_marco', capacity: 1, queueIds: [ACCEPT_QUEUE] },
  { userId: 'usr_giulia', capacity: 1, queueIds: [WAITING_QUEUE] },
];

/**
 * Where the server keeps a version stamp of the routing world (migration 0009, a world kept in
 * memory): rows written behind its back are a change of the world, and no copy older than it may
 * catch up from the change log. Run only when that table exists.
 */
const BUMP_ROUTING_VERSION = 'update routing_version set version = version + 1, pruned_through = version + 1';

interface BenchDatabase {
  readonly url: string;
  /** Inserts the world in one transaction; the server must not be running. */
  seed(waiting: number, agents: number): Promise<void>;
  /** Conversations queued in the demo queue. */
  countWaiting(): Promise<number>;
  drop(): Promise<void>;
}

/**
 * Where each cell's database comes from: a template the server migrated and gave the demo data
 * once (a first start and stop), copied per cell. `dispose` removes the template.
 */
interface DatabaseFactory {
  cell(name: string): Promise<BenchDatabase>;
  dispose(): Promise<void>;
}

/** Starts and stops the server once on `url`: migrations and demo data. */
type Prepare = (url: string) => Promise<void>;

async function sqliteFactory(dir: string, prepare: Prepare): Promise<DatabaseFactory> {
  const template = join(dir, 'template.db');
  await prepare(`sqlite:${template}`);
  // Everything in the main file, so that copying it copies the database.
  const db = new Sqlite(template);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return {
    cell: (name) => {
      const file = join(dir, `${name}.db`);
      copyFileSync(template, file);
      return Promise.resolve(sqliteDatabase(file));
    },
    dispose: () => sqliteDatabase(template).drop(),
  };
}

function sqliteDatabase(file: string): BenchDatabase {
  const open = () => {
    const db = new Sqlite(file);
    db.pragma('busy_timeout = 5000');
    return db;
  };
  return {
    url: `sqlite:${file}`,
    seed(waiting, agents) {
      const db = open();
      try {
        db.pragma('foreign_keys = ON');
        const hash = db.prepare('select password_hash from users where id = ?').pluck().get('usr_anna');
        if (typeof hash !== 'string') throw new Error('no demo user to copy the password hash from');
        const tables = worldRows(waiting, agents, hash, Date.now());
        db.transaction(() => {
          for (const { table, columns, rows } of tables) {
            const insert = db.prepare(
              `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
            );
            for (const row of rows) insert.run(...row);
          }
          const update = db.prepare('update agents set capacity = ?, queue_ids = ? where user_id = ?');
          for (const a of DEMO_AGENT_UPDATES) update.run(a.capacity, JSON.stringify(a.queueIds), a.userId);
          const versioned = db
            .prepare("select 1 from sqlite_master where type = 'table' and name = 'routing_version'")
            .get();
          if (versioned) db.prepare(BUMP_ROUTING_VERSION).run();
        })();
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
      return Promise.resolve();
    },
    countWaiting() {
      const db = open();
      try {
        const count = db
          .prepare("select count(*) from conversations where phase_kind = 'queued' and queue_id = ?")
          .pluck()
          .get(WAITING_QUEUE);
        return Promise.resolve(Number(count));
      } finally {
        db.close();
      }
    },
    drop() {
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      return Promise.resolve();
    },
  };
}

/** Most bound parameters per INSERT (PostgreSQL allows 65535). */
const PG_MAX_PARAMS = 20_000;

/** Runs statements on the server's maintenance connection (`ROUTING_E2E_PG_URL`). */
async function adminQuery(adminUrl: string, ...statements: string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (const statement of statements) await admin.query(statement);
  } finally {
    await admin.end();
  }
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function postgresFactory(adminUrl: string, prefix: string, prepare: Prepare): Promise<DatabaseFactory> {
  const template = `${prefix}_template`;
  const drop = (name: string) => `drop database if exists ${name} with (force)`;
  await adminQuery(adminUrl, drop(template), `create database ${template}`);
  try {
    await prepare(databaseUrl(adminUrl, template));
  } catch (err) {
    await adminQuery(adminUrl, drop(template)).catch(() => {});
    throw err;
  }
  return {
    cell: async (name) => {
      const cell = `${prefix}_${name}`;
      await adminQuery(adminUrl, drop(cell), `create database ${cell} template ${template}`);
      return postgresDatabase(adminUrl, cell);
    },
    dispose: () => adminQuery(adminUrl, drop(template)),
  };
}

function postgresDatabase(adminUrl: string, name: string): BenchDatabase {
  const url = databaseUrl(adminUrl, name);
  const withClient = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    url,
    seed: (waiting, agents) =>
      withClient(async (client) => {
        const hash = await client.query<{ password_hash: string }>(
          'select password_hash from users where id = $1',
          ['usr_anna'],
        );
        const passwordHash = hash.rows[0]?.password_hash;
        if (!passwordHash) throw new Error('no demo user to copy the password hash from');
        await client.query('begin');
        try {
          for (const { table, columns, rows } of worldRows(waiting, agents, passwordHash, Date.now())) {
            const perInsert = Math.max(1, Math.floor(PG_MAX_PARAMS / columns.length));
            for (let start = 0; start < rows.length; start += perInsert) {
              const chunk = rows.slice(start, start + perInsert);
              const values = chunk.map(
                (_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`,
              );
              await client.query(
                `insert into ${table} (${columns.join(', ')}) values ${values.join(', ')}`,
                chunk.flat(),
              );
            }
          }
          for (const a of DEMO_AGENT_UPDATES) {
            await client.query('update agents set capacity = $1, queue_ids = $2 where user_id = $3', [
              a.capacity,
              JSON.stringify(a.queueIds),
              a.userId,
            ]);
          }
          const versioned = await client.query<{ t: string | null }>(
            "select to_regclass('routing_version')::text as t",
          );
          if (versioned.rows[0]?.t) await client.query(BUMP_ROUTING_VERSION);
          await client.query('commit');
        } catch (err) {
          await client.query('rollback');
          throw err;
        }
        // A live database has statistics; a freshly filled one would be planned as if empty.
        await client.query('analyze');
      }),
    countWaiting: () =>
      withClient(async (client) => {
        const result = await client.query<{ n: string }>(
          "select count(*) as n from conversations where phase_kind = 'queued' and queue_id = $1",
          [WAITING_QUEUE],
        );
        return Number(result.rows[0]?.n ?? 0);
      }),
    drop: () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`),
  };
}

// --- measures ---

/**
 * Closed loop: `sample` runs one at a time and returns its latency (undefined: an error). A few
 * uncounted samples first; then until `count` samples or `capMs`, whichever comes first.
 */
async function measure(
  count: number,
  capMs: number,
  sample: () => Promise<number | undefined>,
): Promise<Measure> {
  const warmupEnd = performance.now() + capMs / 4;
  for (let i = 0; i < WARMUP_SAMPLES && performance.now() < warmupEnd; i++) await sample();
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + capMs;
  while (latencies.length + errors < count && performance.now() < end) {
    const ms = await sample();
    if (ms === undefined) errors++;
    else latencies.push(ms);
  }
  latencies.sort((a, b) => a - b);
  return {
    n: latencies.length,
    errors,
    p50Ms: round(quantile(latencies, 0.5)),
    p99Ms: round(quantile(latencies, 0.99)),
    maxMs: round(latencies.at(-1) ?? 0),
    capped: latencies.length + errors < count,
  };
}

const ok = (answer: Answer): number | undefined => (answer.status === 200 ? answer.ms : undefined);

interface CellSetup {
  readonly db: BenchDatabase;
  /** Where the servers keep their media files. */
  readonly scratch: string;
  readonly checkout: string;
  readonly samples: number;
  readonly capMs: number;
}

async function runCell(waiting: number, agents: number, setup: CellSetup): Promise<CellResult> {
  const { db, scratch, checkout, samples, capMs } = setup;
  // On a copy of the template (schema and demo data, as the server made them): the world, server down.
  const seedStarted = performance.now();
  await db.seed(waiting, agents);
  const seedMs = performance.now() - seedStarted;

  const server = await startServer(db.url, scratch, checkout);
  let stopped = false;
  try {
    const http = new Http(server.origin);
    const feeds: AgentFeed[] = [];
    try {
      const anna = await http.login('anna');
      const marco = await http.login('marco');
      feeds.push(await AgentFeed.open(server.origin, anna));
      const marcoFeed = await AgentFeed.open(server.origin, marco);
      feeds.push(marcoFeed);
      const available = await http.command(marco, '/api/agent/state', { kind: 'available' });
      if (available.status !== 200) throw new Error(`marco could not go Available: ${available.status}`);

      let idle = true;
      const state = await measure(samples, capMs, async () => {
        const body = idle ? { kind: 'available' } : { kind: 'idle', idleCodeId: IDLE_CODE };
        const answer = await http.command(anna, '/api/agent/state', body);
        if (answer.status === 200) idle = !idle;
        return ok(answer);
      });

      // A new customer writes to the bench number; routing offers it to marco (Available, alone in
      // its queue); only the accept is timed, then end and wrap-up free him for the next one.
      const accept = await measure(samples, capMs, async () => {
        if ((await sendWebhook(http, BENCH_NUMBER)).status !== 200) return undefined;
        const offer = await marcoFeed.nextOffer(REQUEST_TIMEOUT_MS);
        if (!offer) return undefined;
        const accepted = await http.command(marco, `/api/offers/${encodeURIComponent(offer.id)}/accept`);
        const conversation = `/api/conversations/${encodeURIComponent(offer.conversationId)}`;
        const ended = await http.command(marco, `${conversation}/end`);
        const wrapped = await http.command(marco, `${conversation}/wrap-up`, { reasonId: WRAP_UP_REASON });
        return ended.status === 200 && wrapped.status === 200 ? ok(accepted) : undefined;
      });

      // Last: each sample adds a conversation to the backlog.
      let queued = 0;
      const webhook = await measure(samples, capMs, async () => {
        const answer = await sendWebhook(http, DEMO_NUMBER);
        if (answer.status === 200) queued++;
        return ok(answer);
      });

      // Stopped with the desktops still connected, as in a real restart: a server shutting down
      // reports no agent leaving (closing them first would route their disconnections).
      await http.close();
      const stopMs = await server.stop();
      stopped = true;
      for (const feed of feeds.splice(0)) feed.close();

      const again = await startServer(db.url, scratch, checkout);
      let firstCommandAfterRestartMs = -1;
      let headOffered = false;
      const after = new Http(again.origin);
      let giuliaFeed: AgentFeed | undefined;
      try {
        // Sessions outlive a restart: anna's cookie still signs her in.
        const body = idle ? { kind: 'available' } : { kind: 'idle', idleCodeId: IDLE_CODE };
        firstCommandAfterRestartMs = round(ok(await after.command(anna, '/api/agent/state', body)) ?? -1);
        // The restarted server routes on the seeded world: giulia (capacity 1, the demo queue) going
        // Available is offered its oldest waiting conversation, the first seeded after the busy ones.
        const giulia = await after.login('giulia');
        giuliaFeed = await AgentFeed.open(again.origin, giulia);
        await after.command(giulia, '/api/agent/state', { kind: 'available' });
        const offer = await giuliaFeed.nextOffer(REQUEST_TIMEOUT_MS);
        headOffered = waiting > 0 ? offer?.conversationId === seededConversationId(agents + 1) : !!offer;
      } finally {
        // Before her socket closes: her disconnection would rescind the offer, the head waits again.
        await again.stop();
        giuliaFeed?.close();
        await after.close().catch(() => {});
      }
      return {
        waiting,
        agents,
        seedMs: round(seedMs, 0),
        startMs: round(server.startMs, 0),
        webhook,
        state,
        accept,
        stopMs: round(stopMs, 0),
        restartMs: round(again.startMs, 0),
        firstCommandAfterRestartMs,
        headOffered,
        waitingAtEnd: await db.countWaiting(),
        expectedWaitingAtEnd: waiting + queued - (headOffered ? 1 : 0),
      };
    } finally {
      for (const feed of feeds) feed.close();
      await http.close().catch(() => {});
    }
  } finally {
    if (!stopped) await server.stop();
  }
}

// --- the run ---

function envFlag(name: string): boolean {
  const v = process.env[name];
  return v === '1' || v === 'true' || v === 'yes';
}

function failedCell(waiting: number, agents: number, err: unknown): CellResult {
  const none: Measure = { n: 0, errors: 0, p50Ms: 0, p99Ms: 0, maxMs: 0, capped: false };
  return {
    waiting,
    agents,
    seedMs: 0,
    startMs: 0,
    webhook: none,
    state: none,
    accept: none,
    stopMs: 0,
    restartMs: 0,
    firstCommandAfterRestartMs: 0,
    headOffered: false,
    waitingAtEnd: 0,
    expectedWaitingAtEnd: 0,
    error: err instanceof Error ? err.message.slice(0, 300) : String(err),
  };
}

const ratio = (a: number, b: number): number => (b > 0 && a > 0 ? round(a / b, 2) : 0);

export async function benchRoutingE2e(options: RoutingE2eOptions = {}): Promise<RoutingE2eReport> {
  const quick = options.quick ?? envFlag('ROUTING_E2E_QUICK');
  const dbKind: RoutingE2eDb =
    options.db ?? (process.env.ROUTING_E2E_DB === 'postgres' ? 'postgres' : 'sqlite');
  const samples = options.samples ?? (quick ? 50 : 200);
  const measureCapMs = options.measureCapMs ?? (quick ? 10_000 : 12_000);
  const grid = options.grid ?? (quick ? QUICK_GRID : FULL_GRID);
  const adminUrl = process.env.ROUTING_E2E_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const checkout = resolve(options.checkout ?? (process.env.ROUTING_E2E_CHECKOUT || root));
  // The server under test on core 0 (see startServer), this process on core 1.
  if (pinned) spawnSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });

  const scratch = mkdtempSync(join(tmpdir(), 'parlo-routing-e2e-'));
  const cells: CellResult[] = [];
  const prepare: Prepare = async (url) => {
    const server = await startServer(url, scratch, checkout);
    await server.stop();
  };
  let factory: DatabaseFactory | undefined;
  try {
    factory =
      dbKind === 'postgres'
        ? await postgresFactory(adminUrl, `parlo_e2e_${process.pid}`, prepare)
        : await sqliteFactory(scratch, prepare);
    for (const waiting of grid.waiting) {
      for (const agents of grid.agents) {
        const label = `W=${waiting} A=${agents}`;
        const t0 = performance.now();
        let db: BenchDatabase | undefined;
        try {
          db = await factory.cell(`w${waiting}_a${agents}`);
          cells.push(await runCell(waiting, agents, { db, scratch, checkout, samples, capMs: measureCapMs }));
        } catch (err) {
          cells.push(failedCell(waiting, agents, err));
        } finally {
          await db?.drop().catch(() => {});
        }
        const cell = cells.at(-1);
        console.log(
          `  ${label}: ${cell?.error ? `failed: ${cell.error}` : 'done'} in ${round((performance.now() - t0) / 1000)} s`,
        );
      }
    }
  } finally {
    await factory?.dispose().catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
  }

  const base = cells.find((c) => !c.error);
  const growth = cells.map((c) => ({
    cell: `${c.waiting} x ${c.agents}`,
    'start x': ratio(c.startMs, base?.startMs ?? 0),
    'webhook p99 x': ratio(c.webhook.p99Ms, base?.webhook.p99Ms ?? 0),
    'state p99 x': ratio(c.state.p99Ms, base?.state.p99Ms ?? 0),
    'accept p99 x': ratio(c.accept.p99Ms, base?.accept.p99Ms ?? 0),
  }));
  const largest = cells.filter((c) => !c.error).at(-1);
  const baseLabel = base ? `${base.waiting} x ${base.agents}` : '-';
  const largestLabel = largest ? `${largest.waiting} x ${largest.agents}` : '-';
  const goals: Record<string, number | string> = {
    cells: `${largestLabel} vs ${baseLabel}`,
    'webhook p99 ratio (goal <= 1.5)': ratio(largest?.webhook.p99Ms ?? 0, base?.webhook.p99Ms ?? 0),
    'state p99 ratio (goal <= 1.5)': ratio(largest?.state.p99Ms ?? 0, base?.state.p99Ms ?? 0),
    'accept p99 ratio (goal <= 1.5)': ratio(largest?.accept.p99Ms ?? 0, base?.accept.p99Ms ?? 0),
    'start ms (goal < 5000)': largest?.startMs ?? 0,
    // The floor (node, tsx, loading the server's modules) is the smallest cell's start.
    'start ms minus the first cell (the world)': round((largest?.startMs ?? 0) - (base?.startMs ?? 0), 0),
    'restart ms (goal < 5000)': largest?.restartMs ?? 0,
    'first command after restart ms': largest?.firstCommandAfterRestartMs ?? 0,
  };
  return { db: dbKind, quick, pinned, samples, measureCapMs, cells, growth, goals };
}

/** Prints the report as tables. */
export function printRoutingE2e(report: RoutingE2eReport): void {
  const m = (x: Measure) => (x.capped ? `${x.n}*` : String(x.n));
  console.log(
    `Routing end to end on ${report.db} (${report.quick ? 'quick' : 'full'} grid; up to ${report.samples} samples ` +
      `or ${report.measureCapMs / 1000} s per measure, one request at a time; server ${report.pinned ? 'pinned to core 0' : 'not pinned'})`,
  );
  console.table(
    report.cells.map((c) => ({
      'W x A': `${c.waiting} x ${c.agents}`,
      'seed ms': c.seedMs,
      'start ms': c.startMs,
      'webhook p50': c.webhook.p50Ms,
      'webhook p99': c.webhook.p99Ms,
      'state p50': c.state.p50Ms,
      'state p99': c.state.p99Ms,
      'accept p50': c.accept.p50Ms,
      'accept p99': c.accept.p99Ms,
      'restart ms': c.restartMs,
      '1st cmd ms': c.firstCommandAfterRestartMs,
    })),
  );
  console.log(
    'Samples per measure (* = stopped by the time cap), errors; whether the restarted server offered the head ' +
      'of the seeded backlog, and the backlog left at the end (expected: W + new ones - the head)',
  );
  console.table(
    report.cells.map((c) => ({
      'W x A': `${c.waiting} x ${c.agents}`,
      'webhook n': m(c.webhook),
      'state n': m(c.state),
      'accept n': m(c.accept),
      errors: c.webhook.errors + c.state.errors + c.accept.errors,
      'stop ms': c.stopMs,
      'head offered': c.headOffered,
      'waiting at end': c.waitingAtEnd,
      expected: c.expectedWaitingAtEnd,
      ...(c.error ? { error: c.error } : {}),
    })),
  );
  const wrong = report.cells.filter(
    (c) => !c.error && (!c.headOffered || c.waitingAtEnd !== c.expectedWaitingAtEnd),
  );
  if (wrong.length > 0) {
    console.log(
      `WARNING: the server did not route on the seeded world in ${wrong.map((c) => `${c.waiting} x ${c.agents}`).join(', ')}: ` +
        'those figures do not measure that backlog',
    );
  }
  console.log('Growth: each figure / the same figure at the first cell');
  console.table(report.growth);
  console.log('Goals: p99 at 50k x 1k within 1.5x of p99 at 0 x 10; start-up at 50k x 1k under 5 s');
  console.table(report.goals);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchRoutingE2e(process.argv.includes('--quick') ? { quick: true } : {})
    .then(printRoutingE2e)
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
