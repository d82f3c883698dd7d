/**
 * Issue 15: search over conversations — full text of messages, customer names, a customer's
 * number by its keyed hash (never the number), agent, queue, business number, wrap-up reason and
 * dates — masked as every view is; supervisors and administrators search everything, agents their
 * own conversations (ADR 16).
 */
export { searchConversations } from './search.ts';
export { normalizeNumber, numberHash } from './number-key.ts';
