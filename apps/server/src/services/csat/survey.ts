/**
 * Issue 18 (ADR 28): the survey sent after a conversation's wrap-up, in the wrap-up's transaction:
 * an outbound message row (no author: an automatic message) with its outbox row, and the survey.
 */
import type { MessageContent } from '@parlo/protocol';
import { SERVICE_WINDOW_MS } from '@parlo/whatsapp';
import type { Outgoing } from '../../platform/index.ts';
import type { ConversationDetails, MessageRow, StoreTx } from '../../store/index.ts';
import { enqueueSend } from '../conversations/index.ts';
import { csatOptions } from './decision.ts';
import { pickLanguage, readCsatSettings } from './settings.ts';

/** A conversation whose owner's wrap-up just closed it. */
export interface WrappedUpConversation {
  readonly conversationId: string;
  /** The owner who wrapped it up. */
  readonly agentId: string | null;
}

/** The label of the button that opens a 1-5 list, by language. */
const LIST_BUTTON = { en: 'Rate', it: 'Valuta' } as const;

/** The author name of automatic messages (no agent wrote them). */
export const AUTOMATIC_AUTHOR = 'Parlo';

/** Why no survey was sent (for logs and tests). */
export type SurveySkipped = 'off' | 'unknown' | 'blocked' | 'windowClosed' | 'alreadySurveyed';

/**
 * Sends each wrapped-up conversation's customer the CSAT question when the administrator turned it
 * on and the customer's 24-hour window is still open (outside it only templates may be sent, and
 * a survey is not worth one: skipped). At most one survey per conversation. Returns the
 * conversations surveyed (the caller wakes the outbox).
 */
export async function sendCsatSurveys(
  tx: StoreTx,
  out: Outgoing,
  wrapped: readonly WrappedUpConversation[],
  now: number,
): Promise<{ surveyed: string[]; skipped: Map<string, SurveySkipped> }> {
  const surveyed: string[] = [];
  const skipped = new Map<string, SurveySkipped>();
  if (wrapped.length === 0) return { surveyed, skipped };
  const settings = await readCsatSettings(tx);
  if (!settings.enabled) {
    for (const w of wrapped) skipped.set(w.conversationId, 'off');
    return { surveyed, skipped };
  }
  const details = new Map(
    (await tx.getConversationDetails(wrapped.map((w) => w.conversationId))).map((d) => [d.id, d]),
  );
  for (const w of wrapped) {
    const d = details.get(w.conversationId);
    const reason = whyNot(d, now);
    if (reason !== undefined || d === undefined) {
      skipped.set(w.conversationId, reason ?? 'unknown');
      continue;
    }
    if ((await tx.csat.find(d.id)) !== undefined) {
      skipped.set(d.id, 'alreadySurveyed');
      continue;
    }
    const language = pickLanguage((await tx.findCustomerProfile(d.customerId))?.language);
    const question = language === 'it' ? settings.questionIt : settings.questionEn;
    const options = csatOptions(settings.scale).map(({ id, title }) => ({ id, title }));
    const content: MessageContent = {
      kind: 'interactive',
      reply: settings.scale === 'three' ? 'button' : 'list',
      title: question,
      description: settings.scale === 'three' ? null : LIST_BUTTON[language],
      options,
    };
    const row: MessageRow = {
      id: `msg_csat_${d.id}`,
      conversationId: d.id,
      direction: 'outbound',
      wamid: null,
      kind: 'interactive',
      text: question,
      content: JSON.stringify(content),
      replyToWamid: null,
      authorName: AUTOMATIC_AUTHOR,
      // No agent wrote it: the convention for an automatic message.
      authorUserId: null,
      sentAt: now,
      createdAt: now,
      status: 'pending',
      failureReason: null,
      // One survey per conversation, even if the wrap-up were carried out twice.
      clientMessageId: `csat:${d.id}`,
    };
    const { message, created } = await tx.insertOutboundMessage(row);
    if (!created) {
      skipped.set(d.id, 'alreadySurveyed');
      continue;
    }
    await tx.csat.insert({
      conversationId: d.id,
      customerId: d.customerId,
      messageId: message.id,
      agentId: w.agentId,
      scale: settings.scale,
      sentAt: now,
      expiresAt: now + settings.windowHours * 3_600_000,
      answeredAt: null,
      score: null,
      answerWamid: null,
    });
    await enqueueSend(tx, message, now);
    out.touch(d.id);
    surveyed.push(d.id);
  }
  return { surveyed, skipped };
}

function whyNot(d: ConversationDetails | undefined, now: number): SurveySkipped | undefined {
  if (d === undefined) return 'unknown';
  // S-7: its number or queue was deleted; nothing more is sent from it.
  if (d.businessNumberDeleted === true || d.queueDeleted === true) return 'blocked';
  if (d.lastInboundAt === null || now >= d.lastInboundAt + SERVICE_WINDOW_MS) return 'windowClosed';
  return undefined;
}
