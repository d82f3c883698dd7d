import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './backoff.ts';

describe('reconnectDelay', () => {
  it('grows exponentially from 250-500 ms', () => {
    expect(reconnectDelay(0, 0)).toBe(250);
    expect(reconnectDelay(0, 0.999)).toBeLessThanOrEqual(500);
    expect(reconnectDelay(3, 0)).toBe(2000);
  });

  it('P7: is capped at 4 s however many attempts failed, so a restarted server sees every desktop within 4 s', () => {
    expect(reconnectDelay(50, 0.999)).toBeLessThanOrEqual(4_000);
    expect(reconnectDelay(50, 0)).toBe(2_000);
  });
});
