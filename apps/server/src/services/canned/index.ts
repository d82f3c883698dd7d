/**
 * Canned responses (issue 18): a queue's, kept by supervisors and administrators, and each
 * agent's own; found by shortcut in the composer and filled for a conversation, masked as every
 * view. Every change is audited.
 */
export {
  createCannedResponse,
  deleteCannedResponse,
  listCannedResponses,
  renderCannedResponse,
  updateCannedResponse,
} from './canned.ts';
