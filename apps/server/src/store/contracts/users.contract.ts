import { describe, expect, it } from 'vitest';
import { freshStorePerTest, user, type OpenStore } from './fixtures.ts';

/**
 * The contract of `UsersRepository`: users, sessions and permissions.
 *
 * `open` must return a fresh, empty, migrated store each time: every test opens its own and closes
 * it after.
 */
export function usersContract(name: string, open: OpenStore): void {
  describe(`UsersRepository contract (${name})`, () => {
    const { run } = freshStorePerTest(open);

    it('round-trips users', async () => {
      const ann = user('u1', 'ann', 'agent');
      const bob = user('u2', 'bob', 'supervisor');
      const cat = user('u3', 'cat', 'admin');
      await run(async (tx) => {
        await tx.insertUser(cat);
        await tx.insertUser(ann);
        await tx.insertUser(bob);
      });
      await run(async (tx) => {
        expect(await tx.findUserByUsername('ann')).toEqual(ann);
        expect(await tx.findUserById('u2')).toEqual(bob);
        expect(await tx.findUserByUsername('nobody')).toBeUndefined();
        expect(await tx.findUserById('nobody')).toBeUndefined();
        expect(await tx.listUsers()).toEqual([ann, bob, cat]);
      });
    });

    it('enforces unique usernames', async () => {
      await run((tx) => tx.insertUser(user('u1', 'ann')));
      await expect(run((tx) => tx.insertUser(user('u2', 'ann')))).rejects.toThrow();
      await run(async (tx) => {
        expect(await tx.findUserById('u2')).toBeUndefined();
        expect((await tx.listUsers()).map((u) => u.id)).toEqual(['u1']);
      });
    });

    it('round-trips and deletes sessions', async () => {
      const session = { tokenHash: 'h1', userId: 'u1', createdAt: 1_000, expiresAt: 2_000_000_000_000 };
      await run(async (tx) => {
        await tx.insertUser(user('u1', 'ann'));
        await tx.insertSession(session);
      });
      await run(async (tx) => {
        expect(await tx.findSession('h1')).toEqual(session);
        expect(await tx.findSession('h2')).toBeUndefined();
        await tx.deleteSession('h1');
      });
      await run(async (tx) => expect(await tx.findSession('h1')).toBeUndefined());
    });

    it('grants permissions idempotently, per user', async () => {
      await run(async (tx) => {
        await tx.insertUser(user('u1', 'ann', 'supervisor'));
        await tx.insertUser(user('u2', 'bob', 'agent'));
        await tx.grantPermission('u1', 'reveal');
        await tx.grantPermission('u1', 'reveal');
      });
      await run(async (tx) => {
        expect(await tx.hasPermission('u1', 'reveal')).toBe(true);
        expect(await tx.hasPermission('u2', 'reveal')).toBe(false);
      });
    });

    it('lists and replaces a user’s permissions', async () => {
      await run(async (tx) => {
        await tx.insertUser(user('u1', 'ann', 'supervisor'));
        await tx.insertUser(user('u2', 'bob', 'agent'));
        await tx.grantPermission('u1', 'reveal');
        await tx.setPermissions('u2', ['transcript.export', 'history.readAll', 'transcript.export']);
      });
      await run(async (tx) => {
        const all = await tx.permissionsOf(['u1', 'u2', 'u3']);
        expect(all.get('u1')).toEqual(['reveal']);
        expect(all.get('u2')).toEqual(['history.readAll', 'transcript.export']);
        expect(all.has('u3')).toBe(false);
        await tx.setPermissions('u1', []);
      });
      await run(async (tx) => expect((await tx.permissionsOf(['u1'])).has('u1')).toBe(false));
    });

    it('[S-7] a deleted user leaves lists and login, keeps its name, frees its username', async () => {
      await run(async (tx) => {
        await tx.insertUser(user('u1', 'ann'));
        await tx.insertSession({ tokenHash: 'h1', userId: 'u1', createdAt: 1, expiresAt: 9e12 });
        expect(await tx.updateUser('u1', { displayName: 'Ann B', role: 'supervisor' })).toBe(true);
        expect(await tx.softDeleteUser('u1', 5_000)).toBe(true);
        expect(await tx.softDeleteUser('u1', 6_000)).toBe(false);
        await tx.deleteSessionsOfUser('u1');
      });
      await run(async (tx) => {
        expect(await tx.listUsers()).toEqual([]);
        expect(await tx.findUserByUsername('ann')).toBeUndefined();
        expect(await tx.findSession('h1')).toBeUndefined();
        const gone = await tx.findUserById('u1');
        expect(gone).toMatchObject({ displayName: 'Ann B', role: 'supervisor', deletedAt: 5_000 });
        expect(await tx.updateUser('u1', { displayName: 'x' })).toBe(false);
        await tx.insertUser(user('u2', 'ann'));
        expect((await tx.listUsers()).map((u) => u.id)).toEqual(['u2']);
      });
    });

    it('[issue-17] an SSO identity (issuer, subject) finds its user, and links to one user only', async () => {
      const ann = user('u1', 'ann');
      await run(async (tx) => {
        await tx.insertUser(ann);
        await tx.insertUser(user('u2', 'bob'));
        await tx.linkIdentity({ issuer: 'https://idp', subject: 'sub-1', userId: 'u1', createdAt: 1 });
      });
      await expect(
        run((tx) => tx.linkIdentity({ issuer: 'https://idp', subject: 'sub-1', userId: 'u2', createdAt: 2 })),
      ).rejects.toThrow();
      await run(async (tx) => {
        expect(await tx.findUserByIdentity('https://idp', 'sub-1')).toEqual(ann);
        expect(await tx.findUserByIdentity('https://other', 'sub-1')).toBeUndefined();
        expect(await tx.findUserByIdentity('https://idp', 'sub-2')).toBeUndefined();
      });
    });
  });
}
