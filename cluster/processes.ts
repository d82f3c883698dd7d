/**
 * The real processes of a cluster test: private PostgreSQL and Redis on free ports, Parlo nodes
 * and HAProxy, each a child process whose output goes to a log file in the run's scratch folder.
 * Every child is registered so that a crashed or interrupted test run still kills them all.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  haproxyConfig,
  nodeStatusesFromStats,
  queuedWebhooksFromStats,
  type HaproxyOptions,
} from '../scripts/haproxy-config.mjs';
import { serverMain } from '../scripts/build-server.mjs';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** The balancer's webhook limits a test may set (the rest of its configuration is the cluster's). */
export type WebhookLimits = Pick<HaproxyOptions, 'webhookConnections' | 'webhookQueue' | 'webhookQueueMs'>;

/** Children still running, killed with SIGKILL if the test process exits without stopping them. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a value (not undefined); throws naming `what` after `timeoutMs`. */
export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
  everyMs = 25,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A port nobody listens on right now (distinct from the others handed out by this process). */
const handedOut = new Set<number>();
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const found = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(found));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** Whether something accepts TCP connections on the port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * One child process with its output appended to `logFile` (a restart appends to the same file, after
 * a header line). Stopping waits for the exit and reports how it ended.
 */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({
    code: 0,
    signal: null,
  });
  /** How the last run ended; undefined while running or before the first start. */
  lastExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(
    readonly name: string,
    readonly logFile: string,
    private readonly command: string,
    private readonly args: readonly string[],
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const fd = openSync(this.logFile, 'a');
    writeSync(fd, `\n===== ${new Date().toISOString()} start ${this.name}\n`);
    const child = spawn(this.command, this.args, {
      cwd: repoRoot,
      env: this.env,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    this.child = child;
    this.lastExit = undefined;
    liveChildren.add(child);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        liveChildren.delete(child);
        this.lastExit = { code, signal };
        resolve({ code, signal });
      });
      child.once('error', (err) => {
        liveChildren.delete(child);
        this.lastExit = { code: null, signal: null };
        writeFileSync(this.logFile, `\nspawn error: ${err.message}\n`, { flag: 'a' });
        resolve({ code: null, signal: null });
      });
    });
  }

  /** Sends a signal (SIGKILL: a crash) and waits for the exit; SIGKILL after `graceMs` if still alive. */
  async stop(
    signal: NodeJS.Signals = 'SIGTERM',
    graceMs = 15_000,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (!child || !this.running) return this.lastExit ?? { code: 0, signal: null };
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  /** The last `lines` lines of the log. */
  tail(lines = 60): string {
    if (!existsSync(this.logFile)) return '(no log)';
    return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
  }
}

function postgresBinDir(): string {
  if (process.env.PARLO_PG_BIN) return process.env.PARLO_PG_BIN;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) throw new Error('PostgreSQL binaries not found (set PARLO_PG_BIN)');
  return join(base, newest, 'bin');
}

/** PostgreSQL refuses to run as root: as root, its tools run as the `postgres` user. */
function asPostgresUser(command: string, args: readonly string[]): [string, string[]] {
  return process.getuid?.() === 0
    ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
    : [command, [...args]];
}

function postgresUserIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) throw new Error('running as root needs a `postgres` user');
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function runChecked(command: string, args: readonly string[], what: string): void {
  const [cmd, argv] = asPostgresUser(command, args);
  const result = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`${what} failed (${result.status ?? result.signal}): ${result.stderr}${result.stdout}`);
  }
}

/**
 * A private PostgreSQL server for one test file: its own data folder (trust auth, fsync off: the
 * tests kill it, they do not test its durability against power loss) on a free port. Stopping it
 * is a fault the tests inject; the machine's shared server is never touched.
 */
export class PrivatePostgres {
  readonly url: string;
  private readonly bin = postgresBinDir();
  private readonly dataDir: string;
  private readonly logFile: string;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {
    this.dataDir = join(dir, 'data');
    this.logFile = join(dir, 'postgres.log');
    this.url = `postgres://postgres@127.0.0.1:${port}/parlo`;
  }

  /** initdb + start + `create database parlo`. */
  static async create(scratch: string): Promise<PrivatePostgres> {
    const dir = join(scratch, 'pg');
    mkdirSync(dir, { recursive: true });
    const ids = postgresUserIds();
    if (ids) {
      chownSync(scratch, ids.uid, ids.gid);
      chownSync(dir, ids.uid, ids.gid);
    }
    const postgres = new PrivatePostgres(await freePort(), dir);
    runChecked(
      join(postgres.bin, 'initdb'),
      [
        '-D',
        postgres.dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '-E',
        'UTF8',
        '--no-sync',
        '--no-instructions',
      ],
      'initdb',
    );
    postgres.start();
    try {
      const client = new pg.Client({ connectionString: postgres.adminUrl });
      await client.connect();
      try {
        await client.query('create database parlo');
      } finally {
        await client.end();
      }
    } catch (err) {
      postgres.dispose();
      throw err;
    }
    return postgres;
  }

  private get adminUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Starts the server and waits until it accepts connections. */
  start(): void {
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
    ].join(' ');
    runChecked(
      join(this.bin, 'pg_ctl'),
      ['-D', this.dataDir, '-l', this.logFile, '-o', options, '-w', '-t', '60', 'start'],
      'pg_ctl start',
    );
  }

  /** Stops the server: `immediate` is a crash (connections cut, no checkpoint), `fast` a clean stop. */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    runChecked(
      join(this.bin, 'pg_ctl'),
      ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop'],
      'pg_ctl stop',
    );
  }

  /** Stops it if it runs (clean-up: never throws). */
  dispose(): void {
    const [cmd, argv] = asPostgresUser(join(this.bin, 'pg_ctl'), ['-D', this.dataDir, 'status']);
    if (spawnSync(cmd, argv).status !== 0) return;
    try {
      this.stop('immediate');
    } catch (err) {
      console.error(`could not stop the private PostgreSQL: ${String(err)}`);
    }
  }

  tail(lines = 40): string {
    if (!existsSync(this.logFile)) return '(no log)';
    return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
  }
}

/** A private Redis (no persistence: a restart loses everything, as the tests want) on a free port. */
export class PrivateRedis {
  readonly url: string;
  readonly process: ManagedProcess;

  private constructor(
    readonly port: number,
    scratch: string,
  ) {
    this.url = `redis://127.0.0.1:${port}`;
    this.process = new ManagedProcess('redis', join(scratch, 'redis.log'), 'redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      scratch,
    ]);
  }

  static async create(scratch: string): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), scratch);
    await redis.start();
    return redis;
  }

  async start(): Promise<void> {
    this.process.start();
    await until(async () => ((await portOpen(this.port)) ? true : undefined), 'redis to listen', 10_000);
  }

  /** Stops it (SIGKILL: nothing flushed, every connection cut at once). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.process.stop(signal);
  }
}

/** How a node is started: the node contract of cluster mode (see docs/deploy.md). */
export interface NodeSettings {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly graphUrl: string;
  readonly mediaDir: string;
  /** The balancer's origin: what the browsers of a deployment send (`PUBLIC_ORIGIN`, issue 17). */
  readonly publicOrigin: string;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * One Parlo node: `node apps/server/dist/main.mjs` as a child, the bundle production runs (the
 * tier's global setup builds it), so a kill -9 hits the server itself.
 */
export class ParloNode {
  readonly url: string;
  readonly process: ManagedProcess;

  constructor(
    readonly name: string,
    readonly port: number,
    scratch: string,
    settings: NodeSettings,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.process = new ManagedProcess(
      name,
      join(scratch, `node-${name}.log`),
      process.execPath,
      [serverMain],
      {
        ...process.env,
        NODE_ID: name,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: settings.databaseUrl,
        REDIS_URL: settings.redisUrl,
        GRAPH_API_BASE_URL: settings.graphUrl,
        PARLO_SIM_URL: settings.graphUrl,
        // Browsers reach the nodes through the balancer; the tests also call one node directly.
        PUBLIC_ORIGIN: `${settings.publicOrigin},${this.url}`,
        PARLO_DEMO: 'true',
        // The suite signs in many times from 127.0.0.1: limits on, but far off (issue 17's tests set their own).
        RATE_LIMIT_API_PER_MINUTE: '100000',
        RATE_LIMIT_SIGN_IN_PER_MINUTE: '100000',
        SIGN_IN_ADDRESS_FREE_FAILURES: '100000',
        DESKTOP_DIST: '',
        PARLO_MEDIA_DIR: settings.mediaDir,
        LOG_LEVEL: process.env.PARLO_CLUSTER_LOG ?? 'info',
        RECONNECT_WINDOW_SECONDS: '5',
        DISCONNECT_GRACE_SECONDS: '60',
        OUTBOX_POLL_MS: '50',
        TIMER_POLL_MS: '50',
        ...settings.env,
      },
    );
  }

  /** Starts the process and waits for `/healthz` 200. */
  async start(timeoutMs = 60_000): Promise<void> {
    this.process.start();
    await this.waitHealthy(timeoutMs);
  }

  async health(): Promise<number> {
    try {
      const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }

  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    await until(
      async () => {
        if (!this.process.running) {
          throw new Error(
            `node ${this.name} exited (${JSON.stringify(this.process.lastExit)}) before it was healthy`,
          );
        }
        return (await this.health()) === 200 ? true : undefined;
      },
      `node ${this.name} /healthz 200`,
      timeoutMs,
      100,
    );
  }

  /** A crash: SIGKILL, no drain. */
  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.process.stop('SIGKILL');
  }

  /** A graceful stop: SIGTERM drains the node; resolves with how it exited. */
  terminate(graceMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.process.stop('SIGTERM', graceMs);
  }
}

/** HAProxy in the foreground (`-db`) over the nodes, with its statistics page for the tests. */
export class Balancer {
  readonly url: string;
  readonly process: ManagedProcess;

  private constructor(
    readonly port: number,
    private readonly statsPort: number,
    scratch: string,
    nodes: readonly ParloNode[],
    webhookLimits: WebhookLimits,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    const configFile = join(scratch, 'haproxy.cfg');
    writeFileSync(
      configFile,
      haproxyConfig({
        port,
        statsPort,
        nodes: nodes.map((node) => ({ name: node.name, address: `127.0.0.1:${node.port}` })),
        ...webhookLimits,
      }),
    );
    this.process = new ManagedProcess('haproxy', join(scratch, 'haproxy.log'), 'haproxy', [
      '-f',
      configFile,
      '-db',
    ]);
  }

  /** Writes the configuration for a port chosen earlier (the simulator's webhook URL names it). */
  static async create(
    port: number,
    scratch: string,
    nodes: readonly ParloNode[],
    webhookLimits: WebhookLimits = {},
  ): Promise<Balancer> {
    const balancer = new Balancer(port, await freePort(), scratch, nodes, webhookLimits);
    balancer.process.start();
    try {
      await until(
        async () => {
          if (!balancer.process.running) throw new Error(`haproxy exited:\n${balancer.process.tail(10)}`);
          return (await portOpen(port)) ? true : undefined;
        },
        'haproxy to listen',
        10_000,
      );
    } catch (err) {
      await balancer.process.stop('SIGKILL');
      throw err;
    }
    return balancer;
  }

  /** Each node's status as HAProxy's health checks see it (`UP`, `DOWN`, ...). */
  async statuses(): Promise<Record<string, string>> {
    const res = await fetch(`http://127.0.0.1:${this.statsPort}/stats;csv`);
    return nodeStatusesFromStats(await res.text());
  }

  /** Webhooks waiting in the balancer's queue now (its statistics, `qcur` of parlo_webhooks). */
  async queuedWebhooks(): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${this.statsPort}/stats;csv`);
    return queuedWebhooksFromStats(await res.text());
  }

  /** Waits until HAProxy's checks put the node in (UP) or out (DOWN) of the rotation. */
  async waitFor(nodeName: string, status: 'UP' | 'DOWN', timeoutMs = 15_000): Promise<void> {
    await until(
      async () => ((await this.statuses())[nodeName] === status ? true : undefined),
      `haproxy to see ${nodeName} ${status}`,
      timeoutMs,
      100,
    );
  }
}
