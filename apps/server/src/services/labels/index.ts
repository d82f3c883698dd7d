/**
 * Issue 18: labels on conversations (ADR 26) — the administrator's labels (audited), set and
 * unset by who works a conversation and pushed live to its participants, read for task lists,
 * and counted per arrival day in the labels report.
 */
export {
  assignedLabels,
  createLabel,
  deleteLabel,
  getConversationLabels,
  labelsConversation,
  listLabels,
  setConversationLabel,
  updateLabel,
} from './labels.ts';
export { labelReport, labelReportRows } from './report.ts';
