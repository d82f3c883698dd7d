/**
 * Issue 16: the wallboard — today's counts kept as counters from the committed interaction events
 * (`counters.ts`, the reports' definitions), the live figures from the routing world, pushed to
 * supervisors' wallboard sockets (ADR 25).
 */
export { DayCounters } from './counters.ts';
export { createWallboard, type WallboardService } from './wallboard.ts';
