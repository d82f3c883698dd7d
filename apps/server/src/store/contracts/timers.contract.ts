import { describe, expect, it } from 'vitest';
import { freshStorePerTest, type OpenStore } from './fixtures.ts';

/**
 * The contract of `TimersRepository`: durable timers, each fired once.
 *
 * `open` must return a fresh, empty, migrated store each time: every test opens its own and closes
 * it after.
 */
export function timersContract(name: string, open: OpenStore): void {
  describe(`TimersRepository contract (${name})`, () => {
    const { run } = freshStorePerTest(open);

    it('arms, replaces, lists due ones earliest first, and cancels', async () => {
      await run(async (tx) => {
        await tx.armTimer({ key: 't1', dueAt: 300, event: { type: 'offer.expired', offerId: 'x' } });
        await tx.armTimer({ key: 't2', dueAt: 100, event: { type: 'b' } });
        await tx.armTimer({ key: 't3', dueAt: 200, event: { type: 'c' } });
        await tx.armTimer({ key: 't4', dueAt: 5_000, event: { type: 'd' } });
      });
      await run((tx) => tx.armTimer({ key: 't1', dueAt: 50, event: { type: 'replaced', n: [1, 2] } }));
      await run(async (tx) => {
        expect(await tx.dueTimers(300, 10)).toEqual([
          { key: 't1', dueAt: 50, event: { type: 'replaced', n: [1, 2] } },
          { key: 't2', dueAt: 100, event: { type: 'b' } },
          { key: 't3', dueAt: 200, event: { type: 'c' } },
        ]);
        expect((await tx.dueTimers(300, 2)).map((t) => t.key)).toEqual(['t1', 't2']);
        expect(await tx.dueTimers(49, 10)).toEqual([]);
        await tx.cancelTimer('t2');
        await tx.cancelTimer('never-armed');
      });
      expect((await run((tx) => tx.dueTimers(10_000, 10))).map((t) => t.key)).toEqual(['t1', 't3', 't4']);
    });

    it('lets a timer be claimed once', async () => {
      await run((tx) => tx.armTimer({ key: 't1', dueAt: 1, event: {} }));
      expect(await run((tx) => tx.claimTimer('t1'))).toBe(true);
      expect(await run((tx) => tx.claimTimer('t1'))).toBe(false);
      expect(await run((tx) => tx.dueTimers(10, 10))).toEqual([]);
    });

    it('gives exactly one of several concurrent claims', async () => {
      await run((tx) => tx.armTimer({ key: 't1', dueAt: 1, event: {} }));
      const claims = await Promise.all(Array.from({ length: 5 }, () => run((tx) => tx.claimTimer('t1'))));
      expect(claims.filter(Boolean)).toHaveLength(1);
    });
  });
}
