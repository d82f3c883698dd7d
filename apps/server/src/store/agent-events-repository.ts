import type { Selectable, Transaction } from 'kysely';
import { fromJson, toJson } from './columns.ts';
import type { StoreDialect } from './port.ts';
import { queryTemplates, type QueryTemplates } from './query-template.ts';
import type { AgentEventRow, AgentEventsRepository, AgentEventToAppend } from './ports/agent-events.ts';
import type { AgentEventsTable, Database } from './schema.ts';

/** The per-agent event log over `agent_seqs` (the counters) and `agent_events`. */
export class KyselyAgentEventsRepository implements AgentEventsRepository {
  /** Every push to a desktop appends here: its two statements are compiled once. */
  readonly #templates: QueryTemplates;

  constructor(
    private readonly db: Transaction<Database>,
    dialect: StoreDialect,
  ) {
    this.#templates = queryTemplates(dialect);
  }

  async appendAgentEvents(events: readonly AgentEventToAppend[]): Promise<number[]> {
    if (events.length === 0) return [];
    // Each agent's counter moves once, by its count, in one upsert for the transaction, its rows in
    // agent-id order: a counter's row lock serialises concurrent appends for one agent (PostgreSQL,
    // even without the routing lock), so seqs never collide and never skip, and two transactions
    // appending for the same agents take those locks in the same order, so neither waits for the
    // other in a cycle (a deadlock PostgreSQL ends after a second by aborting one).
    const counts = new Map<string, number>();
    for (const { agentId } of events) counts.set(agentId, (counts.get(agentId) ?? 0) + 1);
    const bumps = [...counts]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([agent_id, seq]) => ({ agent_id, seq }));
    const { rows } = await this.#templates.runRows(this.db, 'bumpAgentSeqs', bumps, (r) =>
      this.db
        .insertInto('agent_seqs')
        .values(r)
        .onConflict((oc) =>
          oc
            .column('agent_id')
            .doUpdateSet((eb) => ({ seq: eb('agent_seqs.seq', '+', eb.ref('excluded.seq')) })),
        )
        .returning(['agent_id', 'seq']),
    );
    // The first seq each agent's events take: its new last seq less its count, plus one.
    const next = new Map(
      rows.map((row) => [row.agent_id, Number(row.seq) - (counts.get(row.agent_id) ?? 0) + 1]),
    );
    const appended = events.map(({ agentId, event, at }) => {
      const seq = next.get(agentId);
      if (seq === undefined) throw new Error('appendAgentEvents: no seq returned');
      next.set(agentId, seq + 1);
      return { agent_id: agentId, seq, event: toJson(event), at };
    });
    await this.#templates.runRows(this.db, 'appendAgentEvents', appended, (r) =>
      this.db.insertInto('agent_events').values(r),
    );
    return appended.map((row) => row.seq);
  }

  async agentEventsAfter(agentId: string, afterSeq: number, limit: number): Promise<AgentEventRow[]> {
    const rows = await this.db
      .selectFrom('agent_events')
      .select(['seq', 'event'])
      .where('agent_id', '=', agentId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(agentEventFromRow);
  }

  async lastAgentSeq(agentId: string): Promise<number> {
    const row = await this.db
      .selectFrom('agent_seqs')
      .select('seq')
      .where('agent_id', '=', agentId)
      .executeTakeFirst();
    return row?.seq ?? 0;
  }

  async pruneAgentEvents(before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('agent_events')
      .where('at', '<', before)
      .where((eb) =>
        eb(
          'seq',
          '<',
          eb
            .selectFrom('agent_events as newest')
            .select((s) => s.fn.max('newest.seq').as('seq'))
            .whereRef('newest.agent_id', '=', 'agent_events.agent_id'),
        ),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

// --- row mapping of `agent_events` ---

function agentEventFromRow(row: Pick<Selectable<AgentEventsTable>, 'seq' | 'event'>): AgentEventRow {
  return { seq: row.seq, event: fromJson(row.event) };
}
