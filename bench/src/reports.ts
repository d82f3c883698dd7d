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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import {
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

async function measure(store: Store, runs: number): Promise<{ cases: CaseResult[]; p99Ms: number }> {
  const to = parseLocalDate(LAST_DAY);
  if (!to) throw new Error('date');
  const now = Date.parse(`${LAST_DAY}T23:00:00Z`) + 86_400_000;
  const all: number[] = [];
  const cases: CaseResult[] = [];
  const samples = new Map<string, number[]>();
  let rowsOf = new Map<string, number>();
  for (let round_ = 0; round_ < runs + 2; round_++) {
    for (const c of CASES) {
      const from = parseLocalDate(c.from);
      if (!from) throw new Error('date');
      const query = {
        buckets: timeBuckets(from, to, ZONE, c.size),
        groupBy: c.groupBy,
        now,
        abandonAfterMs: ABANDON_AFTER_MS,
        defaultServiceLevelMs: DEFAULT_SERVICE_LEVEL_MS,
      };
      const started = performance.now();
      const rows = await store.transaction(async (tx) => {
        const sums = await tx.interactionEvents.reportSums(query);
        await tx.interactionEvents.reportWrapUps(query);
        return sums.length;
      });
      const ms = performance.now() - started;
      if (round_ < 2) continue;
      rowsOf = rowsOf.set(c.name, rows);
      const list = samples.get(c.name) ?? [];
      list.push(ms);
      samples.set(c.name, list);
      all.push(ms);
    }
  }
  for (const c of CASES) {
    const list = [...(samples.get(c.name) ?? [])].sort((a, b) => a - b);
    cases.push({
      report: c.name,
      rows: rowsOf.get(c.name) ?? 0,
      p50Ms: round(quantile(list, 0.5)),
      p99Ms: round(quantile(list, 0.99)),
      maxMs: round(list.at(-1) ?? 0),
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
  readonly cases: readonly CaseResult[];
  readonly p99Ms: number;
  readonly goalMet: boolean;
}

export async function benchReports(
  options: { conversations?: number; runs?: number; dbs?: readonly ('sqlite' | 'postgres')[] } = {},
): Promise<ReportsBenchResult[]> {
  const n = options.conversations ?? 1_000_000;
  const runs = options.runs ?? 10;
  const results: ReportsBenchResult[] = [];
  for (const db of options.dbs ?? ['sqlite', 'postgres']) {
    const seedStart = performance.now();
    if (db === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'parlo-reports-bench-'));
      const file = join(dir, 'parlo.db');
      try {
        await (await openSqliteStore(file)).close();
        const events = seedSqlite(file, n);
        const seedSeconds = round((performance.now() - seedStart) / 1000);
        const store = await openSqliteStore(file);
        try {
          const m = await measure(store, runs);
          results.push({ db, conversations: n, events, seedSeconds, ...m, goalMet: m.p99Ms <= GOAL_P99_MS });
        } finally {
          await store.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else {
      const fresh = await freshDatabase(
        process.env.REPORTS_BENCH_PG_URL ?? DEFAULT_ADMIN_URL,
        'parlo_reports_bench',
      );
      try {
        await (await openPostgresStore(fresh.url)).close();
        const events = await seedPostgres(fresh.url, n);
        const seedSeconds = round((performance.now() - seedStart) / 1000);
        const store = await openPostgresStore(fresh.url);
        try {
          const m = await measure(store, runs);
          results.push({ db, conversations: n, events, seedSeconds, ...m, goalMet: m.p99Ms <= GOAL_P99_MS });
        } finally {
          await store.close();
        }
      } finally {
        await fresh.drop();
      }
    }
  }
  return results;
}

export function printReports(results: readonly ReportsBenchResult[]): void {
  for (const r of results) {
    console.log(
      `${r.db}: ${r.conversations.toLocaleString('en')} conversations, ${r.events.toLocaleString('en')} events (seeded in ${r.seedSeconds} s)`,
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
