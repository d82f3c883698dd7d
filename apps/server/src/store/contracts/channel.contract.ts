import { beforeEach, describe, expect, it } from 'vitest';
import {
  freshStorePerTest,
  newConversation,
  outboxRow,
  required,
  seedCatalog,
  type OpenStore,
} from './fixtures.ts';

/**
 * The contract of `ChannelRepository`: webhook inbox, early statuses, outbox and channel health.
 *
 * `open` must return a fresh, empty, migrated store each time: every test opens its own and closes
 * it after.
 */
export function channelContract(name: string, open: OpenStore): void {
  describe(`ChannelRepository contract (${name})`, () => {
    const { run } = freshStorePerTest(open);

    describe('channel health', () => {
      beforeEach(() => run(seedCatalog));

      it('channelHealth: per number, last inbound and the outbox depth/oldest; parked statuses counted', async () => {
        await run(async (tx) => {
          await tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' });
          await tx.insertConversation(newConversation('k1', 'c1'));
          await tx.touchLastInbound([{ conversationId: 'k1', at: 5_000 }]);
          await tx.enqueueOutbox(outboxRow('0001', 'k1', 7_000, 7_000));
          await tx.enqueueOutbox(outboxRow('0002', 'k1', 8_000, 8_000));
          await tx.insertPendingStatus({ wamid: 'w-later', status: 'sent', at: 9_000, failureReason: null });
        });
        const health = await run((tx) => tx.channelHealth());
        expect(health.pendingStatuses).toBe(1);
        expect(health.numbers.find((n) => n.businessNumberId === 'bn1')).toEqual({
          businessNumberId: 'bn1',
          lastInboundAt: 5_000,
          outboxDepth: 2,
          outboxOldestAt: 7_000,
        });
        expect(health.numbers.find((n) => n.businessNumberId === 'bn2')).toEqual({
          businessNumberId: 'bn2',
          lastInboundAt: null,
          outboxDepth: 0,
          outboxOldestAt: null,
        });
      });
    });

    describe('statuses that arrived early', () => {
      it('keeps early statuses once per (wamid, status) and hands them over once', async () => {
        await run(async (tx) => {
          await tx.insertPendingStatus({ wamid: 'w1', status: 'delivered', at: 2_000, failureReason: null });
          await tx.insertPendingStatus({ wamid: 'w1', status: 'sent', at: 1_000, failureReason: null });
          await tx.insertPendingStatus({
            wamid: 'w2',
            status: 'failed',
            at: 1_500,
            failureReason: 'Expired (131026)',
          });
        });
        // A redelivered status is ignored, not an error.
        await run((tx) =>
          tx.insertPendingStatus({ wamid: 'w1', status: 'sent', at: 9_000, failureReason: null }),
        );
        await run(async (tx) => {
          expect(await tx.takePendingStatuses('w1')).toEqual([
            { wamid: 'w1', status: 'sent', at: 1_000, failureReason: null },
            { wamid: 'w1', status: 'delivered', at: 2_000, failureReason: null },
          ]);
          expect(await tx.takePendingStatuses('w1')).toEqual([]);
        });
        await run(async (tx) => {
          expect(await tx.takePendingStatuses('w1')).toEqual([]);
          expect(await tx.takePendingStatuses('w2')).toEqual([
            { wamid: 'w2', status: 'failed', at: 1_500, failureReason: 'Expired (131026)' },
          ]);
        });
      });
    });

    describe('webhook inbox', () => {
      it('stores raw deliveries, unique by id', async () => {
        await run(async (tx) => {
          await tx.insertWebhookDeliveries([
            { id: 'wh1', receivedAt: 1, body: '{"object":"whatsapp_business_account"}' },
            { id: 'wh2', receivedAt: 2, body: '{}' },
          ]);
          await tx.insertWebhookDeliveries([]);
        });
        await expect(
          run((tx) => tx.insertWebhookDeliveries([{ id: 'wh1', receivedAt: 3, body: '' }])),
        ).rejects.toThrow();
      });
    });

    describe('outbox', () => {
      it('hands out each conversation head when due, oldest first', async () => {
        await run(async (tx) => {
          // Enqueued out of id order: a conversation's head is its smallest id.
          await tx.enqueueOutbox(outboxRow('0002_a', 'kA', 20, 100));
          await tx.enqueueOutbox(outboxRow('0001_a', 'kA', 20, 100));
          await tx.enqueueOutbox(outboxRow('0003_b', 'kB', 10, 500));
          await tx.enqueueOutbox(outboxRow('0004_b', 'kB', 10, 100));
          await tx.enqueueOutbox(outboxRow('0005_c', 'kC', 5, 100));
          await tx.enqueueOutbox(outboxRow('0006_c', 'kC', 5, 100));
          // Bytewise id order ('B' < 'a'), the same on both databases whatever their locale.
          await tx.enqueueOutbox(outboxRow('0007_a', 'kD', 30, 100));
          await tx.enqueueOutbox(outboxRow('0007_B', 'kD', 30, 100));
        });
        await run(async (tx) => {
          // kB's head is not due yet, so its second row waits too.
          expect((await tx.dueOutbox(100, 10)).map((r) => r.id)).toEqual(['0005_c', '0001_a', '0007_B']);
          expect((await tx.dueOutbox(100, 2)).map((r) => r.id)).toEqual(['0005_c', '0001_a']);
          expect((await tx.dueOutbox(500, 10)).map((r) => r.id)).toEqual([
            '0005_c',
            '0003_b',
            '0001_a',
            '0007_B',
          ]);
          expect(await tx.dueOutbox(99, 10)).toEqual([]);
        });
        await run(async (tx) => {
          await tx.deleteOutbox('0005_c');
          await tx.deleteOutbox('0001_a');
        });
        expect((await run((tx) => tx.dueOutbox(100, 10))).map((r) => r.id)).toEqual([
          '0006_c',
          '0002_a',
          '0007_B',
        ]);
      });

      it('round-trips rows and reschedules them', async () => {
        const row = outboxRow('0001', 'kA', 1, 100);
        await run((tx) => tx.enqueueOutbox(row));
        expect(await run((tx) => tx.dueOutbox(100, 10))).toEqual([row]);
        await run((tx) => tx.rescheduleOutbox('0001', 2_000, 1, 'HTTP 503'));
        await run(async (tx) => {
          expect(await tx.dueOutbox(1_999, 10)).toEqual([]);
          expect(await tx.dueOutbox(2_000, 10)).toEqual([
            { ...row, dueAt: 2_000, attempts: 1, lastError: 'HTTP 503' },
          ]);
        });
        await run((tx) => tx.deleteOutbox('0001'));
        expect(await run((tx) => tx.dueOutbox(10_000, 10))).toEqual([]);
      });

      it('a row marked sending is not handed out, holds its conversation, and is found stranded later (ADR 0008)', async () => {
        await run(async (tx) => {
          await tx.enqueueOutbox(outboxRow('0001_a', 'kA', 1, 100));
          await tx.enqueueOutbox(outboxRow('0002_a', 'kA', 2, 100));
          await tx.enqueueOutbox(outboxRow('0003_b', 'kB', 3, 100));
        });
        expect(await run((tx) => tx.claimOutbox(outboxRow('0001_a', 'kA', 1, 100), 1_000))).toBe(true);
        await run(async (tx) => {
          expect((await tx.dueOutbox(5_000, 10)).map((r) => r.id)).toEqual(['0003_b']);
          expect(await tx.strandedOutbox(999, 10)).toEqual([]);
          expect(await tx.strandedOutbox(1_000, 10)).toEqual([
            { ...outboxRow('0001_a', 'kA', 1, 100), sendingAt: 1_000 },
          ]);
        });
        // A retry clears the mark: the row is due again, and no longer stranded.
        await run((tx) => tx.rescheduleOutbox('0001_a', 2_000, 1, 'HTTP 503'));
        await run(async (tx) => {
          expect((await tx.dueOutbox(5_000, 10)).map((r) => r.id)).toEqual(['0001_a', '0003_b']);
          expect(await tx.strandedOutbox(10_000, 10)).toEqual([]);
        });
      });

      it('[cluster][ADR 0008] an outbox row is claimed once: only while unmarked and as it was read', async () => {
        const row = outboxRow('0001_a', 'kA', 1, 100);
        await run((tx) => tx.enqueueOutbox(row));
        // Read by a node whose view is out of date: neither another due time nor other attempts match.
        expect(await run((tx) => tx.claimOutbox({ ...row, dueAt: 99 }, 1_000))).toBe(false);
        expect(await run((tx) => tx.claimOutbox({ ...row, attempts: 1 }, 1_000))).toBe(false);
        expect(await run((tx) => tx.claimOutbox(row, 1_000))).toBe(true);
        expect(await run((tx) => tx.claimOutbox(row, 1_001))).toBe(false);
        expect(await run((tx) => tx.strandedOutbox(10_000, 10))).toEqual([{ ...row, sendingAt: 1_000 }]);
        // Put back by its holder (a retry): the old reading no longer claims it, a fresh one does.
        await run((tx) => tx.rescheduleOutbox('0001_a', 2_000, 1, 'HTTP 503'));
        expect(await run((tx) => tx.claimOutbox(row, 3_000))).toBe(false);
        const [again] = await run((tx) => tx.dueOutbox(2_000, 10));
        expect(again).toEqual({ ...row, dueAt: 2_000, attempts: 1, lastError: 'HTTP 503' });
        expect(await run((tx) => tx.claimOutbox(required(again), 3_000))).toBe(true);
        await run((tx) => tx.deleteOutbox('0001_a'));
        expect(await run((tx) => tx.claimOutbox(required(again), 4_000))).toBe(false);
      });

      it('[cluster][ADR 0008] of concurrent claims of one outbox row exactly one wins', async () => {
        const row = outboxRow('0001_a', 'kA', 1, 100);
        await run((tx) => tx.enqueueOutbox(row));
        const claims = await Promise.all(
          Array.from({ length: 6 }, (_, i) => run((tx) => tx.claimOutbox(row, 1_000 + i))),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
        const [marked] = await run((tx) => tx.strandedOutbox(10_000, 10));
        expect(marked?.sendingAt).toBe(1_000 + claims.indexOf(true));
      });

      it('[cluster] deleting an outbox row reports true to one deleter only, also concurrently', async () => {
        await run(async (tx) => {
          await tx.enqueueOutbox(outboxRow('0001_a', 'kA', 1, 100));
          await tx.enqueueOutbox(outboxRow('0002_b', 'kB', 1, 100));
        });
        expect(await run((tx) => tx.deleteOutbox('0001_a'))).toBe(true);
        expect(await run((tx) => tx.deleteOutbox('0001_a'))).toBe(false);
        expect(await run((tx) => tx.deleteOutbox('never'))).toBe(false);
        const deletes = await Promise.all(
          Array.from({ length: 6 }, () => run((tx) => tx.deleteOutbox('0002_b'))),
        );
        expect(deletes.filter(Boolean)).toHaveLength(1);
      });

      it('[cluster][ADR 0008] a stranded row is released once, and due again at once', async () => {
        const row = { ...outboxRow('0001_a', 'kA', 1, 100), kind: 'whatsapp.markRead' as const };
        await run((tx) => tx.enqueueOutbox(row));
        expect(await run((tx) => tx.claimOutbox(row, 1_000))).toBe(true);
        expect(await run((tx) => tx.releaseStrandedOutbox('0001_a', 999, 20_000, 'stranded'))).toBe(false);
        const releases = await Promise.all(
          Array.from({ length: 4 }, () =>
            run((tx) => tx.releaseStrandedOutbox('0001_a', 1_000, 20_000, 'stranded')),
          ),
        );
        expect(releases.filter(Boolean)).toHaveLength(1);
        await run(async (tx) => {
          expect(await tx.strandedOutbox(100_000, 10)).toEqual([]);
          expect(await tx.dueOutbox(20_000, 10)).toEqual([{ ...row, dueAt: 20_000, lastError: 'stranded' }]);
        });
      });
    });
  });
}
