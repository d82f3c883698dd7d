import type { Selectable, Transaction } from 'kysely';
import { fromJson, toJson } from './columns.ts';
import type { StoreDialect } from './port.ts';
import { queryTemplates, type QueryTemplates } from './query-template.ts';
import type { AgentEventRow, AgentEventsRepository } from './ports/agent-events.ts';
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

  async appendAgentEvent(agentId: string, event: unknown, at: number): Promise<number> {
    // A counter row bumped by an upsert: its row lock serialises concurrent appends for one agent
    // even without the routing lock (PostgreSQL), so seqs never collide and never skip.
    const { rows } = await this.#templates.run(this.db, 'bumpAgentSeq', { agentId }, (a) =>
      this.db
        .insertInto('agent_seqs')
        .values({ agent_id: a.agentId, seq: 1 })
        .onConflict((oc) =>
          oc.column('agent_id').doUpdateSet((eb) => ({ seq: eb('agent_seqs.seq', '+', 1) })),
        )
        .returning('seq'),
    );
    const counter = rows[0];
    if (!counter) throw new Error('appendAgentEvent: no seq returned');
    const seq = Number(counter.seq);
    const row = { agent_id: agentId, seq, event: toJson(event), at };
    await this.#templates.run(this.db, 'appendAgentEvent', row, (r) =>
      this.db.insertInto('agent_events').values(r),
    );
    return seq;
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
