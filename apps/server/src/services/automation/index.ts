/**
 * Issue 18 (ADR 27): business hours and the automatic messages. The pure schedule (open at an
 * instant, next opening, in the center's time zone), which queues are closed for the routing shell
 * and the `queue.opened` timers, the out-of-hours overflow, and the welcome, out-of-hours and
 * closing messages sent through the outbox in the deciding transaction.
 */
export {
  closedQueuesAt,
  instantOfWallTime,
  isOpenAt,
  nextOpeningAt,
  type WeeklyHours,
} from './business-hours.ts';
export { armOpening, armOpenings, hoursAt, openingTimerKey, type HoursNow } from './opening-hours.ts';
export {
  automaticLanguage,
  fillAutomaticText,
  planAutomaticMessage,
  textIn,
  windowOpen,
  type AutomaticKind,
  type AutomaticPlan,
  type AutomaticSkip,
} from './messages.ts';
export { AUTOMATIC_MESSAGES_KEY, readAutomaticMessages, writeAutomaticMessages } from './settings.ts';
export { redirectOutOfHours, sendAutomaticMessages } from './send.ts';
