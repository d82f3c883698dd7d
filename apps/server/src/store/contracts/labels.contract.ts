import { describe, expect, it } from 'vitest';
import type { LabelRow } from '../port.ts';
import { freshStorePerTest, type OpenStore } from './fixtures.ts';

const label = (id: string, name: string, color = 'blue'): LabelRow => ({
  id,
  name,
  color,
  description: null,
  createdAt: 1,
  updatedAt: 1,
});

const on = (conversationId: string, labelId: string, startedAt: number) => ({
  conversationId,
  labelId,
  startedAt,
  setAt: startedAt + 10,
  setBy: 'u1',
});

/**
 * The contract of `LabelsRepository` (issue 18, ADR 26): names unique ignoring case, labels on
 * conversations (set once), deleting a label takes it off, counts per arrival bucket.
 */
export function labelsContract(name: string, open: OpenStore): void {
  describe(`LabelsRepository contract (${name})`, () => {
    const { run } = freshStorePerTest(open);

    it('[issue-18] lists by name ignoring case; finds by name ignoring case; a second name in another case is refused', async () => {
      await run(async (tx) => {
        await tx.labels.insert(label('l1', 'vip', 'purple'));
        await tx.labels.insert(label('l2', 'Refund', 'red'));
      });
      await run(async (tx) => {
        expect((await tx.labels.list()).map((l) => l.name)).toEqual(['Refund', 'vip']);
        expect((await tx.labels.findByName('REFUND'))?.id).toBe('l2');
        expect(await tx.labels.findByName('nothing')).toBeUndefined();
      });
      await expect(run((tx) => tx.labels.insert(label('l3', 'VIP')))).rejects.toThrow();
      await run(async (tx) => {
        expect(await tx.labels.update('l1', { name: 'Gold', color: 'yellow', updatedAt: 5 })).toBe(true);
        expect(await tx.labels.update('l9', { name: 'x' })).toBe(false);
        expect(await tx.labels.find('l1')).toMatchObject({ name: 'Gold', color: 'yellow', updatedAt: 5 });
        expect((await tx.labels.findByName('gold'))?.id).toBe('l1');
      });
    });

    it('[issue-18] a label is set on a conversation once, unset, and deleting it takes it off every conversation', async () => {
      await run(async (tx) => {
        await tx.labels.insert(label('l1', 'b-label'));
        await tx.labels.insert(label('l2', 'A-label'));
        expect(await tx.labels.assign(on('k1', 'l1', 100))).toBe(true);
        expect(await tx.labels.assign(on('k1', 'l1', 100))).toBe(false);
        expect(await tx.labels.assign(on('k1', 'l2', 100))).toBe(true);
        expect(await tx.labels.assign(on('k2', 'l1', 200))).toBe(true);
      });
      await run(async (tx) => {
        const found = await tx.labels.labelsOf(['k1', 'k2', 'k3']);
        expect(found.map((f) => [f.conversationId, f.label.name])).toEqual([
          ['k1', 'A-label'],
          ['k1', 'b-label'],
          ['k2', 'b-label'],
        ]);
        expect(await tx.labels.unassign('k1', 'l2')).toBe(true);
        expect(await tx.labels.unassign('k1', 'l2')).toBe(false);
        expect(await tx.labels.delete('l1')).toBe(true);
        expect(await tx.labels.delete('l1')).toBe(false);
        expect(await tx.labels.labelsOf(['k1', 'k2'])).toEqual([]);
      });
    });

    it('[issue-18] counts conversations per arrival bucket and label: start included, end excluded', async () => {
      await run(async (tx) => {
        await tx.labels.insert(label('l1', 'one'));
        await tx.labels.insert(label('l2', 'two'));
        await tx.labels.assign(on('k1', 'l1', 1_000));
        await tx.labels.assign(on('k2', 'l1', 1_999));
        await tx.labels.assign(on('k3', 'l1', 2_000));
        await tx.labels.assign(on('k3', 'l2', 2_000));
        await tx.labels.assign(on('k4', 'l2', 3_000));
        await tx.labels.assign(on('k5', 'l2', 999));
      });
      await run(async (tx) => {
        const counts = await tx.labels.countByArrival([
          { start: 1_000, end: 2_000 },
          { start: 2_000, end: 3_000 },
        ]);
        expect(counts).toEqual([
          { bucket: 0, labelId: 'l1', count: 2 },
          { bucket: 1, labelId: 'l1', count: 1 },
          { bucket: 1, labelId: 'l2', count: 1 },
        ]);
        expect(await tx.labels.countByArrival([])).toEqual([]);
      });
    });
  });
}
