import { describe, expect, it, vi } from 'vitest';
import { GroupCommitOverloaded, GroupCommitter } from './group-commit.ts';

/** A committer over an in-memory "database" that records each transaction's items. */
function harness(options: { maxBatch?: number; maxQueued?: number; bad?: string; windowMs?: number } = {}) {
  const transactions: string[][] = [];
  const committed: string[] = [];
  const tx = (items: readonly string[]): Promise<void> => {
    transactions.push([...items]);
    if (options.bad !== undefined && items.includes(options.bad)) {
      return Promise.reject(new Error(`bad item ${options.bad}`));
    }
    committed.push(...items);
    return Promise.resolve();
  };
  const committer = new GroupCommitter<string>(tx, (item) => tx([item]), {
    maxBatch: options.maxBatch ?? 100,
    windowMs: options.windowMs ?? 0,
    maxQueued: options.maxQueued ?? 1000,
  });
  return { committer, transactions, committed };
}

describe('group commit of webhook deliveries', () => {
  it('deliveries submitted in one turn share one transaction, and each resolves after it', async () => {
    const { committer, transactions, committed } = harness();
    const items = Array.from({ length: 20 }, (_, i) => `d${i}`);
    await Promise.all(items.map((item) => committer.submit(item)));
    expect(transactions).toEqual([items]);
    expect(committed).toEqual(items);
  });

  it('a batch holds at most maxBatch deliveries; the rest go in the next transactions', async () => {
    const { committer, transactions, committed } = harness({ maxBatch: 8 });
    const items = Array.from({ length: 20 }, (_, i) => `d${i}`);
    await Promise.all(items.map((item) => committer.submit(item)));
    expect(transactions.map((t) => t.length)).toEqual([8, 8, 4]);
    expect(committed).toEqual(items);
  });

  it('one bad delivery does not fail the others: the batch is retried one by one', async () => {
    const { committer, transactions, committed } = harness({ bad: 'd2' });
    const results = await Promise.allSettled(['d0', 'd1', 'd2', 'd3'].map((item) => committer.submit(item)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(committed).toEqual(['d0', 'd1', 'd3']);
    // The failed batch, then each alone.
    expect(transactions).toEqual([['d0', 'd1', 'd2', 'd3'], ['d0'], ['d1'], ['d2'], ['d3']]);
  });

  it('past maxQueued a delivery is refused at once (a fast 503), never left to time out', async () => {
    const { committer, committed } = harness({ maxQueued: 3 });
    const accepted = ['a', 'b', 'c'].map((item) => committer.submit(item));
    await expect(committer.submit('d')).rejects.toBeInstanceOf(GroupCommitOverloaded);
    await Promise.all(accepted);
    expect(committed).toEqual(['a', 'b', 'c']);
    // Room again once committed.
    await committer.submit('e');
    expect(committed).toEqual(['a', 'b', 'c', 'e']);
  });

  it('while the oldest waiting delivery has waited maxWaitMs, new ones are refused (commits fall behind)', async () => {
    const commits: (() => void)[] = [];
    const slow = () => new Promise<void>((resolve) => commits.push(resolve));
    const committer = new GroupCommitter<string>(slow, slow, {
      maxBatch: 100,
      windowMs: 0,
      maxQueued: 100,
      maxWaitMs: 30,
    });
    const first = committer.submit('first');
    await new Promise((resolve) => setImmediate(resolve));
    expect(commits).toHaveLength(1);
    // 'first' is being committed (slowly); 'second' waits behind it.
    const second = committer.submit('second');
    expect(committer.full).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(committer.full).toBe(true);
    await expect(committer.submit('third')).rejects.toBeInstanceOf(GroupCommitOverloaded);
    commits[0]?.();
    await first;
    await vi.waitFor(() => expect(commits).toHaveLength(2));
    // 'second' is in the transaction now, still older than maxWaitMs: still behind.
    expect(committer.full).toBe(true);
    commits[1]?.();
    await second;
    expect(committer.full).toBe(false);
  });

  it('P2: the batch in a stalled transaction counts, so new deliveries are refused while it stalls', async () => {
    let release: () => void = () => {};
    const stalled = () => new Promise<void>((resolve) => (release = resolve));
    const committer = new GroupCommitter<string>(stalled, stalled, {
      maxBatch: 100,
      windowMs: 0,
      maxQueued: 3,
      maxWaitMs: 30,
    });
    const inCommit = ['a', 'b', 'c'].map((item) => committer.submit(item));
    await new Promise((resolve) => setImmediate(resolve));
    // Nothing waits: all three are in the (stalled) transaction, and they fill the limit.
    expect(committer.queued).toBe(3);
    await expect(committer.submit('d')).rejects.toBeInstanceOf(GroupCommitOverloaded);
    release();
    await Promise.all(inCommit);
    expect(committer.queued).toBe(0);

    // One item stalled past maxWaitMs refuses new ones too, though the count is low.
    const slow = committer.submit('e');
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(committer.queued).toBe(1);
    await expect(committer.submit('f')).rejects.toBeInstanceOf(GroupCommitOverloaded);
    release();
    await slow;
    expect(committer.full).toBe(false);
  });

  it('deliveries arriving while a transaction runs form the next batch', async () => {
    const transactions: string[][] = [];
    let release: () => void = () => {};
    const committer = new GroupCommitter<string>(
      async (items) => {
        transactions.push([...items]);
        if (transactions.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      async (item) => {
        transactions.push([item]);
        if (transactions.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      { maxBatch: 100, windowMs: 0, maxQueued: 100 },
    );
    const first = committer.submit('first');
    await new Promise((resolve) => setImmediate(resolve));
    const later = ['x', 'y', 'z'].map((item) => committer.submit(item));
    release();
    await Promise.all([first, ...later]);
    expect(transactions).toEqual([['first'], ['x', 'y', 'z']]);
  });

  it('ADR 43: at a steady rate the next batch waits within the window for the deliveries due meanwhile', async () => {
    const transactions: string[][] = [];
    let release: () => void = () => {};
    const tx = async (items: readonly string[]): Promise<void> => {
      transactions.push([...items]);
      if (transactions.length === 1) await new Promise<void>((resolve) => (release = resolve));
    };
    const committer = new GroupCommitter<string>(tx, (item) => tx([item]), {
      maxBatch: 100,
      windowMs: 200,
      maxQueued: 100,
    });
    const first = [committer.submit('a'), committer.submit('b')];
    await new Promise((resolve) => setImmediate(resolve));
    const c = committer.submit('c');
    release();
    // 'd' comes after the first commit and well inside c's window: they share the next one.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const d = committer.submit('d');
    await Promise.all([...first, c, d]);
    expect(transactions).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('ADR 43: a lone delivery at a quiet hour never waits for the window', async () => {
    const { committer } = harness({ windowMs: 1000 });
    const sleep = (ms: number) => new Promise<string>((resolve) => setTimeout(() => resolve('waited'), ms));
    const committedBefore = (item: string) =>
      Promise.race([committer.submit(item).then(() => 'committed'), sleep(500)]);
    expect(await committedBefore('a')).toBe('committed');
    // One delivery a second is no company for a window of one.
    await sleep(1100);
    expect(await committedBefore('b')).toBe('committed');
  });
});
