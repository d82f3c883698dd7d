import { z } from 'zod';
import { collaborationTargetSchema } from './collaboration.ts';
import { MAX_TEXT_LENGTH } from './rest.ts';
import { instantSchema, messageViewSchema } from './views.ts';

/**
 * Issue 16, live supervision: the conversations going on now, monitoring one of them read-only,
 * whispering to its agents, barging in, reassigning it, and forcing an agent's state.
 */
export const supervisionRoutes = {
  /** GET: every live conversation (filters in {@link liveConversationsQuerySchema}). */
  conversations: '/api/supervisor/conversations',
  /** GET: one live conversation as its monitor sees it (REST; the socket keeps it current). */
  conversation: (id: string) => `/api/supervisor/conversations/${encodeURIComponent(id)}`,
  /** WebSocket: the monitor feed of one conversation (frames: {@link monitorFrameSchema}). */
  monitorSocket: (id: string) => `/api/supervisor/conversations/${encodeURIComponent(id)}/monitor`,
  /** POST {@link noteRequestSchema}: a whisper (a note to the conversation's agents). */
  whisper: (id: string) => `/api/supervisor/conversations/${encodeURIComponent(id)}/whisper`,
  /** POST: the supervisor joins the conversation as a participant. */
  bargeIn: (id: string) => `/api/supervisor/conversations/${encodeURIComponent(id)}/barge-in`,
  /** POST {@link noteRequestSchema}: a barged-in supervisor writes to the customer. */
  messages: (id: string) => `/api/supervisor/conversations/${encodeURIComponent(id)}/messages`,
  /** POST: the barged-in supervisor leaves. */
  leave: (id: string) => `/api/supervisor/conversations/${encodeURIComponent(id)}/leave`,
  /** POST {@link reassignRequestSchema}: move the conversation to another agent or queue. */
  reassign: (id: string) => `/api/supervisor/conversations/${encodeURIComponent(id)}/reassign`,
  /** POST {@link forceSignOutRequestSchema}: sign an agent out (their sessions end). */
  signOutAgent: (agentId: string) => `/api/supervisor/agents/${encodeURIComponent(agentId)}/sign-out`,
  /** POST {@link noteRequestSchema}: an agent's internal note in a conversation they take part in. */
  notes: (id: string) => `/api/conversations/${encodeURIComponent(id)}/notes`,
} as const;

/** `GET /api/supervisor/conversations`: all filters optional, combined with "and". */
export const liveConversationsQuerySchema = z.object({
  queueId: z.string().min(1).max(200).optional(),
  /** The owner or guest. */
  agentId: z.string().min(1).max(200).optional(),
  phase: z.enum(['queued', 'offered', 'active', 'wrapUp']).optional(),
  /** Only those whose customer waits for a reply (their message is the latest). */
  waitingForReply: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type LiveConversationsQuery = z.infer<typeof liveConversationsQuerySchema>;

/** One conversation going on now, as a supervisor's list shows it. */
export const liveConversationViewSchema = z.object({
  id: z.string(),
  phase: z.enum(['queued', 'offered', 'active', 'wrapUp']),
  queueId: z.string(),
  queueName: z.string(),
  /** The owner (active, wrap-up) or the agent it is offered to. */
  ownerId: z.string().nullable(),
  ownerName: z.string().nullable(),
  guestName: z.string().nullable(),
  /** Masked as for agents when masking is on. */
  customerName: z.string(),
  receivedAt: instantSchema,
  /** When the customer's latest message is newer than every answer: since when they wait. */
  waitingForReplySince: instantSchema.nullable(),
  /** The end of WhatsApp's 24-hour customer-service window; null before the customer wrote. */
  windowExpiresAt: instantSchema.nullable(),
  /** Supervisors barged in now (participants besides the agents). */
  supervisors: z.array(z.string()),
});
export type LiveConversationView = z.infer<typeof liveConversationViewSchema>;

export const liveConversationsResponseSchema = z.object({
  conversations: z.array(liveConversationViewSchema),
});
export type LiveConversationsResponse = z.infer<typeof liveConversationsResponseSchema>;

/** What a monitoring supervisor sees: the conversation and its newest messages (notes included). */
export const monitorViewSchema = z.object({
  conversation: liveConversationViewSchema,
  messages: z.array(messageViewSchema),
  /** Whether this supervisor has barged in (may write to the customer). */
  bargedIn: z.boolean(),
});
export type MonitorView = z.infer<typeof monitorViewSchema>;

/** Frames of the monitor socket, server to supervisor. */
export const monitorFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('monitor'), view: monitorViewSchema }),
  /** The conversation is closed (or was never live): nothing more will come. */
  z.object({ type: z.literal('ended'), conversationId: z.string() }),
]);
export type MonitorFrame = z.infer<typeof monitorFrameSchema>;

/** A note (whisper or internal note) or a barged-in supervisor's message: text only. */
export const noteRequestSchema = z
  .object({
    text: z
      .string()
      .trim()
      .min(1)
      .refine((t) => t.length <= MAX_TEXT_LENGTH, 'too long'),
    /** Idempotency key: a retried send with the same key stores once. */
    clientMessageId: z.string().min(8).max(64),
  })
  .strict();
export type NoteRequest = z.infer<typeof noteRequestSchema>;

export const reassignRequestSchema = z.object({ target: collaborationTargetSchema }).strict();
export type ReassignRequest = z.infer<typeof reassignRequestSchema>;

/** Signing an agent out: their desktop sessions end; open work follows the disconnect rules. */
export const forceSignOutRequestSchema = z.object({}).strict();

export const monitorResponseSchema = z.object({ view: monitorViewSchema });

/** The answer of barge-in, leave and reassign: the monitor's view afterwards (null once closed). */
export const supervisionActionResponseSchema = z.object({ view: monitorViewSchema.nullable() });
