import { describe, expect, it } from 'vitest';
import type { StoreTx } from '../port.ts';
import { freshStorePerTest, type OpenStore } from './fixtures.ts';

/** Appends one event and returns its seq. */
async function append(tx: StoreTx, agentId: string, event: unknown, at: number): Promise<number> {
  const [seq] = await tx.appendAgentEvents([{ agentId, event, at }]);
  if (seq === undefined) throw new Error('no seq');
  return seq;
}

/**
 * The contract of `AgentEventsRepository`: the per-agent event log and its seqs.
 *
 * `open` must return a fresh, empty, migrated store each time: every test opens its own and closes
 * it after.
 */
export function agentEventsContract(name: string, open: OpenStore): void {
  describe(`AgentEventsRepository contract (${name})`, () => {
    const { run } = freshStorePerTest(open);

    it('numbers events per agent and replays after a seq', async () => {
      const seqs = await run(async (tx) => [
        await append(tx, 'a1', { type: 'e1' }, 100),
        await append(tx, 'a1', { type: 'e2' }, 200),
        await append(tx, 'a2', { type: 'x1' }, 200),
      ]);
      expect(seqs).toEqual([1, 2, 1]);
      expect(await run((tx) => append(tx, 'a1', { type: 'e3', n: [1] }, 300))).toBe(3);
      await run(async (tx) => {
        expect(await tx.agentEventsAfter('a1', 1, 10)).toEqual([
          { seq: 2, event: { type: 'e2' } },
          { seq: 3, event: { type: 'e3', n: [1] } },
        ]);
        expect(await tx.agentEventsAfter('a1', 0, 1)).toEqual([{ seq: 1, event: { type: 'e1' } }]);
        expect(await tx.agentEventsAfter('a1', 3, 10)).toEqual([]);
        expect(await tx.lastAgentSeq('a1')).toBe(3);
        expect(await tx.lastAgentSeq('a2')).toBe(1);
        expect(await tx.lastAgentSeq('a3')).toBe(0);
      });
    });

    it("appends a transaction's events for several agents at once, each agent's in the order given", async () => {
      await run((tx) => append(tx, 'b', 'b1', 100));
      const seqs = await run((tx) =>
        tx.appendAgentEvents([
          { agentId: 'b', event: 'b2', at: 200 },
          { agentId: 'a', event: 'a1', at: 200 },
          { agentId: 'b', event: 'b3', at: 200 },
          { agentId: 'c', event: 'c1', at: 200 },
          { agentId: 'a', event: 'a2', at: 200 },
        ]),
      );
      expect(seqs).toEqual([2, 1, 3, 1, 2]);
      expect(await run((tx) => tx.appendAgentEvents([]))).toEqual([]);
      await run(async (tx) => {
        expect(await tx.agentEventsAfter('a', 0, 10)).toEqual([
          { seq: 1, event: 'a1' },
          { seq: 2, event: 'a2' },
        ]);
        expect(await tx.agentEventsAfter('b', 0, 10)).toEqual([
          { seq: 1, event: 'b1' },
          { seq: 2, event: 'b2' },
          { seq: 3, event: 'b3' },
        ]);
        expect(await tx.lastAgentSeq('c')).toBe(1);
      });
    });

    it('prunes old events but keeps each agent newest, and seqs keep counting', async () => {
      await run(async (tx) => {
        await append(tx, 'a1', 'e1', 100);
        await append(tx, 'a1', 'e2', 200);
        await append(tx, 'a1', 'e3', 300);
        await append(tx, 'a2', 'x1', 100);
        await append(tx, 'a3', 'y1', 1_000);
      });
      expect(await run((tx) => tx.pruneAgentEvents(1_000))).toBe(2);
      await run(async (tx) => {
        expect(await tx.agentEventsAfter('a1', 0, 10)).toEqual([{ seq: 3, event: 'e3' }]);
        expect(await tx.agentEventsAfter('a2', 0, 10)).toEqual([{ seq: 1, event: 'x1' }]);
        expect(await tx.agentEventsAfter('a3', 0, 10)).toEqual([{ seq: 1, event: 'y1' }]);
        expect(await tx.lastAgentSeq('a1')).toBe(3);
        expect(await append(tx, 'a1', 'e4', 1_100)).toBe(4);
      });
      // e3 is no longer a1's newest, so it goes now; nothing else does.
      expect(await run((tx) => tx.pruneAgentEvents(1_000))).toBe(1);
      expect(await run((tx) => tx.agentEventsAfter('a1', 0, 10))).toEqual([{ seq: 4, event: 'e4' }]);
      expect(await run((tx) => tx.pruneAgentEvents(1_000))).toBe(0);
    });

    it('gives distinct consecutive seqs to concurrent appends', async () => {
      const seqs = await Promise.all(
        Array.from({ length: 8 }, (_, i) => run((tx) => append(tx, 'a1', { i }, 100))),
      );
      expect([...seqs].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await run((tx) => tx.lastAgentSeq('a1'))).toBe(8);
    });

    it('forgets an append that rolled back', async () => {
      await run((tx) => append(tx, 'a1', 'e1', 100));
      await expect(
        run(async (tx) => {
          await append(tx, 'a1', 'e2', 200);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await run((tx) => append(tx, 'a1', 'e2b', 300))).toBe(2);
    });
  });
}
