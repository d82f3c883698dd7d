import { describe, expect, it } from 'vitest';
import { freshStorePerTest, queueRow, user, type OpenStore } from './fixtures.ts';

/**
 * The contract of `Store` itself: its dialect, and transactions that commit or roll back whole.
 *
 * `open` must return a fresh, empty, migrated store each time: every test opens its own and closes
 * it after.
 */
export function transactionsContract(name: string, open: OpenStore): void {
  describe(`Store contract (${name})`, () => {
    const { run, current } = freshStorePerTest(open);

    it('names its dialect', () => {
      expect(current().dialect).toBe(name);
    });

    describe('transactions', () => {
      it('returns what the work resolves to', async () => {
        await expect(run(() => Promise.resolve(42))).resolves.toBe(42);
      });

      it('rolls back everything when the work throws', async () => {
        const failure = new Error('boom');
        await expect(
          run(async (tx) => {
            await tx.insertUser(user('u1', 'ann'));
            await tx.insertQueue(queueRow('q1'));
            await tx.setSetting('k', 'v');
            throw failure;
          }),
        ).rejects.toBe(failure);
        await run(async (tx) => {
          expect(await tx.findUserById('u1')).toBeUndefined();
          expect(await tx.listQueues()).toEqual([]);
          expect(await tx.getSetting('k')).toBeUndefined();
        });
      });
    });
  });
}
