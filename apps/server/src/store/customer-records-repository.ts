import type { Selectable, Transaction } from 'kysely';
import { IN_LIST_CHUNK } from './columns.ts';
import type {
  CadVariableDefinitionRow,
  ConversationVariableRow,
  CustomerProfilePatch,
  CustomerProfileRow,
  CustomerRecordsRepository,
  HistoryConversationRow,
  HistoryCursor,
} from './ports/customer-records.ts';
import type { ConversationVariablesTable, Database } from './schema.ts';

/**
 * Customer profiles, interaction history and custom CAD variables over `customers` (the columns of
 * migration 0015), `conversations`, `participant_wrap_ups`, `messages`, `conversation_variables`
 * and `cad_variable_definitions`.
 */
export class KyselyCustomerRecordsRepository implements CustomerRecordsRepository {
  constructor(private readonly db: Transaction<Database>) {}

  // --- the customer ---

  async findCustomerProfile(customerId: string): Promise<CustomerProfileRow | undefined> {
    const row = await this.db
      .selectFrom('customers as cu')
      .innerJoin('business_numbers as b', 'b.id', 'cu.business_number_id')
      .select([
        'cu.id',
        'cu.business_number_id',
        'b.display_phone_number',
        'cu.wa_id',
        'cu.name',
        'cu.user_id',
        'cu.username',
        'cu.marketing_opted_out_at',
        'cu.display_name',
        'cu.language',
        'cu.notes',
      ])
      .where('cu.id', '=', customerId)
      .executeTakeFirst();
    if (!row) return undefined;
    // conversations_customer_idx: the customer's conversations only, however long the history.
    const seen = await this.db
      .selectFrom('conversations')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('count'),
        eb.fn.min('received_at').as('first'),
        eb.fn.max(eb.fn.coalesce('last_inbound_at', 'received_at')).as('last'),
      ])
      .where('customer_id', '=', customerId)
      .executeTakeFirstOrThrow();
    const instant = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
    return {
      id: row.id,
      businessNumberId: row.business_number_id,
      businessDisplayNumber: row.display_phone_number,
      waId: row.wa_id,
      name: row.name,
      userId: row.user_id,
      username: row.username,
      marketingOptedOutAt: row.marketing_opted_out_at,
      displayName: row.display_name,
      language: row.language,
      notes: row.notes,
      firstSeenAt: instant(seen.first),
      lastSeenAt: instant(seen.last),
      conversationCount: Number(seen.count),
    };
  }

  async updateCustomerProfile(customerId: string, patch: CustomerProfilePatch, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('customers')
      .set({
        ...(patch.displayName === undefined ? {} : { display_name: patch.displayName }),
        ...(patch.language === undefined ? {} : { language: patch.language }),
        ...(patch.notes === undefined ? {} : { notes: patch.notes }),
        profile_updated_at: at,
      })
      .where('id', '=', customerId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // --- history ---

  async listCustomerConversations(
    customerId: string,
    page: { readonly before?: HistoryCursor | undefined; readonly limit: number },
  ): Promise<HistoryConversationRow[]> {
    const before = page.before;
    let q = this.#historyQuery().where('c.customer_id', '=', customerId).where('c.phase_kind', '=', 'closed');
    if (before !== undefined)
      q = q.where((eb) =>
        eb.or([
          eb('c.received_at', '<', before.at),
          eb.and([eb('c.received_at', '=', before.at), eb('c.id', '<', before.id)]),
        ]),
      );
    const rows = await q.orderBy('c.received_at', 'desc').orderBy('c.id', 'desc').limit(page.limit).execute();
    return rows.map(historyFromRow);
  }

  async listRecentConversationsOfAgent(
    agentId: string,
    page: { readonly before?: HistoryCursor | undefined; readonly limit: number },
  ): Promise<HistoryConversationRow[]> {
    const before = page.before;
    let q = this.#historyQuery()
      .where('c.phase_kind', '=', 'closed')
      .where((eb) =>
        eb.or([
          eb('c.phase_agent_id', '=', agentId),
          eb(
            'c.id',
            'in',
            eb.selectFrom('participant_wrap_ups').select('conversation_id').where('agent_id', '=', agentId),
          ),
        ]),
      );
    if (before !== undefined)
      q = q.where((eb) =>
        eb.or([
          eb('c.closed_at', '<', before.at),
          eb.and([eb('c.closed_at', '=', before.at), eb('c.id', '<', before.id)]),
        ]),
      );
    const rows = await q.orderBy('c.closed_at', 'desc').orderBy('c.id', 'desc').limit(page.limit).execute();
    return rows.map(historyFromRow);
  }

  async findHistoryConversation(conversationId: string): Promise<HistoryConversationRow | undefined> {
    const row = await this.#historyQuery().where('c.id', '=', conversationId).executeTakeFirst();
    return row && historyFromRow(row);
  }

  async participantsOf(conversationIds: readonly string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    const add = (conversationId: string, agentId: string | null): void => {
      if (agentId === null) return;
      const list = result.get(conversationId) ?? [];
      if (!list.includes(agentId)) list.push(agentId);
      result.set(conversationId, list);
    };
    for (let start = 0; start < conversationIds.length; start += IN_LIST_CHUNK) {
      const chunk = conversationIds.slice(start, start + IN_LIST_CHUNK);
      const departed = await this.db
        .selectFrom('participant_wrap_ups')
        .select(['conversation_id', 'agent_id'])
        .where('conversation_id', 'in', chunk)
        .orderBy('accepted_at')
        .execute();
      for (const row of departed) add(row.conversation_id, row.agent_id);
      const owners = await this.db
        .selectFrom('conversations')
        .select(['id', 'phase_agent_id'])
        .where('id', 'in', chunk)
        .execute();
      for (const row of owners) add(row.id, row.phase_agent_id);
    }
    return result;
  }

  async firstLinesOf(
    conversationIds: readonly string[],
    perConversation: number,
  ): Promise<Map<string, { text: string; direction: string; authorName: string; content: string | null }[]>> {
    const result = new Map<
      string,
      { text: string; direction: string; authorName: string; content: string | null }[]
    >();
    // One indexed read per conversation (messages_conversation_order_idx), a page of them at most.
    for (const conversationId of conversationIds) {
      const rows = await this.db
        .selectFrom('messages')
        .select(['text', 'direction', 'author_name', 'content'])
        .where('conversation_id', '=', conversationId)
        .where('direction', '<>', 'system')
        .where('kind', '<>', 'reaction')
        .orderBy('sent_at')
        .orderBy('created_at')
        .orderBy('id')
        .limit(perConversation)
        .execute();
      result.set(
        conversationId,
        rows.map((r) => ({
          text: r.text,
          direction: r.direction,
          authorName: r.author_name,
          content: r.content,
        })),
      );
    }
    return result;
  }

  async agentTookPartWithCustomer(agentId: string, customerId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('conversations as c')
      .select('c.id')
      .where('c.customer_id', '=', customerId)
      .where((eb) =>
        eb.or([
          eb.and([eb('c.phase_kind', '=', 'closed'), eb('c.phase_agent_id', '=', agentId)]),
          eb.exists(
            eb
              .selectFrom('participant_wrap_ups as p')
              .select('p.id')
              .whereRef('p.conversation_id', '=', 'c.id')
              .where('p.agent_id', '=', agentId),
          ),
        ]),
      )
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  // --- CAD variables ---

  async variableFactsOf(conversationId: string): Promise<{
    firstInboundContent: string | null;
    systemNotes: { text: string; sentAt: number }[];
  }> {
    const first = await this.db
      .selectFrom('messages')
      .select('content')
      .where('conversation_id', '=', conversationId)
      .where('direction', '=', 'inbound')
      .orderBy('sent_at')
      .orderBy('created_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    const notes = await this.db
      .selectFrom('messages')
      .select(['text', 'sent_at'])
      .where('conversation_id', '=', conversationId)
      .where('direction', '=', 'system')
      .orderBy('sent_at')
      .orderBy('created_at')
      .orderBy('id')
      .limit(200)
      .execute();
    return {
      firstInboundContent: first?.content ?? null,
      systemNotes: notes.map((n) => ({ text: n.text, sentAt: n.sent_at })),
    };
  }

  async listConversationVariables(conversationId: string): Promise<ConversationVariableRow[]> {
    const rows = await this.db
      .selectFrom('conversation_variables')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('key')
      .execute();
    return rows.map(variableFromRow);
  }

  async setConversationVariables(
    conversationId: string,
    entries: readonly { readonly key: string; readonly value: string | null }[],
    at: number,
    by: string,
  ): Promise<void> {
    for (const entry of entries) {
      const value = entry.value;
      if (value === null) {
        await this.db
          .deleteFrom('conversation_variables')
          .where('conversation_id', '=', conversationId)
          .where('key', '=', entry.key)
          .execute();
        continue;
      }
      await this.db
        .insertInto('conversation_variables')
        .values({ conversation_id: conversationId, key: entry.key, value, updated_at: at, updated_by: by })
        .onConflict((oc) =>
          oc.columns(['conversation_id', 'key']).doUpdateSet({ value, updated_at: at, updated_by: by }),
        )
        .execute();
    }
  }

  async listCadVariableDefinitions(): Promise<CadVariableDefinitionRow[]> {
    const rows = await this.db.selectFrom('cad_variable_definitions').selectAll().orderBy('key').execute();
    return rows.map((r) => ({ key: r.key, agentEditable: r.agent_editable === 1 }));
  }

  async putCadVariableDefinition(definition: CadVariableDefinitionRow): Promise<void> {
    const agent_editable = definition.agentEditable ? 1 : 0;
    await this.db
      .insertInto('cad_variable_definitions')
      .values({ key: definition.key, agent_editable })
      .onConflict((oc) => oc.column('key').doUpdateSet({ agent_editable }))
      .execute();
  }

  async deleteCadVariableDefinition(key: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('cad_variable_definitions')
      .where('key', '=', key)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  #historyQuery() {
    return this.db
      .selectFrom('conversations as c')
      .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
      .innerJoin('business_numbers as b', 'b.id', 'c.business_number_id')
      .innerJoin('queues as q', 'q.id', 'c.queue_id')
      .leftJoin('wrap_up_reasons as r', 'r.id', 'c.wrap_up_reason_id')
      .select([
        'c.id',
        'c.customer_id',
        'cu.name as customer_name',
        'cu.display_name as customer_display_name',
        'cu.wa_id as customer_wa_id',
        'cu.username as customer_username',
        'c.business_number_id',
        'b.display_phone_number',
        'c.queue_id',
        'q.name as queue_name',
        'c.phase_kind',
        'c.received_at',
        'c.accepted_at',
        'c.ended_at',
        'c.closed_at',
        'c.phase_agent_id',
        'r.name as reason_name',
      ]);
  }
}

// --- row mapping ---

interface HistoryRow {
  id: string;
  customer_id: string;
  customer_name: string;
  customer_display_name: string | null;
  customer_wa_id: string;
  customer_username: string | null;
  business_number_id: string;
  display_phone_number: string;
  queue_id: string;
  queue_name: string;
  phase_kind: string;
  received_at: number;
  accepted_at: number | null;
  ended_at: number | null;
  closed_at: number | null;
  phase_agent_id: string | null;
  reason_name: string | null;
}

function historyFromRow(row: HistoryRow): HistoryConversationRow {
  return {
    id: row.id,
    customerId: row.customer_id,
    customerName: row.customer_name,
    customerDisplayName: row.customer_display_name,
    customerWaId: row.customer_wa_id,
    customerUsername: row.customer_username,
    businessNumberId: row.business_number_id,
    businessDisplayNumber: row.display_phone_number,
    queueId: row.queue_id,
    queueName: row.queue_name,
    phaseKind: row.phase_kind,
    receivedAt: row.received_at,
    acceptedAt: row.accepted_at,
    endedAt: row.ended_at,
    closedAt: row.closed_at,
    ownerId: row.phase_agent_id,
    wrapUpReasonName: row.reason_name,
  };
}

function variableFromRow(row: Selectable<ConversationVariablesTable>): ConversationVariableRow {
  return {
    conversationId: row.conversation_id,
    key: row.key,
    value: row.value,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}
