import { describe, expect, it } from 'vitest';
import {
  businessNumber,
  freshStorePerTest,
  queueRow,
  required,
  saveRoutingChanges,
  seedOneConversation,
  user,
  withAgent,
  type OpenStore,
} from './fixtures.ts';

/**
 * The contract of `CatalogRepository`: queues, agent profiles, idle codes, wrap-up reasons,
 * business numbers and settings, and the routing rows its writes change.
 *
 * `open` must return a fresh, empty, migrated store each time: every test opens its own and closes
 * it after.
 */
export function catalogContract(name: string, open: OpenStore): void {
  describe(`CatalogRepository contract (${name})`, () => {
    const { run } = freshStorePerTest(open);

    it('lists queues by priority, idle codes and wrap-up reasons by position', async () => {
      await run(async (tx) => {
        await tx.insertQueue({
          id: 'q2',
          name: 'Sales',
          priority: 2,
          offerTimeoutMs: 20_000,
          strategy: 'leastBusy',
        });
        await tx.insertQueue({
          id: 'q1',
          name: 'Support',
          priority: 1,
          offerTimeoutMs: 30_000,
          strategy: 'longestAvailable',
        });
        await tx.insertIdleCode({ id: 'i2', name: 'Lunch', position: 1 });
        await tx.insertIdleCode({ id: 'i1', name: 'Break', position: 0 });
        await tx.insertWrapUpReason({ id: 'w2', name: 'Sale', position: 1 });
        await tx.insertWrapUpReason({ id: 'w1', name: 'Resolved', position: 0 });
      });
      await run(async (tx) => {
        expect(await tx.listQueues()).toEqual([
          { id: 'q1', name: 'Support', priority: 1, offerTimeoutMs: 30_000, strategy: 'longestAvailable' },
          { id: 'q2', name: 'Sales', priority: 2, offerTimeoutMs: 20_000, strategy: 'leastBusy' },
        ]);
        expect(await tx.listIdleCodes()).toEqual([
          { id: 'i1', name: 'Break', position: 0 },
          { id: 'i2', name: 'Lunch', position: 1 },
        ]);
        expect(await tx.listWrapUpReasons()).toEqual([
          { id: 'w1', name: 'Resolved', position: 0 },
          { id: 'w2', name: 'Sale', position: 1 },
        ]);
      });
    });

    it('round-trips business numbers, unique by phone number id', async () => {
      const number = businessNumber('bn1', 'pn1');
      await run(async (tx) => {
        await tx.insertQueue(queueRow('q1'));
        await tx.insertBusinessNumber(number);
        await tx.insertBusinessNumber({ ...businessNumber('bn2', 'pn2'), appSecrets: [] });
      });
      await run(async (tx) => {
        expect(await tx.findBusinessNumberByPhoneNumberId('pn1')).toEqual(number);
        expect(await tx.findBusinessNumberById('bn1')).toEqual(number);
        expect(await tx.findBusinessNumberById('bn3')).toBeUndefined();
        expect(await tx.findBusinessNumberByPhoneNumberId('pn3')).toBeUndefined();
        expect((await tx.listBusinessNumbers()).map((n) => [n.id, n.appSecrets])).toEqual([
          ['bn1', ['secret-a', 'secret-b']],
          ['bn2', []],
        ]);
      });
      await expect(run((tx) => tx.insertBusinessNumber(businessNumber('bn3', 'pn1')))).rejects.toThrow();
    });

    it('reads, writes and overwrites settings', async () => {
      await run(async (tx) => {
        expect(await tx.getSetting('theme')).toBeUndefined();
        await tx.setSetting('theme', 'dark');
        await tx.setSetting('lang', 'it');
      });
      await run((tx) => tx.setSetting('theme', 'light'));
      await run(async (tx) => {
        expect(await tx.getSetting('theme')).toBe('light');
        expect(await tx.getSetting('lang')).toBe('it');
      });
    });

    it('updates a queue in place, and says when there is none', async () => {
      await run((tx) =>
        tx.insertQueue({
          id: 'q1',
          name: 'Support',
          priority: 1,
          offerTimeoutMs: 30_000,
          strategy: 'longestAvailable',
        }),
      );
      const changed = {
        id: 'q1',
        name: 'Help',
        priority: 3,
        offerTimeoutMs: 5_000,
        strategy: 'leastBusy',
      } as const;
      expect(await run((tx) => tx.updateQueue(changed))).toBe(true);
      expect(await run((tx) => tx.updateQueue({ ...changed, id: 'nope' }))).toBe(false);
      expect(await run((tx) => tx.listQueues())).toEqual([changed]);
      expect((await run((tx) => tx.routing.read())).queues.q1).toMatchObject({
        offerTimeoutMs: 5_000,
        strategy: 'leastBusy',
      });
    });

    it('creates an agent idle with the initial code, then updates only its profile', async () => {
      await run(async (tx) => {
        await tx.insertQueue(queueRow('q1'));
        await tx.insertQueue(queueRow('q2'));
        await tx.insertUser(user('a1', 'ann'));
        await tx.upsertAgentProfile({ userId: 'a1', capacity: 3, queueIds: ['q1'] }, 'i1', 100);
      });
      const first = await run((tx) => tx.routing.read());
      expect(first.agents.a1).toEqual({
        id: 'a1',
        state: { kind: 'idle', idleCodeId: 'i1', since: 100 },
        capacity: 3,
        queueIds: ['q1'],
        lastOfferedAt: null,
      });
      await run(async (tx) => {
        const before = await tx.routing.read();
        const agent = required(before.agents.a1);
        const after = withAgent(before, { ...agent, state: { kind: 'available', since: 200 } });
        await saveRoutingChanges(tx, before, after);
        await tx.upsertAgentProfile({ userId: 'a1', capacity: 5, queueIds: ['q2', 'q1'] }, 'i2', 300);
      });
      const second = await run((tx) => tx.routing.read());
      expect(second.agents.a1).toEqual({
        id: 'a1',
        state: { kind: 'available', since: 200 },
        capacity: 5,
        queueIds: ['q2', 'q1'],
        lastOfferedAt: null,
      });
    });

    describe('soft delete and administration (issue 6)', () => {
      const seedNumber = () => run(seedOneConversation);

      it('[S-7] deleted queues, reasons and idle codes leave lists but stay findable', async () => {
        await run(async (tx) => {
          await tx.insertQueue({ ...queueRow('q1'), wrapUpReasonIds: ['r1'] });
          await tx.insertQueue(queueRow('q2'));
          await tx.insertWrapUpReason({ id: 'r1', name: 'Done', position: 0 });
          await tx.insertIdleCode({ id: 'i1', name: 'Break', position: 0 });
          expect(await tx.updateWrapUpReason({ id: 'r1', name: 'Resolved', position: 2 })).toBe(true);
          expect(await tx.updateIdleCode({ id: 'i1', name: 'Lunch', position: 1 })).toBe(true);
          expect(await tx.softDeleteQueue('q2', 7_000)).toBe(true);
        });
        await run(async (tx) => {
          expect((await tx.listQueues()).map((q) => q.id)).toEqual(['q1']);
          expect((await tx.listQueues())[0]?.wrapUpReasonIds).toEqual(['r1']);
          expect((await tx.listQueues({ includeDeleted: true })).map((q) => q.id)).toEqual(['q1', 'q2']);
          expect(await tx.findQueueById('q2')).toMatchObject({ name: 'Queue q2', deletedAt: 7_000 });
          expect(await tx.listWrapUpReasons()).toEqual([{ id: 'r1', name: 'Resolved', position: 2 }]);
          expect(await tx.listIdleCodes()).toEqual([{ id: 'i1', name: 'Lunch', position: 1 }]);
          expect(await tx.softDeleteWrapUpReason('r1', 8_000)).toBe(true);
          expect(await tx.softDeleteIdleCode('i1', 8_000)).toBe(true);
          expect(await tx.listWrapUpReasons()).toEqual([]);
          expect(await tx.listIdleCodes()).toEqual([]);
          expect(await tx.updateIdleCode({ id: 'i1', name: 'x', position: 0 })).toBe(false);
        });
      });

      it('[S-7] a deleted number: details say so, its phone_number_id is free yet still recognised', async () => {
        await seedNumber();
        await run(async (tx) => {
          expect(await tx.liveConversationIdsOf({ businessNumberId: 'bn1' })).toEqual(['k1']);
          expect(await tx.liveConversationIdsOf({ queueId: 'q1' })).toEqual(['k1']);
          const [before] = await tx.getConversationDetails(['k1']);
          expect(before?.businessNumberDeleted).toBeUndefined();
          expect(await tx.softDeleteBusinessNumber('bn1', 9_000)).toBe(true);
        });
        await run(async (tx) => {
          const [details] = await tx.getConversationDetails(['k1']);
          expect(details).toMatchObject({
            businessNumberDeleted: true,
            businessDisplayNumber: '+1 555 0100',
          });
          expect(details?.queueDeleted).toBeUndefined();
          expect(await tx.listBusinessNumbers()).toEqual([]);
          expect(await tx.listBusinessNumbers({ includeDeleted: true })).toHaveLength(1);
          // Still recognised for webhooks, with its real id and secrets.
          expect(await tx.findBusinessNumberByPhoneNumberId('1001')).toMatchObject({
            id: 'bn1',
            phoneNumberId: '1001',
            appSecrets: ['secret-a', 'secret-b'],
            deletedAt: 9_000,
          });
          // A new number may take the phone_number_id; it wins over the deleted one.
          await tx.insertBusinessNumber(businessNumber('bn2', '1001'));
          expect((await tx.findBusinessNumberByPhoneNumberId('1001'))?.id).toBe('bn2');
          expect(await tx.updateBusinessNumber({ ...businessNumber('bn1', '1002'), appSecrets: ['s'] })).toBe(
            false,
          );
          expect(
            await tx.updateBusinessNumber({ ...businessNumber('bn2', '1001'), appSecrets: ['s2'] }),
          ).toBe(true);
          expect((await tx.findBusinessNumberById('bn2'))?.appSecrets).toEqual(['s2']);
        });
      });

      it('lists and removes agent profiles', async () => {
        await run(async (tx) => {
          await tx.insertUser(user('a1', 'ann'));
          await tx.upsertAgentProfile({ userId: 'a1', capacity: 3, queueIds: ['q1'] }, 'i1', 1_000);
        });
        expect(await run((tx) => tx.listAgentProfiles())).toEqual([
          { userId: 'a1', capacity: 3, queueIds: ['q1'] },
        ]);
        await run((tx) => tx.deleteAgentProfile('a1'));
        expect(await run((tx) => tx.listAgentProfiles())).toEqual([]);
      });
    });
  });
}
