import { z } from 'zod';
import { agentViewSchema, instantSchema, namedItemSchema } from './views.ts';

export const supervisorRoutes = {
  overview: '/api/supervisor/overview',
  /** S-4: a supervisor may put an agent back to Available (from RONA) or Idle. */
  agentState: (agentId: string) => `/api/supervisor/agents/${encodeURIComponent(agentId)}/state`,
  /** The WhatsApp channel's health, per business number (issue 4). */
  channelHealth: '/api/supervisor/channel-health',
} as const;

/** A customer waiting in a queue: nobody has accepted the conversation yet. */
export const waitingConversationViewSchema = z.object({
  conversationId: z.string(),
  /** Masked as for agents when masking is on. */
  customerName: z.string(),
  queueId: z.string(),
  queueName: z.string(),
  /** When the customer's first message arrived: how long they have waited runs from here. */
  receivedAt: instantSchema,
  /** The agent it is offered to right now, if any. */
  offeredTo: z.string().nullable(),
});
export type WaitingConversationView = z.infer<typeof waitingConversationViewSchema>;

export const supervisedAgentViewSchema = agentViewSchema.extend({
  /** Whether a desktop of this agent is connected. */
  connected: z.boolean(),
});
export type SupervisedAgentView = z.infer<typeof supervisedAgentViewSchema>;

/** How many waiting customers the overview lists unless asked otherwise (the counts are always whole). */
export const DEFAULT_WAITING_LIMIT = 500;

/** `GET /api/supervisor/overview?waitingLimit=N`: the N longest waiting are listed. */
export const supervisorOverviewQuerySchema = z.object({
  waitingLimit: z.coerce.number().int().min(1).max(5_000).default(DEFAULT_WAITING_LIMIT),
});

export const supervisorOverviewSchema = z.object({
  /** `waiting`: every customer waiting in the queue (queued or offered), however many are listed. */
  queues: z.array(namedItemSchema.extend({ waiting: z.number().int().min(0) })),
  /** Longest waiting first; at most `waitingLimit` of them. */
  waiting: z.array(waitingConversationViewSchema),
  /** How many customers wait in all: more than `waiting` lists when the backlog is long. */
  waitingTotal: z.number().int().min(0).optional(),
  agents: z.array(supervisedAgentViewSchema),
});
export type SupervisorOverview = z.infer<typeof supervisorOverviewSchema>;

/** One business number's channel health: what a supervisor checks when customers say "no answer". */
export const numberHealthViewSchema = z.object({
  businessNumberId: z.string(),
  /** Masked like every number agents see. */
  displayPhoneNumber: z.string(),
  lastInboundAt: instantSchema.nullable(),
  /** Updates (messages and statuses) received for this number in the last 5 minutes. */
  webhooksLast5m: z.number().int().nonnegative(),
  /** Updates for this number dropped in the last 5 minutes (a secret of another number's app). */
  rejectedLast5m: z.number().int().nonnegative(),
  outboxDepth: z.number().int().nonnegative(),
  /** Age of the oldest send still waiting, in seconds; null when none waits. */
  outboxOldestAgeSeconds: z.number().nonnegative().nullable(),
  /** Send failures in the last hour by Meta's error code ('unknown' when Meta gave none). */
  sendFailuresLastHour: z.array(z.object({ code: z.string(), count: z.number().int().positive() })),
});
export type NumberHealthView = z.infer<typeof numberHealthViewSchema>;

export const channelHealthViewSchema = z.object({
  numbers: z.array(numberHealthViewSchema),
  /** Deliveries rejected in the last 5 minutes by reason, whichever number they claimed. */
  rejectedLast5m: z.array(z.object({ reason: z.string(), count: z.number().int().positive() })),
  /** Statuses kept because their send has not recorded the wamid (yet). */
  unmatchedStatuses: z.number().int().nonnegative(),
  generatedAt: instantSchema,
});
export type ChannelHealthView = z.infer<typeof channelHealthViewSchema>;
