/**
 * P1, P2, P3 and P6 of PERFORMANCE.md: durable webhook ingest of the real server beside the bare
 * baselines (bare, full, group, e2e, pg16), each a child process pinned to core 0 while this
 * process (the load) runs on core 1.
 *
 * Run alone: `npx tsx bench/src/ingest.ts [--quick]`; `INGEST_BENCH_PARTS=p1,p2,p3,p6` picks parts
 * (p1: closed loops; p2: open loops at 1k/s, 3.3k/s and past saturation; p3: customer message ->
 * agent socket; p6: PostgreSQL ingest vs pg16, at `INGEST_BENCH_PG_URL`, default
 * postgres://postgres@127.0.0.1:5432/postgres, where one database per run is created and dropped);
 * `INGEST_BENCH_CHECKOUT=<dir>` measures the server of another copy of the tree.
 *
 * Traffic in every run: every 5th message (20%) comes from a new customer (a new wa_id: a new
 * conversation, routed into the demo queue, where it waits), the others go to the open
 * conversations of 200 customers who wrote before the measures.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION } from '@parlo/protocol';
import { signPayload } from '@parlo/whatsapp';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import WebSocket from 'ws';
import {
  closedLoop,
  openLoop,
  quantile,
  round,
  sendAll,
  type LoadRequest,
  type OnAnswer,
  type OpenLoopResult,
} from './load.ts';
import { haproxyConfig } from '../../scripts/haproxy-config.mjs';
import { DEFAULT_ADMIN_URL, freshDatabase, showSetting } from './pg.ts';
import { cpuMs, cpuMsOfProcesses, machineCpuMs, mainThreadCpuMs, runQueueMs, writtenBytes } from './proc.ts';
import { serverNodeArgs } from './server-command.ts';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/**
 * The tree whose server is measured: this one, or INGEST_BENCH_CHECKOUT (another copy, e.g. a
 * before/after; it needs node_modules: links to this one's entries, `@parlo/*` to its own packages).
 */
const checkout = process.env.INGEST_BENCH_CHECKOUT ? resolve(process.env.INGEST_BENCH_CHECKOUT) : root;
/** The demo number the server seeds (PARLO_DEMO=true), bound to the queue q_support. */
const NUMBER = {
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
  wabaId: '102290129340398',
  appSecret: 'demo-app-secret',
};
const PASSWORD = 'parlo-demo-2026';
/** The demo's agents: capacity 5 each, in q_support and q_sales, on break after the seed. */
const AGENTS = ['anna', 'marco', 'giulia'] as const;
const AGENT_CAPACITY = 5;
const pinned = cpus().length >= 2;
/** Every NEW_EVERY-th message is from a new customer: 20%. */
const NEW_EVERY = 5;
/** Customers with an open conversation, written to before the measures. */
const OPEN_CUSTOMERS = 200;
/** P3: an acked message's frame that has not arrived this long after the last answer is lost. */
const FRAME_GRACE_MS = 3_000;
/** P3: a frame later than this after its message's scheduled send is late (counted, not lost). */
const LATE_MS = 1_000;
/** Past saturation: offered at 2x the closed loop's req/s, within these bounds (the generator's). */
const SATURATION_MIN_RPS = 2_000;
const SATURATION_MAX_RPS = 10_000;
/** The `group` baseline at Parlo's rate past saturation: what the generator alone adds there. */
const GENERATOR_CONTROL = 'group (generator control)';
/** Parlo behind HAProxy as deployed (scripts/haproxy-config.mjs): the balancer limits its webhooks. */
const BEHIND_BALANCER = 'parlo (behind HAProxy)';
/** /metrics wants it (the child's METRICS_TOKEN), whatever the environment says. */
const METRICS_TOKEN = randomBytes(16).toString('hex');

export interface Durations {
  readonly warmupMs: number;
  readonly closedMs: number;
  readonly openMs: number;
}
/**
 * Every server is warmed up at the measure's own load first (PERFORMANCE.md: "warm up, measure").
 * 5 s: V8 is still compiling Parlo's hot paths after 1 s (its closed loop, same run, by warm-up:
 * 1 s 1,577 / 1,662 req/s, 4 s 2,039 / 2,068, 8 s 2,204 / 2,070, 15 s 2,087 / 2,090), and a server
 * runs for days. The restart bench (P7) measures a cold server on purpose.
 */
export const DEFAULT_DURATIONS: Durations = { warmupMs: 5000, closedMs: 3000, openMs: 3000 };
const QUICK_DURATIONS: Durations = { warmupMs: 2000, closedMs: 2000, openMs: 2000 };

export type IngestPart = 'p1' | 'p2' | 'p3' | 'p6';
const ALL_PARTS: readonly IngestPart[] = ['p1', 'p2', 'p3', 'p6'];

export interface IngestOptions {
  readonly durations?: Durations;
  /** Default: INGEST_BENCH_PARTS (comma separated), else all. */
  readonly parts?: readonly IngestPart[];
  /** Shorter measures, no `bare` and no `batch=1` rows (--quick, INGEST_BENCH_QUICK=1). */
  readonly quick?: boolean;
  /** PostgreSQL maintenance URL for P6 (INGEST_BENCH_PG_URL). */
  readonly pgAdminUrl?: string;
}

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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Letters only: survives the masking of message text, so a frame names its request. */
function tag(n: number): string {
  let s = '';
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  } while (n > 0);
  return s;
}

let wamidSeq = 0;
/** A ~1 KB Cloud API webhook with one text message, signed as Meta signs it; `id` is its wamid. */
export function webhook(from: string, text: string, padTo = 1024): LoadRequest {
  const wamid = `wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA${process.pid}x${++wamidSeq}`;
  const payload = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: NUMBER.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: NUMBER.displayPhoneNumber,
                phone_number_id: NUMBER.phoneNumberId,
              },
              contacts: [{ profile: { name: 'Bench Customer' }, wa_id: from }],
              messages: [
                {
                  from,
                  id: wamid,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: text },
                },
              ],
            },
          },
        ],
      },
    ],
  };
  let body = JSON.stringify(payload);
  if (body.length < padTo) {
    payload.entry[0]!.changes[0]!.value.messages[0]!.text.body = text + ' '.repeat(padTo - body.length);
    body = JSON.stringify(payload);
  }
  return {
    id: wamid,
    body,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signPayload(body, NUMBER.appSecret),
    },
  };
}

/** The i-th (mod 200) customer with an open conversation. */
export function customer(i: number): string {
  return `39333${String(1_000_000 + (i % OPEN_CUSTOMERS)).slice(1)}`;
}

let newCustomerSeq = 0;
/** A customer never seen before (a UK mobile; distinct from the open ones, prefix 39). */
export function newCustomer(): string {
  return `447${String(++newCustomerSeq).padStart(9, '0')}`;
}

/**
 * The ingest traffic: every 5th message from a new customer (a new conversation, routed), the
 * others to the open conversations of the 200 customers in turn. `prime()` makes those open.
 */
export class Traffic {
  private count = 0;
  private open = 0;
  /** Messages from new customers so far. */
  fresh = 0;

  /** Messages built so far (priming apart). */
  get sent(): number {
    return this.count;
  }

  constructor(
    private readonly label = 'bench',
    private readonly padTo = 1024,
  ) {}

  readonly next = (): LoadRequest => {
    const n = this.count++;
    if (n % NEW_EVERY === NEW_EVERY - 1) {
      this.fresh++;
      return webhook(newCustomer(), `${this.label} new ${tag(n)}`, this.padTo);
    }
    return webhook(customer(this.open++), `${this.label} ${tag(n)}`, this.padTo);
  };

  /** `count` requests built now, so that the open loop's generator only sends. */
  build(count: number): LoadRequest[] {
    return Array.from({ length: count }, () => this.next());
  }

  /** The 200 customers' first messages: their conversations exist (and wait) before any measure. */
  static prime(origin: string, onAnswer?: OnAnswer): Promise<Record<string, number>> {
    const first = Array.from({ length: OPEN_CUSTOMERS }, (_, i) => webhook(customer(i), 'hello'));
    return sendAll(origin, first, 16, onAnswer);
  }
}

/** What a Parlo server stored: the inbound wamids and its conversations by phase. */
export interface Stored {
  readonly wamids: ReadonlySet<string>;
  readonly conversations: Record<string, number>;
}

export interface Target {
  readonly origin: string;
  /** The server's process (taskset execs node: the same pid). */
  readonly pid?: number;
  stop(): Promise<void>;
  /** Parlo only: reads its database (while it runs). */
  inspect?(): Promise<Stored>;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export async function startTarget(
  name: string,
  args: string[],
  env: Record<string, string>,
  port: number,
  cwd = root,
): Promise<Target> {
  const command = pinned ? 'taskset' : process.execPath;
  // INGEST_BENCH_CPU_PROF=<dir>: every server and baseline writes a CPU profile there on exit.
  const profile = process.env.INGEST_BENCH_CPU_PROF;
  const node = [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), ...args];
  const argv = pinned ? ['-c', '0', process.execPath, ...node] : node;
  const child: ChildProcess = spawn(command, argv, {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
  const origin = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      // A profiled server must exit on its own to write its profile (SIGTERM: a graceful stop).
      child.kill(profile ? 'SIGTERM' : 'SIGKILL');
    });
  await untilServing(name, origin, child, () => stderr, stop, 60_000);
  return { origin, stop, ...(child.pid ? { pid: child.pid } : {}) };
}

/** Waits until `origin` answers `/healthz` 200; throws (after `stop`) if `child` exits or time runs out. */
async function untilServing(
  name: string,
  origin: string,
  child: ChildProcess,
  stderr: () => string,
  stop: () => Promise<void>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`${name} exited: ${stderr()}`);
    }
    try {
      if ((await fetch(`${origin}/healthz`)).status === 200) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not start: ${stderr()}`);
    }
    await sleep(50);
  }
}

/**
 * Parlo behind HAProxy configured as `npm run cluster` and docs/deploy.md configure it
 * (scripts/haproxy-config.mjs), HAProxy on the load's core: what Meta reaches in a deployment.
 */
export async function startParloBehindBalancer(dir: string): Promise<Target> {
  const node = await startParlo(dir, 'balanced');
  const port = await freePort();
  const config = join(dir, 'haproxy.cfg');
  const address = new URL(node.origin).host;
  writeFileSync(config, haproxyConfig({ port, nodes: [{ name: 'n1', address }] }));
  const argv = ['-f', config, '-db'];
  const child: ChildProcess = spawn(
    pinned ? 'taskset' : 'haproxy',
    pinned ? ['-c', '1', 'haproxy', ...argv] : argv,
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
  const origin = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGKILL');
      await exited;
    }
    await node.stop();
  };
  await untilServing('haproxy', origin, child, () => stderr, stop, 30_000);
  return { ...node, origin, stop };
}

export type BaselineMode = 'bare' | 'full' | 'group' | 'e2e';

export async function startBaseline(mode: BaselineMode, dir: string): Promise<Target> {
  const port = await freePort();
  return startTarget(
    mode,
    ['--import', 'tsx', 'bench/src/baseline-server.ts', mode, String(port), join(dir, `${mode}.db`)],
    {},
    port,
  );
}

/** The pg16 baseline on the PostgreSQL database at `url`. */
export async function startPg16(url: string): Promise<Target> {
  const port = await freePort();
  return startTarget(
    'pg16',
    ['--import', 'tsx', 'bench/src/baseline-server.ts', 'pg16', String(port), url],
    {},
    port,
  );
}

function inspectSqlite(file: string): Stored {
  const db = new Sqlite(file, { readonly: true, fileMustExist: true });
  try {
    const wamids = db
      .prepare<[], string>("select wamid from messages where direction = 'inbound' and wamid is not null")
      .pluck()
      .all();
    const phases = db
      .prepare<[], { phase: string; n: number }>(
        'select phase_kind as phase, count(*) as n from conversations group by phase_kind',
      )
      .all();
    return { wamids: new Set(wamids), conversations: Object.fromEntries(phases.map((r) => [r.phase, r.n])) };
  } finally {
    db.close();
  }
}

async function inspectPostgres(url: string): Promise<Stored> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const wamids = await client.query<{ wamid: string }>(
      "select wamid from messages where direction = 'inbound' and wamid is not null",
    );
    const phases = await client.query<{ phase: string; n: string }>(
      'select phase_kind as phase, count(*) as n from conversations group by phase_kind',
    );
    return {
      wamids: new Set(wamids.rows.map((r) => r.wamid)),
      conversations: Object.fromEntries(phases.rows.map((r) => [r.phase, Number(r.n)])),
    };
  } finally {
    await client.end();
  }
}

export async function startParlo(
  dir: string,
  name: string,
  env: Record<string, string> = {},
  /** Another checkout of the server (A/B runs); node_modules resolve from it. */
  cwd = checkout,
): Promise<Target> {
  const port = await freePort();
  const file = join(dir, `${name}.db`);
  const databaseUrl = env.DATABASE_URL ?? `sqlite:${file}`;
  const target = await startTarget(
    'parlo',
    [...serverNodeArgs(cwd)],
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      PARLO_DEMO: 'true',
      // Benchmarks sign in and call the API far faster than people do: no request limits (issue 17).
      RATE_LIMIT_API_PER_MINUTE: '0',
      RATE_LIMIT_SIGN_IN_PER_MINUTE: '0',
      // Request logs at info would be measured too; production sets its own level.
      LOG_LEVEL: 'warn',
      GRAPH_API_BASE_URL: 'http://127.0.0.1:9',
      DESKTOP_DIST: '',
      METRICS_TOKEN,
      ...env,
    },
    port,
    cwd,
  );
  return {
    ...target,
    inspect: async () =>
      databaseUrl.startsWith('postgres') ? inspectPostgres(databaseUrl) : inspectSqlite(file),
  };
}

// --- /metrics of the server under test, around each load phase ---

interface Scrape {
  readonly at: number;
  readonly text: string;
}

async function scrape(origin: string): Promise<Scrape | undefined> {
  try {
    const res = await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    if (res.status !== 200) return undefined;
    return { at: performance.now(), text: await res.text() };
  } catch {
    return undefined;
  }
}

function gauge(s: Scrape | undefined, name: string): number | undefined {
  if (!s) return undefined;
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(s.text);
  return m ? Number(m[1]) : undefined;
}

/** Cumulative counts of a histogram (parlo_webhook_ack_seconds by default) by bucket bound (seconds). */
function ackBuckets(s: Scrape | undefined, name = 'parlo_webhook_ack_seconds'): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const m of s?.text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)$`, 'gm')) ?? []) {
    buckets.set(m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]), Number(m[2]));
  }
  return buckets;
}

/**
 * The kernel's count of connections dropped because a listen queue was full (TcpExt ListenDrops,
 * the whole machine): a dropped SYN is retried after 1 s, which the latencies then include.
 */
function listenDrops(): number | undefined {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const header = lines.findIndex((l) => l.startsWith('TcpExt:'));
    const names = lines[header]?.split(/\s+/) ?? [];
    const values = lines[header + 1]?.split(/\s+/) ?? [];
    const at = names.indexOf('ListenDrops');
    return at > 0 ? Number(values[at]) : undefined;
  } catch {
    return undefined;
  }
}

/** The event loop of the server under test during one phase, from /metrics scraped around it. */
export interface LoopDelay {
  /** prom-client's monitorEventLoopDelay (10 ms sampling, included): p99 and max, ms. */
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Server process CPU over the phase, % of one core: every thread. */
  readonly cpuPct: number;
  /**
   * Its main thread's (the event loop's) share of that, % of one core; the rest is its other
   * threads (V8's garbage collection and compilers, libuv's pool, workers), which on a pinned
   * core take turns with the loop.
   */
  readonly loopThreadCpuPct: number;
  readonly rssMb: number;
  /**
   * % of the phase the event loop was runnable but waiting for the CPU: another process, or the
   * server's own other threads, had its core.
   */
  readonly runQueuePct?: number;
  /** Listen-queue drops on the machine during the phase (SYNs retried after 1 s). */
  readonly listenDrops?: number;
  /**
   * KB the server wrote per request it acknowledged during the phase (`writtenBytes`: the WAL, the
   * checkpoints' copies, logs): a ~1 KB webhook's write amplification, and most of the commit's and
   * the fsync's cost. Unlike req/s it barely moves with the machine's noise.
   */
  readonly writtenKbPerAck?: number;
  /**
   * CPU µs the server spent (every thread: user + system, /proc) per request it acknowledged
   * during the phase. On this noisy machine it moves far less than req/s or latency: what an A/B
   * (ingest-ab.ts) of a change to the work per message compares.
   */
  readonly cpuUsPerAck?: number;
  /** The machine's 1-minute load average at the end of the phase (2 cores: above 2, others ran). */
  readonly loadavg: number;
  /**
   * The machine's CPU busy over the phase, % of all its cores (the server, the load, PostgreSQL,
   * the rest): well under 100 while the server's core is not saturated means the server waited
   * on something other than CPU.
   */
  readonly machinePct: number;
  /** PostgreSQL's processes' CPU over the phase, % of one core (near 0 on SQLite). */
  readonly postgresCpuPct: number;
  /**
   * SQLite's WAL fsyncs during the phase (parlo_disk_flush_seconds), which acks and pushes wait
   * for: p99 (bucket upper bound) and how many took over 100 ms. A slow disk shows here, not in
   * the loop delay.
   */
  readonly fsyncP99Ms?: number;
  readonly fsyncsOver100Ms?: number;
}

export interface Phase<T> {
  readonly result: T;
  readonly loop?: LoopDelay;
  /** Parlo only: ack p50/p99 as the server measures it (histogram bucket upper bounds, ms). */
  readonly serverAck?: { p50Ms: number; p99Ms: number };
}

/** Runs a load phase between two scrapes of /metrics (the first resets the loop-delay histogram). */
async function phase<T extends { readonly ok: number }>(
  server: Target,
  run: () => Promise<T>,
): Promise<Phase<T>> {
  const before = await scrape(server.origin);
  const drops0 = listenDrops();
  const runq0 = runQueueMs(server.pid);
  const loopCpu0 = mainThreadCpuMs(server.pid);
  const written0 = writtenBytes(server.pid);
  const serverCpu0 = cpuMs(server.pid);
  const machine0 = machineCpuMs();
  const postgres0 = cpuMsOfProcesses('postgres');
  const at0 = performance.now();
  const result = await run();
  const runq1 = runQueueMs(server.pid);
  const loopCpu1 = mainThreadCpuMs(server.pid);
  const written1 = writtenBytes(server.pid);
  const serverCpu1 = cpuMs(server.pid);
  const machine1 = machineCpuMs();
  const postgres1 = cpuMsOfProcesses('postgres');
  const at1 = performance.now();
  const drops1 = listenDrops();
  const after = await scrape(server.origin);
  const p99 = gauge(after, 'nodejs_eventloop_lag_p99_seconds');
  const max = gauge(after, 'nodejs_eventloop_lag_max_seconds');
  const cpu0 = gauge(before, 'process_cpu_seconds_total');
  const cpu1 = gauge(after, 'process_cpu_seconds_total');
  const loop: LoopDelay | undefined =
    before && after && p99 !== undefined && max !== undefined
      ? {
          p99Ms: round(p99 * 1000),
          maxMs: round(max * 1000),
          cpuPct:
            cpu0 !== undefined && cpu1 !== undefined
              ? Math.round(((cpu1 - cpu0) * 100_000) / Math.max(1, after.at - before.at))
              : Number.NaN,
          loopThreadCpuPct: Math.round(((loopCpu1 - loopCpu0) * 100) / Math.max(1, at1 - at0)),
          rssMb: Math.round((gauge(after, 'process_resident_memory_bytes') ?? 0) / 1e6),
          runQueuePct: Math.round(((runq1 - runq0) * 100) / Math.max(1, after.at - before.at)),
          ...(drops0 !== undefined && drops1 !== undefined ? { listenDrops: drops1 - drops0 } : {}),
          ...(result.ok > 0 && written1 > 0
            ? { writtenKbPerAck: round((written1 - written0) / 1024 / result.ok, 1) }
            : {}),
          ...(result.ok > 0 && serverCpu1 > 0
            ? { cpuUsPerAck: Math.round(((serverCpu1 - serverCpu0) * 1000) / result.ok) }
            : {}),
          loadavg: round(loadavg()[0] ?? 0, 1),
          machinePct: Math.round(
            ((machine1.busy - machine0.busy) * 100) / Math.max(1, machine1.all - machine0.all),
          ),
          postgresCpuPct: Math.round(((postgres1 - postgres0) * 100) / Math.max(1, at1 - at0)),
        }
      : undefined;
  const serverAck = ackQuantiles(ackBuckets(before), ackBuckets(after));
  const fsync = diskFlushes(ackBuckets(before, FSYNC), ackBuckets(after, FSYNC));
  return { result, ...(loop ? { loop: { ...loop, ...fsync } } : {}), ...(serverAck ? { serverAck } : {}) };
}

const FSYNC = 'parlo_disk_flush_seconds';

/** The WAL fsyncs between two scrapes: p99 (bucket bound, ms) and how many took over 100 ms. */
function diskFlushes(
  before: Map<number, number>,
  after: Map<number, number>,
): { fsyncP99Ms?: number; fsyncsOver100Ms?: number } {
  const count = (bound: number) => (after.get(bound) ?? 0) - (before.get(bound) ?? 0);
  const total = count(Number.POSITIVE_INFINITY);
  const quantiles = ackQuantiles(before, after);
  if (total === 0 || !quantiles) return {};
  return { fsyncP99Ms: quantiles.p99Ms, fsyncsOver100Ms: total - count(0.1) };
}

/** p50/p99 (bucket upper bounds, ms) of the acks between two scrapes. */
function ackQuantiles(
  before: Map<number, number>,
  after: Map<number, number>,
): { p50Ms: number; p99Ms: number } | undefined {
  if (after.size === 0) return undefined;
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((b) => (after.get(b) ?? 0) - (before.get(b) ?? 0));
  const total = counts.at(-1) ?? 0;
  if (total === 0) return undefined;
  const at = (q: number) => round((bounds[counts.findIndex((c) => c >= q * total)] ?? 0) * 1000);
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}

/**
 * Between two load phases: until the server answers /healthz within 20 ms (its backlog of the
 * previous phase worked off), at most 5 s; so that a phase does not pay for the one before.
 */
async function settle(origin: string): Promise<void> {
  const deadline = performance.now() + 5_000;
  await sleep(200);
  while (performance.now() < deadline) {
    const t0 = performance.now();
    try {
      await fetch(`${origin}/healthz`);
    } catch {
      // a dead server fails the next phase, not this wait
    }
    if (performance.now() - t0 < 20) return;
    await sleep(100);
  }
}

// --- P1 / P2 / P6: closed and open loops ---

export type LoadPhase = 'closed' | '1k/s' | '3.3k/s' | 'saturation';

export interface IngestRow {
  readonly target: string;
  readonly closedRps: number;
  readonly closedP99Ms: number;
  readonly closedStatuses: Record<string, number>;
  readonly at1k?: OpenLoopResult;
  readonly at3300?: OpenLoopResult;
  /** Offered at 2x the closed loop's req/s: fast 503s expected, never an ack over 1 s. */
  readonly saturation?: OpenLoopResult;
  /** Messages sent from new customers (new conversations), all phases and warm-up. */
  readonly newCustomers: number;
  readonly sentTotal: number;
  readonly loop: Partial<Record<LoadPhase, LoopDelay>>;
  readonly serverAck: Partial<Record<LoadPhase, { p50Ms: number; p99Ms: number }>>;
  /** Parlo only: 200s answered, and how many of their wamids its database does not hold (must be 0). */
  readonly acked?: number;
  readonly ackedLost?: number;
  /** Parlo only: conversations by phase at the end (the new ones wait in the demo queue: `queued`). */
  readonly conversations?: Record<string, number>;
}

export interface MeasureOptions {
  /** Open loops at 1k/s and 3.3k/s (default true). */
  readonly open?: boolean;
  /** An open loop past saturation (default false). */
  readonly saturation?: boolean;
  /** The rate of that loop, instead of 2x this target's closed loop (the generator's control). */
  readonly saturationRps?: number;
}

export async function measureIngest(
  target: string,
  start: () => Promise<Target>,
  d: Durations,
  options: MeasureOptions = {},
): Promise<IngestRow> {
  const server = await start();
  try {
    const acked = new Set<string>();
    const onAnswer: OnAnswer = (request, outcome) => {
      if (outcome === 200 && request.id) acked.add(request.id);
    };
    const traffic = new Traffic();
    await Traffic.prime(server.origin, onAnswer);
    await closedLoop(server.origin, traffic.next, 32, d.warmupMs, onAnswer);
    await settle(server.origin);
    const loop: IngestRow['loop'] = {};
    const serverAck: IngestRow['serverAck'] = {};
    const note = <T>(name: LoadPhase, p: Phase<T>): T => {
      if (p.loop) loop[name] = p.loop;
      if (p.serverAck) serverAck[name] = p.serverAck;
      return p.result;
    };
    const closed = note(
      'closed',
      await phase(server, () => closedLoop(server.origin, traffic.next, 64, d.closedMs, onAnswer)),
    );
    const open = async (name: LoadPhase, rate: number) => {
      const requests = traffic.build(Math.round((rate * d.openMs) / 1000));
      await settle(server.origin);
      return note(
        name,
        await phase(server, () => openLoop(server.origin, (i) => requests[i]!, rate, d.openMs, onAnswer)),
      );
    };
    const at1k = options.open === false ? undefined : await open('1k/s', 1000);
    const at3300 = options.open === false ? undefined : await open('3.3k/s', 3300);
    const saturationRate =
      options.saturationRps ??
      Math.round(Math.min(SATURATION_MAX_RPS, Math.max(SATURATION_MIN_RPS, 2 * closed.rps)) / 100) * 100;
    const saturation =
      options.saturation || options.saturationRps !== undefined
        ? await open('saturation', saturationRate)
        : undefined;
    const stored = await server.inspect?.();
    return {
      target,
      closedRps: closed.rps,
      closedP99Ms: closed.p99Ms,
      closedStatuses: closed.statuses,
      ...(at1k ? { at1k } : {}),
      ...(at3300 ? { at3300 } : {}),
      ...(saturation ? { saturation } : {}),
      newCustomers: traffic.fresh,
      sentTotal: OPEN_CUSTOMERS + traffic.sent,
      loop,
      serverAck,
      ...(stored
        ? {
            acked: acked.size,
            ackedLost: [...acked].filter((id) => !stored.wamids.has(id)).length,
            conversations: stored.conversations,
          }
        : {}),
    };
  } finally {
    await server.stop();
  }
}

// --- P3: customer message -> agent socket ---

export interface SocketLatency {
  readonly target: string;
  readonly rate: number;
  readonly sent: number;
  /** Of which from new customers (no frame expected: their conversations wait in the queue). */
  readonly newCustomers: number;
  readonly statuses: Record<string, number>;
  /** Acked messages to the agents' open conversations: each must reach its agent's socket. */
  readonly expected: number;
  readonly received: number;
  /** Expected frames still missing FRAME_GRACE_MS after the last answer: must be 0. */
  readonly lost: number;
  /** Frames that came more than LATE_MS after their message's scheduled send. */
  readonly late: number;
  readonly duplicates: number;
  /** Frames of messages that were not acked (a 503 or an error, yet pushed). */
  readonly unackedPushed: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly loop?: LoopDelay;
  /** Parlo only: conversations waiting in the queue at the end. */
  readonly queued?: number;
}

const P3_KEY = /\bp3 ([a-z]+)/;

/**
 * Sends at `rate`, open loop, 20% from new customers and 80% to the `owned` customers' conversations
 * in turn; each of the latter's frames (on any of `sockets`) is matched by its text's tag to its
 * scheduled send time. Acked messages whose frame has not come FRAME_GRACE_MS after the last answer
 * are lost.
 */
async function socketLatency(
  target: string,
  server: Target,
  sockets: readonly WebSocket[],
  owned: readonly string[],
  textOf: (frame: unknown) => string | undefined,
  rate: number,
  durationMs: number,
  warmupMs: number,
): Promise<SocketLatency> {
  const scheduled = new Map<string, number>();
  const arrivedMs = new Map<string, number>();
  let duplicates = 0;
  const listener = (data: Buffer) => {
    const at = performance.now();
    let text: string | undefined;
    try {
      text = textOf(JSON.parse(data.toString('utf8')));
    } catch {
      return;
    }
    const key = text ? P3_KEY.exec(text)?.[1] : undefined;
    const sentAt = key === undefined ? undefined : scheduled.get(key);
    if (key === undefined || sentAt === undefined) return;
    if (arrivedMs.has(key)) duplicates++;
    else arrivedMs.set(key, at - sentAt);
  };
  for (const socket of sockets) socket.on('message', listener);
  let ownedTurn = 0;
  let newCustomers = 0;
  const build = (label: string, count: number, base: number) =>
    Array.from({ length: count }, (_, i) => {
      const key = tag(base + i);
      if (i % NEW_EVERY === NEW_EVERY - 1) {
        if (label === 'p3') newCustomers++;
        return { key: undefined, request: webhook(newCustomer(), `${label}new ${key}`, 300) };
      }
      const from = owned[ownedTurn++ % owned.length] ?? '';
      return { key: label === 'p3' ? key : undefined, request: webhook(from, `${label} ${key}`, 300) };
    });
  try {
    // Warm-up (JIT, connections, first pushes) at the same rate and mix; its frames are not counted.
    const warm = build('warmup', Math.round((rate * warmupMs) / 1000), 0);
    await openLoop(server.origin, (i) => warm[i]!.request, rate, warmupMs);
    await settle(server.origin);
    const measured = build('p3', Math.round((rate * durationMs) / 1000), 100_000);
    const keyOf = new Map(measured.map((m) => [m.request.id, m.key]));
    const ackedKeys = new Set<string>();
    const p = await phase(server, async () => {
      const result = await openLoop(
        server.origin,
        (i, at) => {
          const m = measured[i]!;
          if (m.key) scheduled.set(m.key, at);
          return m.request;
        },
        rate,
        durationMs,
        (request, outcome) => {
          const key = keyOf.get(request.id);
          if (outcome === 200 && key) ackedKeys.add(key);
        },
      );
      // Every acked message's frame, or FRAME_GRACE_MS after the last answer.
      const graceEnd = performance.now() + FRAME_GRACE_MS;
      while (performance.now() < graceEnd && [...ackedKeys].some((k) => !arrivedMs.has(k))) await sleep(50);
      return result;
    });
    const stored = await server.inspect?.();
    const latencies = [...arrivedMs.values()].sort((a, b) => a - b);
    return {
      target,
      rate,
      sent: p.result.sent,
      newCustomers,
      statuses: p.result.statuses,
      expected: ackedKeys.size,
      received: [...ackedKeys].filter((k) => arrivedMs.has(k)).length,
      lost: [...ackedKeys].filter((k) => !arrivedMs.has(k)).length,
      late: latencies.filter((l) => l > LATE_MS).length,
      duplicates,
      unackedPushed: [...arrivedMs.keys()].filter((k) => !ackedKeys.has(k)).length,
      p50Ms: round(quantile(latencies, 0.5)),
      p99Ms: round(quantile(latencies, 0.99)),
      maxMs: round(latencies.at(-1) ?? 0),
      ...(p.loop ? { loop: p.loop } : {}),
      ...(stored ? { queued: stored.conversations.queued ?? 0 } : {}),
    };
  } finally {
    for (const socket of sockets) socket.off('message', listener);
  }
}

function opened(socket: WebSocket): Promise<void> {
  return new Promise((done, fail) => {
    socket.once('open', () => done());
    socket.once('error', fail);
  });
}

/** The bare pipeline: POST -> SQLite (group commit) -> every message pushed to one socket. */
export async function baselineSocketLatency(dir: string, d: Durations): Promise<SocketLatency> {
  const server = await startBaseline('e2e', dir);
  const socket = new WebSocket(`${server.origin.replace('http', 'ws')}/ws`);
  try {
    await opened(socket);
    const textOf = (frame: unknown) => (frame as { text?: string }).text;
    const owned = Array.from({ length: AGENTS.length * AGENT_CAPACITY }, (_, k) => ownedCustomer(k));
    return await socketLatency('e2e (bare)', server, [socket], owned, textOf, 1000, d.openMs, d.warmupMs);
  } finally {
    socket.close();
    await server.stop();
  }
}

interface AgentFrame {
  type?: string;
  event?: { type?: string; offer?: { id?: string }; message?: { text?: string } };
}

/** The k-th customer whose conversation an agent accepted before P3 (prefix 39335). */
function ownedCustomer(k: number): string {
  return `39335${String(1_000_000 + k).slice(1)}`;
}

interface SignedIn {
  readonly username: string;
  readonly cookie: string;
  readonly socket: WebSocket;
}

/**
 * Parlo: the demo's three agents signed in, each with a desktop socket, Available, each accepting
 * conversations of new customers up to their capacity (5): 15 open conversations, all agents busy,
 * so that P3's new customers wait in the queue.
 */
export async function parloSocketLatency(
  dir: string,
  d: Durations,
  target = 'parlo',
  cwd = checkout,
): Promise<SocketLatency> {
  const server = await startParlo(dir, `p3-${target.replace(/\W/g, '')}`, {}, cwd);
  const agents: SignedIn[] = [];
  try {
    const post = (cookie: string, path: string, body: unknown) =>
      fetch(`${server.origin}${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', origin: server.origin },
        body: JSON.stringify(body),
      });
    let onOffer: ((agent: SignedIn, offerId: string) => void) | undefined;
    for (const username of AGENTS) {
      const login = await post('', '/api/auth/login', { username, password: PASSWORD });
      if (login.status !== 200) throw new Error(`${username}: login ${login.status}`);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const socket = new WebSocket(`${server.origin.replace('http', 'ws')}/api/ws`, {
        headers: { cookie },
        origin: server.origin,
      });
      const agent = { username, cookie, socket };
      agents.push(agent);
      await opened(socket);
      socket.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString('utf8')) as AgentFrame;
        if (frame.type === 'event' && frame.event?.type === 'offer.added' && frame.event.offer?.id) {
          onOffer?.(agent, frame.event.offer.id);
        }
      });
      socket.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, lastSeq: null }));
      const state = await post(cookie, '/api/agent/state', { kind: 'available' });
      if (state.status !== 200) throw new Error(`${username}: available ${state.status}`);
    }
    const owned: string[] = [];
    for (let k = 0; k < AGENTS.length * AGENT_CAPACITY; k++) {
      const offered = new Promise<{ agent: SignedIn; offerId: string }>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no offer for the ${k + 1}th conversation`)), 10_000);
        onOffer = (agent, offerId) => {
          clearTimeout(timer);
          onOffer = undefined;
          done({ agent, offerId });
        };
      });
      const first = webhook(ownedCustomer(k), 'hello');
      await fetch(`${server.origin}/webhooks/whatsapp`, {
        method: 'POST',
        headers: first.headers,
        body: first.body,
      });
      const { agent, offerId } = await offered;
      const accepted = await post(agent.cookie, `/api/offers/${encodeURIComponent(offerId)}/accept`, {});
      if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status}`);
      owned.push(ownedCustomer(k));
    }
    const textOf = (frame: unknown) => {
      const f = frame as AgentFrame;
      return f.type === 'event' && f.event?.type === 'message.upserted' ? f.event.message?.text : undefined;
    };
    const sockets = agents.map((a) => a.socket);
    return await socketLatency(target, server, sockets, owned, textOf, 1000, d.openMs, d.warmupMs);
  } finally {
    for (const agent of agents) agent.socket.close();
    await server.stop();
  }
}

// --- P6: PostgreSQL ---

export interface PostgresReport {
  readonly synchronousCommit: string;
  readonly rows: IngestRow[];
  readonly error?: string;
}

/** pg16 and Parlo on PostgreSQL, each on a fresh database (dropped after), the same closed loop. */
async function benchPostgres(adminUrl: string, dir: string, d: Durations): Promise<PostgresReport> {
  const rows: IngestRow[] = [];
  let synchronousCommit = '?';
  const run = async (name: string, prefix: string, start: (url: string) => Promise<Target>) => {
    const db = await freshDatabase(adminUrl, prefix);
    try {
      synchronousCommit = await showSetting(db.url, 'synchronous_commit');
      rows.push(await measureIngest(name, () => start(db.url), d, { open: false }));
    } finally {
      await db.drop();
    }
  };
  try {
    await run('pg16', 'parlo_bench_pg16', startPg16);
    await run('parlo (pg)', 'parlo_bench_ingest', (url) => startParlo(dir, 'pg', { DATABASE_URL: url }));
    return { synchronousCommit, rows };
  } catch (err) {
    return { synchronousCommit, rows, error: err instanceof Error ? err.message : String(err) };
  }
}

// --- the whole bench ---

export interface Goal {
  readonly id: string;
  readonly figure: string;
  readonly value: number | string;
  readonly goal: string;
  readonly met: 'yes' | 'NO' | '-';
}

export interface IngestReport {
  readonly pinned: boolean;
  readonly parts: readonly IngestPart[];
  readonly durations: Durations;
  readonly seconds: number;
  /** The machine's 1-minute load average at the start and the end (2 cores: above ~2, others ran). */
  readonly loadavg: readonly [number, number];
  readonly ingest: IngestRow[];
  readonly socket: SocketLatency[];
  readonly postgres?: PostgresReport;
  /** Parts that failed, with their error. */
  readonly errors: Record<string, string>;
  readonly goals: Goal[];
}

function envFlag(name: string): boolean {
  const v = process.env[name];
  return v === '1' || v === 'true' || v === 'yes';
}

function partsFromEnv(): IngestPart[] {
  const raw = process.env.INGEST_BENCH_PARTS;
  if (!raw) return [...ALL_PARTS];
  return raw
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter((p): p is IngestPart => (ALL_PARTS as readonly string[]).includes(p));
}

function errorText(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] ?? err.name) : String(err);
}

export async function benchIngest(options: IngestOptions = {}): Promise<IngestReport> {
  const started = performance.now();
  const loadavgAtStart = round(loadavg()[0] ?? 0, 1);
  const quick = options.quick ?? (envFlag('INGEST_BENCH_QUICK') || process.argv.includes('--quick'));
  const d = options.durations ?? (quick ? QUICK_DURATIONS : DEFAULT_DURATIONS);
  const parts = options.parts ?? partsFromEnv();
  const adminUrl = options.pgAdminUrl ?? process.env.INGEST_BENCH_PG_URL ?? DEFAULT_ADMIN_URL;
  // The load generator on core 1, the server under test on core 0.
  // -a: every thread of this process (libuv's pool too), before any load runs.
  if (pinned) spawnSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'parlo-bench-'));
  const errors: Record<string, string> = {};
  const ingest: IngestRow[] = [];
  const socket: SocketLatency[] = [];
  let postgres: PostgresReport | undefined;
  const attempt = async (name: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (err) {
      errors[name] = errorText(err);
    }
  };
  try {
    const closedLoops = parts.includes('p1');
    const openLoops = parts.includes('p2');
    if (closedLoops || openLoops) {
      const baselines: BaselineMode[] = closedLoops
        ? quick
          ? ['full', 'group']
          : ['bare', 'full', 'group']
        : [];
      for (const mode of baselines) {
        await attempt(mode, async () => {
          ingest.push(await measureIngest(mode, () => startBaseline(mode, dir), d, { open: openLoops }));
        });
      }
      await attempt('parlo', async () => {
        ingest.push(
          await measureIngest('parlo', () => startParlo(dir, 'ingest'), d, {
            open: openLoops,
            saturation: openLoops,
          }),
        );
      });
      // The generator's control: `group`, far from its own saturation, at the rate Parlo got past
      // its saturation. What `group` shows there (its p99, its requests over 1 s) is the generator's
      // (one core, 500 connections), not a server's: Parlo's 2x row cannot be read finer than that.
      const saturationRps = ingest.find((x) => x.target === 'parlo')?.saturation?.offeredRps;
      if (saturationRps !== undefined) {
        await attempt(GENERATOR_CONTROL, async () => {
          ingest.push(
            await measureIngest(GENERATOR_CONTROL, () => startBaseline('group', dir), d, {
              open: false,
              saturationRps,
            }),
          );
        });
      }
      // As deployed: behind HAProxy (on the load's core), whose webhook backend sends the node at
      // most 64 at once over kept connections and answers 503 itself past its queue (ADR 35).
      if (openLoops) {
        await attempt(BEHIND_BALANCER, async () => {
          ingest.push(
            await measureIngest(BEHIND_BALANCER, () => startParloBehindBalancer(dir), d, {
              ...(saturationRps === undefined ? { saturation: true } : { saturationRps }),
            }),
          );
        });
      }
      // Before group commit: one transaction (one fsync) per delivery.
      if (closedLoops && !quick) {
        await attempt('parlo (batch=1)', async () => {
          ingest.push(
            await measureIngest(
              'parlo (batch=1)',
              () => startParlo(dir, 'single', { INGEST_MAX_BATCH: '1' }),
              d,
              { open: openLoops },
            ),
          );
        });
      }
    }
    if (parts.includes('p3')) {
      await attempt('e2e (bare)', async () => {
        socket.push(await baselineSocketLatency(dir, d));
      });
      await attempt('parlo P3', async () => {
        socket.push(await parloSocketLatency(dir, d));
      });
    }
    if (parts.includes('p6')) {
      postgres = await benchPostgres(adminUrl, dir, d);
      if (postgres.error) errors.P6 = postgres.error;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const report = {
    pinned,
    parts,
    durations: d,
    seconds: round((performance.now() - started) / 1000, 0),
    loadavg: [loadavgAtStart, round(loadavg()[0] ?? 0, 1)] as const,
    ingest,
    socket,
    ...(postgres ? { postgres } : {}),
    errors,
  };
  return { ...report, goals: goalsOf(report) };
}

const met = (ok: boolean | undefined): Goal['met'] => (ok === undefined ? '-' : ok ? 'yes' : 'NO');

/** Every goal with its figure beside it. */
function goalsOf(r: Omit<IngestReport, 'goals'>): Goal[] {
  const goals: Goal[] = [];
  const row = (t: string) => r.ingest.find((x) => x.target === t);
  const parlo = row('parlo');
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b === 0 ? undefined : round(a / b, 2);
  const add = (id: string, figure: string, value: number | string | undefined, goal: string, ok?: boolean) =>
    goals.push({ id, figure, value: value ?? 'n/a', goal, met: value === undefined ? '-' : met(ok) });
  const p1g = ratio(parlo?.closedRps, row('group')?.closedRps);
  if (r.parts.includes('p1')) {
    add('P1', 'parlo / group req/s (closed loop)', p1g, '>= 0.5', p1g !== undefined && p1g >= 0.5);
    const p1f = ratio(parlo?.closedRps, row('full')?.closedRps);
    add('P1', 'parlo / full req/s', p1f, '>= 3', p1f !== undefined && p1f >= 3);
    const gc = ratio(parlo?.closedRps, row('parlo (batch=1)')?.closedRps);
    if (gc !== undefined) add('-', 'group commit: parlo / parlo (batch=1)', gc, 'info');
  }
  // P2 for one target: Parlo alone, then behind the balancer as deployed (ADR 35).
  const p2 = (target: IngestRow, prefix: string): void => {
    const a = target.at1k;
    const b = target.at3300;
    const s = target.saturation;
    if (a) {
      add(
        'P2',
        `${prefix}1k/s: 503s + errors + timeouts`,
        a.rejected503 + a.errors,
        '0',
        a.rejected503 + a.errors === 0,
      );
      add('P2', `${prefix}1k/s: ack p99 ms`, a.ackP99Ms, '<= 20', a.ok > 0 && a.ackP99Ms <= 20);
    }
    if (b) {
      add(
        'P2',
        `${prefix}3.3k/s: ack p99 ms (${b.rejected503} x 503)`,
        b.ackP99Ms,
        '<= 50',
        b.ok > 0 && b.ackP99Ms <= 50,
      );
    }
    if (s) {
      add(
        'P2',
        `${prefix}${s.offeredRps}/s (2x closed): 503 p99 ms (${s.rejected503} x 503)`,
        s.rejected503 > 0 ? s.rejectP99Ms : 'no 503',
        'fast (< 5 ms)',
        s.rejected503 > 0 && s.rejectP99Ms < 5,
      );
    }
    const slow = [a, b, s].reduce((t, x) => t + (x?.slowOrUnanswered ?? 0), 0);
    const fresh = [a, b, s].reduce((t, x) => t + (x?.connections.freshOver1s ?? 0), 0);
    add(
      'P2',
      `${prefix}answers over 1 s or unanswered, all rates (${fresh} on new connections)`,
      slow,
      '0',
      slow === 0,
    );
    if (target.ackedLost !== undefined) {
      add(
        'P2',
        `${prefix}acked but not stored (of ${target.acked})`,
        target.ackedLost,
        '0',
        target.ackedLost === 0,
      );
    }
  };
  if (r.parts.includes('p2') && parlo) {
    p2(parlo, '');
    const control = row(GENERATOR_CONTROL)?.saturation;
    if (control) {
      add(
        '-',
        `generator alone at ${control.offeredRps}/s (group): p99 ms; over 1 s`,
        `${control.p99Ms}; ${control.slowOrUnanswered}`,
        'info',
      );
    }
    const balanced = row(BEHIND_BALANCER);
    if (balanced) p2(balanced, 'behind HAProxy: ');
  }
  if (r.parts.includes('p3')) {
    const e2e = r.socket.find((x) => x.target === 'e2e (bare)');
    const p = r.socket.find((x) => x.target === 'parlo');
    const lost = (p?.lost ?? 0) + (e2e?.lost ?? 0);
    const value =
      !p || !e2e
        ? undefined
        : lost > 0
          ? `FAILED (${p.lost} lost, e2e ${e2e.lost})`
          : round(p.p99Ms / Math.max(0.1, e2e.p99Ms), 2);
    add('P3', 'parlo p99 / e2e p99 at 1k msg/s', value, '<= 3', typeof value === 'number' && value <= 3);
    if (p) add('P3', `frames lost (of ${p.expected} acked)`, p.lost, '0', p.lost === 0);
    if (p) add('P3', `frames late (> ${LATE_MS} ms)`, p.late, '0', p.late === 0);
  }
  if (r.parts.includes('p6')) {
    const pgRow = (t: string) => r.postgres?.rows.find((x) => x.target === t);
    const p6 = ratio(pgRow('parlo (pg)')?.closedRps, pgRow('pg16')?.closedRps);
    const on = r.postgres?.synchronousCommit === 'on';
    add(
      'P6',
      `parlo (pg) / pg16 req/s, synchronous_commit=${r.postgres?.synchronousCommit ?? '?'}`,
      p6,
      '>= 0.5, sync on',
      p6 !== undefined && p6 >= 0.5 && on,
    );
    const lostPg = pgRow('parlo (pg)')?.ackedLost;
    if (lostPg !== undefined) add('P6', 'acked but not stored (pg)', lostPg, '0', lostPg === 0);
  }
  // The event loop of Parlo as configured (batch=1 apart) under every load it took.
  const parloLoops = [
    ...r.ingest.filter((x) => x.target === 'parlo').flatMap((x) => Object.values(x.loop)),
    ...r.socket.filter((x) => x.target === 'parlo').flatMap((x) => (x.loop ? [x.loop] : [])),
    ...(r.postgres?.rows ?? [])
      .filter((x) => x.target === 'parlo (pg)')
      .flatMap((x) => Object.values(x.loop)),
  ];
  if (parloLoops.length > 0) {
    const worst = Math.max(...parloLoops.map((l) => l.maxMs));
    add('loop', 'Parlo event-loop delay, max over every phase (ms)', worst, '<= 100', worst <= 100);
  }
  return goals;
}

function statusText(statuses: Record<string, number> | undefined): string {
  if (!statuses) return '';
  return Object.entries(statuses)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}:${v}`)
    .join(' ');
}

/** Prints the report as tables. */
export function printIngest(report: IngestReport): void {
  console.log(
    `Ingest bench (P1 P2 P3 P6): server ${report.pinned ? 'pinned to core 0, load on core 1' : 'not pinned: < 2 cores'}; ` +
      `parts ${report.parts.join(',')}; closed ${report.durations.closedMs} ms, open ${report.durations.openMs} ms; ` +
      `${report.seconds} s; load average ${report.loadavg[0]} -> ${report.loadavg[1]}; 20% of messages from new customers`,
  );
  if (report.ingest.length > 0) {
    console.log('\nP1 closed loop (64 in flight), ~1 KB signed webhooks');
    console.table(
      report.ingest.map((r) => ({
        target: r.target,
        'req/s': r.closedRps,
        'p99 ms': r.closedP99Ms,
        statuses: statusText(r.closedStatuses),
        'sent (new cust.)': `${r.sentTotal} (${r.newCustomers})`,
        'acked lost': r.ackedLost ?? '',
        conversations: statusText(r.conversations),
      })),
    );
    const open = report.ingest.flatMap((r) =>
      (
        [
          ['1k/s', r.at1k],
          ['3.3k/s', r.at3300],
          ['saturation', r.saturation],
        ] as const
      ).flatMap(([name, o]) => (o ? [{ r, name, o }] : [])),
    );
    if (open.length > 0) {
      console.log('\nP2 open loop (latency from the scheduled send; 5 s timeout)');
      console.table(
        open.map(({ r, name, o }) => ({
          target: r.target,
          rate: name === 'saturation' ? `${o.offeredRps}/s (2x)` : name,
          sent: o.sent,
          statuses: statusText(o.statuses),
          'ack p50': o.ackP50Ms,
          'ack p99': o.ackP99Ms,
          'ack max': o.ackMaxMs,
          '503 p99': o.rejected503 > 0 ? o.rejectP99Ms : '',
          '503 max': o.rejected503 > 0 ? o.rejectMaxMs : '',
          'acks >1s': o.acksOver1s,
          '>1s or none': o.slowOrUnanswered,
          'server ack p50/p99': r.serverAck[name]
            ? `${r.serverAck[name].p50Ms}/${r.serverAck[name].p99Ms}`
            : '',
          'gen. lag max': o.sendLagMaxMs,
          'max in flight': o.maxInFlight,
          'new conn.: n; p50/max ms; >1s': `${o.connections.fresh}; ${o.connections.freshP50Ms}/${o.connections.freshMaxMs}; ${o.connections.freshOver1s}`,
          'kept conn.: p99 ms; >1s': `${o.connections.reusedP99Ms}; ${o.connections.reusedOver1s}`,
        })),
      );
      console.log(
        '  server ack: parlo_webhook_ack_seconds (bucket upper bounds, ms): reading the request to the reply, without the kernel and the generator',
      );
      console.log(
        '  new / kept conn.: from the generator writing the request to its answer, on a connection it opened for it / kept open (a new one also waits for the server to accept it)',
      );
    }
  }
  if (report.socket.length > 0) {
    console.log(
      `\nP3 customer message -> agent socket, open loop 1k msg/s (80% to 15 accepted conversations of 3 agents, 20% new customers; lost = no frame ${FRAME_GRACE_MS / 1000} s after the last answer; late > ${LATE_MS} ms)`,
    );
    console.table(
      report.socket.map((s) => ({
        target: s.target,
        sent: s.sent,
        'new cust.': s.newCustomers,
        statuses: statusText(s.statuses),
        expected: s.expected,
        received: s.received,
        lost: s.lost,
        late: s.late,
        dup: s.duplicates,
        'pushed, not acked': s.unackedPushed,
        'p50 ms': s.p50Ms,
        'p99 ms': s.p99Ms,
        'max ms': s.maxMs,
        'queued at end': s.queued ?? '',
      })),
    );
  }
  if (report.postgres && report.postgres.rows.length > 0) {
    const pgr = report.postgres;
    console.log(
      `\nP6 PostgreSQL ingest, closed loop (64 in flight), fresh database each, synchronous_commit=${pgr.synchronousCommit}`,
    );
    console.table(
      pgr.rows.map((r) => ({
        target: r.target,
        'req/s': r.closedRps,
        'p99 ms': r.closedP99Ms,
        statuses: statusText(r.closedStatuses),
        'acked lost': r.ackedLost ?? '',
        conversations: statusText(r.conversations),
      })),
    );
  }
  const loops = [
    ...report.ingest.flatMap((r) =>
      Object.entries(r.loop).map(([p, l]) => ({ target: r.target, phase: p, l })),
    ),
    ...report.socket.flatMap((s) => (s.loop ? [{ target: s.target, phase: 'P3 1k msg/s', l: s.loop }] : [])),
    ...(report.postgres?.rows ?? []).flatMap((r) =>
      Object.entries(r.loop).map(([p, l]) => ({ target: r.target, phase: `P6 ${p}`, l })),
    ),
  ];
  if (loops.length > 0) {
    console.log(
      '\nEvent-loop delay of the server under each load (/metrics scraped just before and after; includes the 10 ms sampling interval)',
    );
    console.table(
      loops.map(({ target, phase: p, l }) => ({
        target,
        phase: p,
        'p99 ms': l.p99Ms,
        'max ms': l.maxMs,
        'cpu %': l.cpuPct,
        'loop thread cpu %': l.loopThreadCpuPct,
        'runq %': l.runQueuePct ?? '',
        'machine busy %': l.machinePct,
        'postgres cpu %': l.postgresCpuPct,
        'rss MB': l.rssMb,
        'listen drops': l.listenDrops ?? '',
        'written KB / ack': l.writtenKbPerAck ?? '',
        'CPU µs / ack': l.cpuUsPerAck ?? '',
        'fsync p99 ms': l.fsyncP99Ms ?? '',
        'fsyncs > 100 ms': l.fsyncsOver100Ms ?? '',
        loadavg: l.loadavg,
      })),
    );
  }
  for (const [part, error] of Object.entries(report.errors)) console.log(`FAILED ${part}: ${error}`);
  console.log('\nGoals (figures of this run beside their goal)');
  console.table(report.goals);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchIngest()
    .then(printIngest)
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
