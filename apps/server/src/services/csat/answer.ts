/**
 * Issue 18 (ADR 28): a customer's tap on a survey's option. It belongs to the surveyed
 * conversation (stored there by the ingest, never routed as a new conversation); the first answer
 * before the survey expires is recorded, with its interaction event, in the ingest's transaction.
 */
import { randomUUID } from 'node:crypto';
import { isKnownMessage, type InboundMessage } from '@parlo/whatsapp';
import { timeOrderedId, type Outgoing } from '../../platform/index.ts';
import type { CsatSurveyRow, MessageRow, StoreTx } from '../../store/index.ts';
import { enqueueSend } from '../conversations/index.ts';
import { decideCsatAnswer, isCsatReplyId, surveyOfReply, type CsatVerdict } from './decision.ts';
import { pickLanguage, readCsatSettings } from './settings.ts';
import { AUTOMATIC_AUTHOR } from './survey.ts';

/** What a reply button or list row tap carries: the option's id, and the message it answers. */
export interface SurveyReply {
  readonly replyId: string;
  /** WhatsApp's `context.id`: the wamid of the message the customer tapped in. */
  readonly contextWamid: string | undefined;
}

/** The option id and context of an interactive reply whose id is a survey's; undefined otherwise. */
export function surveyReplyOf(message: InboundMessage): SurveyReply | undefined {
  if (!isKnownMessage(message) || message.type !== 'interactive') return undefined;
  const reply = message.interactive;
  const replyId = reply.type === 'button_reply' ? reply.button_reply.id : reply.list_reply.id;
  if (!isCsatReplyId(replyId)) return undefined;
  return { replyId, contextWamid: message.context?.id };
}

/**
 * The survey a tap answers: the one whose message it was tapped in (`context.id`), else the
 * customer's latest. Undefined: the customer was never surveyed — an ordinary message then.
 */
export async function surveyOf(
  tx: StoreTx,
  customerId: string,
  reply: SurveyReply,
): Promise<CsatSurveyRow | undefined> {
  let byContext: CsatSurveyRow | undefined;
  if (reply.contextWamid !== undefined) {
    const asked = await tx.findMessageByWamid(reply.contextWamid);
    const survey = asked ? await tx.csat.findByMessageId(asked.id) : undefined;
    // Only the customer's own survey: a context naming someone else's message is not an answer.
    if (survey?.customerId === customerId) byContext = survey;
  }
  return surveyOfReply(byContext, byContext ? undefined : await tx.csat.latestOfCustomer(customerId));
}

/**
 * Records the answer `row` (already stored in the survey's conversation) when the decision says
 * so: the score on the survey, a `csat` interaction event (ADR 22), and the thank-you message when
 * the administrator wrote one. A late or repeated answer is kept as a message and nothing more.
 */
export async function recordSurveyAnswer(
  tx: StoreTx,
  out: Outgoing,
  survey: CsatSurveyRow,
  reply: SurveyReply,
  row: MessageRow,
  now: number,
): Promise<CsatVerdict> {
  const verdict = decideCsatAnswer(survey, { replyId: reply.replyId, at: row.sentAt });
  out.touch(survey.conversationId);
  if (verdict.kind !== 'record') return verdict;
  const answer = { answeredAt: row.sentAt, score: verdict.score, answerWamid: row.wamid ?? row.id };
  // A concurrent answer recorded first: this one is a repeat.
  if (!(await tx.csat.recordAnswer(survey.conversationId, answer)))
    return { kind: 'ignore', reason: 'repeated' };
  const [details] = await tx.getConversationDetails([survey.conversationId]);
  await tx.interactionEvents.append([
    {
      id: timeOrderedId('ie', row.sentAt),
      kind: 'csat',
      at: row.sentAt,
      conversationId: survey.conversationId,
      customerId: survey.customerId,
      startedAt: details?.receivedAt ?? survey.sentAt,
      queueId: details?.queueId ?? null,
      agentId: survey.agentId,
      businessNumberId: details?.businessNumberId ?? null,
      durationMs: null,
      reasonId: null,
      detail: String(verdict.score),
    },
  ]);
  const settings = await readCsatSettings(tx);
  const language = pickLanguage((await tx.findCustomerProfile(survey.customerId))?.language);
  const thanks = language === 'it' ? settings.thanksIt : settings.thanksEn;
  // The customer just wrote: their 24-hour window is open for a plain text.
  if (thanks !== '' && (details?.businessNumberDeleted ?? false) === false) {
    const { message, created } = await tx.insertOutboundMessage({
      id: `msg_${randomUUID()}`,
      conversationId: survey.conversationId,
      direction: 'outbound',
      wamid: null,
      kind: 'text',
      text: thanks,
      content: null,
      replyToWamid: null,
      authorName: AUTOMATIC_AUTHOR,
      authorUserId: null,
      sentAt: now,
      createdAt: now,
      status: 'pending',
      failureReason: null,
      clientMessageId: `csat-thanks:${survey.conversationId}`,
    });
    if (created) await enqueueSend(tx, message, now);
  }
  return verdict;
}
