import { describe, expect, it } from 'vitest';
import { freshStorePerTest, type OpenStore } from './fixtures.ts';

/**
 * The contract of `LeasesRepository`: leases on named background work, one holder at a time until
 * the lease ends.
 *
 * `open` must return a fresh, empty, migrated store each time: every test opens its own and closes
 * it after.
 */
export function leasesContract(name: string, open: OpenStore): void {
  describe(`LeasesRepository contract (${name})`, () => {
    const { run } = freshStorePerTest(open);

    it('[cluster] a lease is held by one holder until it expires, then taken over', async () => {
      expect(await run((tx) => tx.claimLease('sync:bn1', 'node-a', 1_000, 11_000))).toBe(true);
      expect(await run((tx) => tx.claimLease('sync:bn1', 'node-b', 1_500, 11_500))).toBe(false);
      expect(await run((tx) => tx.claimLease('sync:bn1', 'node-b', 10_999, 20_999))).toBe(false);
      // Another name is another lease.
      expect(await run((tx) => tx.claimLease('sync:bn2', 'node-b', 1_500, 11_500))).toBe(true);
      // At its end node-a's lease lapses (node-a died, or simply did not renew): node-b takes it.
      expect(await run((tx) => tx.claimLease('sync:bn1', 'node-b', 11_000, 21_000))).toBe(true);
      expect(await run((tx) => tx.claimLease('sync:bn1', 'node-a', 12_000, 22_000))).toBe(false);
      expect(await run((tx) => tx.claimLease('sync:bn1', 'node-a', 21_000, 31_000))).toBe(true);
    });

    it('[cluster] a held lease is refused to its own holder too, until it ends (once per period)', async () => {
      expect(await run((tx) => tx.claimLease('sync:bn1', 'node-a', 1_000, 11_000))).toBe(true);
      expect(await run((tx) => tx.claimLease('sync:bn1', 'node-a', 5_000, 15_000))).toBe(false);
      // Unchanged by the refused claim: it still ends at 11_000.
      expect(await run((tx) => tx.claimLease('sync:bn1', 'node-b', 11_000, 21_000))).toBe(true);
    });

    it('[cluster] of concurrent claims of a free or expired lease exactly one holder wins', async () => {
      const nodes = Array.from({ length: 6 }, (_, i) => `node-${i}`);
      const fresh = await Promise.all(
        nodes.map((node) => run((tx) => tx.claimLease('sync', node, 1_000, 2_000))),
      );
      expect(fresh.filter(Boolean)).toHaveLength(1);
      const winner = nodes[fresh.indexOf(true)];
      const others = nodes.filter((node) => node !== winner);
      const takeovers = await Promise.all(
        others.map((node) => run((tx) => tx.claimLease('sync', node, 2_000, 3_000))),
      );
      expect(takeovers.filter(Boolean)).toHaveLength(1);
    });

    it('[cluster] a node renews its own lease; live leases of a prefix are listed, ended ones pruned', async () => {
      await run((tx) => tx.renewLease('node:redis:n1', 'n1', 15_000));
      await run((tx) => tx.renewLease('node:redis:n1', 'n1', 20_000));
      await run((tx) => tx.renewLease('node:local:n2', 'n2', 16_000));
      await run((tx) => tx.renewLease('nodes-not-a-node', 'x', 99_000));
      await run((tx) => tx.renewLease('node%:n3', 'n3', 99_000));
      const live = await run((tx) => tx.liveLeases('node:', 15_500));
      expect(live).toEqual([
        { name: 'node:local:n2', holder: 'n2', heldUntil: 16_000 },
        { name: 'node:redis:n1', holder: 'n1', heldUntil: 20_000 },
      ]);
      expect(await run((tx) => tx.liveLeases('node:', 16_000))).toHaveLength(1);
      await run((tx) => tx.releaseLease('node:redis:n1', 'someone-else'));
      expect(await run((tx) => tx.liveLeases('node:redis:', 0))).toHaveLength(1);
      await run((tx) => tx.releaseLease('node:redis:n1', 'n1'));
      expect(await run((tx) => tx.liveLeases('node:redis:', 0))).toHaveLength(0);
      expect(await run((tx) => tx.pruneLeases('node:', 17_000))).toBe(1);
      expect(await run((tx) => tx.liveLeases('node', 0))).toHaveLength(2);
    });
  });
}
