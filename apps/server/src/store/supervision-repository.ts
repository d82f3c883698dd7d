import type { Transaction } from 'kysely';
import { IN_LIST_CHUNK } from './columns.ts';
import type { ConversationSupervisorRow, SupervisionRepository } from './ports/supervision.ts';
import type { Database } from './schema.ts';

/** `conversation_supervisors` (issue 16): supervisors monitoring or barged into conversations. */
export class KyselySupervisionRepository implements SupervisionRepository {
  constructor(private readonly db: Transaction<Database>) {}

  async add(row: ConversationSupervisorRow): Promise<void> {
    await this.db
      .insertInto('conversation_supervisors')
      .values({
        conversation_id: row.conversationId,
        supervisor_id: row.supervisorId,
        mode: row.mode,
        node_id: row.nodeId,
        since: row.since,
      })
      .onConflict((oc) => oc.columns(['conversation_id', 'supervisor_id', 'mode', 'node_id']).doNothing())
      .execute();
  }

  async remove(key: Omit<ConversationSupervisorRow, 'since'>): Promise<boolean> {
    const rows = await this.db
      .deleteFrom('conversation_supervisors')
      .where('conversation_id', '=', key.conversationId)
      .where('supervisor_id', '=', key.supervisorId)
      .where('mode', '=', key.mode)
      .where('node_id', '=', key.nodeId)
      .returning('since')
      .execute();
    return rows.length > 0;
  }

  async ofConversations(conversationIds: readonly string[]): Promise<ConversationSupervisorRow[]> {
    const result: ConversationSupervisorRow[] = [];
    for (let start = 0; start < conversationIds.length; start += IN_LIST_CHUNK) {
      const rows = await this.db
        .selectFrom('conversation_supervisors')
        .selectAll()
        .where('conversation_id', 'in', conversationIds.slice(start, start + IN_LIST_CHUNK))
        .orderBy('since')
        .execute();
      result.push(...rows.map(fromRow));
    }
    return result;
  }

  async bargedIn(): Promise<ConversationSupervisorRow[]> {
    const rows = await this.db
      .selectFrom('conversation_supervisors')
      .selectAll()
      .where('mode', '=', 'barge')
      .orderBy('since')
      .execute();
    return rows.map(fromRow);
  }

  async lastOutboundAt(conversationIds: readonly string[]): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    for (let start = 0; start < conversationIds.length; start += IN_LIST_CHUNK) {
      const rows = await this.db
        .selectFrom('messages')
        .select(['conversation_id'])
        .select((eb) => eb.fn.max('sent_at').as('at'))
        .where('conversation_id', 'in', conversationIds.slice(start, start + IN_LIST_CHUNK))
        .where('direction', '=', 'outbound')
        .groupBy('conversation_id')
        .execute();
      for (const row of rows) if (row.at !== null) result.set(row.conversation_id, Number(row.at));
    }
    return result;
  }

  async removeConversation(conversationId: string): Promise<void> {
    await this.db
      .deleteFrom('conversation_supervisors')
      .where('conversation_id', '=', conversationId)
      .execute();
  }
}

function fromRow(row: {
  conversation_id: string;
  supervisor_id: string;
  mode: 'monitor' | 'barge';
  node_id: string;
  since: number;
}): ConversationSupervisorRow {
  return {
    conversationId: row.conversation_id,
    supervisorId: row.supervisor_id,
    mode: row.mode,
    nodeId: row.node_id,
    since: Number(row.since),
  };
}
