import { describe, expect, it } from 'vitest';
import type { ChannelHealthView, NumberHealthView } from '@parlo/protocol';
import {
  concernsOf,
  failureSummary,
  INITIAL_NUMBER_HEALTH_STATE,
  numberHealthReducer,
  OUTBOX_STUCK_SECONDS,
} from './number-health-state.ts';

function number(patch: Partial<NumberHealthView> = {}): NumberHealthView {
  return {
    businessNumberId: 'bn_demo',
    displayPhoneNumber: '+1 555-078-3881',
    lastInboundAt: '2025-01-01T10:00:00.000Z',
    webhooksLast5m: 12,
    rejectedLast5m: 0,
    outboxDepth: 0,
    outboxOldestAgeSeconds: null,
    sendFailuresLastHour: [],
    ...patch,
  };
}

const health: ChannelHealthView = {
  numbers: [number()],
  rejectedLast5m: [],
  unmatchedStatuses: 0,
  generatedAt: '2025-01-01T10:00:05.000Z',
};

describe('per-number channel health panel state', () => {
  it('shows the figures once loaded; a failed refresh keeps them beside the error', () => {
    const loaded = numberHealthReducer(INITIAL_NUMBER_HEALTH_STATE, { type: 'refresh.succeeded', health });
    expect(loaded).toEqual({ health, loading: false, error: null });
    const started = numberHealthReducer(loaded, { type: 'refresh.started' });
    expect(started.loading).toBe(true);
    const failed = numberHealthReducer(started, { type: 'refresh.failed', code: 'NETWORK' });
    expect(failed).toEqual({ health, loading: false, error: 'NETWORK' });
  });

  it('a healthy number raises no concern', () => {
    expect(concernsOf(number())).toEqual([]);
    // A short queue of sends is normal traffic.
    expect(concernsOf(number({ outboxDepth: 3, outboxOldestAgeSeconds: 2 }))).toEqual([]);
  });

  it('a send waiting a minute or more, send failures and rejected updates are flagged, most urgent first', () => {
    const troubled = number({
      outboxDepth: 40,
      outboxOldestAgeSeconds: OUTBOX_STUCK_SECONDS,
      sendFailuresLastHour: [{ code: '130429', count: 2 }],
      rejectedLast5m: 1,
    });
    expect(concernsOf(troubled)).toEqual(['outboxStuck', 'sendFailures', 'rejected']);
    expect(concernsOf(number({ outboxOldestAgeSeconds: OUTBOX_STUCK_SECONDS - 1 }))).toEqual([]);
  });

  it("summarises the hour's send failures by Meta's code, commonest first", () => {
    const n = number({
      sendFailuresLastHour: [
        { code: '130429', count: 1 },
        { code: '131047', count: 3 },
        { code: 'unknown', count: 1 },
      ],
    });
    expect(failureSummary(n)).toBe('131047 ×3, 130429 ×1, unknown ×1');
    expect(failureSummary(number())).toBe('');
  });
});
