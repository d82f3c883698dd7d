import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { deferredWrite } from './deferred-writes.ts';
import type {
  InteractionEventKind,
  InteractionEventRow,
  ReportSums,
  ReportSumsQuery,
  ReportWrapUps,
} from './ports/interaction-events.ts';
import {
  DAY_MS,
  DEFAULT_SERVICE_LEVEL_MS,
  rollupChanges,
  rollupTerms,
  counted,
  WRAP_PREFIX,
  zeroSums,
  type ConversationSoFar,
  type RollupChanges,
  type RollupIncrement,
  type RollupTerm,
} from './report-rollup.ts';
import { keepLaterTimes } from './columns.ts';
import type { StoreDialect } from './port.ts';
import { listArgs, queryTemplates } from './query-template.ts';
import type { Database, InteractionEventsTable } from './schema.ts';

/** Ids per `IN (...)` list. */
const IN_CHUNK = 500;

type Db = Kysely<Database> | Transaction<Database>;

/** An integer inlined in SQL (never user text): VALUES lists need typed literals on PostgreSQL. */
export function int(n: number): RawBuilder<number> {
  if (!Number.isSafeInteger(n)) throw new Error('not a safe integer');
  return sql.lit(n);
}

export function eventFromRow(r: InteractionEventsTable): InteractionEventRow {
  return {
    id: r.id,
    kind: r.kind as InteractionEventKind,
    at: Number(r.at),
    conversationId: r.conversation_id,
    customerId: r.customer_id,
    startedAt: Number(r.started_at),
    queueId: r.queue_id,
    agentId: r.agent_id,
    businessNumberId: r.business_number_id,
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    reasonId: r.reason_id,
    detail: r.detail,
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The service-level threshold of each queue the batch answered in (the one in force when answered). */
async function serviceLevels(
  db: Db,
  rows: readonly InteractionEventRow[],
  defaultMs: number,
): Promise<(queueId: string | null) => number> {
  const ids = [
    ...new Set(rows.flatMap((e) => (e.kind === 'answered' && e.queueId !== null ? [e.queueId] : []))),
  ];
  const levels = new Map<string, number>();
  for (const part of chunks(ids, IN_CHUNK)) {
    const found = await db
      .selectFrom('queues')
      .select(['id', 'service_level_ms'])
      .where('id', 'in', part)
      .execute();
    for (const q of found) if (q.service_level_ms !== null) levels.set(q.id, Number(q.service_level_ms));
  }
  return (queueId) => (queueId === null ? defaultMs : (levels.get(queueId) ?? defaultMs));
}

/** What the store knows of the batch's conversations that queue, answer or end (before the batch). */
async function conversationsSoFar(
  db: Db,
  dialect: StoreDialect,
  rows: readonly InteractionEventRow[],
  noneStored: (conversationId: string) => boolean,
): Promise<Map<string, ConversationSoFar>> {
  const settling = new Set(['queued', 'answered', 'ended']);
  // A conversation with no stored event is known without a read: nothing so far (a webhook batch's
  // new conversations, every one queued: two statements under the routing lock, ADR 38).
  const asked = (e: InteractionEventRow): boolean => !noneStored(e.conversationId);
  const ids = [...new Set(rows.flatMap((e) => (settling.has(e.kind) && asked(e) ? [e.conversationId] : [])))];
  const queuing = [
    ...new Set(rows.flatMap((e) => (e.kind === 'queued' && asked(e) ? [e.conversationId] : []))),
  ];
  const known = new Map<string, { answered: boolean; ended: boolean; queued: ConversationSoFar['queued'] }>();
  const entry = (id: string) => {
    let k = known.get(id);
    if (!k) known.set(id, (k = { answered: false, ended: false, queued: [] }));
    return k;
  };
  // Run at every routing decision: compiled once per list length.
  const templates = queryTemplates(dialect);
  for (const part of chunks(ids, IN_CHUNK)) {
    const { rows: found } = await templates.run(db, 'settlingEvents', listArgs(part), (a) =>
      db
        .selectFrom('interaction_events')
        .select(['id', 'kind', 'at', 'conversation_id', 'started_at', 'queue_id', 'business_number_id'])
        .where('conversation_id', 'in', Object.values(a))
        .where('kind', 'in', ['queued', 'answered', 'ended']),
    );
    for (const r of found) {
      const k = entry(r.conversation_id);
      if (r.kind === 'answered') k.answered = true;
      else if (r.kind === 'ended') k.ended = true;
      else
        k.queued.push({
          id: r.id,
          at: Number(r.at),
          startedAt: Number(r.started_at),
          queueId: r.queue_id,
          businessNumberId: r.business_number_id,
          conversationId: r.conversation_id,
        });
    }
  }
  const lastMessage = new Map<string, number>();
  for (const part of chunks(queuing, IN_CHUNK)) {
    const { rows: found } = await templates.run(db, 'lastCustomerMessages', listArgs(part), (a) =>
      db
        .selectFrom('interaction_events')
        .select(['conversation_id', (eb) => eb.fn.max('at').as('last')])
        .where('conversation_id', 'in', Object.values(a))
        .where('kind', '=', 'customer_message')
        .groupBy('conversation_id'),
    );
    for (const r of found) if (r.last !== null) lastMessage.set(r.conversation_id, Number(r.last));
  }
  const out = new Map<string, ConversationSoFar>();
  for (const id of new Set([...ids, ...lastMessage.keys()])) {
    const k = known.get(id);
    out.set(id, {
      answered: k?.answered ?? false,
      ended: k?.ended ?? false,
      queued: k?.queued ?? [],
      lastMessageAt: lastMessage.get(id) ?? null,
    });
  }
  return out;
}

/**
 * Upserts sums in their sorted order. PostgreSQL gets the rows as seven arrays (`unnest`): one
 * statement of seven parameters, where a VALUES list of thousands of parameters was the slow part of
 * a rebuild (measured: 100k conversations, 127 s).
 */
async function upsertSums(
  db: Db,
  dialect: StoreDialect,
  increments: readonly RollupIncrement[],
): Promise<void> {
  const onConflict = sql`on conflict (grain, dim, slot, key, measure) do update
    set n = report_rollup.n + excluded.n, total = report_rollup.total + excluded.total`;
  if (dialect === 'postgres') {
    for (const part of chunks(increments, 50_000)) {
      const upsert = sql`insert into report_rollup (grain, dim, slot, key, measure, n, total)
        select * from unnest(${part.map((r) => r.grain)}::bigint[], ${part.map((r) => r.dim)}::text[],
          ${part.map((r) => r.slot)}::bigint[], ${part.map((r) => r.key)}::text[], ${part.map((r) => r.measure)}::text[],
          ${part.map((r) => r.n)}::bigint[], ${part.map((r) => r.total)}::bigint[])
        ${onConflict}`;
      await db.executeQuery(deferredWrite(upsert.compile(db), 'report_rollup'));
    }
    return;
  }
  // Compiled once per length (query-template.ts): every routing transaction adds to a few sums.
  await queryTemplates(dialect).runRows(
    db,
    'upsertRollup',
    increments.map((r) => ({
      grain: r.grain,
      dim: r.dim,
      slot: r.slot,
      key: r.key,
      measure: r.measure,
      n: r.n,
      total: r.total,
    })),
    (rows) => {
      const values = rows.map(
        (r) => sql`(${r.grain}, ${r.dim}, ${r.slot}, ${r.key}, ${r.measure}, ${r.n}, ${r.total})`,
      );
      const upsert = sql`insert into report_rollup (grain, dim, slot, key, measure, n, total)
        values ${sql.join(values)} ${onConflict}`;
      return { compile: () => upsert.compile(db) };
    },
    { writes: 'report_rollup' },
  );
}

/**
 * Writes a batch's changes: the sums, then the waiting rows. The rows it deletes (conversations that
 * left the queue), moves (their customer wrote) and inserts (conversations queued) are rows of
 * different conversations, or new rows: on PostgreSQL the three writes go in one statement
 * (deferred-writes.ts, `part`). A conversation whose row is deleted is not moved: one after the
 * other, its update would find no row.
 */
async function applyChanges(db: Db, dialect: StoreDialect, changes: RollupChanges): Promise<void> {
  await upsertSums(db, dialect, changes.increments);
  const templates = queryTemplates(dialect);
  for (const part of chunks(changes.waitingDeletes, IN_CHUNK))
    await templates.run(
      db,
      'deleteReportWaiting',
      listArgs(part),
      (a) => db.deleteFrom('report_waiting').where('conversation_id', 'in', Object.values(a)),
      { writes: 'report_waiting', part: 'left' },
    );
  const inserted = new Set(changes.waitingInserts.map((w) => w.conversationId));
  const deleted = new Set(changes.waitingDeletes);
  const moved = [...changes.lastMessages].filter(([id]) => !inserted.has(id) && !deleted.has(id));
  await keepLaterTimes(
    db,
    templates,
    { table: 'report_waiting', key: 'conversation_id', column: 'last_message_at', part: 'moved' },
    moved,
  );
  await templates.runRows(
    db,
    'insertReportWaiting',
    changes.waitingInserts.map((w) => ({
      queued_event_id: w.queuedEventId,
      conversation_id: w.conversationId,
      started_at: w.startedAt,
      queued_at: w.queuedAt,
      queue_id: w.queueId,
      business_number_id: w.businessNumberId,
      last_message_at: w.lastMessageAt,
    })),
    (rows) =>
      db
        .insertInto('report_waiting')
        .values(rows)
        .onConflict((oc) => oc.column('queued_event_id').doNothing()),
    { writes: 'report_waiting', part: 'queued' },
  );
}

/**
 * Keeps the roll-up in step with a batch the transaction is appending (called before the batch is
 * inserted: what it reads is what came before).
 */
export async function rollUp(
  db: Db,
  dialect: StoreDialect,
  rows: readonly InteractionEventRow[],
  defaultServiceLevelMs = DEFAULT_SERVICE_LEVEL_MS,
  /** Whether a conversation has no stored event for certain (one this transaction inserted). */
  noneStored: (conversationId: string) => boolean = () => false,
): Promise<void> {
  if (rows.length === 0) return;
  const before = await conversationsSoFar(db, dialect, rows, noneStored);
  const serviceLevelOf = await serviceLevels(db, rows, defaultServiceLevelMs);
  await applyChanges(db, dialect, rollupChanges(rows, before, serviceLevelOf));
}

/**
 * Builds the roll-up and the waiting rows again from every stored event (migration 0023, the
 * bench after a bulk load): a UTC day of arrivals at a time — all of a slot's sums come from the
 * conversations that arrived in it, so each day's rows are written once.
 */
export async function rebuildReportRollup(
  db: Db,
  dialect: StoreDialect,
  defaultServiceLevelMs = DEFAULT_SERVICE_LEVEL_MS,
): Promise<void> {
  await db.deleteFrom('report_rollup').execute();
  await db.deleteFrom('report_waiting').execute();
  const levels = new Map(
    (await db.selectFrom('queues').select(['id', 'service_level_ms']).execute()).flatMap((q) =>
      q.service_level_ms === null ? [] : [[q.id, Number(q.service_level_ms)] as const],
    ),
  );
  const serviceLevelOf = (queueId: string | null): number =>
    (queueId === null ? undefined : levels.get(queueId)) ?? defaultServiceLevelMs;
  let cursor = Number.NEGATIVE_INFINITY;
  for (;;) {
    const next = await db
      .selectFrom('interaction_events')
      .select((eb) => eb.fn.min('started_at').as('first'))
      .where('started_at', '>=', Number.isFinite(cursor) ? cursor : Number.MIN_SAFE_INTEGER)
      .executeTakeFirst();
    if (next?.first === null || next?.first === undefined) return;
    const day = Math.floor(Number(next.first) / DAY_MS) * DAY_MS;
    const rows = await db
      .selectFrom('interaction_events')
      .selectAll()
      .where('started_at', '>=', day)
      .where('started_at', '<', day + DAY_MS)
      .orderBy('conversation_id')
      .orderBy('at')
      .orderBy('id')
      .execute();
    const changes = rollupChanges(rows.map(eventFromRow), new Map(), serviceLevelOf);
    // Every conversation's events are in its day: its waiting rows are inserted complete.
    await applyChanges(db, dialect, { ...changes, lastMessages: new Map() });
    cursor = day + DAY_MS;
  }
}

/** The buckets' terms as an inline table `t(i, s, g, lo, hi)`; null when a bound is off the quarter hours. */
function termsCte(query: ReportSumsQuery): RawBuilder<unknown> | null {
  const rows: RawBuilder<unknown>[] = [];
  for (const [i, b] of query.buckets.entries()) {
    const terms: RollupTerm[] | null = rollupTerms(b.start, b.end);
    if (terms === null) return null;
    for (const t of terms)
      rows.push(sql`(${int(i)}, ${int(t.sign)}, ${int(t.grain)}, ${int(t.from)}, ${int(t.to)})`);
  }
  return sql`t(i, s, g, lo, hi) as (values ${sql.join(rows)})`;
}

/** The waiting rows' key per dimension (null: they have none, all count under ''). */
const WAITING_KEY: Record<ReportSumsQuery['groupBy'], RawBuilder<unknown> | null> = {
  none: null,
  queue: sql`coalesce(w.queue_id, '')`,
  agent: null,
  number: sql`coalesce(w.business_number_id, '')`,
  reason: null,
};

type Cell = ReturnType<typeof zeroSums>;

/** Adds a measure's sums to its cell (or its wrap-ups). */
function addMeasure(cell: Cell, measure: string, n: number, total: number): void {
  switch (measure) {
    case 'offered':
      cell.offered += n;
      break;
    case 'answered':
      cell.answered += n;
      cell.answerMs += total;
      break;
    case 'within_sl':
      cell.answeredWithinServiceLevel += n;
      break;
    case 'abandoned':
      cell.abandoned += n;
      break;
    case 'handled':
      cell.handled += n;
      cell.handleMs += total;
      break;
    case 'first_response':
      cell.firstResponses += n;
      cell.firstResponseMs += total;
      break;
    case 'rona':
      cell.rona += n;
      break;
    case 'declined':
      cell.declined += n;
      break;
    case 'transferred':
      cell.transfers += n;
      break;
    case 'conference':
      cell.conferences += n;
      break;
    case 'csat':
      cell.csatAnswers += n;
      cell.csatScore += total;
      break;
    default:
      break;
  }
}

/**
 * The report from the roll-up: the signed terms of each bucket summed per key and measure, plus the
 * waiting rows silent long enough at the report's instant; null when a bucket is off the quarter hours.
 */
export async function rollupReport(
  db: Db,
  dialect: StoreDialect,
  query: ReportSumsQuery,
): Promise<{ sums: ReportSums[]; wrapUps: ReportWrapUps[] } | null> {
  const terms = termsCte(query);
  if (terms === null) return null;
  if (query.buckets.length === 0) throw new Error('a report needs at least one bucket');
  // One index range scan per term: SQLite keeps `t` as the outer loop of a CROSS JOIN; PostgreSQL
  // is told with LATERAL and OFFSET 0, which keeps it from flattening the subquery into a hash join
  // of every slot of the range against every term (measured: 150 ms -> 1 ms for 30 days).
  const match = sql`r.grain = t.g and r.dim = ${query.groupBy} and r.slot >= t.lo and r.slot < t.hi`;
  const from =
    dialect === 'postgres'
      ? sql`t cross join lateral (select r.key, r.measure, r.n, r.total from report_rollup r where ${match} offset 0) r`
      : sql`t cross join report_rollup r where ${match}`;
  const measured = await sql<{ bucket: unknown; key: string; measure: string; n: unknown; total: unknown }>`
    with ${terms}
    select t.i as bucket, r.key as key, r.measure as measure, sum(t.s * r.n) as n, sum(t.s * r.total) as total
    from ${from}
    group by t.i, r.key, r.measure`.execute(db);
  const buckets = query.buckets.map((b, i) => sql`(${int(i)}, ${int(b.start)}, ${int(b.end)})`);
  const waitingKey = WAITING_KEY[query.groupBy];
  const silentMatch = sql`w.started_at >= b.lo and w.started_at < b.hi
    and coalesce(w.last_message_at, w.queued_at) <= ${int(query.now - query.abandonAfterMs)}`;
  const waiting =
    dialect === 'postgres'
      ? sql`b cross join lateral (select w.queue_id, w.business_number_id from report_waiting w where ${silentMatch} offset 0) w`
      : sql`b cross join report_waiting w where ${silentMatch}`;
  const silent = await sql<{ bucket: unknown; key: string; n: unknown }>`
    with b(i, lo, hi) as (values ${sql.join(buckets)})
    select b.i as bucket, ${waitingKey ?? sql`''`} as key, count(*) as n
    from ${waiting}
    group by ${waitingKey === null ? sql`b.i` : sql`b.i, ${waitingKey}`}`.execute(db);
  const cells = new Map<string, Cell>();
  const cellOf = (bucket: number, key: string): Cell => {
    const id = `${bucket}|${key}`;
    let cell = cells.get(id);
    if (!cell) cells.set(id, (cell = zeroSums(bucket, key === '' ? null : key)));
    return cell;
  };
  const wrapUps = new Map<string, ReportWrapUps>();
  for (const r of measured.rows) {
    const bucket = Number(r.bucket);
    const n = Number(r.n);
    if (r.measure.startsWith(WRAP_PREFIX)) {
      if (n === 0) continue;
      const reason = r.measure.slice(WRAP_PREFIX.length);
      wrapUps.set(`${bucket}|${r.key}|${reason}`, {
        bucket,
        key: r.key === '' ? null : r.key,
        reasonId: reason === '' ? null : reason,
        count: n,
      });
      cellOf(bucket, r.key);
    } else addMeasure(cellOf(bucket, r.key), r.measure, n, Number(r.total));
  }
  for (const r of silent.rows) cellOf(Number(r.bucket), r.key).abandoned += Number(r.n);
  const wrapped = new Set([...wrapUps.values()].map((w) => `${w.bucket}|${w.key ?? ''}`));
  const sums = [...cells.entries()].filter(([id, c]) => wrapped.has(id) || counted(c)).map(([, c]) => c);
  return { sums, wrapUps: [...wrapUps.values()] };
}
