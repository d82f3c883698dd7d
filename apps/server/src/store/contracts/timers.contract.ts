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

    // SQLite runs one transaction at a time (one connection, one writer): no other transaction can
    // hold the row while a claim runs, so there is nothing to skip there.
    it.skipIf(name === 'sqlite')(
      '[cluster] a claim skips a timer another transaction is claiming, without waiting; a rollback leaves it due',
      async () => {
        await run((tx) => tx.armTimer({ key: 't1', dueAt: 1, event: {} }));
        let release: () => void = () => {};
        const held = new Promise<void>((resolve) => (release = resolve));
        let claimedFirst: (value: boolean) => void = () => {};
        const first = new Promise<boolean>((resolve) => (claimedFirst = resolve));
        // The first claimant deletes the row and keeps its transaction open (as a routing decision
        // would), then rolls back.
        const holder = run(async (tx) => {
          claimedFirst(await tx.claimTimer('t1'));
          await held;
          throw new Error('roll back');
        }).catch(() => 'rolled back');
        expect(await first).toBe(true);
        const second = run((tx) => tx.claimTimer('t1'));
        // Waiting on the holder's lock would block until it ends, which it does only after this.
        const outcome = await Promise.race([
          second,
          new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), 2_000)),
        ]);
        release();
        expect(await holder).toBe('rolled back');
        await second;
        expect(outcome).toBe(false);
        expect((await run((tx) => tx.dueTimers(10, 10))).map((t) => t.key)).toEqual(['t1']);
        expect(await run((tx) => tx.claimTimer('t1'))).toBe(true);
      },
    );
  });
}
