import { z } from 'zod';
import { agentViewSchema, conversationViewSchema, messageViewSchema, offerViewSchema } from './views.ts';
import { labelViewSchema } from './labels.ts';

/**
 * Bumped on any incompatible change of frames or REST bodies. A desktop that says another version
 * in `hello` is told to reload.
 */
export const PROTOCOL_VERSION = 1;

/** Desktop -> server. */
export const clientFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    protocolVersion: z.number().int(),
    /** The last `seq` this desktop applied; the server replays what came after it. */
    lastSeq: z.number().int().min(0).nullable(),
  }),
  z.object({ type: z.literal('ping') }),
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

/** Why an offer left the agent's desktop. */
export const offerEndReasonSchema = z.enum(['accepted', 'lapsed', 'declined', 'rescinded']);
export type OfferEndReason = z.infer<typeof offerEndReasonSchema>;

/**
 * Server -> desktop events. Each is stored with a per-agent sequence number before it is pushed,
 * so a desktop that reconnects gets exactly what it missed, in order.
 */
export const agentEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('agent.updated'), agent: agentViewSchema }),
  z.object({ type: z.literal('offer.added'), offer: offerViewSchema }),
  z.object({ type: z.literal('offer.removed'), offerId: z.string(), reason: offerEndReasonSchema }),
  z.object({ type: z.literal('conversation.upserted'), conversation: conversationViewSchema }),
  z.object({ type: z.literal('conversation.removed'), conversationId: z.string() }),
  z.object({ type: z.literal('message.upserted'), message: messageViewSchema }),
  /**
   * Issue 16: the supervisors monitoring the conversation now (empty: none). Sent only while the
   * administrator's "show monitoring to agents" setting is on.
   */
  z.object({
    type: z.literal('conversation.monitoring'),
    conversationId: z.string(),
    supervisors: z.array(z.string()),
  }),
  /**
   * Issue 18: someone mentioned this agent (`@username`) in an internal note or a whisper. Who and
   * in which conversation (the customer's name masked as everywhere), never the note's text: the
   * agent may not take part in that conversation.
   */
  z.object({
    type: z.literal('note.mentioned'),
    conversationId: z.string(),
    messageId: z.string(),
    by: z.string(),
    customerName: z.string(),
  }),
  /** Issue 18: a conversation's labels changed (set or unset by a participant, supervisor or admin). */
  z.object({
    type: z.literal('conversation.labels'),
    conversationId: z.string(),
    labels: z.array(labelViewSchema),
  }),
]);
export type AgentEvent = z.infer<typeof agentEventSchema>;

export const snapshotSchema = z.object({
  agent: agentViewSchema,
  offers: z.array(offerViewSchema),
  conversations: z.array(conversationViewSchema),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export const serverFrameSchema = z.discriminatedUnion('type', [
  /** The whole picture, when the gap since `lastSeq` is no longer stored or on first connect. */
  z.object({ type: z.literal('snapshot'), seq: z.number().int().min(0), snapshot: snapshotSchema }),
  z.object({ type: z.literal('event'), seq: z.number().int().min(1), event: agentEventSchema }),
  z.object({ type: z.literal('pong') }),
  z.object({
    type: z.literal('error'),
    code: z.enum(['PROTOCOL_MISMATCH', 'BAD_FRAME', 'UNAUTHENTICATED']),
    message: z.string(),
  }),
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;
