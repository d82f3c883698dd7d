import type { ChannelHealthView, NumberHealthView } from '@parlo/protocol';
import type { RequestErrorCode } from '../../api/request-error.ts';

/**
 * The per-number channel health panel's state (issue 4). Like the overview, a failed refresh keeps
 * the last figures on screen beside the error: a supervisor chasing an incident should not lose
 * them to one network hiccup.
 */
export interface NumberHealthState {
  readonly health: ChannelHealthView | null;
  readonly loading: boolean;
  readonly error: RequestErrorCode | null;
}

export type NumberHealthEvent =
  | { type: 'refresh.started' }
  | { type: 'refresh.succeeded'; health: ChannelHealthView }
  | { type: 'refresh.failed'; code: RequestErrorCode };

export const INITIAL_NUMBER_HEALTH_STATE: NumberHealthState = { health: null, loading: true, error: null };

export function numberHealthReducer(state: NumberHealthState, event: NumberHealthEvent): NumberHealthState {
  switch (event.type) {
    case 'refresh.started':
      return state.loading ? state : { ...state, loading: true };
    case 'refresh.succeeded':
      return { health: event.health, loading: false, error: null };
    case 'refresh.failed':
      return { ...state, loading: false, error: event.code };
  }
}

/** A send waiting longer than this means the number is not getting its messages out. */
export const OUTBOX_STUCK_SECONDS = 60;

/** Why a number needs a supervisor's eye; empty when it looks healthy. */
export type HealthConcern = 'outboxStuck' | 'sendFailures' | 'rejected';

/** What is wrong with one number, most urgent first: the panel marks the row and lists these. */
export function concernsOf(number: NumberHealthView): HealthConcern[] {
  const concerns: HealthConcern[] = [];
  if (number.outboxOldestAgeSeconds !== null && number.outboxOldestAgeSeconds >= OUTBOX_STUCK_SECONDS) {
    concerns.push('outboxStuck');
  }
  if (number.sendFailuresLastHour.length > 0) concerns.push('sendFailures');
  if (number.rejectedLast5m > 0) concerns.push('rejected');
  return concerns;
}

/** "131047 ×3, 130429 ×1": the hour's send failures of a number, commonest first. */
export function failureSummary(number: NumberHealthView): string {
  return [...number.sendFailuresLastHour]
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
    .map((f) => `${f.code} ×${f.count}`)
    .join(', ');
}
