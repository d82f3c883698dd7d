/**
 * Issue 18 (ADR 28): the pure rules of a CSAT survey — its options on each scale, what a reply
 * button means, and whether a reply is recorded or ignored. No I/O, no clock: time is an argument.
 */
import type { CsatScale } from '@parlo/protocol';

/** Every reply id of a survey starts with this: a tap on anything else is an ordinary message. */
export const CSAT_OPTION_PREFIX = 'csat:';

/** One choice the customer is offered: `id` goes to WhatsApp and comes back in the reply. */
export interface CsatOption {
  readonly id: string;
  readonly title: string;
  readonly score: number;
}

/** Three faces: unhappy, neutral, happy, scored 1, 3 and 5 so both scales read on one 1-5 axis. */
const THREE: readonly CsatOption[] = [
  { id: `${CSAT_OPTION_PREFIX}1`, title: '😞', score: 1 },
  { id: `${CSAT_OPTION_PREFIX}3`, title: '😐', score: 3 },
  { id: `${CSAT_OPTION_PREFIX}5`, title: '😀', score: 5 },
];

/** 1 to 5 (a list: WhatsApp allows at most 3 reply buttons). */
const FIVE: readonly CsatOption[] = [1, 2, 3, 4, 5].map((score) => ({
  id: `${CSAT_OPTION_PREFIX}${score}`,
  title: `${score} ${'★'.repeat(score)}`,
  score,
}));

/** The options a survey on `scale` offers, in order. */
export function csatOptions(scale: CsatScale): readonly CsatOption[] {
  return scale === 'three' ? THREE : FIVE;
}

/**
 * The score a reply id stands for on `scale`, or undefined when it is not one of that scale's
 * options (a made-up id, a five-scale id answered to a three-face survey).
 */
export function scoreOf(scale: CsatScale, replyId: string): number | undefined {
  return csatOptions(scale).find((o) => o.id === replyId)?.score;
}

/** Whether a reply id looks like a survey's (the ingest asks before looking for a survey). */
export function isCsatReplyId(replyId: string): boolean {
  return replyId.startsWith(CSAT_OPTION_PREFIX);
}

/** What the decision needs of a survey. */
export interface SurveyState {
  readonly scale: CsatScale;
  readonly expiresAt: number;
  readonly answeredAt: number | null;
}

/** Why a reply is not recorded. */
export type CsatIgnoredReason = 'unknownSurvey' | 'late' | 'repeated' | 'notAnOption';

export type CsatVerdict =
  | { readonly kind: 'record'; readonly score: number }
  | { readonly kind: 'ignore'; readonly reason: CsatIgnoredReason };

/**
 * Whether a customer's reply answers `survey`: only its first answer, arriving (by Meta's
 * timestamp, `at`) no later than its expiry, and naming one of its options, is recorded.
 */
export function decideCsatAnswer(
  survey: SurveyState | undefined,
  reply: { readonly replyId: string; readonly at: number },
): CsatVerdict {
  if (survey === undefined) return { kind: 'ignore', reason: 'unknownSurvey' };
  if (survey.answeredAt !== null) return { kind: 'ignore', reason: 'repeated' };
  if (reply.at > survey.expiresAt) return { kind: 'ignore', reason: 'late' };
  const score = scoreOf(survey.scale, reply.replyId);
  if (score === undefined) return { kind: 'ignore', reason: 'notAnOption' };
  return { kind: 'record', score };
}

/**
 * The survey a reply answers: the one whose message it replies to (WhatsApp's `context.id`), else
 * the customer's latest. Pure: the caller looked both up.
 */
export function surveyOfReply<S>(byContext: S | undefined, latest: S | undefined): S | undefined {
  return byContext ?? latest;
}
