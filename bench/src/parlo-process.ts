/**
 * The real server as a child process, and agents' desktops on its socket, for the benches of
 * sockets per core (sockets.ts) and restart (restart.ts):
 *
 * - `ParloServer`: `node apps/server/dist/main.mjs` (server-command.ts), pinned to core 0 with `taskset`
 *   (which execs node: the child's pid is the server's, for /proc/<pid>/status), its output in a
 *   log file; spawn -> /healthz 200; `kill -9`; every child is killed when this process exits;
 * - `scrapeMetrics`: /metrics with the bearer token (METRICS_TOKEN) the bench sets;
 * - `Desktop`: an agent's WebSocket as apps/desktop/src/realtime does it (cookie, `hello` with the
 *   last applied seq, snapshot or replay), tracking its seq and calling listeners per frame;
 * - `Pusher`: customers' signed webhooks (bench/src/ingest.ts builds them) to conversations owned
 *   by agents whose desktops are connected, each message tagged, matched to its
 *   `message.upserted` frame: latency, and every acknowledged message's frame counted (lost).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION } from '@parlo/protocol';
import { Pool } from 'undici';
import WebSocket from 'ws';
import { webhook } from './ingest.ts';
import { cpuMs, rssKb } from './proc.ts';
import { quantile, round } from './load.ts';
import { serverNodeArgs } from './server-command.ts';
import type { SeededAgent } from './world-seed.ts';

export { cpuMs, rssKb, runQueueMs } from './proc.ts';

export const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const pinned = cpus().length >= 2;
export const SERVER_CORE = '0';
export const LOAD_CORE = '1';
const REQUEST_TIMEOUT_MS = 15_000;

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** This process (the load: clients, webhooks) on core 1, every thread of it. */
export function pinToLoadCore(): void {
  if (pinned) spawnSync('taskset', ['-a', '-cp', LOAD_CORE, String(process.pid)], { stdio: 'ignore' });
}

export function freePort(): Promise<number> {
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

// --- children and clean-ups, whatever happens ---

const children = new Set<ChildProcess>();
const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;
export function killChildren(): void {
  for (const child of children) if (alive(child)) child.kill('SIGKILL');
}
process.on('exit', killChildren);

/** A child pinned to `core` (when the machine has two), its output appended to `logFile`. */
export function spawnChild(
  command: string,
  args: readonly string[],
  logFile: string,
  core: string,
  env: NodeJS.ProcessEnv,
) {
  const fd = openSync(logFile, 'a');
  const child = spawn(pinned ? 'taskset' : command, pinned ? ['-c', core, command, ...args] : [...args], {
    cwd: root,
    env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.once('error', (err) => writeFileSync(logFile, `\nspawn error: ${err.message}\n`, { flag: 'a' }));
  return child;
}

export function tailOf(file: string, lines = 30): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Clean-ups owed by a run (databases, scratch folders), run at its end, on failure, and on SIGINT
 * or SIGTERM (after killing every child), then exit 130.
 */
export class Owed {
  private readonly fns = new Set<() => Promise<void> | void>();
  private readonly onSignal = (signal: NodeJS.Signals) => {
    killChildren();
    void this.settle().finally(() => {
      console.error(`${this.name}: ${signal}; children killed, databases and files removed`);
      process.exit(130);
    });
  };

  constructor(private readonly name: string) {
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  add(fn: () => Promise<void> | void): void {
    this.fns.add(fn);
  }

  /** A folder removed at the end. */
  folder(dir: string): void {
    this.add(() => rmSync(dir, { recursive: true, force: true }));
  }

  /** Kills the children and runs every clean-up, the last added first. */
  async settle(): Promise<void> {
    killChildren();
    for (const fn of [...this.fns].reverse()) {
      this.fns.delete(fn);
      try {
        await fn();
      } catch (err) {
        console.error(`${this.name}: clean-up failed: ${String(err)}`);
      }
    }
  }

  async close(): Promise<void> {
    await this.settle();
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

// --- the server ---

export interface ServerOptions {
  readonly databaseUrl: string;
  /** Its log and media files go there. */
  readonly scratch: string;
  readonly name: string;
  readonly port: number;
  /** /metrics requires it (METRICS_TOKEN, at least 16 characters). */
  readonly metricsToken: string;
  readonly env?: Record<string, string>;
  /** Before the server's script, e.g. `--cpu-prof`; `PARLO_BENCH_SERVER_NODE_ARGS` adds to them. */
  readonly nodeArgs?: readonly string[];
}

/**
 * Node's flags for every server a bench spawns here, from `PARLO_BENCH_SERVER_NODE_ARGS` (split on
 * spaces), e.g. `--trace-gc`: its output goes to the server's log file.
 */
function benchServerNodeArgs(): string[] {
  return (process.env.PARLO_BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
}

/** Spawn to /healthz 200, at most. */
const START_TIMEOUT_MS = 120_000;

export class ParloServer {
  readonly origin: string;
  readonly logFile: string;
  /** performance.now() at the spawn. */
  readonly spawnedAt: number;
  private readonly child: ChildProcess;

  private constructor(readonly options: ServerOptions) {
    this.origin = `http://127.0.0.1:${options.port}`;
    this.logFile = join(options.scratch, `${options.name}.log`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      DATABASE_URL: options.databaseUrl,
      PARLO_DEMO: 'true',
      // Benchmarks sign in and call the API far faster than people do: no request limits (issue 17).
      RATE_LIMIT_API_PER_MINUTE: '0',
      RATE_LIMIT_SIGN_IN_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
      GRAPH_API_BASE_URL: 'http://127.0.0.1:9',
      PARLO_SIM_URL: 'http://127.0.0.1:9',
      DESKTOP_DIST: '',
      PARLO_MEDIA_DIR: join(options.scratch, 'media'),
      METRICS_TOKEN: options.metricsToken,
      ...options.env,
    };
    this.spawnedAt = performance.now();
    this.child = spawnChild(
      process.execPath,
      [...(options.nodeArgs ?? []), ...benchServerNodeArgs(), ...serverNodeArgs(root)],
      this.logFile,
      SERVER_CORE,
      env,
    );
  }

  /** Spawns the server; `healthy()` waits for it. */
  static spawn(options: ServerOptions): ParloServer {
    return new ParloServer(options);
  }

  /** Spawns and waits for /healthz 200. */
  static async start(options: ServerOptions): Promise<ParloServer> {
    const server = new ParloServer(options);
    await server.healthy();
    return server;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return alive(this.child);
  }

  /** Waits for /healthz 200 (polling every `everyMs`); resolves with the time since the spawn. */
  async healthy(everyMs = 10): Promise<number> {
    for (;;) {
      if (!this.running)
        throw new Error(
          `${this.options.name} exited (${this.child.exitCode ?? this.child.signalCode}); log:\n${this.tail()}`,
        );
      try {
        const res = await fetch(`${this.origin}/healthz`, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer();
        if (res.status === 200) return performance.now() - this.spawnedAt;
      } catch {
        // not listening yet
      }
      if (performance.now() - this.spawnedAt > START_TIMEOUT_MS) {
        this.child.kill('SIGKILL');
        throw new Error(`${this.options.name} not ready within ${START_TIMEOUT_MS} ms; log:\n${this.tail()}`);
      }
      await sleep(everyMs);
    }
  }

  rssKb(): number {
    return this.running ? rssKb(this.pid) : 0;
  }

  cpuMs(): number {
    return this.running ? cpuMs(this.pid) : 0;
  }

  tail(lines = 30): string {
    return tailOf(this.logFile, lines);
  }

  /** kill -9; resolves when the process is gone. */
  kill9(): Promise<void> {
    return this.signal('SIGKILL', 0);
  }

  /** SIGTERM (SIGKILL after `graceMs`); resolves when the process is gone. */
  stop(graceMs = 10_000): Promise<void> {
    return this.signal('SIGTERM', graceMs);
  }

  private signal(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((done) => {
      const timer = graceMs > 0 ? setTimeout(() => this.child.kill('SIGKILL'), graceMs) : undefined;
      this.child.once('exit', () => {
        clearTimeout(timer);
        done();
      });
      this.child.kill(signal);
    });
  }
}

/** /metrics as name -> value (series with labels are keyed with them); undefined when it cannot be read. */
export async function scrapeMetrics(origin: string, token: string): Promise<Map<string, number> | undefined> {
  try {
    const res = await fetch(`${origin}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (res.status !== 200) return undefined;
    const values = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (line.startsWith('#') || line.length === 0) continue;
      const space = line.lastIndexOf(' ');
      values.set(line.slice(0, space), Number(line.slice(space + 1)));
    }
    return values;
  } catch {
    return undefined;
  }
}

/**
 * The event loop's delay (prom-client's default metrics, reset at each scrape): call `start()`
 * before a phase (a scrape that resets them) and `end()` after it; p99 and max in ms over the
 * phase, undefined when the server does not expose them.
 */
export class LoopLag {
  constructor(
    private readonly origin: () => string,
    private readonly token: string,
  ) {}

  async start(): Promise<void> {
    await scrapeMetrics(this.origin(), this.token);
  }

  async end(): Promise<{ p99Ms: number; maxMs: number } | undefined> {
    const m = await scrapeMetrics(this.origin(), this.token);
    const p99 = m?.get('nodejs_eventloop_lag_p99_seconds');
    const max = m?.get('nodejs_eventloop_lag_max_seconds');
    if (p99 === undefined || max === undefined) return undefined;
    return { p99Ms: round(p99 * 1000), maxMs: round(max * 1000) };
  }
}

// --- agents' desktops ---

export interface Frame {
  readonly type: string;
  readonly seq?: number;
  /** `event` frames: the event's type, and a message's text. */
  readonly eventType?: string;
  readonly text?: string;
}

interface RawFrame {
  type?: string;
  seq?: number;
  event?: { type?: string; message?: { text?: string } };
}

export interface DesktopOpen {
  readonly desktop: Desktop;
  /** Connect start -> socket open (the upgrade: session checked). */
  readonly openMs: number;
  /** `hello` sent -> synced (the snapshot, or the replay up to `until`). */
  readonly syncMs: number;
}

/**
 * An agent's desktop socket, as apps/desktop/src/realtime/realtime-client.ts speaks it: `hello`
 * with the last applied seq on open; a snapshot replaces the seq, an event applies only as the
 * next one (a duplicate is ignored; a gap is counted: the server must never skip one).
 */
export class Desktop {
  lastSeq: number | null;
  /** Events that skipped a seq. */
  gaps = 0;
  snapshots = 0;
  /** Closed by the server or the network (not by `close()`). */
  closedUnexpectedly = false;
  private closing = false;
  private readonly listeners = new Set<(frame: Frame, at: number) => void>();
  private readonly closeListeners = new Set<() => void>();

  private constructor(
    readonly agent: SeededAgent,
    private readonly socket: WebSocket,
    lastSeq: number | null,
  ) {
    this.lastSeq = lastSeq;
  }

  /**
   * Opens the agent's socket and says hello with `lastSeq`. Resolves when synced: on the snapshot,
   * or, resuming, once the seq reaches `until` (a snapshot counts too); resuming without `until`,
   * once open (the replay of nothing sends nothing). Rejects on a failed connect or after `timeoutMs`.
   */
  static connect(
    origin: string,
    agent: SeededAgent,
    options: { lastSeq?: number | null; until?: number; timeoutMs?: number } = {},
  ): Promise<DesktopOpen> {
    const t0 = performance.now();
    const lastSeq = options.lastSeq ?? null;
    const socket = new WebSocket(`${origin.replace('http', 'ws')}/api/ws`, {
      headers: { cookie: agent.cookie },
      origin,
      handshakeTimeout: REQUEST_TIMEOUT_MS,
      perMessageDeflate: false,
    });
    const desktop = new Desktop(agent, socket, lastSeq);
    return new Promise<DesktopOpen>((done, fail) => {
      let openedAt = 0;
      let helloAt = 0;
      let settled = false;
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        desktop.listeners.delete(watch);
        if (err) {
          desktop.close();
          fail(err);
        } else {
          done({ desktop, openMs: openedAt - t0, syncMs: performance.now() - helloAt });
        }
      };
      const timer = setTimeout(
        () => finish(new Error(openedAt ? 'not synced in time' : 'no open in time')),
        options.timeoutMs ?? 60_000,
      );
      const watch = (frame: Frame) => {
        if (frame.type === 'snapshot') finish();
        else if (options.until !== undefined && desktop.lastSeq !== null && desktop.lastSeq >= options.until)
          finish();
      };
      desktop.listeners.add(watch);
      socket.on('message', (data: Buffer) => desktop.receive(data));
      socket.on('error', () => {});
      socket.once('close', () => {
        if (!desktop.closing) desktop.closedUnexpectedly = true;
        for (const listener of desktop.closeListeners) listener();
        finish(new Error('closed before synced'));
      });
      socket.once('open', () => {
        openedAt = performance.now();
        helloAt = openedAt;
        socket.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, lastSeq }));
        if (lastSeq !== null && options.until === undefined) finish();
        else if (lastSeq !== null && options.until !== undefined && lastSeq >= options.until) finish();
      });
    });
  }

  private receive(data: Buffer): void {
    const at = performance.now();
    let raw: RawFrame;
    try {
      raw = JSON.parse(data.toString('utf8')) as RawFrame;
    } catch {
      return;
    }
    const type = raw.type ?? '';
    if (type === 'snapshot' && typeof raw.seq === 'number') {
      this.snapshots++;
      this.lastSeq = raw.seq;
    } else if (type === 'event' && typeof raw.seq === 'number') {
      if (this.lastSeq !== null && raw.seq <= this.lastSeq) return;
      if (this.lastSeq !== null && raw.seq > this.lastSeq + 1) this.gaps++;
      this.lastSeq = raw.seq;
    }
    const frame: Frame = { type, seq: raw.seq, eventType: raw.event?.type, text: raw.event?.message?.text };
    for (const listener of this.listeners) listener(frame, at);
  }

  onFrame(listener: (frame: Frame, at: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onClose(listener: () => void): void {
    this.closeListeners.add(listener);
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.closing = true;
    this.socket.terminate();
  }
}

export interface ConnectResult {
  readonly sockets: number;
  readonly connected: number;
  readonly failed: number;
  /** Every socket, `concurrency` connecting at a time (or the cap). */
  readonly totalMs: number;
  readonly perSecond: number;
  /** One socket: hello -> snapshot. */
  readonly helloP50Ms: number;
  readonly helloP99Ms: number;
  /** One socket: connect start -> open (the upgrade). */
  readonly openP50Ms: number;
  readonly openP99Ms: number;
  /** Stopped by the time cap before every socket was connected. */
  readonly capped: boolean;
  readonly firstError?: string;
}

/** Opens every agent's desktop (`concurrency` at a time) until all are synced or `capMs` passed. */
export async function connectDesktops(
  origin: string,
  agents: readonly SeededAgent[],
  options: { concurrency?: number; capMs?: number } = {},
): Promise<{ desktops: Map<string, Desktop>; result: ConnectResult }> {
  const concurrency = options.concurrency ?? 50;
  const capMs = options.capMs ?? 120_000;
  const desktops = new Map<string, Desktop>();
  const hello: number[] = [];
  const open: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const t0 = performance.now();
  const end = t0 + capMs;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, agents.length) }, async () => {
      while (next < agents.length && performance.now() < end) {
        const agent = agents[next++];
        if (!agent) break;
        try {
          const opened = await Desktop.connect(origin, agent, {
            timeoutMs: Math.max(1, Math.min(60_000, end - performance.now())),
          });
          desktops.set(agent.id, opened.desktop);
          hello.push(opened.syncMs);
          open.push(opened.openMs);
        } catch (err) {
          failed++;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      }
    }),
  );
  const totalMs = performance.now() - t0;
  hello.sort((a, b) => a - b);
  open.sort((a, b) => a - b);
  return {
    desktops,
    result: {
      sockets: agents.length,
      connected: desktops.size,
      failed,
      totalMs: round(totalMs, 0),
      perSecond: round((desktops.size / totalMs) * 1000, 0),
      helloP50Ms: round(quantile(hello, 0.5)),
      helloP99Ms: round(quantile(hello, 0.99)),
      openP50Ms: round(quantile(open, 0.5)),
      openP99Ms: round(quantile(open, 0.99)),
      capped: desktops.size + failed < agents.length,
      ...(firstError ? { firstError } : {}),
    },
  };
}

// --- customers' messages to owned conversations, matched to their frames ---

/** Letters only: survives the masking of message text, so a frame names its message. */
export function tag(n: number): string {
  let s = '';
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  } while (n > 0);
  return s;
}

export interface PushResult {
  readonly sent: number;
  /** 200 answers. */
  readonly acked: number;
  /** Answers other than 200 by status (0: no answer in time). */
  readonly notAcked: Record<string, number>;
  /** Frames of acknowledged messages on their owners' sockets. */
  readonly received: number;
  /** Acknowledged, but no frame within the grace after the last answer: must be 0. */
  readonly lost: number;
  readonly duplicates: number;
  /** Frames of this phase received per second of its sending window (closed loop: the push rate). */
  readonly framesPerSecond: number;
  /** Scheduled send (open loop) or send (closed loop) -> frame, ms. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly ackP99Ms: number;
}

const TAG_PATTERN = /\bp4 ([a-z]+)\b/;

/**
 * Sends customers' messages to the conversations of `owners` (message i to owner i mod n), each
 * text tagged; listens on the owners' desktops for the `message.upserted` frames.
 */
export class Pusher {
  private base = 26 ** 4;
  private readonly pool: Pool;

  constructor(
    readonly origin: string,
    private readonly owners: readonly SeededAgent[],
    private readonly desktops: ReadonlyMap<string, Desktop>,
    connections = 256,
  ) {
    this.pool = new Pool(origin, { connections, pipelining: 1 });
  }

  /** Open loop: `rate` messages/s for `durationMs`, latency from each scheduled send time. */
  openLoop(rate: number, durationMs: number, graceMs = 3_000): Promise<PushResult> {
    const total = Math.round((rate * durationMs) / 1000);
    return this.run(graceMs, async (send) => {
      const started = performance.now();
      let sent = 0;
      while (sent < total) {
        const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
        for (; sent < due; sent++) void send(started + (sent * 1000) / rate);
        await sleep(1);
      }
    });
  }

  /** Closed loop: `inFlight` webhooks always outstanding for `durationMs` (each sent when the last is acked). */
  closedLoop(inFlight: number, durationMs: number, graceMs = 3_000): Promise<PushResult> {
    return this.run(graceMs, async (send) => {
      const end = performance.now() + durationMs;
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (performance.now() < end) await send(performance.now());
        }),
      );
    });
  }

  /** Closed loop: `count` messages (message i to owner i mod n), `inFlight` outstanding. */
  closedCount(inFlight: number, count: number, graceMs = 3_000): Promise<PushResult> {
    return this.run(graceMs, async (send) => {
      let left = count;
      await Promise.all(
        Array.from({ length: Math.min(inFlight, count) }, async () => {
          while (left-- > 0) await send(performance.now());
        }),
      );
    });
  }

  private async run(
    graceMs: number,
    drive: (send: (scheduledAt: number) => Promise<void>) => Promise<void>,
  ): Promise<PushResult> {
    const scheduled = new Map<string, number>();
    const acked = new Set<string>();
    const seen = new Set<string>();
    const latencies: number[] = [];
    const acks: number[] = [];
    const notAcked: Record<string, number> = {};
    let duplicates = 0;
    let i = 0;
    let windowEnd = Number.POSITIVE_INFINITY;
    let framesInWindow = 0;
    const base = this.base;
    const unsubscribe = this.owners.map((owner) =>
      this.desktops.get(owner.id)?.onFrame((frame, at) => {
        if (frame.eventType !== 'message.upserted') return;
        const key = TAG_PATTERN.exec(frame.text ?? '')?.[1];
        const sentAt = key === undefined ? undefined : scheduled.get(key);
        if (key === undefined || sentAt === undefined) return;
        if (seen.has(key)) {
          duplicates++;
          return;
        }
        seen.add(key);
        latencies.push(at - sentAt);
        if (at <= windowEnd) framesInWindow++;
      }),
    );
    const inFlight = new Set<Promise<void>>();
    const send = (scheduledAt: number): Promise<void> => {
      const n = i++;
      const owner = this.owners[n % this.owners.length];
      if (!owner?.customerWaId) return Promise.resolve();
      const key = tag(base + n);
      scheduled.set(key, scheduledAt);
      const { body, headers } = webhook(owner.customerWaId, `p4 ${key} where is my order`);
      const p: Promise<void> = this.pool
        .request({
          path: '/webhooks/whatsapp',
          method: 'POST',
          headers,
          body,
          headersTimeout: REQUEST_TIMEOUT_MS,
        })
        .then(async (res) => {
          await res.body.dump();
          acks.push(performance.now() - scheduledAt);
          if (res.statusCode === 200) acked.add(key);
          else notAcked[res.statusCode] = (notAcked[res.statusCode] ?? 0) + 1;
        })
        .catch(() => {
          notAcked[0] = (notAcked[0] ?? 0) + 1;
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      return p;
    };
    const started = performance.now();
    await drive(send);
    windowEnd = performance.now();
    const windowMs = windowEnd - started;
    await Promise.race([Promise.all(inFlight), sleep(REQUEST_TIMEOUT_MS)]);
    if (inFlight.size > 0) notAcked[0] = (notAcked[0] ?? 0) + inFlight.size;
    // Every acknowledged message's frame, or `graceMs` after the last answer.
    const graceEnd = performance.now() + graceMs;
    while (performance.now() < graceEnd && [...acked].some((k) => !seen.has(k))) await sleep(20);
    for (const off of unsubscribe) off?.();
    this.base += i + 1;
    latencies.sort((a, b) => a - b);
    acks.sort((a, b) => a - b);
    const received = [...acked].filter((k) => seen.has(k)).length;
    return {
      sent: i,
      acked: acked.size,
      notAcked,
      received,
      lost: acked.size - received,
      duplicates,
      framesPerSecond: round((framesInWindow / windowMs) * 1000, 0),
      p50Ms: round(quantile(latencies, 0.5)),
      p99Ms: round(quantile(latencies, 0.99)),
      maxMs: round(latencies.at(-1) ?? 0),
      ackP99Ms: round(quantile(acks, 0.99)),
    };
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
