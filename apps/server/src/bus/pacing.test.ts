import { describe, expect, it } from 'vitest';
import { SendPacer, TokenBucket } from './pacing.ts';

/** Sends allowed in any window [t, t + 1000) of the given slots: the most a one-second limiter sees. */
function maxPerSecond(slots: readonly number[]): number {
  let max = 0;
  for (const start of slots) max = Math.max(max, slots.filter((s) => s >= start && s < start + 1000).length);
  return max;
}

describe('TokenBucket', () => {
  it('[issue 4] spaces tokens 1/rate apart once the burst is spent', () => {
    const bucket = new TokenBucket(80, 1);
    const slots = Array.from({ length: 200 }, () => bucket.take(0));
    expect(slots[0]).toBe(0);
    expect(slots[1]).toBeCloseTo(12.5);
    expect(slots[199]).toBeCloseTo(199 * 12.5);
    expect(maxPerSecond(slots)).toBe(80);
  });

  it('[issue 4] lets a burst through at once, then the rate', () => {
    const bucket = new TokenBucket(10, 3);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([0, 0, 0, 100]);
  });

  it('[issue 4] refills while idle, up to the burst only', () => {
    const bucket = new TokenBucket(10, 2);
    bucket.take(0);
    bucket.take(0);
    // Ten seconds idle saves two tokens, not a hundred.
    expect([bucket.take(10_000), bucket.take(10_000), bucket.take(10_000)]).toEqual([10_000, 10_000, 10_100]);
  });

  it('[issue 4] peek takes nothing', () => {
    const bucket = new TokenBucket(1, 1);
    expect(bucket.take(0)).toBe(0);
    expect(bucket.peek(0)).toBe(1000);
    expect(bucket.peek(0)).toBe(1000);
    expect(bucket.take(0)).toBe(1000);
  });

  it('[issue 4] drainUntil holds every token until then', () => {
    const bucket = new TokenBucket(10, 5);
    bucket.drainUntil(2000);
    expect(bucket.take(0)).toBe(2000);
    expect(bucket.take(0)).toBe(2100);
  });

  it('rejects a zero rate or an empty burst', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0)).toThrow(RangeError);
  });
});

describe('SendPacer', () => {
  const options = { numberRatePerSecond: 80, numberBurst: 1, recipientIntervalMs: 6000, recipientBurst: 3 };

  it('[issue 4] keeps one business number under its messages per second, across recipients', () => {
    const pacer = new SendPacer(options);
    const slots: number[] = [];
    for (let i = 0; i < 200; i++) {
      const decision = pacer.reserve('n1', `c${i}`, 0, 60_000);
      if (!decision.go) throw new Error('should go');
      slots.push(decision.at);
    }
    expect(maxPerSecond(slots)).toBeLessThanOrEqual(80);
  });

  it('[issue 4] paces numbers independently', () => {
    const pacer = new SendPacer(options);
    expect(pacer.reserve('n1', 'a', 0, 1000)).toEqual({ go: true, at: 0 });
    expect(pacer.reserve('n2', 'a', 0, 1000)).toEqual({ go: true, at: 0 });
  });

  it('[issue 4] a recipient gets its burst, then one message per interval (pair rate, 131056)', () => {
    const pacer = new SendPacer(options);
    const at = (now: number) => pacer.reserve('n1', 'alice', now, 60_000);
    expect(at(0)).toEqual({ go: true, at: 0 });
    expect(at(0)).toMatchObject({ go: true, at: 12.5 });
    expect(at(0)).toMatchObject({ go: true, at: 25 });
    // The fourth must wait for the recipient's next token, six seconds after the first.
    expect(at(0)).toEqual({ go: false, retryAt: 6000 });
    // Another customer of the same number is not held back.
    expect(pacer.reserve('n1', 'bob', 0, 60_000)).toMatchObject({ go: true, at: 37.5 });
    expect(pacer.reserve('n1', 'bob', 0, 60_000)).toMatchObject({ go: true, at: 50 });
    expect(at(6000)).toEqual({ go: true, at: 6000 });
  });

  it('[issue 4] a send that would wait too long takes no slot and is told when to come back', () => {
    const pacer = new SendPacer({ ...options, recipientBurst: 1 });
    pacer.reserve('n1', 'alice', 0, 1000);
    expect(pacer.reserve('n1', 'alice', 0, 1000)).toEqual({ go: false, retryAt: 6000 });
    expect(pacer.reserve('n1', 'alice', 0, 1000)).toEqual({ go: false, retryAt: 6000 });
    // The number's slot was not consumed by the refused sends.
    expect(pacer.reserve('n1', 'bob', 0, 1000)).toEqual({ go: true, at: 12.5 });
  });

  it('[issue 4] after 130429 the number pauses; after 131056 only that recipient does', () => {
    const pacer = new SendPacer(options);
    pacer.throttleRecipient('n1', 'alice', 0);
    expect(pacer.reserve('n1', 'alice', 0, 60_000)).toEqual({ go: false, retryAt: 6000 });
    expect(pacer.reserve('n1', 'bob', 0, 60_000)).toEqual({ go: true, at: 0 });
    pacer.throttleNumber('n1', 100);
    expect(pacer.reserve('n1', 'carol', 100, 60_000)).toMatchObject({ at: 1100 });
  });

  it('[issue 4] read receipts use the number bucket only', () => {
    const pacer = new SendPacer({ ...options, recipientBurst: 1 });
    pacer.reserve('n1', 'alice', 0, 1000);
    expect(pacer.reserve('n1', undefined, 0, 1000)).toEqual({ go: true, at: 12.5 });
  });
});
