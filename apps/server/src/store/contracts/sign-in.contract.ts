import { describe, expect, it } from 'vitest';
import { freshStorePerTest, user, type OpenStore } from './fixtures.ts';

/**
 * The contract of `SignInRepository` (issue 17): failed sign-ins counted atomically per username
 * or address, forgotten after a quiet spell; locks set, listed and lifted; a user's TOTP state.
 *
 * `open` must return a fresh, empty, migrated store each time.
 */
export function signInContract(name: string, open: OpenStore): void {
  describe(`SignInRepository contract (${name})`, () => {
    const { run } = freshStorePerTest(open);

    it('[issue-17] failures are counted one by one, concurrent ones too, and start again after a quiet spell', async () => {
      const fail = (at: number, forgetBefore = 0) =>
        run((tx) => tx.signIn.recordSignInFailure('user:anna', 'user', 'anna', at, forgetBefore));
      expect(await fail(1_000)).toBe(1);
      expect(await fail(2_000)).toBe(2);
      const counts = await Promise.all([3_000, 3_001, 3_002, 3_003].map((at) => fail(at)));
      expect([...counts].sort()).toEqual([3, 4, 5, 6]);
      // The last failure (3_003) is before `forgetBefore`: counting starts again.
      expect(await fail(90_000, 50_000)).toBe(1);
      const [row] = await run((tx) => tx.signIn.findSignInThrottles(['user:anna', 'user:none']));
      expect(row).toEqual({
        key: 'user:anna',
        kind: 'user',
        subject: 'anna',
        failures: 1,
        lastFailureAt: 90_000,
        lockedUntil: null,
      });
    });

    it('[issue-17] a lock is set, listed (recent failures or live locks, latest first) and lifted', async () => {
      await run(async (tx) => {
        await tx.signIn.recordSignInFailure('user:anna', 'user', 'anna', 1_000, 0);
        await tx.signIn.recordSignInFailure('address:10.0.0.1', 'address', '10.0.0.1', 5_000, 0);
        await tx.signIn.recordSignInFailure('user:old', 'user', 'old', 100, 0);
        await tx.signIn.setSignInLock('user:anna', 60_000);
      });
      const listed = await run((tx) => tx.signIn.listSignInThrottles(2_000, 10));
      // anna's failure is older than 2_000 but her lock lasts past it; `old` is neither.
      expect(listed.map((row) => [row.key, row.lockedUntil])).toEqual([
        ['address:10.0.0.1', null],
        ['user:anna', 60_000],
      ]);
      expect(await run((tx) => tx.signIn.deleteSignInThrottle('user:anna'))).toBe(true);
      expect(await run((tx) => tx.signIn.deleteSignInThrottle('user:anna'))).toBe(false);
      expect(await run((tx) => tx.signIn.findSignInThrottles(['user:anna']))).toEqual([]);
    });

    it('[issue-17] a user has no TOTP until set; fields change one at a time; a deleted user has none', async () => {
      await run((tx) => tx.insertUser(user('u1', 'anna', 'admin')));
      expect(await run((tx) => tx.signIn.findTotp('u1'))).toEqual({
        secret: null,
        pendingSecret: null,
        lastStep: null,
      });
      expect(await run((tx) => tx.signIn.updateTotp('u1', { pendingSecret: 'ABC' }))).toBe(true);
      await run((tx) =>
        tx.signIn.updateTotp('u1', { secret: 'ABC', pendingSecret: null, lastStep: 59_000_000 }),
      );
      expect(await run((tx) => tx.signIn.findTotp('u1'))).toEqual({
        secret: 'ABC',
        pendingSecret: null,
        lastStep: 59_000_000,
      });
      expect(await run((tx) => tx.signIn.updateTotp('nobody', { secret: 'X' }))).toBe(false);
      await run((tx) => tx.softDeleteUser('u1', 5_000));
      expect(await run((tx) => tx.signIn.findTotp('u1'))).toBeUndefined();
    });
  });
}
