import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './backoff.ts';

describe('reconnectDelay', () => {
  it('grows exponentially from 250-500 ms', () => {
    expect(reconnectDelay(0, 0)).toBe(250);
    expect(reconnectDelay(0, 0.999)).toBeLessThanOrEqual(500);
    expect(reconnectDelay(3, 0)).toBe(2000);
  });

  it('is capped at 15 s however many attempts failed', () => {
    expect(reconnectDelay(50, 0.999)).toBeLessThanOrEqual(15_000);
    expect(reconnectDelay(50, 0)).toBe(7500);
  });
});
