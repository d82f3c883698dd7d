import { describe, expect, it } from 'vitest';
import type { StoreTx } from '../port.ts';
import { freshStorePerTest, user, type OpenStore } from './fixtures.ts';

/**
 * The contract of `AuditRepository`: the audit log, listed and queried.
 *
 * `open` must return a fresh, empty, migrated store each time: every test opens its own and closes
 * it after.
 */
export function auditContract(name: string, open: OpenStore): void {
  describe(`AuditRepository contract (${name})`, () => {
    const { run } = freshStorePerTest(open);

    it('keeps an audit log, newest first, with its detail as data', async () => {
      await run(async (tx) => {
        await tx.insertUser(user('u1', 'ann', 'admin'));
        await tx.insertAudit({
          id: 'a1',
          at: 1000,
          actorUserId: 'u1',
          action: 'settings.update',
          subject: 'settings',
          detail: { maskSensitiveData: true },
        });
        await tx.insertAudit({
          id: 'a2',
          at: 2000,
          actorUserId: 'u1',
          action: 'reveal.customerPhone',
          subject: 'c1',
          detail: null,
        });
      });
      const entries = await run((tx) => tx.listAudit(10));
      expect(entries.map((e) => e.id)).toEqual(['a2', 'a1']);
      expect(entries[1]).toEqual({
        id: 'a1',
        at: 1000,
        actorUserId: 'u1',
        action: 'settings.update',
        subject: 'settings',
        detail: { maskSensitiveData: true },
      });
      expect(await run((tx) => tx.listAudit(1))).toHaveLength(1);
    });

    it('queries the audit log newest first, by action prefix, actor, subject, time, with keyset paging', async () => {
      await run(async (tx) => {
        const entries = [
          {
            id: 'e1',
            at: 1_000,
            actorUserId: 'u1',
            action: 'users.create',
            subject: 's1',
            detail: { a: 1 },
          },
          { id: 'e2', at: 2_000, actorUserId: 'u2', action: 'queues.update', subject: 's2', detail: null },
          { id: 'e3', at: 2_000, actorUserId: 'u1', action: 'users.delete', subject: 's1', detail: null },
          { id: 'e4', at: 3_000, actorUserId: 'u1', action: 'users_x', subject: 's3', detail: null },
        ];
        for (const e of entries) await tx.insertAudit(e);
      });
      const ids = async (q: Parameters<StoreTx['queryAudit']>[0]) =>
        (await run((tx) => tx.queryAudit(q))).map((e) => e.id);
      expect(await ids({ limit: 10 })).toEqual(['e4', 'e3', 'e2', 'e1']);
      // "users." does not match "users_x": a prefix, not a LIKE pattern.
      expect(await ids({ actionPrefix: 'users.', limit: 10 })).toEqual(['e3', 'e1']);
      expect(await ids({ actorUserId: 'u2', limit: 10 })).toEqual(['e2']);
      expect(await ids({ subject: 's1', limit: 10 })).toEqual(['e3', 'e1']);
      expect(await ids({ from: 2_000, to: 3_000, limit: 10 })).toEqual(['e3', 'e2']);
      expect(await ids({ limit: 2 })).toEqual(['e4', 'e3']);
      expect(await ids({ before: { at: 2_000, id: 'e3' }, limit: 2 })).toEqual(['e2', 'e1']);
      expect((await run((tx) => tx.queryAudit({ limit: 1, subject: 's2' })))[0]?.detail).toBeNull();
    });
  });
}
