/**
 * Issue 18 (ADR 28): CSAT surveys, one per conversation, and the answer recorded on it. Ids,
 * instants and a score only: the customer's words stay in their message.
 */

/** `three`: three faces (scores 1, 3, 5); `five`: 1 to 5. */
export type CsatScaleKind = 'three' | 'five';

export interface CsatSurveyRow {
  readonly conversationId: string;
  readonly customerId: string;
  /** The outbound message that asks the question. */
  readonly messageId: string;
  /** The owner who wrapped the conversation up. */
  readonly agentId: string | null;
  readonly scale: CsatScaleKind;
  readonly sentAt: number;
  /** Answers after this instant are late: ignored. */
  readonly expiresAt: number;
  readonly answeredAt: number | null;
  /** 1..5; null until answered. */
  readonly score: number | null;
  /** The wamid of the customer's answer. */
  readonly answerWamid: string | null;
}

/** What recording an answer sets. */
export interface CsatAnswer {
  readonly answeredAt: number;
  readonly score: number;
  readonly answerWamid: string;
}

export interface CsatRepository {
  /** Stores a new survey; false (and nothing written) when the conversation has one already. */
  insert(row: CsatSurveyRow): Promise<boolean>;
  find(conversationId: string): Promise<CsatSurveyRow | undefined>;
  /** Several conversations' surveys at once (history lists); the missing ones are absent. */
  findMany(conversationIds: readonly string[]): Promise<CsatSurveyRow[]>;
  /** The survey a message asks (a reply's `context.id` names that message). */
  findByMessageId(messageId: string): Promise<CsatSurveyRow | undefined>;
  /** The customer's most recent survey (indexed). */
  latestOfCustomer(customerId: string): Promise<CsatSurveyRow | undefined>;
  /**
   * Records the answer only while the survey has none (a conditional update, so two concurrent
   * answers record one); true when this call recorded it.
   */
  recordAnswer(conversationId: string, answer: CsatAnswer): Promise<boolean>;
}
