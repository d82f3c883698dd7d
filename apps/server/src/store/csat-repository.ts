import type { Selectable, Transaction } from 'kysely';
import type { CsatAnswer, CsatRepository, CsatScaleKind, CsatSurveyRow } from './ports/csat.ts';
import type { CsatSurveysTable, Database } from './schema.ts';

const toRow = (r: Selectable<CsatSurveysTable>): CsatSurveyRow => ({
  conversationId: r.conversation_id,
  customerId: r.customer_id,
  messageId: r.message_id,
  agentId: r.agent_id,
  scale: r.scale === 'five' ? 'five' : ('three' satisfies CsatScaleKind),
  sentAt: Number(r.sent_at),
  expiresAt: Number(r.expires_at),
  answeredAt: r.answered_at === null ? null : Number(r.answered_at),
  score: r.score === null ? null : Number(r.score),
  answerWamid: r.answer_wamid,
});

/** CSAT surveys over `csat_surveys` (migration 0026). */
export class KyselyCsatRepository implements CsatRepository {
  constructor(private readonly db: Transaction<Database>) {}

  async insert(row: CsatSurveyRow): Promise<boolean> {
    const result = await this.db
      .insertInto('csat_surveys')
      .values({
        conversation_id: row.conversationId,
        customer_id: row.customerId,
        message_id: row.messageId,
        agent_id: row.agentId,
        scale: row.scale,
        sent_at: row.sentAt,
        expires_at: row.expiresAt,
        answered_at: row.answeredAt,
        score: row.score,
        answer_wamid: row.answerWamid,
      })
      .onConflict((oc) => oc.column('conversation_id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async find(conversationId: string): Promise<CsatSurveyRow | undefined> {
    const row = await this.db
      .selectFrom('csat_surveys')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    return row && toRow(row);
  }

  async findMany(conversationIds: readonly string[]): Promise<CsatSurveyRow[]> {
    if (conversationIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('csat_surveys')
      .selectAll()
      .where('conversation_id', 'in', [...conversationIds])
      .execute();
    return rows.map(toRow);
  }

  async findByMessageId(messageId: string): Promise<CsatSurveyRow | undefined> {
    const row = await this.db
      .selectFrom('csat_surveys')
      .selectAll()
      .where('message_id', '=', messageId)
      .executeTakeFirst();
    return row && toRow(row);
  }

  async latestOfCustomer(customerId: string): Promise<CsatSurveyRow | undefined> {
    const row = await this.db
      .selectFrom('csat_surveys')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('sent_at', 'desc')
      .orderBy('conversation_id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toRow(row);
  }

  async recordAnswer(conversationId: string, answer: CsatAnswer): Promise<boolean> {
    const result = await this.db
      .updateTable('csat_surveys')
      .set({ answered_at: answer.answeredAt, score: answer.score, answer_wamid: answer.answerWamid })
      .where('conversation_id', '=', conversationId)
      .where('answered_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
