/**
 * Customer satisfaction (issue 18, ADR 28): the survey sent after a conversation's wrap-up (called
 * by the routing shell in the wrap-up's transaction), the customer's answer (called by the
 * ingest), the pure rules both follow, and the administrator's settings (audited).
 */
export { getCsatSettings, updateCsatSettings } from './admin.ts';
export { recordSurveyAnswer, surveyOf, surveyReplyOf, type SurveyReply } from './answer.ts';
export {
  csatOptions,
  decideCsatAnswer,
  isCsatReplyId,
  scoreOf,
  type CsatOption,
  type CsatVerdict,
} from './decision.ts';
export { DEFAULT_CSAT_SETTINGS, readCsatSettings } from './settings.ts';
export { sendCsatSurveys, type SurveySkipped, type WrappedUpConversation } from './survey.ts';
