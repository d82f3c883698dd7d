import { beforeEach, describe, expect, it } from 'vitest';
import { freshStorePerTest, newConversation, outboxRow, seedCatalog, type OpenStore } from './fixtures.ts';

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
          await tx.touchLastInbound('k1', 5_000);
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
          await tx.insertWebhookDelivery({
            id: 'wh1',
            receivedAt: 1,
            body: '{"object":"whatsapp_business_account"}',
          });
          await tx.insertWebhookDelivery({ id: 'wh2', receivedAt: 2, body: '{}' });
        });
        await expect(
          run((tx) => tx.insertWebhookDelivery({ id: 'wh1', receivedAt: 3, body: '' })),
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
        await run((tx) => tx.markOutboxSending('0001_a', 1_000));
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
    });
  });
}
