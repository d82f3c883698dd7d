import { describe, expect, it } from 'vitest';
import type { RoutingEvent } from '@parlo/core';
import type { BusinessHoursRow } from '../../store/index.ts';
import type { HoursNow } from './opening-hours.ts';
import { redirectOutOfHours } from './send.ts';

const row = (patch: Partial<BusinessHoursRow>): BusinessHoursRow => ({
  queueId: 'q_support',
  enabled: true,
  intervals: [],
  holidays: [],
  outOfHours: 'overflow',
  overflowQueueId: 'q_night',
  replyEn: '',
  replyIt: '',
  updatedAt: 0,
  ...patch,
});
const hours = (r: BusinessHoursRow, closed: boolean): HoursNow => ({
  closed: new Set(closed ? [r.queueId] : []),
  nextOpening: () => undefined,
  rowOf: (id) => (id === r.queueId ? r : undefined),
  timeZone: 'Europe/Rome',
});
const arrival: RoutingEvent = {
  type: 'conversation.arrived',
  conversationId: 'c1',
  queueId: 'q_support',
  receivedAt: 0,
};
const exists = () => true;

describe('out-of-hours overflow (issue 18)', () => {
  it('[issue 18] a new conversation of a closed queue set to overflow arrives in the overflow queue', () => {
    expect(redirectOutOfHours(arrival, hours(row({}), true), exists)).toEqual({
      ...arrival,
      queueId: 'q_night',
    });
  });

  it('[issue 18] open, set to wait, or with the overflow queue gone, it stays in its queue', () => {
    expect(redirectOutOfHours(arrival, hours(row({}), false), exists)).toBe(arrival);
    expect(redirectOutOfHours(arrival, hours(row({ outOfHours: 'wait' }), true), exists)).toBe(arrival);
    expect(redirectOutOfHours(arrival, hours(row({}), true), () => false)).toBe(arrival);
    const other: RoutingEvent = { type: 'queue.opened', queueId: 'q_support' };
    expect(redirectOutOfHours(other, hours(row({}), true), exists)).toBe(other);
  });
});
