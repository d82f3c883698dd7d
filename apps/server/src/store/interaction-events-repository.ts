import { sql, type RawBuilder, type Transaction } from 'kysely';
import type {
  InteractionEventKind,
  InteractionEventRow,
  InteractionEventsRepository,
  ReportDimension,
  ReportSumsQuery,
  ReportSums,
  ReportWrapUps,
} from './ports/interaction-events.ts';
import { counted } from './report-rollup.ts';
import { eventFromRow, int, rebuildReportRollup, rollUp, rollupReport } from './report-rollup-rows.ts';
import type { StoreDialect } from './port.ts';
import { queryTemplates } from './query-template.ts';
import type { Database, InteractionEventsTable } from './schema.ts';

/** Rows per INSERT: 12 parameters a row stays under SQLite's and PostgreSQL's parameter limits. */
const INSERT_CHUNK = 1000;
/** Ids per `IN (...)` list. */
const IN_CHUNK = 500;

const DIMENSION_COLUMN: Record<ReportDimension, string | null> = {
  none: null,
  queue: 'queue_id',
  agent: 'agent_id',
  number: 'business_number_id',
  reason: 'reason_id',
};

function toRow(e: InteractionEventRow): InteractionEventsTable {
  return {
    id: e.id,
    kind: e.kind,
    at: e.at,
    conversation_id: e.conversationId,
    customer_id: e.customerId,
    started_at: e.startedAt,
    queue_id: e.queueId,
    agent_id: e.agentId,
    business_number_id: e.businessNumberId,
    duration_ms: e.durationMs,
    reason_id: e.reasonId,
    detail: e.detail,
  };
}

/** A text column of a raw row (ids): null stays null. */
function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * The buckets as an inline table `b(i, lo, hi)` and the range they cover. Queries read it as the
 * outer loop (`b cross join interaction_events`, which SQLite keeps in that order): one index range
 * scan per bucket, where the other order compared every event with every bucket (measured: 30 days
 * of 100k conversations, 288 ms -> see bench/src/reports.ts). Grouping by a range
 * join keeps time zones out of SQL: the service computes each bucket's bounds from the center's
 * zone (SQLite has none), so a DST day is simply a 23- or 25-hour range (ADR 22).
 */
function bucketsCte(query: ReportSumsQuery): { cte: RawBuilder<unknown>; from: number; to: number } {
  const first = query.buckets[0];
  const last = query.buckets.at(-1);
  if (!first || !last) throw new Error('a report needs at least one bucket');
  const rows = query.buckets.map((b, i) => sql`(${int(i)}, ${int(b.start)}, ${int(b.end)})`);
  return { cte: sql`b(i, lo, hi) as (values ${sql.join(rows)})`, from: first.start, to: last.end };
}

/** The dimension's column (null for none) and the GROUP BY that goes with it. */
function keyOf(groupBy: ReportDimension): { key: RawBuilder<unknown>; groups: RawBuilder<unknown> } {
  const column = DIMENSION_COLUMN[groupBy];
  if (column === null) return { key: sql`null`, groups: sql`b.i` };
  const ref = sql.ref(`e.${column}`);
  return { key: sql`${ref}`, groups: sql`b.i, ${ref}` };
}

/** The append-only interaction events (migration 0019) and the report queries over them. */
export class KyselyInteractionEventsRepository implements InteractionEventsRepository {
  /** Conversations this transaction wrote events of (`flush`). */
  readonly #written = new Set<string>();

  /**
   * `committed` is told of every append once its transaction has committed; `insertedHere` says
   * whether the transaction inserted a conversation (it has no stored event but this one's).
   */
  constructor(
    private readonly db: Transaction<Database>,
    private readonly dialect: StoreDialect,
    private readonly committed: (rows: readonly InteractionEventRow[]) => void = () => {},
    private readonly insertedHere: (conversationId: string) => boolean = () => false,
  ) {}

  /** Appended and not yet written: see `append`. */
  readonly #pending: InteractionEventRow[] = [];

  /**
   * Kept until the transaction reads events or reports, or commits (`flush`): a webhook batch makes
   * a routing decision per new conversation, each appending its events, and the roll-up costs five
   * statements per append. Written together they cost five for the transaction. The roll-up takes
   * a batch in the order the events happened, so the sums are the same.
   */
  append(rows: readonly InteractionEventRow[]): Promise<void> {
    this.#pending.push(...rows);
    return Promise.resolve();
  }

  /** Writes what `append` kept: before any read here, and before the commit (the store calls it). */
  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const rows = this.#pending.splice(0);
    await rollUp(
      this.db,
      this.dialect,
      rows,
      undefined,
      (id) => this.insertedHere(id) && !this.#written.has(id),
    );
    for (const row of rows) this.#written.add(row.conversationId);
    for (let i = 0; i < rows.length; i += INSERT_CHUNK)
      await queryTemplates(this.dialect).runRows(
        this.db,
        'insertInteractionEvents',
        rows.slice(i, i + INSERT_CHUNK).map(toRow),
        (r) => this.db.insertInto('interaction_events').values(r),
        { writes: 'interaction_events' },
      );
    this.committed(rows);
  }

  async eventsOf(conversationIds: readonly string[]): Promise<InteractionEventRow[]> {
    await this.flush();
    const out: InteractionEventRow[] = [];
    for (let i = 0; i < conversationIds.length; i += IN_CHUNK) {
      const rows = await this.db
        .selectFrom('interaction_events')
        .selectAll()
        .where('conversation_id', 'in', conversationIds.slice(i, i + IN_CHUNK))
        .execute();
      for (const row of rows) out.push(eventFromRow(row));
    }
    return out;
  }

  async startedSince(at: number): Promise<InteractionEventRow[]> {
    await this.flush();
    const rows = await this.db
      .selectFrom('interaction_events')
      .selectAll()
      .where('started_at', '>=', at)
      .orderBy('at')
      .execute();
    return rows.map(eventFromRow);
  }

  async conversationsWith(
    kind: InteractionEventKind,
    conversationIds: readonly string[],
  ): Promise<Set<string>> {
    if (conversationIds.length === 0) return new Set();
    await this.flush();
    const rows = await this.db
      .selectFrom('interaction_events')
      .select('conversation_id')
      .where('kind', '=', kind)
      .where('conversation_id', 'in', [...conversationIds])
      .execute();
    return new Set(rows.map((r) => r.conversation_id));
  }

  async eventsStartedIn(from: number, to: number): Promise<InteractionEventRow[]> {
    await this.flush();
    const rows = await this.db
      .selectFrom('interaction_events')
      .selectAll()
      .where('started_at', '>=', from)
      .where('started_at', '<', to)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map(eventFromRow);
  }

  async report(query: ReportSumsQuery): Promise<{ sums: ReportSums[]; wrapUps: ReportWrapUps[] }> {
    await this.flush();
    const rolled = await rollupReport(this.db, this.dialect, query);
    if (rolled) return rolled;
    const [sums, wrapUps] = [await this.reportSums(query), await this.reportWrapUps(query)];
    const wrapped = new Set(wrapUps.map((w) => `${w.bucket}|${w.key ?? ''}`));
    return { sums: sums.filter((c) => counted(c) || wrapped.has(`${c.bucket}|${c.key ?? ''}`)), wrapUps };
  }

  async rebuildRollup(): Promise<void> {
    await this.flush();
    await rebuildReportRollup(this.db, this.dialect);
  }

  async reportSums(query: ReportSumsQuery): Promise<ReportSums[]> {
    await this.flush();
    const { cte, from, to } = bucketsCte(query);
    const { key, groups } = keyOf(query.groupBy);
    const count = (cond: RawBuilder<unknown>): RawBuilder<number> =>
      sql<number>`sum(case when ${cond} then 1 else 0 end)`;
    const total = (cond: RawBuilder<unknown>): RawBuilder<number> =>
      sql<number>`sum(case when ${cond} then e.duration_ms else 0 end)`;
    const answered = sql`e.kind = 'answered'`;
    const handled = sql`e.kind = 'wrapped_up' and e.detail = 'owner'`;
    const firstResponse = sql`e.kind = 'first_response'`;
    // ADR 22: queued, never answered, and ended or its customer silent for `abandonAfterMs`.
    const abandoned = sql`e.kind = 'queued'
      and not exists (select 1 from interaction_events a
                      where a.conversation_id = e.conversation_id and a.kind = 'answered')
      and (exists (select 1 from interaction_events x
                   where x.conversation_id = e.conversation_id and x.kind = 'ended')
           or coalesce((select max(m.at) from interaction_events m
                        where m.conversation_id = e.conversation_id and m.kind = 'customer_message'),
                       e.at) + ${int(query.abandonAfterMs)} <= ${int(query.now)})`;
    const result = await sql<Record<string, unknown>>`
      with ${cte}
      select b.i as bucket, ${key} as key,
        ${count(sql`e.kind = 'queued'`)} as offered,
        ${count(answered)} as answered,
        ${count(sql`${answered} and e.duration_ms <= coalesce(q.service_level_ms, ${int(query.defaultServiceLevelMs)})`)} as within_sl,
        ${total(answered)} as answer_ms,
        ${count(abandoned)} as abandoned,
        ${count(handled)} as handled,
        ${total(handled)} as handle_ms,
        ${count(firstResponse)} as first_responses,
        ${total(firstResponse)} as first_response_ms,
        ${count(sql`e.kind = 'rona'`)} as rona,
        ${count(sql`e.kind = 'declined'`)} as declined,
        ${count(sql`e.kind = 'transferred'`)} as transfers,
        ${count(sql`e.kind = 'conference'`)} as conferences,
        ${count(sql`e.kind = 'csat'`)} as csat_answers,
        sum(case when e.kind = 'csat' then cast(e.detail as integer) else 0 end) as csat_score
      from b
      cross join interaction_events e
      left join queues q on q.id = e.queue_id
      where e.started_at >= b.lo and e.started_at < b.hi
        and e.started_at >= ${int(from)} and e.started_at < ${int(to)}
      group by ${groups}
      order by b.i`.execute(this.db);
    return result.rows.map((r) => ({
      bucket: Number(r.bucket),
      key: textOrNull(r.key),
      offered: Number(r.offered),
      answered: Number(r.answered),
      answeredWithinServiceLevel: Number(r.within_sl),
      answerMs: Number(r.answer_ms),
      abandoned: Number(r.abandoned),
      handled: Number(r.handled),
      handleMs: Number(r.handle_ms),
      firstResponses: Number(r.first_responses),
      firstResponseMs: Number(r.first_response_ms),
      rona: Number(r.rona),
      declined: Number(r.declined),
      transfers: Number(r.transfers),
      conferences: Number(r.conferences),
      csatAnswers: Number(r.csat_answers),
      csatScore: Number(r.csat_score),
    }));
  }

  async reportWrapUps(query: ReportSumsQuery): Promise<ReportWrapUps[]> {
    await this.flush();
    const { cte, from, to } = bucketsCte(query);
    const { key, groups } = keyOf(query.groupBy);
    const result = await sql<Record<string, unknown>>`
      with ${cte}
      select b.i as bucket, ${key} as key, e.reason_id as reason_id, count(*) as n
      from b
      cross join interaction_events e
      where e.started_at >= b.lo and e.started_at < b.hi
        and e.kind = 'wrapped_up' and e.started_at >= ${int(from)} and e.started_at < ${int(to)}
      group by ${groups}, e.reason_id
      order by b.i`.execute(this.db);
    return result.rows.map((r) => ({
      bucket: Number(r.bucket),
      key: textOrNull(r.key),
      reasonId: textOrNull(r.reason_id),
      count: Number(r.n),
    }));
  }
}
