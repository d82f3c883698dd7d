/**
 * Issue 18: business hours in the routing shell. Before each decision the shell reads which queues
 * are closed now (a few rows: only queues with hours on) and passes them to `decide` as data; when a
 * conversation waits in a closed queue, a `queue.opened` timer is armed at the queue's next opening,
 * which routes it again then (ADR 27).
 */
import { lookup, type RoutingEffect, type RoutingEvent, type RoutingState } from '@parlo/core';
import { defaultSettings, readSettings } from '../../platform/index.ts';
import type { BusinessHoursRow, StoreTx } from '../../store/index.ts';
import { isOpenAt, nextOpeningAt, type WeeklyHours } from './business-hours.ts';

/** The timer key of a queue's next opening. */
export function openingTimerKey(queueId: string): string {
  return `open:${queueId}`;
}

/** Business hours as they stand at one instant: which queues are closed, and when each opens. */
export interface HoursNow {
  readonly closed: ReadonlySet<string>;
  /** The queue's next opening after now (undefined: open now, or never within a year). */
  readonly nextOpening: (queueId: string) => number | undefined;
  /** The queue's business hours (only queues with hours on). */
  readonly rowOf: (queueId: string) => BusinessHoursRow | undefined;
  readonly timeZone: string;
}

const ALWAYS_OPEN: HoursNow = {
  closed: new Set(),
  nextOpening: () => undefined,
  rowOf: () => undefined,
  timeZone: 'UTC',
};

/** Reads the queues with business hours on and which of them are closed at `now`. */
export async function hoursAt(tx: StoreTx, now: number): Promise<HoursNow> {
  const rows = await tx.businessHours.listEnabled();
  if (rows.length === 0) return ALWAYS_OPEN;
  const { timeZone } = await readSettings(tx, defaultSettings(0));
  const byId = new Map(rows.map((r) => [r.queueId, r]));
  const hours = new Map<string, WeeklyHours>(byId);
  const closed = new Set<string>();
  for (const [queueId, h] of hours) if (!isOpenAt(h, timeZone, now)) closed.add(queueId);
  return {
    closed,
    timeZone,
    rowOf: (queueId) => byId.get(queueId),
    nextOpening: (queueId) => {
      const h = hours.get(queueId);
      return h === undefined || !closed.has(queueId) ? undefined : nextOpeningAt(h, timeZone, now);
    },
  };
}

/**
 * Arms the opening timer of each closed queue a conversation of this decision now waits in (and,
 * for a `queue.opened` that came while the queue is still closed, its next opening). Re-arming
 * replaces the row (one per queue).
 */
export async function armOpenings(
  tx: StoreTx,
  hours: HoursNow,
  event: RoutingEvent,
  after: RoutingState,
  effects: readonly RoutingEffect[],
): Promise<void> {
  if (hours.closed.size === 0) return;
  const queues = new Set<string>();
  if (event.type === 'queue.opened' && hours.closed.has(event.queueId)) queues.add(event.queueId);
  const is = lookup(after);
  for (const effect of effects) {
    if (effect.kind !== 'conversationChanged') continue;
    const conversation = is.conversation(effect.conversationId);
    if (conversation?.phase.kind === 'queued' && hours.closed.has(conversation.queueId))
      queues.add(conversation.queueId);
  }
  for (const queueId of queues) await armOpening(tx, hours, queueId);
}

/** Arms the queue's `queue.opened` timer at its next opening, if it is closed now. */
export async function armOpening(tx: StoreTx, hours: HoursNow, queueId: string): Promise<void> {
  const dueAt = hours.nextOpening(queueId);
  if (dueAt === undefined) return;
  const event: RoutingEvent = { type: 'queue.opened', queueId };
  await tx.armTimer({ key: openingTimerKey(queueId), dueAt, event });
}
