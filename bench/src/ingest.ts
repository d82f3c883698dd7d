/**
 * P1, P2, P3 of PERFORMANCE.md: durable webhook ingest of the real server beside the bare
 * baselines (bare, full, group, e2e), each a child process pinned to core 0 while this process
 * (the load) runs on core 1. Run alone: `npx tsx bench/src/ingest.ts`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION } from '@parlo/protocol';
import { signPayload } from '@parlo/whatsapp';
import WebSocket from 'ws';
import { closedLoop, openLoop, quantile, round, type LoadRequest, type OpenLoopResult } from './load.ts';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The demo number the server seeds (PARLO_DEMO=true). */
const NUMBER = {
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
  wabaId: '102290129340398',
  appSecret: 'demo-app-secret',
};
const PASSWORD = 'parlo-demo';
const pinned = cpus().length >= 2;

export interface Durations {
  readonly warmupMs: number;
  readonly closedMs: number;
  readonly openMs: number;
}
const DEFAULT_DURATIONS: Durations = { warmupMs: 1000, closedMs: 3000, openMs: 3000 };

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
/** A ~1 KB Cloud API webhook with one text message, signed as Meta signs it. */
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
    body,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signPayload(body, NUMBER.appSecret),
    },
  };
}

/** Customers cycle over a fixed set: conversations are reused, as in real traffic. */
export function customer(i: number): string {
  return `39333${String(1_000_000 + (i % 200)).slice(1)}`;
}

export interface Target {
  readonly origin: string;
  stop(): Promise<void>;
}

export async function startTarget(
  name: string,
  args: string[],
  env: Record<string, string>,
  port: number,
  cwd = root,
): Promise<Target> {
  const command = pinned ? 'taskset' : process.execPath;
  const argv = pinned
    ? ['-c', '0', process.execPath, '--import', 'tsx', ...args]
    : ['--import', 'tsx', ...args];
  const child: ChildProcess = spawn(command, argv, {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${stderr}`);
    try {
      if ((await fetch(`${origin}/healthz`)).status === 200) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    origin,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGKILL');
      }),
  };
}

export async function startBaseline(mode: 'bare' | 'full' | 'group' | 'e2e', dir: string): Promise<Target> {
  const port = await freePort();
  return startTarget(
    mode,
    ['bench/src/baseline-server.ts', mode, String(port), join(dir, `${mode}.db`)],
    {},
    port,
  );
}

export async function startParlo(
  dir: string,
  name: string,
  env: Record<string, string> = {},
  /** Another checkout of the server (A/B runs); node_modules resolve from it. */
  cwd = root,
): Promise<Target> {
  const port = await freePort();
  return startTarget(
    'parlo',
    ['apps/server/src/main.ts'],
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${join(dir, `${name}.db`)}`,
      PARLO_DEMO: 'true',
      // Request logs at info would be measured too; production sets its own level.
      LOG_LEVEL: 'warn',
      GRAPH_API_BASE_URL: 'http://127.0.0.1:9',
      DESKTOP_DIST: '',
      ...env,
    },
    port,
    cwd,
  );
}

export interface IngestRow {
  readonly target: string;
  readonly closedRps: number;
  readonly closedP99Ms: number;
  readonly at1k: OpenLoopResult;
  readonly at3300: OpenLoopResult;
  /**
   * Parlo only: ack p50/p99 as the server measures it (parlo_webhook_ack_seconds, from reading the
   * request to the reply), upper bounds of the histogram's buckets: it leaves out time spent in the
   * kernel and in the load generator, which the open-loop figures include.
   */
  readonly serverAck1k?: { p50Ms: number; p99Ms: number };
  readonly serverAck3300?: { p50Ms: number; p99Ms: number };
}

/** Cumulative counts of parlo_webhook_ack_seconds by bucket bound (seconds), or undefined. */
async function ackBuckets(origin: string): Promise<Map<number, number> | undefined> {
  try {
    const text = await (await fetch(`${origin}/metrics`)).text();
    const buckets = new Map<number, number>();
    for (const m of text.matchAll(/^parlo_webhook_ack_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)) {
      buckets.set(m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]), Number(m[2]));
    }
    return buckets.size > 0 ? buckets : undefined;
  } catch {
    return undefined;
  }
}

/** p50/p99 (bucket upper bounds, ms) of the acks between two scrapes. */
function ackQuantiles(
  before: Map<number, number> | undefined,
  after: Map<number, number> | undefined,
): { p50Ms: number; p99Ms: number } | undefined {
  if (!before || !after) return undefined;
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((b) => (after.get(b) ?? 0) - (before.get(b) ?? 0));
  const total = counts.at(-1) ?? 0;
  if (total === 0) return undefined;
  const at = (q: number) => round((bounds[counts.findIndex((c) => c >= q * total)] ?? 0) * 1000);
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}

export async function measureIngest(
  target: string,
  start: () => Promise<Target>,
  d: Durations,
): Promise<IngestRow> {
  const server = await start();
  try {
    let i = 0;
    const next = (): LoadRequest => webhook(customer(i), `bench ${tag(i++)}`);
    await closedLoop(server.origin, next, 32, d.warmupMs);
    const closed = await closedLoop(server.origin, next, 64, d.closedMs);
    const b0 = await ackBuckets(server.origin);
    const at1k = await openLoop(server.origin, next, 1000, d.openMs);
    const b1 = await ackBuckets(server.origin);
    const at3300 = await openLoop(server.origin, next, 3300, d.openMs);
    const b2 = await ackBuckets(server.origin);
    const serverAck1k = ackQuantiles(b0, b1);
    const serverAck3300 = ackQuantiles(b1, b2);
    return {
      target,
      closedRps: closed.rps,
      closedP99Ms: closed.p99Ms,
      at1k,
      at3300,
      ...(serverAck1k ? { serverAck1k } : {}),
      ...(serverAck3300 ? { serverAck3300 } : {}),
    };
  } finally {
    await server.stop();
  }
}

export interface SocketLatency {
  readonly target: string;
  readonly rate: number;
  readonly sent: number;
  readonly received: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Sends at `rate`, open loop; latency from each POST's scheduled time to its frame on the socket. */
async function socketLatency(
  target: string,
  origin: string,
  socket: WebSocket,
  from: string,
  textOf: (frame: unknown) => string | undefined,
  rate: number,
  durationMs: number,
): Promise<SocketLatency> {
  const scheduled = new Map<string, number>();
  const latencies: number[] = [];
  socket.on('message', (data: Buffer) => {
    const text = textOf(JSON.parse(data.toString('utf8')));
    const match = text && /p3 ([a-z]+)/.exec(text);
    const at = match ? scheduled.get(match[1] ?? '') : undefined;
    if (at !== undefined) latencies.push(performance.now() - at);
  });
  // Warm-up (JIT, connections, first pushes of the conversation) at the same rate; its frames are
  // not counted (their tags are not in `scheduled`).
  await openLoop(origin, (index) => webhook(from, `warmup ${tag(index)}`, 300), rate, 1000);
  await new Promise((r) => setTimeout(r, 200));
  const startedAt = performance.now();
  const base = 100_000;
  const result = await openLoop(
    origin,
    (index) => {
      const key = tag(base + index);
      scheduled.set(key, startedAt + (index * 1000) / rate);
      return webhook(from, `p3 ${key}`, 300);
    },
    rate,
    durationMs,
  );
  await new Promise((r) => setTimeout(r, 500));
  latencies.sort((a, b) => a - b);
  return {
    target,
    rate,
    sent: result.sent,
    received: latencies.length,
    p50Ms: round(quantile(latencies, 0.5)),
    p99Ms: round(quantile(latencies, 0.99)),
    maxMs: round(latencies.at(-1) ?? 0),
  };
}

function opened(socket: WebSocket): Promise<void> {
  return new Promise((done, fail) => {
    socket.once('open', () => done());
    socket.once('error', fail);
  });
}

export async function baselineSocketLatency(dir: string, d: Durations): Promise<SocketLatency> {
  const server = await startBaseline('e2e', dir);
  const socket = new WebSocket(`${server.origin.replace('http', 'ws')}/ws`);
  try {
    await opened(socket);
    const textOf = (frame: unknown) => (frame as { text?: string }).text;
    return await socketLatency('e2e (bare)', server.origin, socket, customer(0), textOf, 1000, d.openMs);
  } finally {
    socket.close();
    await server.stop();
  }
}

interface AgentFrame {
  type?: string;
  event?: { type?: string; offer?: { id?: string }; message?: { text?: string } };
}

/** Parlo: an agent signed in, Available, who accepted the customer's conversation. */
export async function parloSocketLatency(
  dir: string,
  d: Durations,
  target = 'parlo',
  cwd = root,
): Promise<SocketLatency> {
  const server = await startParlo(dir, `p3-${target.replace(/\W/g, '')}`, {}, cwd);
  const login = await fetch(`${server.origin}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'anna', password: PASSWORD }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const api = (path: string, body: unknown) =>
    fetch(`${server.origin}${path}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const socket = new WebSocket(`${server.origin.replace('http', 'ws')}/api/ws`, { headers: { cookie } });
  try {
    await opened(socket);
    const offered = new Promise<string>((done) => {
      socket.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString('utf8')) as AgentFrame;
        if (frame.type === 'event' && frame.event?.type === 'offer.added' && frame.event.offer?.id) {
          done(frame.event.offer.id);
        }
      });
    });
    socket.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, lastSeq: null }));
    await api('/api/agent/state', { kind: 'available' });
    const from = '393339999999';
    const first = webhook(from, 'hello');
    await fetch(`${server.origin}/webhooks/whatsapp`, {
      method: 'POST',
      headers: first.headers,
      body: first.body,
    });
    const offerId = await offered;
    const accepted = await api(`/api/offers/${encodeURIComponent(offerId)}/accept`, {});
    if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status}`);
    const textOf = (frame: unknown) => {
      const f = frame as AgentFrame;
      return f.type === 'event' && f.event?.type === 'message.upserted' ? f.event.message?.text : undefined;
    };
    return await socketLatency(target, server.origin, socket, from, textOf, 1000, d.openMs);
  } finally {
    socket.close();
    await server.stop();
  }
}

export interface IngestReport {
  readonly pinned: boolean;
  readonly ingest: IngestRow[];
  readonly ratios: Record<string, number>;
  readonly socket: SocketLatency[];
}

export async function benchIngest(d: Durations = DEFAULT_DURATIONS): Promise<IngestReport> {
  // The load generator on core 1, the server under test on core 0.
  // -a: every thread of this process (libuv's pool too), before any load runs.
  if (pinned) spawnSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'parlo-bench-'));
  try {
    const ingest: IngestRow[] = [];
    for (const mode of ['bare', 'full', 'group'] as const) {
      ingest.push(await measureIngest(mode, () => startBaseline(mode, dir), d));
    }
    ingest.push(await measureIngest('parlo', () => startParlo(dir, 'ingest'), d));
    // Before group commit: one transaction (one fsync) per delivery.
    ingest.push(
      await measureIngest('parlo (batch=1)', () => startParlo(dir, 'single', { INGEST_MAX_BATCH: '1' }), d),
    );
    const rps = (t: string) => ingest.find((r) => r.target === t)?.closedRps ?? 0;
    const socket = [await baselineSocketLatency(dir, d), await parloSocketLatency(dir, d)];
    const p99 = (t: string) => socket.find((s) => s.target === t)?.p99Ms ?? 0;
    const ratios = {
      'P1 parlo/group (goal >= 0.5)': round(rps('parlo') / Math.max(1, rps('group')), 2),
      'P1 parlo/full (goal >= 3)': round(rps('parlo') / Math.max(1, rps('full')), 2),
      'group commit: parlo / parlo (batch=1)': round(rps('parlo') / Math.max(1, rps('parlo (batch=1)')), 2),
      'P3 parlo p99 / e2e p99 (goal <= 3)': round(p99('parlo') / Math.max(0.1, p99('e2e (bare)')), 2),
    };
    return { pinned, ingest, ratios, socket };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints the report as tables. */
export function printIngest(report: IngestReport): void {
  console.log(
    `P1/P2 durable webhook ingest (server ${report.pinned ? 'pinned to core 0, load on core 1' : 'not pinned: < 2 cores'})`,
  );
  console.table(
    report.ingest.map((r) => ({
      target: r.target,
      'closed req/s': r.closedRps,
      'closed p99 ms': r.closedP99Ms,
      '1k/s p50 ms': r.at1k.p50Ms,
      '1k/s p99 ms': r.at1k.p99Ms,
      '1k/s errors': r.at1k.errors,
      '3.3k/s p50 ms': r.at3300.p50Ms,
      '3.3k/s p99 ms': r.at3300.p99Ms,
      '3.3k/s 503': r.at3300.rejected503,
      '3.3k/s errors': r.at3300.errors,
      '3.3k/s >1s': r.at3300.over1s,
    })),
  );
  console.log('Server-side ack (parlo_webhook_ack_seconds; bucket upper bounds, ms)');
  console.table(
    report.ingest
      .filter((r) => r.serverAck1k || r.serverAck3300)
      .map((r) => ({
        target: r.target,
        '1k/s p50': r.serverAck1k?.p50Ms,
        '1k/s p99': r.serverAck1k?.p99Ms,
        '3.3k/s p50': r.serverAck3300?.p50Ms,
        '3.3k/s p99': r.serverAck3300?.p99Ms,
      })),
  );
  console.log('\nP3 customer message -> agent socket (open loop, 1k msg/s)');
  console.table(report.socket);
  console.log('\nRatios (P2 goals: parlo p99 <= 20 ms at 1k/s, <= 50 ms at 3.3k/s)');
  console.table(report.ratios);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchIngest()
    .then(printIngest)
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
