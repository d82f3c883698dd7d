import { z } from 'zod';
import { agentStateViewSchema, instantSchema } from './views.ts';

/**
 * Issue 16: the wallboard — live figures of the center, pushed to supervisors' wallboards within
 * a second of the event: per queue and overall, what waits now and today's counts (kept as
 * counters from the committed interaction events, ADR 22/25), and the agents by state.
 */
export const wallboardRoutes = {
  /** GET: the wallboard now (supervisors, administrators). */
  wallboard: '/api/supervisor/wallboard',
  /** WebSocket: the wallboard, then a fresh one after each change (at most every 250 ms). */
  socket: '/api/supervisor/wallboard/ws',
} as const;

const count = z.number().int().nonnegative();
const seconds = z.number().nonnegative().nullable();
const percent = z.number().min(0).max(100).nullable();

/** Today's figures (conversations that arrived today, in the center's time zone) and the live ones. */
export const wallboardFiguresSchema = z.object({
  /** Waiting now: queued, or offered and not yet accepted. */
  waiting: count,
  /** When the longest-waiting customer arrived; null when nobody waits. */
  oldestWaitingSince: instantSchema.nullable(),
  /** Conversations with an owner now (active or in wrap-up). */
  inProgress: count,
  offered: count,
  answered: count,
  /** Never answered and ended (ADR 22). */
  abandoned: count,
  /** Answered within the queue's threshold ÷ (answered + abandoned). */
  serviceLevelPercent: percent,
  /** Average speed of answer, today. */
  asaSeconds: seconds,
  /** Average handle time of today's finished conversations. */
  ahtSeconds: seconds,
  /** Average time the conversations in progress have been handled so far. */
  currentHandleSeconds: seconds,
  rona: count,
  transfers: count,
  /** Transfers ÷ answered. */
  transferRatePercent: z.number().nonnegative().nullable(),
});
export type WallboardFigures = z.infer<typeof wallboardFiguresSchema>;

export const wallboardQueueSchema = wallboardFiguresSchema.extend({ queueId: z.string(), name: z.string() });
export type WallboardQueue = z.infer<typeof wallboardQueueSchema>;

export const wallboardAgentSchema = z.object({
  userId: z.string(),
  displayName: z.string(),
  state: agentStateViewSchema,
  /** Offered, active and wrapping-up conversations counted against capacity. */
  load: count,
  capacity: count,
  connected: z.boolean(),
});
export type WallboardAgent = z.infer<typeof wallboardAgentSchema>;

export const wallboardSchema = z.object({
  /** When it was read. */
  at: instantSchema,
  /** The center's local day the counts are of ('YYYY-MM-DD') and its time zone. */
  day: z.string(),
  timeZone: z.string(),
  total: wallboardFiguresSchema,
  queues: z.array(wallboardQueueSchema),
  agents: z.array(wallboardAgentSchema),
  /** Agents by state: available, idle, rona; and those with no desktop connected. */
  agentsByState: z.object({ available: count, idle: count, rona: count, disconnected: count }),
  /** Load ÷ capacity of the connected agents who are not idle, %. */
  occupancyPercent: percent,
});
export type Wallboard = z.infer<typeof wallboardSchema>;
