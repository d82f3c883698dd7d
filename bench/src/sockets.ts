/**
 * P4 of PERFORMANCE.md: agent sockets on one core, beside the bare `relay` in the same run.
 *
 * For N in {1,000, 5,000} (`--quick`: 1,000 only, shorter measures):
 *
 * - Parlo: a fresh database (a copy of a template the server migrated and gave the demo data),
 *   seeded with SQL, server down: N agents of the demo queue, Available, capacity 1, each owning one
 *   active conversation and holding a seeded session (no sign-in). The server as a child process
 *   pinned to core 0 (`taskset`), this process (every client) on core 1. Connect every agent's
 *   desktop (`/api/ws`, cookie, `hello` -> snapshot; 50 connecting at a time): time for all, hello
 *   -> snapshot p50/p99, server RSS before/after (/proc/<pid>/status VmRSS) -> KB per socket.
 *   Then customers' signed webhooks (as bench/src/ingest.ts builds them) to the owned conversations
 *   (message i to owner i mod N): closed loop (64 in flight) for the push rate (frames received per
 *   second), open loops at 1k msg/s (the goal's rate) and 200 msg/s (below saturation) for the
 *   latency (scheduled send -> `message.upserted` frame on the owner's socket). Every acknowledged
 *   message's frame is counted: one missing 3 s after the last answer is lost, and a lost frame
 *   fails the figure. Before and after each phase /metrics is scraped (bearer METRICS_TOKEN):
 *   `nodejs_eventloop_lag_p99_seconds` and `_max_seconds` over the phase.
 * - relay (bench/src/relay-server.ts): bare `ws`, the same N consumer sockets, a producer socket
 *   sending ~1 KB messages to consumer i mod N: closed loop (512 outstanding: its core busy) for
 *   msg/s, open loops at the same rates for the latency, same pinning. Lost = sent - received.
 *
 * Run alone: `npx tsx bench/src/sockets.ts [--quick]`. Environment: `SOCKETS_BENCH_QUICK=1` is
 * `--quick`; `SOCKETS_BENCH_DB=postgres` runs Parlo on PostgreSQL (`SOCKETS_BENCH_PG_URL`, default
 * postgres://postgres@127.0.0.1:5432/postgres, where its databases are created and dropped);
 * `SOCKETS_BENCH_COUNTS=1000,5000` picks N; `SOCKETS_BENCH_CPU_PROF=<dir>` runs the server under
 * `--cpu-prof` (a folder per N); `SOCKETS_BENCH_IN_FLIGHT` changes the closed loop's 64. Every process, file and database it made goes when it
 * ends, fails or is interrupted. Customer phone numbers are never printed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { quantile, round } from './load.ts';
import {
  connectDesktops,
  cpuMs,
  freePort,
  runQueueMs,
  LoopLag,
  Owed,
  ParloServer,
  pinned,
  pinToLoadCore,
  Pusher,
  rssKb,
  SERVER_CORE,
  sleep,
  spawnChild,
  tag,
  tailOf,
  type ConnectResult,
  type Desktop,
  type PushResult,
} from './parlo-process.ts';
import { adminQuery, postgresFactory, sqliteFactory, type DbFactory, type DbKind } from './world-seed.ts';

interface Durations {
  readonly counts: readonly number[];
  readonly warmupMs: number;
  /** Closed loop: the push rate. */
  readonly closedMs: number;
  readonly inFlight: number;
  /** Closed loop of the relay: messages outstanding (enough to keep its core busy). */
  readonly relayWindow: number;
  /** Open loops: the latency at each rate (the goal's 1k msg/s first, then one below saturation). */
  readonly openMs: number;
  readonly rates: readonly number[];
  /** Connecting every socket stops after this long (the rest count as failed). */
  readonly connectCapMs: number;
}

const FULL: Durations = {
  counts: [1000, 5000],
  // As the ingest bench (DEFAULT_DURATIONS there): V8 compiles Parlo's hot paths for seconds.
  warmupMs: 5000,
  closedMs: 4000,
  inFlight: 64,
  relayWindow: 512,
  openMs: 4000,
  rates: [1000, 200],
  connectCapMs: 60_000,
};
const QUICK: Durations = {
  counts: [1000],
  warmupMs: 2000,
  closedMs: 2500,
  inFlight: 64,
  relayWindow: 512,
  openMs: 2500,
  rates: [1000, 200],
  connectCapMs: 30_000,
};

/** The event loop's delay over a phase, ms (undefined: the server does not expose it). */
type Lag = { p99Ms: number; maxMs: number } | undefined;

export interface ParloSide {
  readonly sockets: number;
  readonly startMs: number;
  readonly connect: ConnectResult;
  readonly rssBeforeMb: number;
  readonly rssAfterMb: number;
  readonly kbPerSocket: number;
  /** Closed loop (push rate) and open loops (latency), with the event loop's delay over each. */
  readonly closed: PushResult;
  readonly opens: {
    readonly rate: number;
    readonly result: PushResult;
    readonly lag: Lag;
    readonly cpu: CpuShare;
  }[];
  /** During the closed loop, and while connecting. */
  readonly cpu: CpuShare;
  readonly connectCpu: CpuShare;
  /** The event loop's delay while connecting, idle with every socket open (3 s), in the closed loop. */
  readonly lag: { connect: Lag; idle: Lag; closed: Lag };
  /** Desktops the server closed during the measures; events that skipped a seq. */
  readonly dropped: number;
  readonly gaps: number;
  readonly rssEndMb: number;
  readonly error?: string;
}

export interface RelayLoop {
  readonly sent: number;
  readonly received: number;
  readonly lost: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface RelaySide {
  readonly sockets: number;
  readonly connect: { connected: number; totalMs: number; perSecond: number };
  readonly kbPerSocket: number;
  readonly closed: RelayLoop;
  readonly opens: { readonly rate: number; readonly result: RelayLoop }[];
  readonly cpu: CpuShare;
  readonly error?: string;
}

export interface SocketsRow {
  readonly sockets: number;
  readonly parlo: ParloSide;
  readonly relay: RelaySide;
}

export interface SocketsReport {
  readonly db: DbKind;
  readonly quick: boolean;
  readonly pinned: boolean;
  readonly durations: Durations;
  readonly loadavgAtStart: string;
  readonly rows: SocketsRow[];
  readonly goals: Record<string, number | string>[];
  readonly socketsOnOneCore: number;
  readonly totalSeconds: number;
  readonly error?: string;
}

export interface SocketsOptions {
  readonly quick?: boolean;
  readonly db?: DbKind;
  readonly counts?: readonly number[];
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message.slice(0, 1500) : String(err));
const loadNow = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

interface CpuShare {
  /** CPU used, % of one core: the server's and this process's (the clients). */
  readonly server: number;
  readonly load: number;
  /**
   * The server's main thread runnable but waiting for a CPU, % of the wall time (schedstat): high
   * means other processes on its core (a shared machine), not the server, set the figure.
   */
  readonly serverWait: number;
}

/** CPU shares of the server (`pid`) and of this process over a measure. */
function cpuMeter(pid: number | undefined): () => CpuShare {
  const t0 = performance.now();
  const server0 = cpuMs(pid);
  const wait0 = runQueueMs(pid);
  const load0 = process.cpuUsage();
  return () => {
    const wall = performance.now() - t0;
    const load = process.cpuUsage(load0);
    return {
      server: round(((cpuMs(pid) - server0) / wall) * 100, 0),
      load: round(((load.user + load.system) / 1000 / wall) * 100, 0),
      serverWait: round(((runQueueMs(pid) - wait0) / wall) * 100, 0),
    };
  };
}

// --- Parlo ---

async function parloSide(
  factory: DbFactory,
  n: number,
  d: Durations,
  scratch: string,
  token: string,
  profileDir: string | undefined,
): Promise<ParloSide> {
  const db = await factory.fresh(`s${n}`);
  let server: ParloServer | undefined;
  let desktops = new Map<string, Desktop>();
  let pusher: Pusher | undefined;
  try {
    const world = await db.seed({ owners: n });
    server = await ParloServer.start({
      databaseUrl: db.url,
      scratch,
      name: `parlo-${n}`,
      port: await freePort(),
      metricsToken: token,
      // The seeded agents look connected: no sweep while the desktops connect.
      env: { RECONNECT_WINDOW_SECONDS: '3600' },
      ...(profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, `parlo-${n}`)}`] } : {}),
    });
    const startMs = round(performance.now() - server.spawnedAt, 0);
    const origin = server.origin;
    const lag = new LoopLag(() => origin, token);
    await sleep(500);
    const rssBefore = server.rssKb();

    await lag.start();
    const connectMeter = cpuMeter(server.pid);
    const connected = await connectDesktops(origin, world.owners, { capMs: d.connectCapMs });
    const connectCpu = connectMeter();
    const connectLag = await lag.end();
    desktops = connected.desktops;
    await sleep(1000);
    const rssAfter = server.rssKb();
    await lag.start();
    await sleep(3000);
    const idleLag = await lag.end();
    const owners = world.owners.filter((o) => desktops.has(o.id));
    if (owners.length === 0) throw new Error(`no desktop connected: ${connected.result.firstError ?? ''}`);

    pusher = new Pusher(origin, owners, desktops);
    await pusher.openLoop(d.rates[0] ?? 1000, d.warmupMs);
    await lag.start();
    const meter = cpuMeter(server.pid);
    const closed = await pusher.closedLoop(d.inFlight, d.closedMs);
    const cpu = meter();
    const closedLag = await lag.end();
    const opens: ParloSide['opens'] = [];
    for (const rate of d.rates) {
      await lag.start();
      const openMeter = cpuMeter(server.pid);
      const result = await pusher.openLoop(rate, d.openMs);
      const cpuShare = openMeter();
      opens.push({ rate, result, lag: await lag.end(), cpu: cpuShare });
    }
    if (!server.running) throw new Error(`the server died during the measures; log:\n${server.tail()}`);
    const all = [...desktops.values()];
    return {
      sockets: n,
      startMs,
      connect: connected.result,
      rssBeforeMb: round(rssBefore / 1024),
      rssAfterMb: round(rssAfter / 1024),
      kbPerSocket: round((rssAfter - rssBefore) / Math.max(1, desktops.size)),
      closed,
      opens,
      cpu,
      connectCpu,
      lag: { connect: connectLag, idle: idleLag, closed: closedLag },
      dropped: all.filter((x) => x.closedUnexpectedly).length,
      gaps: all.reduce((s, x) => s + x.gaps, 0),
      rssEndMb: round(server.rssKb() / 1024),
    };
  } finally {
    await pusher?.close().catch(() => {});
    for (const desktop of desktops.values()) desktop.close();
    await server?.stop();
    await db.drop();
  }
}

// --- relay ---

const RELAY_PATTERN = /\bp4 ([a-z]+)\b/;
/** About a webhook's size, as the producer's message. */
const RELAY_PAD = ' '.repeat(960);

class RelayClients {
  private readonly consumers: WebSocket[] = [];
  private producer: WebSocket | undefined;
  private onFrame: ((key: string, at: number) => void) | undefined;
  private base = 26 ** 4;

  constructor(private readonly origin: string) {}

  /** Connects `n` consumers, 50 at a time. */
  async connect(
    n: number,
    capMs: number,
  ): Promise<{ connected: number; totalMs: number; perSecond: number }> {
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(50, n) }, async () => {
        while (next < n && performance.now() - t0 < capMs) {
          const i = next++;
          const ws = await this.open(`/c/${i}`).catch(() => undefined);
          if (!ws) continue;
          ws.on('message', (data: Buffer) => {
            const at = performance.now();
            // The tag is plain letters: found in the raw frame, no parse (keeps the clients' core free).
            const key = RELAY_PATTERN.exec(data.toString('latin1'))?.[1];
            if (key !== undefined) this.onFrame?.(key, at);
          });
          this.consumers[i] = ws;
        }
      }),
    );
    this.producer = await this.open('/p');
    const totalMs = performance.now() - t0;
    const connected = this.consumers.filter(Boolean).length;
    return { connected, totalMs: round(totalMs, 0), perSecond: round((connected / totalMs) * 1000, 0) };
  }

  private open(path: string): Promise<WebSocket> {
    return new Promise((done, fail) => {
      const ws = new WebSocket(`${this.origin.replace('http', 'ws')}${path}`, { perMessageDeflate: false });
      ws.once('open', () => done(ws));
      ws.once('error', fail);
    });
  }

  private send(i: number, key: string): void {
    const to = i % this.consumers.length;
    // JSON by hand: nothing to escape, and the producer's core is the clients' too.
    this.producer?.send(`{"to":${to},"text":"p4 ${key} where is my order${RELAY_PAD}"}`);
  }

  /** Open loop at `rate` for `durationMs`; latency from each scheduled send. */
  openLoop(rate: number, durationMs: number, graceMs = 3_000): Promise<RelayLoop> {
    const total = Math.round((rate * durationMs) / 1000);
    return this.run(graceMs, async (send) => {
      const started = performance.now();
      let sent = 0;
      while (sent < total) {
        const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
        for (; sent < due; sent++) send(started + (sent * 1000) / rate);
        await sleep(1);
      }
    });
  }

  /** `window` messages always outstanding (a new one sent when one arrives) for `durationMs`. */
  closedLoop(window: number, durationMs: number, graceMs = 3_000): Promise<RelayLoop> {
    return this.run(graceMs, async (send, arrived) => {
      const end = performance.now() + durationMs;
      for (let w = 0; w < window; w++) send(performance.now());
      await new Promise<void>((done) => {
        arrived(() => {
          if (performance.now() < end) send(performance.now());
          else done();
        });
      });
    });
  }

  private async run(
    graceMs: number,
    drive: (send: (scheduledAt: number) => void, arrived: (fn: () => void) => void) => Promise<void>,
  ): Promise<RelayLoop> {
    const scheduled = new Map<string, number>();
    const seen = new Set<string>();
    const latencies: number[] = [];
    let i = 0;
    let onArrival: (() => void) | undefined;
    let windowEnd = Number.POSITIVE_INFINITY;
    let inWindow = 0;
    this.onFrame = (key, at) => {
      const sentAt = scheduled.get(key);
      if (sentAt === undefined || seen.has(key)) return;
      seen.add(key);
      latencies.push(at - sentAt);
      if (at <= windowEnd) inWindow++;
      onArrival?.();
    };
    const base = this.base;
    const send = (scheduledAt: number) => {
      const n = i++;
      const key = tag(base + n);
      scheduled.set(key, scheduledAt);
      this.send(n, key);
    };
    const started = performance.now();
    await drive(send, (fn) => (onArrival = fn));
    windowEnd = performance.now();
    onArrival = undefined;
    const graceEnd = performance.now() + graceMs;
    while (performance.now() < graceEnd && seen.size < i) await sleep(20);
    this.onFrame = undefined;
    this.base += i + 1;
    latencies.sort((a, b) => a - b);
    return {
      sent: i,
      received: seen.size,
      lost: i - seen.size,
      perSecond: round((inWindow / (windowEnd - started)) * 1000, 0),
      p50Ms: round(quantile(latencies, 0.5)),
      p99Ms: round(quantile(latencies, 0.99)),
      maxMs: round(latencies.at(-1) ?? 0),
    };
  }

  close(): void {
    for (const ws of this.consumers) ws?.terminate();
    this.producer?.terminate();
  }
}

async function relaySide(n: number, d: Durations, scratch: string): Promise<RelaySide> {
  const port = await freePort();
  const logFile = join(scratch, `relay-${n}.log`);
  const child = spawnChild(
    process.execPath,
    ['--import', 'tsx', 'bench/src/relay-server.ts', String(port)],
    logFile,
    SERVER_CORE,
    process.env,
  );
  const origin = `http://127.0.0.1:${port}`;
  const clients = new RelayClients(origin);
  try {
    const t0 = performance.now();
    for (;;) {
      if (child.exitCode !== null) throw new Error(`relay exited; log:\n${tailOf(logFile)}`);
      const ok = await fetch(`${origin}/healthz`)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) break;
      if (performance.now() - t0 > 30_000) throw new Error(`relay did not start; log:\n${tailOf(logFile)}`);
      await sleep(20);
    }
    await sleep(500);
    const rssBefore = rssKb(child.pid);
    const connect = await clients.connect(n, d.connectCapMs);
    await sleep(1000);
    const rssAfter = rssKb(child.pid);
    await clients.openLoop(d.rates[0] ?? 1000, d.warmupMs);
    const meter = cpuMeter(child.pid);
    const closed = await clients.closedLoop(d.relayWindow, d.closedMs);
    const cpu = meter();
    const opens: RelaySide['opens'] = [];
    for (const rate of d.rates) opens.push({ rate, result: await clients.openLoop(rate, d.openMs) });
    return {
      sockets: n,
      connect,
      kbPerSocket: round((rssAfter - rssBefore) / Math.max(1, connect.connected)),
      closed,
      opens,
      cpu,
    };
  } finally {
    clients.close();
    if (child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
  }
}

// --- the run ---

function envFlag(name: string): boolean {
  const v = process.env[name];
  return v === '1' || v === 'true' || v === 'yes';
}

const none: PushResult = {
  sent: 0,
  acked: 0,
  notAcked: {},
  received: 0,
  lost: 0,
  duplicates: 0,
  framesPerSecond: 0,
  p50Ms: 0,
  p99Ms: 0,
  maxMs: 0,
  ackP99Ms: 0,
};
const noRelay: RelayLoop = { sent: 0, received: 0, lost: 0, perSecond: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };

function failedParlo(n: number, err: unknown): ParloSide {
  return {
    sockets: n,
    startMs: 0,
    connect: {
      sockets: n,
      connected: 0,
      failed: 0,
      totalMs: 0,
      perSecond: 0,
      helloP50Ms: 0,
      helloP99Ms: 0,
      openP50Ms: 0,
      openP99Ms: 0,
      capped: false,
    },
    rssBeforeMb: 0,
    rssAfterMb: 0,
    kbPerSocket: 0,
    closed: none,
    opens: [],
    cpu: { server: 0, load: 0, serverWait: 0 },
    connectCpu: { server: 0, load: 0, serverWait: 0 },
    lag: { connect: undefined, idle: undefined, closed: undefined },
    dropped: 0,
    gaps: 0,
    rssEndMb: 0,
    error: errorText(err),
  };
}

function failedRelay(n: number, err: unknown): RelaySide {
  return {
    sockets: n,
    connect: { connected: 0, totalMs: 0, perSecond: 0 },
    kbPerSocket: 0,
    closed: noRelay,
    opens: [],
    cpu: { server: 0, load: 0, serverWait: 0 },
    error: errorText(err),
  };
}

/** Every socket connected and synced, none dropped, no frame lost or out of seq: the count held. */
function held(p: ParloSide): boolean {
  return (
    !p.error &&
    p.connect.connected === p.sockets &&
    p.dropped === 0 &&
    p.gaps === 0 &&
    p.closed.acked > 0 &&
    p.opens.length > 0 &&
    [p.closed, ...p.opens.map((o) => o.result)].every((x) => x.lost === 0)
  );
}

const maxLag = (p: ParloSide): number | string => {
  const values = [p.lag.connect, p.lag.idle, p.lag.closed, ...p.opens.map((o) => o.lag)].flatMap((l) =>
    l ? [l.maxMs] : [],
  );
  return values.length ? Math.max(...values) : 'n/a';
};

function goalsOf(row: SocketsRow): Record<string, number | string> {
  const { parlo: p, relay: r } = row;
  const lost = p.closed.lost + p.opens.reduce((t, o) => t + o.result.lost, 0);
  const ratio = r.closed.perSecond > 0 ? round(p.closed.framesPerSecond / r.closed.perSecond, 3) : 0;
  const p99 = Object.fromEntries(
    p.opens.map((o) => [
      `p99 ms at ${o.rate}/s${o === p.opens[0] ? ' (goal <= 50)' : ''}`,
      o.result.lost > 0 ? `FAIL (${o.result.lost} lost)` : o.result.p99Ms,
    ]),
  );
  return {
    sockets: row.sockets,
    'connected+synced': `${p.connect.connected}/${p.sockets}${p.connect.capped ? ' (capped)' : ''}`,
    'connect all ms': p.connect.totalMs,
    'push rate parlo/relay (goal >= 0.25)': lost > 0 || p.closed.acked === 0 ? `FAIL (${lost} lost)` : ratio,
    ...p99,
    [`relay p99 ms at ${r.opens[0]?.rate ?? '-'}/s`]: r.opens[0]?.result.p99Ms ?? '-',
    'loop lag max ms (goal <= 100)': maxLag(p),
    'KB/socket parlo': p.kbPerSocket,
    'KB/socket relay': r.kbPerSocket,
  };
}

export async function benchSockets(options: SocketsOptions = {}): Promise<SocketsReport> {
  const quick = options.quick ?? envFlag('SOCKETS_BENCH_QUICK');
  const base = quick ? QUICK : FULL;
  const envCounts = process.env.SOCKETS_BENCH_COUNTS?.split(',')
    .map(Number)
    .filter((x) => x > 0);
  const inFlight = Number(process.env.SOCKETS_BENCH_IN_FLIGHT) || base.inFlight;
  const d: Durations = {
    ...base,
    inFlight,
    counts: options.counts ?? (envCounts?.length ? envCounts : base.counts),
  };
  const db: DbKind = options.db ?? (process.env.SOCKETS_BENCH_DB === 'postgres' ? 'postgres' : 'sqlite');
  const adminUrl = process.env.SOCKETS_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const started = performance.now();
  const loadavgAtStart = loadNow();
  pinToLoadCore();

  const owed = new Owed('sockets bench');
  const scratch = mkdtempSync(join(tmpdir(), 'p4-sockets-bench-'));
  owed.folder(scratch);
  const token = randomBytes(24).toString('hex');
  const rows: SocketsRow[] = [];
  let error: string | undefined;
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
    const prefix = `parlo_p4_${process.pid}_${randomBytes(3).toString('hex')}`;
    if (db === 'postgres') {
      // Dropped at the end even if the factory fails half-way (drop if exists).
      owed.add(() =>
        adminQuery(
          adminUrl,
          ...[...d.counts.map((n) => `${prefix}_s${n}`), `${prefix}_template`].map(
            (name) => `drop database if exists ${name} with (force)`,
          ),
        ),
      );
    }
    const factory =
      db === 'postgres'
        ? await postgresFactory(adminUrl, prefix, prepare)
        : await sqliteFactory(scratch, prepare);
    owed.add(() => factory.dispose());
    for (const n of d.counts) {
      const t0 = performance.now();
      const parlo = await parloSide(factory, n, d, scratch, token, process.env.SOCKETS_BENCH_CPU_PROF).catch(
        (err: unknown) => failedParlo(n, err),
      );
      console.log(
        `  parlo, ${n} sockets: ${parlo.error ? `failed: ${parlo.error}` : 'done'} in ${round((performance.now() - t0) / 1000)} s`,
      );
      const t1 = performance.now();
      const relay = await relaySide(n, d, scratch).catch((err: unknown) => failedRelay(n, err));
      console.log(
        `  relay, ${n} sockets: ${relay.error ? `failed: ${relay.error}` : 'done'} in ${round((performance.now() - t1) / 1000)} s`,
      );
      rows.push({ sockets: n, parlo, relay });
    }
  } catch (err) {
    error = errorText(err);
  } finally {
    await owed.close();
  }
  const heldCounts = rows.filter((r) => held(r.parlo)).map((r) => r.sockets);
  return {
    db,
    quick,
    pinned,
    durations: d,
    loadavgAtStart,
    rows,
    goals: rows.map(goalsOf),
    socketsOnOneCore: heldCounts.length ? Math.max(...heldCounts) : 0,
    totalSeconds: round((performance.now() - started) / 1000),
    ...(error ? { error } : {}),
  };
}

const statuses = (s: Record<string, number>): string =>
  Object.entries(s)
    .map(([k, v]) => `${k}:${v}`)
    .join(' ') || '0';
const lagText = (l: Lag): string => (l ? `${l.p99Ms}/${l.maxMs}` : 'n/a');

/** Prints the report as tables. */
export function printSockets(report: SocketsReport): void {
  const d = report.durations;
  console.log(
    `P4 agent sockets on one core, ${report.db} (${report.quick ? 'quick' : 'full'}; server ${report.pinned ? 'pinned to core 0, clients on core 1' : 'not pinned'}; ` +
      `load average at start ${report.loadavgAtStart}; ${report.totalSeconds} s)`,
  );
  if (report.error) console.log(`FAILED: ${report.error}`);
  console.log(
    '\nConnect every agent desktop (50 at a time; hello -> snapshot per socket), server RSS (VmRSS). ' +
      "runq %: the server's event loop runnable but waiting for a CPU (another process, or the server's own other threads, on its core); " +
      'the loop delay includes that wait',
  );
  console.table(
    report.rows.map(({ parlo: p, relay: r }) => ({
      sockets: p.sockets,
      'start ms': p.startMs,
      connected: `${p.connect.connected}${p.connect.capped ? ' (cap)' : ''}`,
      failed: p.connect.failed,
      'all ms': p.connect.totalMs,
      'sockets/s': p.connect.perSecond,
      'open p50': p.connect.openP50Ms,
      'hello->snap p50': p.connect.helloP50Ms,
      'hello->snap p99': p.connect.helloP99Ms,
      'RSS MB before': p.rssBeforeMb,
      'RSS MB after': p.rssAfterMb,
      'KB/socket': p.kbPerSocket,
      'relay all ms': r.connect.totalMs,
      'relay KB/socket': r.kbPerSocket,
      'server CPU/runq %': `${p.connectCpu.server}/${p.connectCpu.serverWait}`,
      'lag p99/max connecting': lagText(p.lag.connect),
      'lag p99/max idle': lagText(p.lag.idle),
    })),
  );
  console.log(
    `\nPush rate: customers' webhooks to the owners' conversations, closed loop ${d.inFlight} in flight for ${d.closedMs / 1000} s; ` +
      `frames (message.upserted on the owner's socket) per second; relay: ${d.relayWindow} outstanding through bare ws`,
  );
  console.table(
    report.rows.flatMap(({ parlo: p, relay: r }) => [
      {
        target: `parlo ${p.sockets}`,
        'frames/s': p.closed.framesPerSecond,
        'p50 ms': p.closed.p50Ms,
        'p99 ms': p.closed.p99Ms,
        acked: p.closed.acked,
        'not acked': statuses(p.closed.notAcked),
        lost: p.closed.lost,
        'server CPU %': p.cpu.server,
        'server runq %': p.cpu.serverWait,
        'load CPU %': p.cpu.load,
        'loop lag p99/max ms': lagText(p.lag.closed),
        ...(p.error ? { error: p.error.slice(0, 200) } : {}),
      },
      {
        target: `relay ${r.sockets}`,
        'frames/s': r.closed.perSecond,
        'p50 ms': r.closed.p50Ms,
        'p99 ms': r.closed.p99Ms,
        acked: '-',
        'not acked': '-',
        lost: r.closed.lost,
        'server CPU %': r.cpu.server,
        'server runq %': r.cpu.serverWait,
        'load CPU %': r.cpu.load,
        'loop lag p99/max ms': '-',
        ...(r.error ? { error: r.error.slice(0, 200) } : {}),
      },
    ]),
  );
  console.log(
    `\nPush latency: open loop at ${d.rates.join(' and ')} msg/s for ${d.openMs / 1000} s each, scheduled send -> frame on the owner's socket`,
  );
  console.table(
    report.rows.flatMap(({ parlo: p, relay: r }) =>
      p.opens.map((o) => {
        const relay = r.opens.find((x) => x.rate === o.rate)?.result;
        return {
          sockets: p.sockets,
          rate: o.rate,
          'parlo p50': o.result.p50Ms,
          'parlo p99': o.result.p99Ms,
          'parlo max': o.result.maxMs,
          'ack p99': o.result.ackP99Ms,
          'not acked': statuses(o.result.notAcked),
          lost: o.result.lost,
          'loop lag p99/max ms': lagText(o.lag),
          'server CPU/runq %': `${o.cpu.server}/${o.cpu.serverWait}`,
          'relay p50': relay?.p50Ms ?? '-',
          'relay p99': relay?.p99Ms ?? '-',
          'relay lost': relay?.lost ?? '-',
        };
      }),
    ),
  );
  const trouble = report.rows.filter(
    (r) => r.parlo.dropped > 0 || r.parlo.gaps > 0 || r.parlo.closed.duplicates > 0,
  );
  for (const r of trouble) {
    console.log(
      `WARNING ${r.sockets}: ${r.parlo.dropped} desktops closed by the server, ${r.parlo.gaps} seq gaps, ${r.parlo.closed.duplicates + r.parlo.opens.reduce((t, o) => t + o.result.duplicates, 0)} duplicate frames`,
    );
  }
  for (const r of report.rows.filter((x) => x.parlo.connect.firstError)) {
    console.log(`  ${r.sockets} sockets, first connect error: ${r.parlo.connect.firstError ?? ''}`);
  }
  console.log(
    '\nGoals (P4): pushes >= 25% of relay, p99 <= 50 ms, >= 1,000 sockets on one core; loop delay <= 100 ms',
  );
  console.table(report.goals);
  console.log(
    `Sockets held on one core (goal >= 1000): ${report.socketsOnOneCore} ` +
      '(largest N with every desktop connected and synced, none dropped, no frame lost or out of seq)',
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchSockets(process.argv.includes('--quick') ? { quick: true } : {})
    .then(printSockets)
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
