/**
 * Where the server's time goes during webhook ingest: `npx tsx bench/src/profile-ingest.ts [dir]`
 * starts Parlo as the ingest bench does (pinned to core 0, fresh SQLite, demo seed) under
 * `--cpu-prof`, drives it with the ingest bench's traffic (20% new customers) closed loop (64 in
 * flight) then open loop at 1k/s, stops it with SIGTERM so the profile is written, and prints the
 * top self-time functions. With SQL_TIMING_OUT=<file>, also
 * the time spent per SQL text (bench/src/sql-timing.mjs). PROFILE_OPEN_ONLY=1 or
 * PROFILE_CLOSED_ONLY=1 runs one phase alone: a profile of both mixes their idle shares.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Traffic } from './ingest.ts';
import { closedLoop, openLoop } from './load.ts';
import { serverNodeArgs } from './server-command.ts';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time by function (ms), largest first. */
export function topSelf(profile: Profile, limit = 30): { fn: string; ms: number; pct: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    if (!node) return;
    const f = node.callFrame;
    const file = f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(apps|packages)\//, '$1/');
    const key = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([fn, us]) => ({ fn, ms: Math.round(us / 1000), pct: Math.round((us / total) * 1000) / 10 }));
}

async function main(): Promise<void> {
  const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'parlo-prof-'));
  const pinned = cpus().length >= 2;
  if (pinned) spawnSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
  const port = 18000 + Math.floor(Math.random() * 1000);
  const args = [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
    // SQL_TIMING_OUT=file: time per SQL text too (see sql-timing.mjs).
    ...(process.env.SQL_TIMING_OUT ? ['--import', './bench/src/sql-timing.mjs'] : []),
    ...serverNodeArgs(root),
  ];
  const child = spawn(
    pinned ? 'taskset' : process.execPath,
    pinned ? ['-c', '0', process.execPath, ...args] : args,
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        // PROFILE_DATABASE_URL=postgres://... profiles the PostgreSQL ingest (a fresh database).
        DATABASE_URL: process.env.PROFILE_DATABASE_URL ?? `sqlite:${join(dir, 'ingest.db')}`,
        PARLO_DEMO: 'true',
        // Benchmarks sign in and call the API far faster than people do: no request limits (issue 17).
        RATE_LIMIT_API_PER_MINUTE: '0',
        RATE_LIMIT_SIGN_IN_PER_MINUTE: '0',
        LOG_LEVEL: 'warn',
        GRAPH_API_BASE_URL: 'http://127.0.0.1:9',
        DESKTOP_DIST: '',
      },
    },
  );
  const origin = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      if ((await fetch(`${origin}/healthz`)).status === 200) break;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // The ingest bench's traffic: 200 open conversations, and 20% of messages from new customers.
  const traffic = new Traffic();
  await Traffic.prime(origin);
  const next = traffic.next;
  await closedLoop(origin, next, 32, 1000);
  const batches = async (): Promise<number[]> => {
    const text = await (await fetch(`${origin}/metrics`)).text();
    const sum = /^parlo_ingest_batch_size_sum (\S+)$/m.exec(text)?.[1];
    const count = /^parlo_ingest_batch_size_count (\S+)$/m.exec(text)?.[1];
    return [Number(sum), Number(count)];
  };
  const [s0 = 0, c0 = 0] = await batches();
  // PROFILE_OPEN_ONLY=1: the 1k/s phase alone (8 s), the per-transaction costs of small batches.
  // PROFILE_CLOSED_ONLY=1: the closed loop alone (8 s), where the server is saturated: idle there is
  // time it waited (on the database, the disk), not spare capacity at 1k/s. The profile also holds
  // the start-up and priming (about 2 s, half of it idle): read a phase's idle share by time.
  const openOnly = process.env.PROFILE_OPEN_ONLY === '1';
  const closedOnly = process.env.PROFILE_CLOSED_ONLY === '1';
  const closed = openOnly ? { rps: 0 } : await closedLoop(origin, next, 64, closedOnly ? 8000 : 5000);
  const [s1 = 0, c1 = 0] = await batches();
  console.log({
    closedMeanBatch: Math.round(((s1 - s0) / Math.max(1, c1 - c0)) * 10) / 10,
    commits: c1 - c0,
  });
  const open = closedOnly ? undefined : await openLoop(origin, next, 1000, openOnly ? 8000 : 3000);
  console.log({ closedRps: closed.rps, open1kP50: open?.p50Ms, open1kP99: open?.p99Ms });
  await new Promise<void>((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
  // The main thread's profile of this run (CPU.<date>.<time>.<pid>.0.<n>; workers write their own).
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && f.includes(`.${child.pid}.0.`));
  if (!file) throw new Error(`no profile in ${dir}`);
  console.log(join(dir, file));
  console.table(topSelf(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
