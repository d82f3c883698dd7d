/**
 * Conversations and their messages: who may read or write one, the message list, the agent's
 * send (composer and templates alike: `sendAgentMessage`, idempotent, with its outbox row),
 * delivery statuses, read receipts, and the outbox rows the drainer carries out.
 */
export { conversationFor } from './access.ts';
export { customerMessageEvent, recordFirstResponse } from './interaction-events.ts';
export { listMessages, presentStored, pushMessage, pushToWatchers } from './messages.ts';
export { sendAgentMessage, sendComposerMessage, type AgentSend, type OutboundDraft } from './send.ts';
export { customerAddress, outboundBody, type CustomerAddress } from './outbound.ts';
export { advances, applyDeliveryStatus } from './statuses.ts';
export { ReadReceipts } from './read-receipts.ts';
export {
  enqueueMarkRead,
  enqueueSend,
  markReadPayloadSchema,
  sendPayloadSchema,
  type TemplateSend,
} from './outbox-rows.ts';
