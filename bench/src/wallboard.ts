/**
 * Issue 16: wallboard update latency with 1,000 agents, goal p99 <= 1 s. The real server (child
 * process pinned to core 0, `LOG_LEVEL=warn`) on a copy of a migrated template (SQLite file, or a
 * PostgreSQL database of its own), the world seeded with SQL, server down (world-seed.ts):
 *
 * - 1,000 agents: owners Available and busy (one active conversation of the demo queue, capacity
 *   1), some of them with spare capacity (capacity 2: new customers are offered to them), idle
 *   agents of the demo queue, and idle agents of the bench's command queue who toggle idle <->
 *   available; optionally a backlog waiting in the demo queue. The demo queue's offer timeout is
 *   raised to 10 minutes (no RONA during the measures); every seeded agent looks connected.
 * - a supervisor (`usr_sofia`, a seeded session) with the wallboard socket open (origin, cookie);
 * - per phase (20/s then 100/s new customers for 10 s, with 5 state toggles/s): each new customer's
 *   signed webhook (a new conversation) -> the first wallboard frame whose `total.offered` counts
 *   it (matched by count: the i-th webhook of the phase is reflected once offered >= base + i),
 *   timed from the send and from its 200; each toggle -> the first frame (after the command's 200)
 *   where that agent's row shows the new state, timed from the send. Frames/s, bytes per frame,
 *   the server's event-loop delay p99/max, CPU and run-queue wait per phase.
 * - baselines in the same run: the webhook's own 200 (above), and a bare `ws` relay
 *   (relay-server.ts, same core) forwarding one frame of the wallboard's median size per event at
 *   the same rates: send -> received.
 *
 * Run alone: `npx tsx bench/src/wallboard.ts [--quick]`. `WALLBOARD_BENCH_DB=postgres` (admin URL
 * `WALLBOARD_BENCH_PG_URL`, default postgres://postgres@127.0.0.1:5432/postgres, where its databases
 * are created and dropped), `WALLBOARD_BENCH_AGENTS` (1000), `WALLBOARD_BENCH_WAITING` (backlog,
 * 0), `WALLBOARD_BENCH_SUPERVISORS` (wallboard sockets open, 1; latency measured on the first),
 * `WALLBOARD_BENCH_CPU_PROF=<dir>` (the server under `--cpu-prof`). Phone numbers and message
 * text are never printed. Every process, database and file it made goes when it ends or is
 * interrupted.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wallboardRoutes } from '@parlo/protocol';
import { signPayload } from '@parlo/whatsapp';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { Pool } from 'undici';
import WebSocket from 'ws';
import { quantile, round } from './load.ts';
import {
  cpuMs,
  freePort,
  LoopLag,
  Owed,
  ParloServer,
  pinToLoadCore,
  runQueueMs,
  SERVER_CORE,
  sleep,
  spawnChild,
  tailOf,
} from './parlo-process.ts';
import {
  adminQuery,
  DEMO_NUMBER,
  IDLE_CODE,
  OWNED_QUEUE,
  postgresFactory,
  sqliteFactory,
  type BenchDb,
  type DbKind,
  type SeededAgent,
} from './world-seed.ts';

const GOAL_P99_MS = 1_000;
const SUPERVISOR = 'usr_sofia';
const TOGGLES_PER_SECOND = 5;
/** After a phase's last send, how long its updates may still arrive before they count as missing. */
const DRAIN_MS = 5_000;

export interface WallboardOptions {
  readonly quick?: boolean;
  readonly db?: DbKind;
  readonly agents?: number;
  readonly waiting?: number;
  /** Wallboard sockets open (the same supervisor's); latency is measured on the first. */
  readonly supervisors?: number;
}

export interface Stats {
  readonly n: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface PhaseResult {
  readonly rate: number;
  readonly seconds: number;
  readonly webhooks: number;
  /** Webhooks answered 200. */
  readonly acked: number;
  /** Answers other than 200 (webhooks and state commands) by status; 0 is no answer. */
  readonly errors: Record<string, number>;
  /** Acked webhooks whose count never showed within DRAIN_MS of the phase's end. */
  readonly missing: number;
  /** Webhook sent -> first frame counting it. */
  readonly fromSend: Stats;
  /** Webhook's 200 -> first frame counting it (0 when the frame came first). */
  readonly fromAck: Stats;
  /** The bare figure: webhook sent -> its 200. */
  readonly ack: Stats;
  readonly toggles: number;
  readonly toggleMissing: number;
  /** State command sent -> first frame showing the agent's new state. */
  readonly toggle: Stats;
  readonly framesPerSecond: number;
  readonly bytesPerFrame: number;
  readonly loopP99Ms: number | null;
  readonly loopMaxMs: number | null;
  readonly cpuPercent: number;
  readonly runQueuePercent: number;
}

export interface RelayResult {
  readonly rate: number;
  readonly frameBytes: number;
  readonly latency: Stats;
  readonly missing: number;
}

export interface WallboardReport {
  readonly db: DbKind;
  readonly quick: boolean;
  readonly agents: number;
  readonly waiting: number;
  readonly supervisors: number;
  readonly startMs: number;
  /** hello: socket open -> first wallboard frame. */
  readonly firstFrameMs: number;
  readonly firstFrameBytes: number;
  readonly idle: { framesPerSecond: number; loopP99Ms: number | null; loopMaxMs: number | null };
  readonly phases: PhaseResult[];
  readonly relay: RelayResult[];
  readonly goals: Record<string, number | string>[];
  readonly error?: string;
}

const stats = (values: number[]): Stats => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50Ms: round(quantile(sorted, 0.5)),
    p99Ms: round(quantile(sorted, 0.99)),
    maxMs: round(sorted.at(-1) ?? 0),
  };
};

// --- the world: world-seed's, then a few rows changed for the wallboard ---

interface World {
  readonly togglers: SeededAgent[];
  readonly supervisorCookie: string;
}

/**
 * `agents` in all: 60% owners (a quarter of them capacity 2: spare), 30% idle in the demo queue,
 * 10% (at least 10) idle in the command queue, toggling. Plus the supervisor's session.
 */
async function seedWorld(db: BenchDb, agents: number, waiting: number): Promise<World> {
  const togglers = Math.max(10, Math.round(agents * 0.1));
  const owners = Math.round(agents * 0.6);
  const world = await db.seed({ owners, waiting, commanders: agents - owners });
  const spare = world.owners.slice(0, Math.round(owners / 4)).map((a) => a.id);
  const idleInDemo = world.commanders.slice(togglers).map((a) => a.id);
  const token = randomBytes(32).toString('base64url');
  const hash = createHash('sha256').update(token).digest('hex');
  const now = Date.now();
  const statements: [string, (string | number)[]][] = [
    ...spare.map((id): [string, (string | number)[]] => [
      'update agents set capacity = 2 where user_id = ?',
      [id],
    ]),
    ...idleInDemo.map((id): [string, (string | number)[]] => [
      'update agents set queue_ids = ? where user_id = ?',
      [JSON.stringify([OWNED_QUEUE]), id],
    ]),
    ['update queues set offer_timeout_ms = ? where id = ?', [600_000, OWNED_QUEUE]],
    [
      'insert into sessions (token_hash, user_id, created_at, expires_at) values (?, ?, ?, ?)',
      [hash, SUPERVISOR, now, now + 24 * 3_600_000],
    ],
    ['update routing_version set version = version + 1, pruned_through = version + 1', []],
  ];
  if (db.kind === 'sqlite') {
    const file = db.url.slice('sqlite:'.length);
    const sqlite = new Sqlite(file);
    try {
      sqlite.transaction(() => {
        for (const [sql, params] of statements) sqlite.prepare(sql).run(...params);
      })();
    } finally {
      sqlite.close();
    }
  } else {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('begin');
      for (const [sql, params] of statements) {
        let n = 0;
        await client.query(
          sql.replace(/\?/g, () => `$${++n}`),
          params,
        );
      }
      await client.query('commit');
    } finally {
      await client.end();
    }
  }
  return { togglers: world.commanders.slice(0, togglers), supervisorCookie: `parlo_session=${token}` };
}

// --- the supervisor's wallboard socket ---

interface BoardFrame {
  readonly at: number;
  readonly bytes: number;
  readonly offered: number;
  readonly states: Map<string, string>;
}

class WallboardFeed {
  readonly frames: BoardFrame[] = [];
  private listeners = new Set<(frame: BoardFrame) => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const at = performance.now();
      const parsed = JSON.parse(data.toString('utf8')) as {
        type?: string;
        wallboard?: { total: { offered: number }; agents: { userId: string; state: { kind: string } }[] };
      };
      if (parsed.type !== 'wallboard' || !parsed.wallboard) return;
      const frame: BoardFrame = {
        at,
        bytes: data.length,
        offered: parsed.wallboard.total.offered,
        states: new Map(parsed.wallboard.agents.map((a) => [a.userId, a.state.kind])),
      };
      this.frames.push(frame);
      for (const listener of this.listeners) listener(frame);
    });
    socket.on('error', () => {});
  }

  static async open(origin: string, cookie: string): Promise<{ feed: WallboardFeed; firstMs: number }> {
    const t0 = performance.now();
    const socket = new WebSocket(`${origin.replace('http', 'ws')}${wallboardRoutes.socket}`, {
      headers: { cookie },
      origin,
      perMessageDeflate: false,
    });
    const feed = new WallboardFeed(socket);
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error('no wallboard frame within 30 s')), 30_000);
      feed.onFrame(() => {
        clearTimeout(timer);
        done();
      });
      socket.once('close', (code) => fail(new Error(`wallboard socket closed (${code})`)));
      socket.once('error', fail);
    });
    feed.listeners.clear();
    return { feed, firstMs: performance.now() - t0 };
  }

  onFrame(listener: (frame: BoardFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get last(): BoardFrame | undefined {
    return this.frames.at(-1);
  }

  close(): void {
    this.socket.close();
  }
}

// --- load ---

let customerSeq = 0;
/** A new customer's signed webhook to the demo number (a new conversation in the demo queue). */
function newCustomerWebhook(): { body: string; headers: Record<string, string> } {
  const from = `447${String(process.pid % 1000).padStart(3, '0')}${String(++customerSeq).padStart(6, '0')}`;
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: DEMO_NUMBER.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: DEMO_NUMBER.displayPhoneNumber,
                phone_number_id: DEMO_NUMBER.phoneNumberId,
              },
              contacts: [{ profile: { name: 'Bench Customer' }, wa_id: from }],
              messages: [
                {
                  from,
                  id: `wamid.wb.${process.pid}.${customerSeq}`,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: 'Hello, I need help with my order' },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signPayload(body, DEMO_NUMBER.appSecret),
    },
  };
}

interface CpuShare {
  readonly cpuPercent: number;
  readonly runQueuePercent: number;
}

function cpuMeter(pid: number | undefined): () => CpuShare {
  const t0 = performance.now();
  const cpu0 = cpuMs(pid);
  const wait0 = runQueueMs(pid);
  return () => {
    const wall = performance.now() - t0;
    return {
      cpuPercent: round(((cpuMs(pid) - cpu0) / wall) * 100, 0),
      runQueuePercent: round(((runQueueMs(pid) - wait0) / wall) * 100, 0),
    };
  };
}

interface Toggler {
  readonly agent: SeededAgent;
  idle: boolean;
}

async function runPhase(
  server: ParloServer,
  token: string,
  http: Pool,
  feed: WallboardFeed,
  togglers: Toggler[],
  cursor: { next: number },
  rate: number,
  seconds: number,
): Promise<PhaseResult> {
  // Quiet first: the last frame's count is the base.
  await sleep(1_500);
  const base = feed.last?.offered ?? 0;
  const framesBefore = feed.frames.length;
  const lag = new LoopLag(() => server.origin, token);
  await lag.start();
  const meter = cpuMeter(server.pid);

  const sentAt: number[] = [];
  const ackAt: (number | undefined)[] = [];
  const ackMs: number[] = [];
  const reflectedAt: (number | undefined)[] = [];
  let reflected = 0;
  const toggleWaits: { userId: string; kind: string; sentAt: number; okAt?: number; doneAt?: number }[] = [];

  const stop = feed.onFrame((frame) => {
    const count = Math.min(frame.offered - base, sentAt.length);
    for (; reflected < count; reflected++) reflectedAt[reflected] = frame.at;
    for (const t of toggleWaits)
      if (t.doneAt === undefined && t.okAt !== undefined && frame.states.get(t.userId) === t.kind)
        t.doneAt = frame.at;
  });

  const errors: Record<string, number> = {};
  const failed = (status: number): void => {
    errors[String(status)] = (errors[String(status)] ?? 0) + 1;
  };
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  const total = Math.round(rate * seconds);
  const toggles = Math.round(TOGGLES_PER_SECOND * seconds);
  const events: { at: number; kind: 'webhook' | 'toggle' }[] = [
    ...Array.from({ length: total }, (_, i) => ({ at: (i * 1000) / rate, kind: 'webhook' as const })),
    ...Array.from({ length: toggles }, (_, i) => ({
      at: (i * 1000) / TOGGLES_PER_SECOND + 97,
      kind: 'toggle' as const,
    })),
  ].sort((a, b) => a.at - b.at);
  for (const event of events) {
    const wait = t0 + event.at - performance.now();
    if (wait > 0) await sleep(wait);
    if (event.kind === 'webhook') {
      const i = sentAt.length;
      const request = newCustomerWebhook();
      sentAt[i] = performance.now();
      pending.push(
        http
          .request({
            method: 'POST',
            path: '/webhooks/whatsapp',
            body: request.body,
            headers: request.headers,
          })
          .then(async (res) => {
            await res.body.arrayBuffer();
            if (res.statusCode === 200) {
              const at = performance.now();
              ackAt[i] = at;
              ackMs.push(at - sentAt[i]!);
            } else failed(res.statusCode);
          })
          .catch(() => failed(0)),
      );
    } else {
      const toggler = togglers[cursor.next++ % togglers.length]!;
      const kind = toggler.idle ? 'available' : 'idle';
      const wait: (typeof toggleWaits)[number] = {
        userId: toggler.agent.id,
        kind,
        sentAt: performance.now(),
      };
      toggleWaits.push(wait);
      toggler.idle = !toggler.idle;
      pending.push(
        http
          .request({
            method: 'POST',
            path: '/api/agent/state',
            body: JSON.stringify(kind === 'idle' ? { kind, idleCodeId: IDLE_CODE } : { kind }),
            headers: {
              'content-type': 'application/json',
              origin: server.origin,
              cookie: toggler.agent.cookie,
            },
          })
          .then(async (res) => {
            await res.body.arrayBuffer();
            if (res.statusCode === 200) wait.okAt = performance.now();
            else {
              toggler.idle = !toggler.idle;
              failed(res.statusCode);
            }
          })
          .catch(() => {
            toggler.idle = !toggler.idle;
            failed(0);
          }),
      );
    }
  }
  await Promise.all(pending);
  const phaseEnd = performance.now();
  const acked = ackAt.filter((a) => a !== undefined).length;
  const drainEnd = phaseEnd + DRAIN_MS;
  while (
    performance.now() < drainEnd &&
    (reflected < acked || toggleWaits.some((t) => t.okAt !== undefined && t.doneAt === undefined))
  )
    await sleep(50);
  const wall = performance.now() - t0;
  const cpu = meter();
  const loop = await lag.end();
  stop();

  const frames = feed.frames.slice(framesBefore);
  const fromSend: number[] = [];
  const fromAck: number[] = [];
  for (let i = 0; i < reflected; i++) {
    fromSend.push(reflectedAt[i]! - sentAt[i]!);
    const ack = ackAt[i];
    if (ack !== undefined) fromAck.push(Math.max(0, reflectedAt[i]! - ack));
  }
  const toggleDone = toggleWaits.filter((t) => t.doneAt !== undefined);
  return {
    rate,
    seconds,
    webhooks: total,
    acked,
    errors,
    missing: Math.max(0, acked - reflected),
    fromSend: stats(fromSend),
    fromAck: stats(fromAck),
    ack: stats(ackMs),
    toggles: toggleWaits.length,
    toggleMissing: toggleWaits.length - toggleDone.length,
    toggle: stats(toggleDone.map((t) => t.doneAt! - t.sentAt)),
    framesPerSecond: round((frames.length / wall) * 1000),
    bytesPerFrame: frames.length ? Math.round(frames.reduce((n, f) => n + f.bytes, 0) / frames.length) : 0,
    loopP99Ms: loop?.p99Ms ?? null,
    loopMaxMs: loop?.maxMs ?? null,
    ...cpu,
  };
}

// --- baseline: a bare ws relay forwarding a frame of the same size per event ---

async function relayBaseline(
  scratch: string,
  rate: number,
  seconds: number,
  frameBytes: number,
): Promise<RelayResult> {
  const port = await freePort();
  const log = join(scratch, `relay-${rate}.log`);
  const child = spawnChild(
    process.execPath,
    ['--import', 'tsx', 'bench/src/relay-server.ts', String(port)],
    log,
    SERVER_CORE,
    process.env,
  );
  try {
    const started = performance.now();
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        await res.arrayBuffer();
        if (res.ok) break;
      } catch {
        // not yet
      }
      if (performance.now() - started > 30_000) throw new Error(`relay did not start: ${tailOf(log)}`);
      await sleep(20);
    }
    const connect = (path: string) =>
      new Promise<WebSocket>((done, fail) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: false });
        ws.once('open', () => done(ws));
        ws.once('error', fail);
      });
    const consumer = await connect('/c/0');
    const producer = await connect('/p');
    const padding = 'x'.repeat(Math.max(0, frameBytes - 40));
    const sent = new Map<number, number>();
    const latencies: number[] = [];
    consumer.on('message', (data: Buffer) => {
      const text = (JSON.parse(data.toString('utf8')) as { text: string }).text;
      const id = Number(text.slice(0, text.indexOf(' ')));
      const at = sent.get(id);
      if (at !== undefined) latencies.push(performance.now() - at);
    });
    const total = Math.round(rate * seconds);
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const wait = t0 + (i * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
      sent.set(i, performance.now());
      producer.send(JSON.stringify({ to: 0, text: `${i} ${padding}` }));
    }
    const end = performance.now() + DRAIN_MS;
    while (latencies.length < total && performance.now() < end) await sleep(20);
    consumer.close();
    producer.close();
    return { rate, frameBytes, latency: stats(latencies), missing: total - latencies.length };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

// --- the run ---

export async function benchWallboard(options: WallboardOptions = {}): Promise<WallboardReport> {
  const quick = options.quick ?? process.env.WALLBOARD_BENCH_QUICK === '1';
  const dbKind: DbKind =
    options.db ?? (process.env.WALLBOARD_BENCH_DB === 'postgres' ? 'postgres' : 'sqlite');
  const agents = options.agents ?? (Number(process.env.WALLBOARD_BENCH_AGENTS) || 1000);
  const waiting = options.waiting ?? (Number(process.env.WALLBOARD_BENCH_WAITING) || 0);
  const supervisors = options.supervisors ?? (Number(process.env.WALLBOARD_BENCH_SUPERVISORS) || 1);
  const adminUrl = process.env.WALLBOARD_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const profileDir = process.env.WALLBOARD_BENCH_CPU_PROF;
  const seconds = quick ? 4 : 10;
  const rates = [20, 100];
  pinToLoadCore();

  const owed = new Owed('wallboard bench');
  const scratch = mkdtempSync(join(tmpdir(), 'parlo-wallboard-bench-'));
  owed.folder(scratch);
  const token = randomBytes(24).toString('hex');
  const report: {
    -readonly [K in keyof WallboardReport]: WallboardReport[K];
  } = {
    db: dbKind,
    quick,
    agents,
    waiting,
    supervisors,
    startMs: 0,
    firstFrameMs: 0,
    firstFrameBytes: 0,
    idle: { framesPerSecond: 0, loopP99Ms: null, loopMaxMs: null },
    phases: [],
    relay: [],
    goals: [],
  };
  try {
    const prepare = async (url: string) => {
      const server = await ParloServer.start({
        databaseUrl: url,
        scratch,
        name: 'template',
        port: await freePort(),
        metricsToken: token,
      });
      await server.stop();
    };
    const prefix = `parlo_wb_${process.pid}_${randomBytes(3).toString('hex')}`;
    if (dbKind === 'postgres') {
      owed.add(() =>
        adminQuery(
          adminUrl,
          ...[`${prefix}_run`, `${prefix}_template`].map((n) => `drop database if exists ${n} with (force)`),
        ),
      );
    }
    const factory =
      dbKind === 'postgres'
        ? await postgresFactory(adminUrl, prefix, prepare)
        : await sqliteFactory(scratch, prepare);
    owed.add(() => factory.dispose());
    const db = await factory.fresh('run');
    owed.add(() => db.drop());
    const world = await seedWorld(db, agents, waiting);

    const server = await ParloServer.start({
      databaseUrl: db.url,
      scratch,
      name: 'parlo',
      port: await freePort(),
      metricsToken: token,
      env: { RECONNECT_WINDOW_SECONDS: '3600' },
      ...(profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] } : {}),
    });
    owed.add(() => server.stop());
    report.startMs = round(performance.now() - server.spawnedAt, 0);
    const http = new Pool(server.origin, { connections: 64, pipelining: 1 });
    owed.add(() => http.close().catch(() => {}));
    const { feed, firstMs } = await WallboardFeed.open(server.origin, world.supervisorCookie);
    owed.add(() => feed.close());
    report.firstFrameMs = round(firstMs);
    report.firstFrameBytes = feed.last?.bytes ?? 0;
    for (let i = 1; i < supervisors; i++) {
      const other = await WallboardFeed.open(server.origin, world.supervisorCookie);
      owed.add(() => other.feed.close());
    }

    const lag = new LoopLag(() => server.origin, token);
    await lag.start();
    const idleFrames = feed.frames.length;
    await sleep(3_000);
    const idleLag = await lag.end();
    report.idle = {
      framesPerSecond: round((feed.frames.length - idleFrames) / 3),
      loopP99Ms: idleLag?.p99Ms ?? null,
      loopMaxMs: idleLag?.maxMs ?? null,
    };

    const togglers: Toggler[] = world.togglers.map((agent) => ({ agent, idle: true }));
    const cursor = { next: 0 };
    for (const rate of rates) {
      const t0 = performance.now();
      report.phases.push(await runPhase(server, token, http, feed, togglers, cursor, rate, seconds));
      console.log(`  ${rate} new customers/s: done in ${round((performance.now() - t0) / 1000)} s`);
    }
    feed.close();
    await http.close();
    await server.stop();

    const sizes = report.phases.map((p) => p.bytesPerFrame).filter((b) => b > 0);
    const frameBytes = sizes.length ? Math.max(...sizes) : report.firstFrameBytes;
    for (const rate of rates) report.relay.push(await relayBaseline(scratch, rate, seconds, frameBytes));
  } catch (err) {
    report.error = err instanceof Error ? err.message.slice(0, 600) : String(err);
  } finally {
    await owed.close();
  }
  report.goals = report.phases.map((p) => {
    const relay = report.relay.find((r) => r.rate === p.rate);
    return {
      phase: `${p.rate}/s`,
      'update p99 ms (goal <= 1000)': p.fromSend.p99Ms,
      met: p.fromSend.n > 0 && p.missing === 0 && p.fromSend.p99Ms <= GOAL_P99_MS ? 'yes' : 'NO',
      'state p99 ms (goal <= 1000)': p.toggle.p99Ms,
      'state met': p.toggle.n > 0 && p.toggleMissing === 0 && p.toggle.p99Ms <= GOAL_P99_MS ? 'yes' : 'NO',
      'x webhook 200 p99': p.ack.p99Ms > 0 ? round(p.fromSend.p99Ms / p.ack.p99Ms, 1) : 0,
      'x relay p99': relay && relay.latency.p99Ms > 0 ? round(p.fromSend.p99Ms / relay.latency.p99Ms, 1) : 0,
    };
  });
  return report;
}

export function printWallboard(report: WallboardReport): void {
  console.log(
    `Wallboard on ${report.db} (${report.quick ? 'quick' : 'full'}): ${report.agents} agents, ${report.waiting} waiting, ${report.supervisors} wallboard socket(s); ` +
      `start ${report.startMs} ms; socket open -> first frame ${report.firstFrameMs} ms (${report.firstFrameBytes} B); ` +
      `idle: ${report.idle.framesPerSecond} frames/s, loop p99/max ${report.idle.loopP99Ms ?? '-'}/${report.idle.loopMaxMs ?? '-'} ms`,
  );
  if (report.error) console.log(`FAILED: ${report.error}`);
  console.table(
    report.phases.map((p) => ({
      phase: `${p.rate}/s x ${p.seconds} s`,
      'acked/sent': `${p.acked}/${p.webhooks}`,
      missing: p.missing,
      errors: Object.entries(p.errors)
        .map(([status, n]) => `${n} x ${status}`)
        .join(', '),
      'send->frame p50': p.fromSend.p50Ms,
      p99: p.fromSend.p99Ms,
      max: p.fromSend.maxMs,
      '200->frame p50': p.fromAck.p50Ms,
      'p99 ': p.fromAck.p99Ms,
      '200 p50': p.ack.p50Ms,
      '200 p99': p.ack.p99Ms,
    })),
  );
  console.log('Agent state toggles (command sent -> the agent row shows it), frames, server per phase');
  console.table(
    report.phases.map((p) => ({
      phase: `${p.rate}/s`,
      toggles: p.toggles,
      missing: p.toggleMissing,
      'state p50': p.toggle.p50Ms,
      'state p99': p.toggle.p99Ms,
      'state max': p.toggle.maxMs,
      'frames/s': p.framesPerSecond,
      'KB/frame': round(p.bytesPerFrame / 1024),
      'loop p99': p.loopP99Ms ?? '-',
      'loop max': p.loopMaxMs ?? '-',
      'cpu %': p.cpuPercent,
      'runq %': p.runQueuePercent,
    })),
  );
  console.log('Baseline: bare ws relay, one frame of the same size per event, same core, same rates');
  console.table(
    report.relay.map((r) => ({
      rate: `${r.rate}/s`,
      'KB/frame': round(r.frameBytes / 1024),
      p50: r.latency.p50Ms,
      p99: r.latency.p99Ms,
      max: r.latency.maxMs,
      missing: r.missing,
    })),
  );
  console.log('Goal: wallboard update latency with 1,000 agents p99 <= 1 s');
  console.table(report.goals);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchWallboard(process.argv.includes('--quick') ? { quick: true } : {})
    .then((report) => {
      printWallboard(report);
      process.exit(report.error ? 1 : 0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
