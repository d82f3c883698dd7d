/**
 * P7 of PERFORMANCE.md: kill -9 and start again, with a world at scale and every desktop connected.
 *
 * - A template the server migrated and gave the demo data (a first start); the floor: spawn ->
 *   /healthz 200 and -> a real request answered, of an empty server (a copy of the template: node,
 *   tsx, loading the server's modules, opening the database; the median of 3 starts), beside every
 *   start-up figure.
 * - The world, seeded with SQL, server down: W conversations waiting in the demo queue behind A
 *   agents, Available, capacity 1, each owning one active conversation (busy: nothing is offered),
 *   each with a seeded session; one more agent, idle in a queue of its own, for agent commands.
 * - Cold start on it (spawn -> /healthz 200 -> serving), every owner's desktop connected (`hello`
 *   -> snapshot), then one customer message to each owned conversation: every desktop applies its
 *   `message.upserted` frame, so each has a seq.
 * - `kill -9` and, at once, spawn again on the same database (the supervisor's restart). Serving =
 *   /healthz 200 AND a new customer's signed webhook acknowledged AND an agent's state command
 *   answered. The desktops reconnect as apps/desktop/src/realtime does: on close, after
 *   `reconnectDelay` (exponential from 500 ms with jitter, capped at 15 s; imported from the desktop),
 *   `hello` with their last seq. Each resumes one seq behind what it applied, as if the last push
 *   before the crash was lost (kill -9 mid push): the server must replay it from the log, so the
 *   resync is observable (it does the same reads for a desktop that missed nothing and then sends
 *   nothing). Resynced = the replay (or a snapshot) reached the seq applied before the kill. Time
 *   from the kill until every desktop is resynced; per desktop, hello -> resynced.
 * - Then one desktop at a time (the `single` samples): closed, a customer message to its
 *   conversation while it is away (acknowledged), reconnect with its last seq: connect start ->
 *   caught up to the agent's seq in the database; and a reconnect with no seq (snapshot).
 * - Then (not `--quick`) a second kill -9 with a reconnect storm: every desktop retries every
 *   100 ms, no backoff, so the time is the server's, not the desktops' backoff.
 * - Checks: every desktop's seq equals the agent's seq in the database (nothing missed, nothing
 *   skipped: gaps counted), and the backlog is W plus the new customers (none taken).
 *
 * /metrics (bearer METRICS_TOKEN, set by the bench): `nodejs_eventloop_lag_max_seconds` while the
 * desktops resync (scraped at /healthz 200, which resets it, and after the last resync).
 *
 * Run alone: `npx tsx bench/src/restart.ts [--quick]` (`--quick`: 10k waiting x 300 agents, no
 * storm). Environment: `RESTART_BENCH_QUICK=1` is `--quick`; `RESTART_BENCH_DB=postgres` runs on
 * PostgreSQL (`RESTART_BENCH_PG_URL`, default postgres://postgres@127.0.0.1:5432/postgres, where
 * its databases are created and dropped). Every process, file and database it made goes when it
 * ends, fails or is interrupted. Customer phone numbers are never printed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { reconnectDelay } from '../../apps/desktop/src/realtime/backoff.ts';
import { webhook } from './ingest.ts';
import { quantile, round } from './load.ts';
import {
  connectDesktops,
  cpuMs,
  Desktop,
  freePort,
  LoopLag,
  Owed,
  ParloServer,
  pinned,
  pinToLoadCore,
  Pusher,
  runQueueMs,
  sleep,
  type ConnectResult,
  type ServerOptions,
} from './parlo-process.ts';
import {
  adminQuery,
  IDLE_CODE,
  postgresFactory,
  sqliteFactory,
  type BenchDb,
  type DbFactory,
  type DbKind,
  type SeededAgent,
  type SeededWorld,
} from './world-seed.ts';

interface Durations {
  readonly waiting: number;
  readonly agents: number;
  /** Single-agent reconnects measured (each way). */
  readonly singles: number;
  /** A resync phase stops after this long (desktops not resynced by then are counted). */
  readonly resyncCapMs: number;
  /** The second kill, with every desktop retrying every 100 ms. */
  readonly storm: boolean;
}

const FULL: Durations = { waiting: 50_000, agents: 1000, singles: 20, resyncCapMs: 45_000, storm: true };
const QUICK: Durations = { waiting: 10_000, agents: 300, singles: 5, resyncCapMs: 30_000, storm: false };
const STORM_RETRY_MS = 100;
/** Starts of the empty server; the floor is their median. */
const FLOOR_STARTS = 3;
const REQUEST_TIMEOUT_MS = 15_000;

export interface StartFigures {
  /** Spawn -> /healthz 200. */
  readonly healthzMs: number;
  /** Spawn -> a new customer's webhook acknowledged (200), sent right after /healthz 200. */
  readonly webhookMs: number;
  /** Spawn -> an agent's state command answered (200), sent right after /healthz 200. */
  readonly commandMs: number;
  /** The last of the three: serving. */
  readonly servingMs: number;
  /**
   * CPU time the process used until serving (user + system, every thread): on a shared machine
   * the wall times above include waiting for a CPU; this does not.
   */
  readonly cpuMs: number;
}

export interface ResyncFigures {
  readonly mode: 'desktop backoff' | 'storm (100 ms retries)';
  readonly start: StartFigures;
  /** Kill -> spawn of the new process (the old one reaped). */
  readonly killMs: number;
  readonly desktops: number;
  readonly resynced: number;
  /** Kill -> the last desktop resynced (0 if some never did). */
  readonly allResyncedMs: number;
  /** /healthz 200 of the new process (its port open) -> the last desktop resynced. */
  readonly afterHealthzMs: number;
  /** Kill -> each desktop resynced. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Each desktop's accepted connect: hello -> resynced (the server's part). */
  readonly helloP50Ms: number;
  readonly helloP99Ms: number;
  readonly helloMaxMs: number;
  /** Connect attempts per desktop (refused while the server was down). */
  readonly attemptsMax: number;
  readonly snapshots: number;
  /** Event-loop delay of the new process while the desktops resynced (ms; n/a: not exposed). */
  readonly lagP99Ms: number | string;
  readonly lagMaxMs: number | string;
  /**
   * The longest a /healthz probe waited for its answer, from the moment the process listens to
   * the last resync (ms): a stall of the loop right after listen, before /healthz 200, which the
   * delay figures above (scraped from /healthz 200) cannot see.
   */
  readonly probeMaxMs: number;
  /**
   * The new process from /healthz 200 to the last resync: CPU used and its main thread runnable
   * but waiting for a CPU (other processes on its core), % of the wall time.
   */
  readonly serverCpuPct: number;
  readonly serverRunQueuePct: number;
  /** Desktops whose seq differs from the agent's seq in the database afterwards; seq gaps seen. */
  readonly behindTruth: number;
  readonly gaps: number;
}

export interface SingleFigures {
  readonly n: number;
  /** Connect start -> caught up (replay of what was missed while away). */
  readonly resumeP50Ms: number;
  readonly resumeMaxMs: number;
  /** Connect start -> snapshot (no seq). */
  readonly snapshotP50Ms: number;
  readonly snapshotMaxMs: number;
  readonly failed: number;
}

export interface RestartReport {
  readonly db: DbKind;
  readonly quick: boolean;
  readonly pinned: boolean;
  readonly waiting: number;
  readonly agents: number;
  readonly loadavgAtStart: string;
  readonly seedMs: number;
  /** The floor: an empty server (template copy), the median start of FLOOR_STARTS; and each one's serving ms. */
  readonly floor?: StartFigures;
  readonly floorAll?: number[];
  /** First start on the world (SIGTERM-less: it was never stopped). */
  readonly cold?: StartFigures;
  readonly connect?: ConnectResult;
  readonly resyncs: ResyncFigures[];
  readonly single?: SingleFigures;
  /** Conversations queued in the demo queue at the end, and how many there should be. */
  readonly waitingAtEnd: number;
  readonly expectedWaitingAtEnd: number;
  readonly goals: Record<string, number | string>;
  readonly totalSeconds: number;
  readonly error?: string;
}

export interface RestartOptions {
  readonly quick?: boolean;
  readonly db?: DbKind;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message.slice(0, 1500) : String(err));
const loadNow = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

// --- requests that prove the server serves ---

let customerSeq = 0;
/** A new customer each time (apart from the seeded ones, prefix 39); never printed. */
function newCustomer(): string {
  return `44${7_100_000_000 + ((process.pid * 1000 + ++customerSeq) % 100_000_000)}`;
}

async function post(
  origin: string,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<number> {
  try {
    const res = await fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, ...headers },
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Retries `request` until it answers 200 (or the cap); resolves with the time of the 200. */
async function until200(request: () => Promise<number>, capMs = 60_000): Promise<number> {
  const end = performance.now() + capMs;
  for (;;) {
    const status = await request();
    if (status === 200) return performance.now();
    if (performance.now() > end) throw new Error(`no 200 in time (last status ${status})`);
    await sleep(10);
  }
}

/**
 * After the spawn: /healthz 200, then at once a new customer's webhook and the commander's state
 * command, each retried until 200. Times since the spawn.
 */
async function serving(
  server: ParloServer,
  commander: SeededAgent,
  counter: { newCustomers: number; available: boolean },
  /** Started at /healthz 200, beside the requests (e.g. a scrape that resets the loop-delay figures). */
  atHealthz: () => Promise<void> = () => Promise.resolve(),
): Promise<StartFigures> {
  const healthzMs = await server.healthy(5);
  const origin = server.origin;
  const hook = atHealthz();
  const sendWebhook = async () => {
    const { body, headers } = webhook(newCustomer(), 'Hello, I need help with my order please');
    const status = await post(origin, '/webhooks/whatsapp', body, headers);
    if (status === 200) counter.newCustomers++;
    return status;
  };
  const command = async () => {
    const body = counter.available ? { kind: 'idle', idleCodeId: IDLE_CODE } : { kind: 'available' };
    const status = await post(origin, '/api/agent/state', JSON.stringify(body), { cookie: commander.cookie });
    if (status === 200) counter.available = !counter.available;
    return status;
  };
  const [webhookAt, commandAt] = await Promise.all([until200(sendWebhook), until200(command), hook]);
  const cpu = server.cpuMs();
  const webhookMs = webhookAt - server.spawnedAt;
  const commandMs = commandAt - server.spawnedAt;
  return {
    healthzMs: round(healthzMs, 0),
    webhookMs: round(webhookMs, 0),
    commandMs: round(commandMs, 0),
    servingMs: round(Math.max(healthzMs, webhookMs, commandMs), 0),
    cpuMs: round(cpu, 0),
  };
}

/**
 * Asks /healthz from the spawn on, one request at a time, 20 ms apart: refused until the port
 * opens, then each answer's wait is the longest turn of the loop it overlapped (within 20 ms). The
 * loop-delay metric is read from /healthz 200, and a stall right after listen (a reconnect storm
 * handled in one turn) delays that very answer, so only a client waiting through it can see it.
 * On a thread of its own: the bench's loop, busy with a thousand desktops, must not delay it.
 */
class StallProbe {
  private readonly worker: Worker;
  private readonly worst: Promise<number>;

  constructor(origin: string) {
    this.worker = new Worker(STALL_PROBE_SOURCE, { eval: true, workerData: { origin } });
    this.worst = new Promise((resolve, reject) => {
      this.worker.once('message', (ms: number) => resolve(ms));
      this.worker.once('error', reject);
    });
  }

  /** Stops asking; resolves with the longest wait for an answer (ms). */
  async stop(): Promise<number> {
    this.worker.postMessage('stop');
    const worst = await this.worst;
    await this.worker.terminate();
    return round(worst);
  }
}

const STALL_PROBE_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let stopped = false;
let worst = 0;
parentPort.once('message', () => (stopped = true));
(async () => {
  while (!stopped) {
    const sentAt = performance.now();
    try {
      const res = await fetch(workerData.origin + '/healthz', { signal: AbortSignal.timeout(30000) });
      await res.arrayBuffer();
      worst = Math.max(worst, performance.now() - sentAt);
    } catch {
      // refused: not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  parentPort.postMessage(worst);
})();
`;

// --- desktops that come back ---

/**
 * One agent's desktop across a restart: on close it reconnects (the desktop's backoff, or every
 * 100 ms in a storm), says hello one seq behind what it applied, and is resynced when the replay
 * (or a snapshot) reaches that seq.
 */
class Returning {
  desktop: Desktop | undefined;
  /** The seq applied before the kill. */
  applied = 0;
  attempts = 0;
  resyncedAt: number | undefined;
  helloMs: number | undefined;
  snapshot = false;
  private backoffAttempt = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly agent: SeededAgent,
    private readonly origin: string,
    private readonly mode: ResyncFigures['mode'],
  ) {}

  /** Arms the reconnect on the current desktop's close. */
  arm(desktop: Desktop): void {
    this.desktop = desktop;
    this.applied = desktop.lastSeq ?? 0;
    this.attempts = 0;
    this.backoffAttempt = 0;
    this.resyncedAt = undefined;
    this.helloMs = undefined;
    this.snapshot = false;
    desktop.onClose(() => this.schedule());
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay =
      this.mode === 'desktop backoff' ? reconnectDelay(this.backoffAttempt++, Math.random()) : STORM_RETRY_MS;
    this.timer = setTimeout(() => void this.attempt(), delay);
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    this.attempts++;
    try {
      const opened = await Desktop.connect(this.origin, this.agent, {
        lastSeq: Math.max(0, this.applied - 1),
        until: this.applied,
        timeoutMs: 30_000,
      });
      if (this.stopped) {
        opened.desktop.close();
        return;
      }
      this.resyncedAt = performance.now();
      this.helloMs = opened.syncMs;
      this.snapshot = opened.desktop.snapshots > 0;
      this.desktop = opened.desktop;
      // A desktop resets its backoff on a frame; after the phase it is armed again for the next kill.
    } catch {
      this.schedule();
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  close(): void {
    this.stop();
    this.desktop?.close();
  }
}

/** Kill -9, spawn again on the same database at once, wait for serving and every desktop's resync. */
async function killAndResync(
  old: ParloServer,
  options: ServerOptions,
  returning: readonly Returning[],
  mode: ResyncFigures['mode'],
  ctx: {
    db: BenchDb;
    world: SeededWorld;
    counter: { newCustomers: number; available: boolean };
    capMs: number;
  },
): Promise<{ server: ParloServer; figures: ResyncFigures }> {
  const killedAt = performance.now();
  await old.kill9();
  const server = ParloServer.spawn(options);
  const probe = new StallProbe(server.origin);
  const killMs = server.spawnedAt - killedAt;
  const commander = ctx.world.commanders[0];
  if (!commander) throw new Error('no commander seeded');
  // The loop's delay from /healthz 200 (before it, the process loads: nobody is served).
  const lag = new LoopLag(() => server.origin, options.metricsToken);
  let cpu0 = 0;
  let wait0 = 0;
  let t0 = 0;
  const start = await serving(server, commander, ctx.counter, () => {
    t0 = performance.now();
    cpu0 = cpuMs(server.pid);
    wait0 = runQueueMs(server.pid);
    return lag.start();
  });
  const healthyAt = server.spawnedAt + start.healthzMs;
  const end = performance.now() + ctx.capMs;
  while (performance.now() < end && returning.some((r) => r.resyncedAt === undefined)) await sleep(20);
  const lastAt = Math.max(...returning.map((r) => r.resyncedAt ?? Number.POSITIVE_INFINITY));
  const wall = performance.now() - t0;
  const serverCpuPct = round(((cpuMs(server.pid) - cpu0) / wall) * 100, 0);
  const serverRunQueuePct = round(((runQueueMs(server.pid) - wait0) / wall) * 100, 0);
  const loopLag = await lag.end();
  const probeMaxMs = await probe.stop();
  // The truth after a settle: every desktop at the agent's seq in the database.
  await sleep(1000);
  const truth = await ctx.db.agentSeqs();
  const behindTruth = returning.filter(
    (r) => (r.desktop?.lastSeq ?? -1) !== (truth.get(r.agent.id) ?? 0) || !r.desktop?.open,
  ).length;
  const sinceKill = returning
    .flatMap((r) => (r.resyncedAt === undefined ? [] : [r.resyncedAt - killedAt]))
    .sort((a, b) => a - b);
  const hello = returning.flatMap((r) => (r.helloMs === undefined ? [] : [r.helloMs])).sort((a, b) => a - b);
  const resynced = sinceKill.length;
  return {
    server,
    figures: {
      mode,
      start,
      killMs: round(killMs, 0),
      desktops: returning.length,
      resynced,
      allResyncedMs: resynced === returning.length ? round(lastAt - killedAt, 0) : 0,
      afterHealthzMs: resynced === returning.length ? round(lastAt - healthyAt, 0) : 0,
      p50Ms: round(quantile(sinceKill, 0.5), 0),
      p99Ms: round(quantile(sinceKill, 0.99), 0),
      helloP50Ms: round(quantile(hello, 0.5)),
      helloP99Ms: round(quantile(hello, 0.99)),
      helloMaxMs: round(hello.at(-1) ?? 0),
      attemptsMax: Math.max(0, ...returning.map((r) => r.attempts)),
      snapshots: returning.filter((r) => r.snapshot).length,
      lagP99Ms: loopLag?.p99Ms ?? 'n/a',
      lagMaxMs: loopLag?.maxMs ?? 'n/a',
      probeMaxMs,
      serverCpuPct,
      serverRunQueuePct,
      behindTruth,
      gaps: returning.reduce((s, r) => s + (r.desktop?.gaps ?? 0), 0),
    },
  };
}

/**
 * One desktop at a time: closed; a customer message to its conversation while away; reconnect
 * with its last seq (connect start -> the agent's seq in the database); then closed again and
 * reconnected with no seq (connect start -> snapshot).
 */
async function singles(
  origin: string,
  returning: readonly Returning[],
  db: BenchDb,
  count: number,
): Promise<SingleFigures> {
  const resume: number[] = [];
  const snapshot: number[] = [];
  let failed = 0;
  for (const r of returning.slice(0, count)) {
    const owner = r.agent;
    try {
      r.stop();
      const lastSeq = r.desktop?.lastSeq ?? null;
      r.desktop?.close();
      await sleep(100);
      if (!owner.customerWaId) throw new Error('not an owner');
      const { body, headers } = webhook(owner.customerWaId, 'Are you still there?');
      if ((await post(origin, '/webhooks/whatsapp', body, headers)) !== 200) throw new Error('not acked');
      const until = (await db.agentSeqs()).get(owner.id) ?? 0;
      const t0 = performance.now();
      const back = await Desktop.connect(origin, owner, { lastSeq, until, timeoutMs: 30_000 });
      resume.push(performance.now() - t0);
      back.desktop.close();
      const t1 = performance.now();
      const fresh = await Desktop.connect(origin, owner, { lastSeq: null, timeoutMs: 30_000 });
      snapshot.push(performance.now() - t1);
      fresh.desktop.close();
    } catch {
      failed++;
    }
  }
  resume.sort((a, b) => a - b);
  snapshot.sort((a, b) => a - b);
  return {
    n: resume.length,
    resumeP50Ms: round(quantile(resume, 0.5)),
    resumeMaxMs: round(resume.at(-1) ?? 0),
    snapshotP50Ms: round(quantile(snapshot, 0.5)),
    snapshotMaxMs: round(snapshot.at(-1) ?? 0),
    failed,
  };
}

// --- the run ---

function envFlag(name: string): boolean {
  const v = process.env[name];
  return v === '1' || v === 'true' || v === 'yes';
}

export async function benchRestart(options: RestartOptions = {}): Promise<RestartReport> {
  const quick = options.quick ?? envFlag('RESTART_BENCH_QUICK');
  const d = quick ? QUICK : FULL;
  const dbKind: DbKind = options.db ?? (process.env.RESTART_BENCH_DB === 'postgres' ? 'postgres' : 'sqlite');
  const adminUrl = process.env.RESTART_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const started = performance.now();
  const loadavgAtStart = loadNow();
  pinToLoadCore();

  const owed = new Owed('restart bench');
  const scratch = mkdtempSync(join(tmpdir(), 'p7-restart-bench-'));
  owed.folder(scratch);
  const token = randomBytes(24).toString('hex');
  const prefix = `parlo_p7_${process.pid}_${randomBytes(3).toString('hex')}`;
  if (dbKind === 'postgres') {
    owed.add(() =>
      adminQuery(
        adminUrl,
        ...['floor', 'world', 'template'].map((n) => `drop database if exists ${prefix}_${n} with (force)`),
      ),
    );
  }
  const step = (what: string) =>
    console.log(`  ${what} at ${round((performance.now() - started) / 1000)} s (load ${loadNow()})`);

  let report: Omit<RestartReport, 'goals' | 'totalSeconds'> = {
    db: dbKind,
    quick,
    pinned,
    waiting: d.waiting,
    agents: d.agents,
    loadavgAtStart,
    seedMs: 0,
    resyncs: [],
    waitingAtEnd: 0,
    expectedWaitingAtEnd: 0,
  };
  const returning: Returning[] = [];
  let server: ParloServer | undefined;
  try {
    const serverOptions = (databaseUrl: string, name: string, port: number): ServerOptions => ({
      databaseUrl,
      scratch,
      name,
      port,
      metricsToken: token,
      // Long enough for every desktop to come back with the desktop's backoff: no sweep meanwhile.
      env: { RECONNECT_WINDOW_SECONDS: '120' },
    });
    const prepare = async (url: string) => {
      const s = await ParloServer.start(serverOptions(url, 'template', await freePort()));
      await s.stop();
    };
    const factory: DbFactory =
      dbKind === 'postgres'
        ? await postgresFactory(adminUrl, prefix, prepare)
        : await sqliteFactory(scratch, prepare);
    owed.add(() => factory.dispose());
    step('template ready');

    // The floor: an empty server (the template's demo data, one command agent); the median of 3 starts.
    const floorDb = await factory.fresh('floor');
    owed.add(() => floorDb.drop());
    const floorWorld = await floorDb.seed({ owners: 0, commanders: 1 });
    const floorCommander = floorWorld.commanders[0];
    if (!floorCommander) throw new Error('no commander seeded');
    const floors: StartFigures[] = [];
    const floorCounter = { newCustomers: 0, available: false };
    for (let i = 0; i < FLOOR_STARTS; i++) {
      const floorServer = ParloServer.spawn(serverOptions(floorDb.url, `floor-${i}`, await freePort()));
      floors.push(await serving(floorServer, floorCommander, floorCounter));
      await floorServer.kill9();
    }
    await floorDb.drop();
    floors.sort((x, y) => x.servingMs - y.servingMs);
    report = {
      ...report,
      floor: floors[Math.floor(floors.length / 2)],
      floorAll: floors.map((f) => f.servingMs),
    };
    step('floor measured');

    const db = await factory.fresh('world');
    owed.add(() => db.drop());
    const seedStarted = performance.now();
    const world = await db.seed({ owners: d.agents, waiting: d.waiting, commanders: 1 });
    report = { ...report, seedMs: round(performance.now() - seedStarted, 0) };
    step(`world seeded (${d.waiting} waiting x ${d.agents} agents)`);
    const commander = world.commanders[0];
    if (!commander) throw new Error('no commander seeded');
    const options = serverOptions(db.url, 'world', await freePort());
    const counter = { newCustomers: 0, available: false };
    server = ParloServer.spawn(options);
    const cold = await serving(server, commander, counter);
    report = { ...report, cold };
    step('cold start served');

    const connected = await connectDesktops(server.origin, world.owners, { capMs: 90_000 });
    report = { ...report, connect: connected.result };
    if (connected.result.connected < world.owners.length)
      throw new Error(
        `only ${connected.result.connected} of ${world.owners.length} desktops connected: ${connected.result.firstError ?? ''}`,
      );
    step('desktops connected');
    // One customer message to each owned conversation: every desktop applies one event. A message
    // turned away (503: the server's overload answer, which Meta retries) is sent again.
    let lost = 0;
    for (let round = 0; round < 10; round++) {
      const unprimed = world.owners.filter((o) => (connected.desktops.get(o.id)?.lastSeq ?? 0) < 1);
      if (unprimed.length === 0) break;
      if (round > 0) await sleep(500);
      const pusher = new Pusher(server.origin, unprimed, connected.desktops);
      const primed = await pusher.closedCount(16, unprimed.length).finally(() => pusher.close());
      lost += primed.lost;
    }
    const unprimed = world.owners.filter((o) => (connected.desktops.get(o.id)?.lastSeq ?? 0) < 1).length;
    if (lost > 0 || unprimed > 0)
      throw new Error(`priming: ${unprimed} desktops without an event, ${lost} acknowledged frames lost`);
    step('every desktop primed');

    const modes: ResyncFigures['mode'][] = d.storm
      ? ['desktop backoff', 'storm (100 ms retries)']
      : ['desktop backoff'];
    const ctx = { db, world, counter, capMs: d.resyncCapMs };
    const resyncs: ResyncFigures[] = [];
    for (const [i, mode] of modes.entries()) {
      for (const [k, owner] of world.owners.entries()) {
        const desktop = i === 0 ? connected.desktops.get(owner.id) : returning[k]?.desktop;
        if (!desktop) throw new Error('a desktop is missing');
        returning[k]?.stop();
        const r = new Returning(owner, server.origin, mode);
        r.arm(desktop);
        returning[k] = r;
      }
      const done = await killAndResync(server, options, returning, mode, ctx);
      server = done.server;
      resyncs.push(done.figures);
      step(`kill -9 and resync (${mode})`);
    }
    report = { ...report, resyncs };

    const single = await singles(server.origin, returning, db, d.singles);
    report = { ...report, single };
    step('single reconnects');
    report = {
      ...report,
      waitingAtEnd: await db.countWaiting(),
      expectedWaitingAtEnd: d.waiting + counter.newCustomers,
    };
  } catch (err) {
    report = { ...report, error: errorText(err) };
  } finally {
    for (const r of returning) r.close();
    await server?.kill9();
    await owed.close();
  }

  const backoff = report.resyncs.find((r) => r.mode === 'desktop backoff');
  const storm = report.resyncs.find((r) => r.mode !== 'desktop backoff');
  const all = (r: ResyncFigures | undefined): number | string =>
    !r ? '-' : r.resynced === r.desktops ? r.allResyncedMs : `FAIL (${r.desktops - r.resynced} never)`;
  const goals: Record<string, number | string> = {
    'floor: empty server spawn -> serving ms': report.floor?.servingMs ?? '-',
    'cold start on the world -> serving ms': report.cold?.servingMs ?? '-',
    'after kill -9: spawn -> serving ms (goal <= 5000)': backoff?.start.servingMs ?? '-',
    '  minus the floor (the world) ms':
      backoff && report.floor ? backoff.start.servingMs - report.floor.servingMs : '-',
    "  CPU ms to serving after kill -9 / the floor's":
      backoff && report.floor ? `${backoff.start.cpuMs} / ${report.floor.cpuMs}` : '-',
    [`kill -9 -> all ${report.agents} desktops resynced ms, desktop backoff (goal <= 10000)`]: all(backoff),
    '  of which after /healthz 200 ms': backoff?.afterHealthzMs ?? '-',
    [`kill -9 -> all resynced ms, storm`]: all(storm),
    '  of which after /healthz 200 ms (storm)': storm?.afterHealthzMs ?? '-',
    'one desktop: hello -> resynced p99 ms during the restart (goal <= 2000)': backoff?.helloP99Ms ?? '-',
    'single reconnect -> caught up max ms (goal <= 2000)': report.single?.resumeMaxMs ?? '-',
    'loop lag max ms while resyncing (goal <= 100)': backoff?.lagMaxMs ?? '-',
    '  longest /healthz wait from listen, desktop backoff; storm (goal <= 100)': `${backoff?.probeMaxMs ?? '-'}; ${storm?.probeMaxMs ?? '-'}`,
    'desktops off the truth afterwards (goal 0)': report.resyncs.reduce(
      (s, r) => s + r.behindTruth + r.gaps,
      0,
    ),
  };
  return { ...report, goals, totalSeconds: round((performance.now() - started) / 1000) };
}

/** Prints the report as tables. */
export function printRestart(report: RestartReport): void {
  console.log(
    `P7 restart after kill -9, ${report.db}: ${report.waiting} waiting x ${report.agents} agents, every desktop connected ` +
      `(${report.quick ? 'quick' : 'full'}; server ${report.pinned ? 'pinned to core 0, clients on core 1' : 'not pinned'}; ` +
      `load average at start ${report.loadavgAtStart}; seed ${report.seedMs} ms; ${report.totalSeconds} s)`,
  );
  if (report.error) console.log(`FAILED: ${report.error}`);
  console.log(
    '\nStart-up, ms since the spawn: /healthz 200; a new customer webhook acked and an agent command answered (sent at /healthz 200); ' +
      "serving = the last; CPU ms: the process's CPU time until serving (no wait for a CPU in it: compare these on a busy machine)",
  );
  const row = (what: string, s: StartFigures | undefined) =>
    s
      ? {
          what,
          healthz: s.healthzMs,
          webhook: s.webhookMs,
          command: s.commandMs,
          serving: s.servingMs,
          'CPU ms to serving': s.cpuMs,
        }
      : { what };
  console.table([
    row(`floor: empty server (median of ${report.floorAll?.join(', ') ?? '-'})`, report.floor),
    row('cold start on the world', report.cold),
    ...report.resyncs.map((r) => row(`after kill -9 (${r.mode})`, r.start)),
  ]);
  if (report.connect) {
    const c = report.connect;
    console.log(
      `Desktops connected before the kill: ${c.connected}/${c.sockets} in ${c.totalMs} ms (hello -> snapshot p50 ${c.helloP50Ms} ms, p99 ${c.helloP99Ms} ms)`,
    );
  }
  console.log(
    '\nResync after kill -9: each desktop resumes one seq behind what it applied (its last push lost); resynced = the replay reached it',
  );
  console.table(
    report.resyncs.map((r) => ({
      mode: r.mode,
      'kill->spawn ms': r.killMs,
      resynced: `${r.resynced}/${r.desktops}`,
      'all ms (since kill)': r.allResyncedMs,
      'after healthz ms': r.afterHealthzMs,
      'p50 ms': r.p50Ms,
      'p99 ms': r.p99Ms,
      'hello->resync p50': r.helloP50Ms,
      'hello->resync p99': r.helloP99Ms,
      'hello->resync max': r.helloMaxMs,
      'attempts max': r.attemptsMax,
      snapshots: r.snapshots,
      'lag p99/max ms': `${r.lagP99Ms}/${r.lagMaxMs}`,
      'healthz wait max ms': r.probeMaxMs,
      'server CPU/runq %': `${r.serverCpuPct}/${r.serverRunQueuePct}`,
      'off truth': r.behindTruth,
      gaps: r.gaps,
    })),
  );
  if (report.single) {
    const s = report.single;
    console.log(
      `Single reconnect (${s.n} agents, one at a time, a message missed while away): connect -> caught up p50 ${s.resumeP50Ms} ms, ` +
        `max ${s.resumeMaxMs} ms; connect -> snapshot p50 ${s.snapshotP50Ms} ms, max ${s.snapshotMaxMs} ms; failed ${s.failed}`,
    );
  }
  console.log(
    `Backlog at the end: ${report.waitingAtEnd} waiting (expected ${report.expectedWaitingAtEnd}: the seeded ones plus the new customers)` +
      (report.waitingAtEnd !== report.expectedWaitingAtEnd ? ' MISMATCH' : ''),
  );
  console.log(
    '\nGoals (P7 and issue 13): serving <= 5 s after kill -9; every desktop resynced <= 10 s after it; one agent <= 2 s',
  );
  console.table(report.goals);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchRestart(process.argv.includes('--quick') ? { quick: true } : {})
    .then(printRestart)
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
