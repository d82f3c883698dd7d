#!/usr/bin/env node
// `npm run cluster`: the demo as a cluster on one machine. Starts PostgreSQL and Redis if they are
// down, creates the `parlo_cluster` database if missing, builds the desktop if needed, then runs the
// WhatsApp simulator, three Parlo nodes (the first alone until it is healthy: it seeds the demo
// data) and HAProxy in front of them, and prints the one URL to open. Ctrl+C drains the nodes
// (SIGTERM) and stops everything it started (PostgreSQL and Redis keep running).
//
// Environment: PORT (the balancer, 4000), SIM_PORT (4010), CLUSTER_NODES (3), CLUSTER_NODE_PORT
// (first node's port, 4101; the others follow), DATABASE_URL (postgres://postgres@127.0.0.1:5432/
// parlo_cluster), REDIS_URL (redis://127.0.0.1:6379), LOG_LEVEL of the nodes (warn), PUBLIC_ORIGIN
// of the nodes (the balancer's: http://HOST:PORT, and http://localhost:PORT on a loopback HOST).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildServer, serverMain } from './build-server.mjs';
import { haproxyConfig } from './haproxy-config.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'apps/desktop/dist');
const host = '127.0.0.1';
const publicPort = Number(process.env.PORT ?? 4000);
const simPort = Number(process.env.SIM_PORT ?? 4010);
const nodeCount = Number(process.env.CLUSTER_NODES ?? 3);
const firstNodePort = Number(process.env.CLUSTER_NODE_PORT ?? 4101);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parlo_cluster';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const publicUrl = `http://${host}:${publicPort}`;
const simUrl = `http://${host}:${simPort}`;

function fail(message) {
  console.error(`npm run cluster: ${message}`);
  process.exit(1);
}

function commandExists(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// --- PostgreSQL and Redis: the machine's own, started if they are down ---

async function ensurePostgres() {
  const url = new URL(databaseUrl);
  const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  const ready = () =>
    spawnSync('pg_isready', ['-h', url.hostname, '-p', url.port || '5432', '-q'], { stdio: 'ignore' })
      .status === 0;
  if (!ready() && local && existsSync('/etc/postgresql')) {
    const version = readdirSync('/etc/postgresql').sort().at(-1);
    console.log(`Starting PostgreSQL ${version}...`);
    spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
    for (let i = 0; i < 30 && !ready(); i++) await sleep(1000);
  }
  if (!ready()) fail(`PostgreSQL does not answer at ${url.hostname}:${url.port || '5432'}`);

  // The cluster's own database, created once.
  const name = url.pathname.slice(1);
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) fail(`unexpected database name "${name}"`);
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      console.log(`Creating the database ${name}...`);
      await client.query(`create database "${name}"`);
    }
  } finally {
    await client.end();
  }
}

async function ensureRedis() {
  const url = new URL(redisUrl);
  const port = url.port || '6379';
  const ready = () =>
    spawnSync('redis-cli', ['-h', url.hostname, '-p', port, 'ping'], { encoding: 'utf8' }).stdout?.trim() ===
    'PONG';
  if (!commandExists('redis-cli')) fail('redis-cli not found (Debian: apt-get install -y redis-server)');
  if (!ready() && (url.hostname === '127.0.0.1' || url.hostname === 'localhost')) {
    console.log('Starting Redis...');
    spawnSync('mkdir', ['-p', '/var/lib/redis', '/var/log/redis']);
    spawnSync(
      'redis-server',
      [
        '--daemonize',
        'yes',
        '--bind',
        '127.0.0.1',
        '-::1',
        '--port',
        port,
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        '/var/lib/redis',
        '--logfile',
        '/var/log/redis/ci.log',
      ],
      { stdio: 'inherit' },
    );
    for (let i = 0; i < 20 && !ready(); i++) await sleep(250);
  }
  if (!ready()) fail(`Redis does not answer at ${url.hostname}:${port}`);
}

// --- the processes this script owns ---

const children = [];
let stopping = false;

/** Runs a child with its output prefixed by its name. `critical`: its exit stops the cluster. */
function run(name, command, args, env, critical, role = 'service') {
  // Own process group: Ctrl+C reaches this script only, which then stops the children in order.
  const child = spawn(command, args, {
    detached: true,
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.on('data', (chunk) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) console.log(`[${name}] ${line}`);
    });
  }
  child.on('exit', (code, signal) => {
    if (stopping) return;
    if (critical) {
      console.error(`${name} exited (${signal ?? code}); stopping the cluster.`);
      void stop(1);
    } else {
      console.error(`${name} exited (${signal ?? code}); the balancer sends its traffic to the other nodes.`);
    }
  });
  children.push({ name, child, role });
  return child;
}

async function waitHealthy(name, url, timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (stopping) return;
    await sleep(250);
  }
  fail(`${name} did not become healthy at ${url}/healthz within ${timeoutMs / 1000} s`);
}

/** Nodes first (SIGTERM: each drains), then the balancer and the simulator. */
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping: draining the nodes...');
  const exited = (child) =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => child.once('exit', resolve));
  const inOrder = [children.filter((c) => c.role === 'node'), children.filter((c) => c.role !== 'node')];
  for (const group of inOrder) {
    for (const { child } of group) child.kill('SIGTERM');
    const killer = setTimeout(() => group.forEach(({ child }) => child.kill('SIGKILL')), 30_000);
    await Promise.all(group.map(({ child }) => exited(child)));
    clearTimeout(killer);
  }
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
// Whatever ends this script, no child outlives it.
process.on('exit', () => {
  for (const { child } of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
process.on('SIGTERM', () => void stop(0));

let scratch;

// --- start ---

if (!commandExists('haproxy')) fail('HAProxy not found (Debian: apt-get install -y haproxy)');
await ensurePostgres();
await ensureRedis();

if (!existsSync(join(dist, 'index.html')) || process.env.PARLO_REBUILD === '1') {
  console.log('Building the agent desktop...');
  const build = spawnSync('npm', ['run', 'build', '-w', '@parlo/desktop'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// The nodes run from the server's bundle (ADR 34), built now from the sources; the simulator through tsx.
await buildServer();
const tsx = ['--import', 'tsx'];
run(
  'sim',
  process.execPath,
  [...tsx, 'apps/whatsapp-sim/src/main.ts'],
  {
    SIM_PORT: String(simPort),
    SIM_HOST: host,
    SIM_WEBHOOK_URL: `${publicUrl}/webhooks/whatsapp`,
  },
  true,
);

/** The balancer's origin as a browser sends it, and its `localhost` twin on a loopback host. */
function publicOrigins(port) {
  const origins = [`http://${host.includes(':') ? `[${host}]` : host}:${port}`];
  if (['127.0.0.1', '::1', 'localhost'].includes(host)) origins.push(`http://localhost:${port}`);
  return origins;
}

const nodes = Array.from({ length: nodeCount }, (_, i) => ({
  name: `n${i + 1}`,
  port: firstNodePort + i,
}));
function startNode(node) {
  run(
    node.name,
    process.execPath,
    [serverMain],
    {
      NODE_ID: node.name,
      PORT: String(node.port),
      HOST: host,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      GRAPH_API_BASE_URL: process.env.GRAPH_API_BASE_URL ?? simUrl,
      PARLO_SIM_URL: simUrl,
      PARLO_DEMO: process.env.PARLO_DEMO ?? 'true',
      DESKTOP_DIST: process.env.DESKTOP_DIST ?? dist,
      // One media folder for all nodes: any node may serve a file another one downloaded.
      PARLO_MEDIA_DIR: process.env.PARLO_MEDIA_DIR ?? join(root, 'data/cluster-media'),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // HAProxy (on this host) forwards the client's address: sign-in limits per address need it.
      TRUST_PROXY: process.env.TRUST_PROXY ?? '127.0.0.1',
      // Browsers load the desktop from the balancer: that is the origin the nodes accept (CSRF).
      PUBLIC_ORIGIN: process.env.PUBLIC_ORIGIN ?? publicOrigins(publicPort).join(','),
    },
    false,
    'node',
  );
}

// The first node alone: it migrates the database and seeds the demo data; two at once would race.
const [first, ...others] = nodes;
console.log(`Starting node ${first.name} (migrations, demo data)...`);
startNode(first);
await waitHealthy(first.name, `http://${host}:${first.port}`);
console.log(`Starting ${others.map((n) => n.name).join(', ')}...`);
for (const node of others) startNode(node);
await Promise.all(others.map((node) => waitHealthy(node.name, `http://${host}:${node.port}`)));

scratch = mkdtempSync(join(tmpdir(), 'parlo-haproxy-'));
const configFile = join(scratch, 'haproxy.cfg');
writeFileSync(
  configFile,
  haproxyConfig({
    port: publicPort,
    nodes: nodes.map((node) => ({ name: node.name, address: `${host}:${node.port}` })),
  }),
);
run('haproxy', 'haproxy', ['-f', configFile, '-db'], {}, true);
await waitHealthy('the balancer', publicUrl, 20_000);

console.log(`
  Parlo is running as a cluster of ${nodeCount} nodes behind HAProxy.
    Open:                  ${publicUrl}/
    Customer phone (sim):  ${simUrl}/
    Nodes:                 ${nodes.map((n) => `${n.name} http://${host}:${n.port} (pid ${children.find((c) => c.name === n.name)?.child.pid})`).join('\n                           ')}
  Demo sign-in: anna / marco / giulia (agents), admin — password "parlo-demo-2026".
  Try kill -9 on a node's pid: its desktops reconnect to the others. Ctrl+C stops everything.
`);
