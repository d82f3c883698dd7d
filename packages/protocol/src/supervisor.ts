import { z } from 'zod';
import { agentViewSchema, instantSchema, namedItemSchema } from './views.ts';

export const supervisorRoutes = {
  overview: '/api/supervisor/overview',
  /** S-4: a supervisor may put an agent back to Available (from RONA) or Idle. */
  agentState: (agentId: string) => `/api/supervisor/agents/${encodeURIComponent(agentId)}/state`,
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

export const supervisorOverviewSchema = z.object({
  queues: z.array(namedItemSchema.extend({ waiting: z.number().int().min(0) })),
  /** Longest waiting first. */
  waiting: z.array(waitingConversationViewSchema),
  agents: z.array(supervisedAgentViewSchema),
});
export type SupervisorOverview = z.infer<typeof supervisorOverviewSchema>;
