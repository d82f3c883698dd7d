import { describe, expect, it } from 'vitest';
import type { BusinessHoursRow } from '../port.ts';
import { freshStorePerTest, type OpenStore } from './fixtures.ts';

/**
 * The contract of `BusinessHoursRepository` (issue 18): a queue's business hours, one row per
 * queue, replaced as a whole; routing reads the rows with hours on.
 */
export function businessHoursContract(name: string, open: OpenStore): void {
  describe(`BusinessHoursRepository contract (${name})`, () => {
    const { run } = freshStorePerTest(open);
    const row: BusinessHoursRow = {
      queueId: 'q1',
      enabled: true,
      intervals: [
        { day: 1, from: '09:00', to: '18:00' },
        { day: 5, from: '22:00', to: '06:00' },
      ],
      holidays: ['2026-12-25'],
      outOfHours: 'overflow',
      overflowQueueId: 'q2',
      replyEn: 'We are closed',
      replyIt: 'Siamo chiusi',
      updatedAt: 1_000,
    };

    it('[issue 18] a queue without a row has no business hours', async () => {
      expect(await run((tx) => tx.businessHours.find('q1'))).toBeUndefined();
      expect(await run((tx) => tx.businessHours.listEnabled())).toEqual([]);
    });

    it('[issue 18] business hours are stored, read back whole and replaced', async () => {
      await run((tx) => tx.businessHours.put(row));
      expect(await run((tx) => tx.businessHours.find('q1'))).toEqual(row);
      const off = {
        ...row,
        enabled: false,
        outOfHours: 'wait' as const,
        overflowQueueId: null,
        updatedAt: 2_000,
      };
      await run((tx) => tx.businessHours.put(off));
      expect(await run((tx) => tx.businessHours.find('q1'))).toEqual(off);
    });

    it('[issue 18] only the queues with their hours on are listed for routing', async () => {
      await run((tx) => tx.businessHours.put(row));
      await run((tx) => tx.businessHours.put({ ...row, queueId: 'q2', enabled: false }));
      expect((await run((tx) => tx.businessHours.listEnabled())).map((r) => r.queueId)).toEqual(['q1']);
    });

    it('[issue 13] a transaction that lists the hours, changes them and lists again sees its change', async () => {
      const lists = await run(async (tx) => {
        const first = await tx.businessHours.listEnabled();
        const again = await tx.businessHours.listEnabled();
        await tx.businessHours.put(row);
        return [first, again, await tx.businessHours.listEnabled()].map((l) => l.map((r) => r.queueId));
      });
      expect(lists).toEqual([[], [], ['q1']]);
    });
  });
}
