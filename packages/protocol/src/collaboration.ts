import { z } from 'zod';

/**
 * Transfer (S-14..S-18) and conference (S-19..S-23): the owner of a conversation hands it to a
 * queue or an agent, or pulls a colleague in as a guest.
 */
export const collaborationRoutes = {
  /** GET: the queues and agents that can take this conversation right now (S-15, S-16 refresh). */
  targets: (conversationId: string) => `/api/conversations/${encodeURIComponent(conversationId)}/targets`,
  /** POST (owner only): the conversation leaves the owner, who wraps up at once (S-18). */
  transfer: (conversationId: string) => `/api/conversations/${encodeURIComponent(conversationId)}/transfer`,
  /** POST (owner only): ask a queue or an agent for a guest (S-19). */
  conference: (conversationId: string) =>
    `/api/conversations/${encodeURIComponent(conversationId)}/conference`,
  /** POST (owner only): the guest leaves and wraps up (S-21, S-23). */
  endConference: (conversationId: string) =>
    `/api/conversations/${encodeURIComponent(conversationId)}/conference/end`,
  /** POST (guest only): the guest leaves and wraps up; owner and customer go on (S-22, S-23). */
  exitConference: (conversationId: string) =>
    `/api/conversations/${encodeURIComponent(conversationId)}/conference/exit`,
} as const;

/** Where a transfer or a conference request goes. */
export const collaborationTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('queue'), queueId: z.string().min(1) }),
  z.object({ kind: z.literal('agent'), agentId: z.string().min(1) }),
]);
export type CollaborationTarget = z.infer<typeof collaborationTargetSchema>;

export const transferRequestSchema = z.object({ target: collaborationTargetSchema }).strict();
export type TransferRequest = z.infer<typeof transferRequestSchema>;

export const conferenceRequestSchema = z.object({ target: collaborationTargetSchema }).strict();
export type ConferenceRequest = z.infer<typeof conferenceRequestSchema>;

/** An agent who could take the conversation: Available, with spare capacity, not the asker (S-15). */
export const targetAgentViewSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  /** Spare capacity: capacity minus load, at least 1 here. */
  freeSlots: z.number().int().min(1),
});
export type TargetAgentView = z.infer<typeof targetAgentViewSchema>;

export const targetsResponseSchema = z.object({
  /** Queues that can take it (not deleted; for a conference, queues with an agent who could join). */
  queues: z.array(z.object({ id: z.string(), name: z.string() })),
  agents: z.array(targetAgentViewSchema),
});
export type TargetsResponse = z.infer<typeof targetsResponseSchema>;

/** Why an offer was made: plain routing, a transfer, or a conference request. */
export const offerPurposeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('route') }),
  /** `fromAgentName`: who transferred it (S-17 popover says so). */
  z.object({ kind: z.literal('transfer'), fromAgentName: z.string() }),
  /** `fromAgentName`: the owner who asked for a guest. */
  z.object({ kind: z.literal('conference'), fromAgentName: z.string() }),
]);
export type OfferPurpose = z.infer<typeof offerPurposeSchema>;

/** This agent's part in a conversation. */
export const participantRoleSchema = z.enum(['owner', 'guest']);
export type ParticipantRole = z.infer<typeof participantRoleSchema>;

/** The conference as one participant sees it (S-20): requested, then joined; null when none. */
export const conferenceViewSchema = z
  .discriminatedUnion('state', [
    /** Shown to the owner as "Conference requested". */
    z.object({ state: z.literal('requested'), targetName: z.string() }),
    /** `otherAgentName`: the guest, seen by the owner; the owner, seen by the guest. */
    z.object({ state: z.literal('joined'), otherAgentName: z.string() }),
  ])
  .nullable();
export type ConferenceView = z.infer<typeof conferenceViewSchema>;

/**
 * S-7: a resource a live conversation depends on was deleted by an administrator. The desktop
 * shows a warning, disables the composer, transfer and conference; only End remains.
 */
export const conversationBlockSchema = z.enum(['businessNumberDeleted', 'queueDeleted']).nullable();
export type ConversationBlock = z.infer<typeof conversationBlockSchema>;
