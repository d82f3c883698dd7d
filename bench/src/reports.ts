/**
 * Issue 16's report bench: the standard reports over 1M conversations, p99 <= 500 ms, on SQLite
 * and on PostgreSQL (ADR 22).
 *
 * Per database: a fresh one (a SQLite file, or a PostgreSQL database created and dropped here)
 * migrated by the store, then the interaction events of N conversations (default 1,000,000) over
 * 90 days in Europe/Rome written with SQL in big transactions: every conversation queued with its
 * customer's message; 90% offered and answered (4% after a RONA), with a first response, an end and
 * a wrap-up (6 reasons; 3% transferred, with the departed owner's wrap-up); the rest never answered.
 * 6 queues, 60 agents, 3 numbers. On PostgreSQL the two indexes are made after the load, then
 * ANALYZE. Then the standard reports through the store's repository (the statements the API runs):
 * the last 30 days by day, by queue, by agent, by wrap-up reason and by number, and the last day by
 * hour — each `runs` times after 2 warm-up rounds; p50/p99/max per report and over all.
 *
 * Run alone: `npx tsx bench/src/reports.ts [--quick]` (`--quick`: 100,000 conversations).
 * `REPORTS_BENCH_DB=sqlite|postgres|both` (default both), `REPORTS_BENCH_CONVERSATIONS`,
 * `REPORTS_BENCH_RUNS` (default 10), `REPORTS_BENCH_PG_URL` (default
 * postgres://postgres@127.0.0.1:5432/postgres). Never pass/fail: it prints the figures.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import {
  counted,
  openPostgresStore,
  openSqliteStore,
  type ReportDimension,
  type Store,
} from '../../apps/server/src/store/index.ts';
import { ABANDON_AFTER_MS, DEFAULT_SERVICE_LEVEL_MS } from '../../apps/server/src/services/reports/kpis.ts';
import {
  parseLocalDate,
  timeBuckets,
  type BucketSize,
} from '../../apps/server/src/services/reports/time-buckets.ts';
import { quantile, round } from './load.ts';
import { freePort, ParloServer } from './parlo-process.ts';
import { DEFAULT_ADMIN_URL, freshDatabase } from './pg.ts';

const GOAL_P99_MS = 500;
const ZONE = 'Europe/Rome';
const DAYS = 90;
/** The last day of the corpus; reports are made the day after. */
const LAST_DAY = '2026-11-30';
const COLUMNS = [
  'id',
  'kind',
  'at',
  'conversation_id',
  'customer_id',
  'started_at',
  'queue_id',
  'agent_id',
  'business_number_id',
  'duration_ms',
  'reason_id',
  'detail',
] as const;
type Row = [
  string,
  string,
  number,
  string,
  string,
  number,
  string,
  string | null,
  string,
  number | null,
  string | null,
  string | null,
];

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The events of `n` conversations, in batches. */
function* corpus(n: number, batch: number): Generator<Row[]> {
  const random = prng(16);
  const end = Date.parse(`${LAST_DAY}T23:00:00Z`);
  const span = DAYS * 86_400_000;
  let rows: Row[] = [];
  let id = 0;
  const ev = (
    kind: string,
    at: number,
    c: string,
    started: number,
    queue: string,
    agent: string | null,
    number: string,
    duration: number | null = null,
    reason: string | null = null,
    detail: string | null = null,
  ) =>
    rows.push([
      `e${(id++).toString(36)}`,
      kind,
      at,
      c,
      `cu${c}`,
      started,
      queue,
      agent,
      number,
      duration,
      reason,
      detail,
    ]);
  for (let i = 0; i < n; i++) {
    const c = `c${i.toString(36)}`;
    const started = end - Math.floor(random() * span);
    const queue = `q${Math.floor(random() * 6)}`;
    const number = `n${Math.floor(random() * 3)}`;
    ev('customer_message', started, c, started, queue, null, number);
    ev('queued', started, c, started, queue, null, number);
    if (random() < 0.9) {
      let t = started;
      if (random() < 0.04) {
        const lapsed = `a${Math.floor(random() * 60)}`;
        ev('offered', t, c, started, queue, lapsed, number, null, null, 'route');
        t += 30_000;
        ev('rona', t, c, started, queue, lapsed, number, null, null, 'route');
      }
      const agent = `a${Math.floor(random() * 60)}`;
      ev('offered', t, c, started, queue, agent, number, null, null, 'route');
      const answered = t + Math.floor(random() * 60_000);
      ev('answered', answered, c, started, queue, agent, number, answered - started);
      const response = answered + Math.floor(random() * 120_000);
      ev('first_response', response, c, started, queue, agent, number, response - started);
      const ended = response + Math.floor(random() * 900_000);
      ev('ended', ended, c, started, queue, agent, number, null, null, 'agent');
      const wrapped = ended + Math.floor(random() * 60_000);
      const reason = `wr${Math.floor(random() * 6)}`;
      if (random() < 0.03) ev('transferred', ended, c, started, queue, agent, number, null, null, 'queue');
      ev('wrapped_up', wrapped, c, started, queue, agent, number, wrapped - answered, reason, 'owner');
    }
    if (rows.length >= batch) {
      yield rows;
      rows = [];
    }
  }
  if (rows.length > 0) yield rows;
}

function seedSqlite(file: string, n: number): number {
  const db = new Sqlite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    `insert into interaction_events (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`,
  );
  let count = 0;
  const load = db.transaction((rows: Row[]) => {
    for (const row of rows) insert.run(...row);
  });
  for (const rows of corpus(n, 200_000)) {
    load(rows);
    count += rows.length;
  }
  queueRows(db);
  db.close();
  return count;
}

function queueRows(db: Sqlite.Database): void {
  const q = db.prepare(
    `insert into queues (id, name, priority, offer_timeout_ms, strategy, service_level_ms) values (?, ?, 1, 30000, 'longestAvailable', ?)`,
  );
  for (let i = 0; i < 6; i++) q.run(`q${i}`, `Queue ${i}`, i % 2 === 0 ? null : 60_000);
}

export async function seedPostgres(url: string, n: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('drop index interaction_events_started_idx');
    await client.query('drop index interaction_events_conversation_idx');
    let count = 0;
    for (const rows of corpus(n, 100_000)) {
      await client.query('begin');
      for (let i = 0; i < rows.length; i += 2000) {
        const chunk = rows.slice(i, i + 2000);
        const values: unknown[] = [];
        const tuples = chunk.map((row, r) => {
          values.push(...row);
          return `(${row.map((_, k) => `$${r * COLUMNS.length + k + 1}`).join(', ')})`;
        });
        await client.query(
          `insert into interaction_events (${COLUMNS.join(', ')}) values ${tuples.join(', ')}`,
          values,
        );
      }
      await client.query('commit');
      count += rows.length;
    }
    await client.query(
      'create index interaction_events_started_idx on interaction_events (started_at, kind)',
    );
    await client.query(
      'create index interaction_events_conversation_idx on interaction_events (conversation_id, kind)',
    );
    for (let i = 0; i < 6; i++)
      await client.query(
        `insert into queues (id, name, priority, offer_timeout_ms, strategy, service_level_ms) values ($1, $2, 1, 30000, 'longestAvailable', $3)`,
        [`q${i}`, `Queue ${i}`, i % 2 === 0 ? null : 60_000],
      );
    await client.query('analyze');
    return count;
  } finally {
    await client.end();
  }
}

interface Case {
  readonly name: string;
  readonly from: string;
  readonly size: BucketSize;
  readonly groupBy: ReportDimension;
}

const CASES: readonly Case[] = [
  { name: '30 days by day', from: '2026-11-01', size: 'day', groupBy: 'none' },
  { name: '30 days by day, by queue', from: '2026-11-01', size: 'day', groupBy: 'queue' },
  { name: '30 days, by agent', from: '2026-11-01', size: 'total', groupBy: 'agent' },
  { name: '30 days, by wrap-up reason', from: '2026-11-01', size: 'total', groupBy: 'reason' },
  { name: '30 days, by number', from: '2026-11-01', size: 'total', groupBy: 'number' },
  { name: 'last day by hour', from: LAST_DAY, size: 'hour', groupBy: 'none' },
];

interface CaseResult {
  readonly report: string;
  readonly rows: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const reportQuery = (c: Case, now: number) => {
  const from = parseLocalDate(c.from);
  const to = parseLocalDate(LAST_DAY);
  if (!from || !to) throw new Error('date');
  return {
    buckets: timeBuckets(from, to, ZONE, c.size),
    groupBy: c.groupBy,
    now,
    abandonAfterMs: ABANDON_AFTER_MS,
    defaultServiceLevelMs: DEFAULT_SERVICE_LEVEL_MS,
  };
};

/**
 * The roll-up's report of every case against the events' (the truth, ADR 22) at this volume:
 * the cells that differ (0 expected), and how long each path took.
 */
async function verify(
  store: Store,
  now: number,
): Promise<{ differing: number; rollupMs: number; eventsMs: number }> {
  let differing = 0;
  let rollupMs = 0;
  let eventsMs = 0;
  for (const c of CASES) {
    const query = reportQuery(c, now);
    const t0 = performance.now();
    const rolled = await store.transaction((tx) => tx.interactionEvents.report(query));
    const t1 = performance.now();
    const sums = await store.transaction((tx) => tx.interactionEvents.reportSums(query));
    const wrapUps = await store.transaction((tx) => tx.interactionEvents.reportWrapUps(query));
    eventsMs += performance.now() - t1;
    rollupMs += t1 - t0;
    const text = (cells: readonly object[]) => new Set(cells.map((x) => JSON.stringify(x)));
    const want = text(sums.filter((x) => counted(x)));
    const got = text(rolled.sums);
    for (const x of want) if (!got.has(x)) differing++;
    for (const x of got) if (!want.has(x)) differing++;
    const wantWraps = text(wrapUps);
    for (const x of text(rolled.wrapUps)) if (!wantWraps.has(x)) differing++;
    if (wantWraps.size !== rolled.wrapUps.length) differing++;
  }
  return { differing, rollupMs: round(rollupMs), eventsMs: round(eventsMs) };
}

/** The standard reports through the server: `GET /api/reports/kpis` as Sofia (supervisor). */
async function measure(
  origin: string,
  cookie: string,
  runs: number,
): Promise<{ cases: CaseResult[]; p99Ms: number }> {
  const all: number[] = [];
  const cases: CaseResult[] = [];
  for (const c of CASES) {
    const samples: number[] = [];
    let rows = 0;
    for (let i = 0; i < runs + 2; i++) {
      const params = new URLSearchParams({ from: c.from, to: LAST_DAY, bucket: c.size, groupBy: c.groupBy });
      const started = performance.now();
      const res = await fetch(`${origin}/api/reports/kpis?${params.toString()}`, { headers: { cookie } });
      const body = (await res.json()) as { rows?: unknown[] };
      const ms = performance.now() - started;
      if (res.status !== 200) throw new Error(`report ${c.name}: HTTP ${res.status}`);
      rows = body.rows?.length ?? 0;
      if (i < 2) continue;
      samples.push(ms);
      all.push(ms);
    }
    samples.sort((a, b) => a - b);
    cases.push({
      report: c.name,
      rows,
      p50Ms: round(quantile(samples, 0.5)),
      p99Ms: round(quantile(samples, 0.99)),
      maxMs: round(samples.at(-1) ?? 0),
    });
  }
  return {
    cases,
    p99Ms: round(
      quantile(
        [...all].sort((a, b) => a - b),
        0.99,
      ),
    ),
  };
}

export interface ReportsBenchResult {
  readonly db: 'sqlite' | 'postgres';
  readonly conversations: number;
  readonly events: number;
  readonly seedSeconds: number;
  /** Building the roll-up from the seeded events (what migration 0023 does on an existing database). */
  readonly rollupSeconds: number;
  /** Roll-up cells that differ from the events' (0 expected), and both paths' time over the six reports. */
  readonly check: { differing: number; rollupMs: number; eventsMs: number };
  readonly cases: readonly CaseResult[];
  readonly p99Ms: number;
  readonly goalMet: boolean;
}

/** A supervisor session as a row (no sign-in) and the center's zone: the cookie. */
async function prepare(store: Store, now: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await store.transaction(async (tx) => {
    await tx.setSetting('center.timeZone', ZONE);
    await tx.insertSession({
      tokenHash: createHash('sha256').update(token).digest('hex'),
      userId: 'usr_sofia',
      createdAt: now,
      expiresAt: now + 86_400_000,
    });
  });
  return `parlo_session=${token}`;
}

export async function benchReports(
  options: { conversations?: number; runs?: number; dbs?: readonly ('sqlite' | 'postgres')[] } = {},
): Promise<ReportsBenchResult[]> {
  const n = options.conversations ?? 1_000_000;
  const runs = options.runs ?? 10;
  const results: ReportsBenchResult[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'parlo-reports-bench-'));
  const metricsToken = randomBytes(12).toString('hex');
  const now = Date.parse(`${LAST_DAY}T23:00:00Z`) + 86_400_000;
  try {
    for (const db of options.dbs ?? ['sqlite', 'postgres']) {
      const file = join(scratch, `reports-${db}.db`);
      const fresh =
        db === 'postgres'
          ? await freshDatabase(process.env.REPORTS_BENCH_PG_URL ?? DEFAULT_ADMIN_URL, 'parlo_reports_bench')
          : undefined;
      const url = fresh?.url ?? `sqlite:${file}`;
      try {
        // A first start: migrations and the demo data (Sofia, the supervisor).
        const first = await ParloServer.start({
          databaseUrl: url,
          scratch,
          name: `reports-${db}-migrate`,
          port: await freePort(),
          metricsToken,
        });
        await first.stop();
        const seedStart = performance.now();
        const events = fresh ? await seedPostgres(fresh.url, n) : seedSqlite(file, n);
        const seedSeconds = round((performance.now() - seedStart) / 1000);
        const store = fresh ? await openPostgresStore(fresh.url) : await openSqliteStore(file);
        let rollupSeconds: number;
        let check: ReportsBenchResult['check'];
        let cookie: string;
        try {
          const rollupStart = performance.now();
          await store.transaction((tx) => tx.interactionEvents.rebuildRollup());
          rollupSeconds = round((performance.now() - rollupStart) / 1000);
          if (fresh) await analyze(fresh.url);
          check = await verify(store, now);
          cookie = await prepare(store, Date.now());
        } finally {
          await store.close();
        }
        const server = await ParloServer.start({
          databaseUrl: url,
          scratch,
          name: `reports-${db}`,
          port: await freePort(),
          metricsToken,
        });
        try {
          const m = await measure(server.origin, cookie, runs);
          results.push({
            db,
            conversations: n,
            events,
            seedSeconds,
            rollupSeconds,
            check,
            ...m,
            goalMet: m.p99Ms <= GOAL_P99_MS,
          });
        } finally {
          await server.stop();
        }
      } finally {
        await fresh?.drop();
      }
    }
  } finally {
    if (process.env.REPORTS_BENCH_KEEP === '1') console.log(`kept: ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
  return results;
}

async function analyze(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

export function printReports(results: readonly ReportsBenchResult[]): void {
  for (const r of results) {
    console.log(
      `${r.db}: ${r.conversations.toLocaleString('en')} conversations, ${r.events.toLocaleString('en')} events (seeded in ${r.seedSeconds} s; roll-up built in ${r.rollupSeconds} s)`,
    );
    console.log(
      `roll-up vs events, six reports in the bench process: ${r.check.differing} differing cells; ${r.check.rollupMs} ms vs ${r.check.eventsMs} ms`,
    );
    console.table(r.cases);
    console.log(
      `p99 over every report: ${r.p99Ms} ms (goal <= ${GOAL_P99_MS} ms: ${r.goalMet ? 'met' : 'NOT met'})\n`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const which = process.env.REPORTS_BENCH_DB ?? 'both';
  const results = await benchReports({
    conversations: Number(process.env.REPORTS_BENCH_CONVERSATIONS ?? (quick ? 100_000 : 1_000_000)),
    runs: Number(process.env.REPORTS_BENCH_RUNS ?? 10),
    dbs: which === 'both' ? ['sqlite', 'postgres'] : [which === 'postgres' ? 'postgres' : 'sqlite'],
  });
  printReports(results);
}
