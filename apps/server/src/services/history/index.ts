/**
 * Issue 15: the customer as a record (profile agents keep), the interaction history (a customer's
 * past conversations, an agent's recent ones, read-only transcripts, audited when not one's own)
 * and the CAD variables of a conversation (system-reserved, derived; custom, set by API or agents).
 * Who may read what: `access.ts` (ADR 15).
 */
export { customerFor, readsEverything, transcriptFor, auditTranscriptRead, type Grant } from './access.ts';
export { renderTranscriptHtml, TRANSCRIPT_PRINT_CSP } from './print-view.ts';
export {
  exportTranscript,
  getConversationCustomer,
  getCustomer,
  listCustomerHistory,
  listRecentConversations,
  readTranscript,
  updateCustomer,
} from './history.ts';
export {
  deleteVariableDefinition,
  getVariables,
  listVariableDefinitions,
  putVariableDefinition,
  setVariables,
} from './variables.ts';
