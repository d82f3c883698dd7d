import { describe, expect, it } from 'vitest';
import { TurnBudget } from './turn-budget.ts';

/** Counts turns of the event loop: one per check phase, while `running()` says so. */
function turnCounter(running: () => boolean): { readonly turn: number } {
  const counter = { turn: 0 };
  const tick = (): void => {
    counter.turn++;
    if (running()) setImmediate(tick);
  };
  setImmediate(tick);
  return counter;
}

describe('[issue-13] P7: a burst of reconnect work is spread over turns of the loop', () => {
  it('runs at most the budget (plus the slots) of a synchronous burst per turn, every piece, in order', async () => {
    // A fake clock: each piece costs 1 ms, as a SQLite transaction runs to its end synchronously.
    let clock = 0;
    const budget = new TurnBudget(5, 2, () => clock);
    let done = false;
    const counter = turnCounter(() => !done);
    const ran: { piece: number; turn: number }[] = [];
    const pieces = Array.from({ length: 100 }, (_, piece) =>
      budget.run(() => {
        clock += 1;
        ran.push({ piece, turn: counter.turn });
        return Promise.resolve(piece);
      }),
    );
    expect(await Promise.all(pieces)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    done = true;

    expect(ran.map((r) => r.piece)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const perTurn = new Map<number, number>();
    for (const r of ran) perTurn.set(r.turn, (perTurn.get(r.turn) ?? 0) + 1);
    // Without the budget all 100 ms of work run in one turn; with it, ~5 ms (at most 5 + 2 slots).
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(7);
    expect(perTurn.size).toBeGreaterThanOrEqual(100 / 7);
    expect(budget.queued).toBe(0);
  });

  it('runs a piece at once, before anything awaited, while the turn has room', () => {
    const budget = new TurnBudget(5, 8, () => 0);
    let ran = false;
    void budget.run(() => {
      ran = true;
      return Promise.resolve();
    });
    expect(ran).toBe(true);
  });

  it('keeps at most `concurrency` pieces in flight while they wait on I/O, and finishes them all', async () => {
    const budget = new TurnBudget(1_000, 3);
    let inFlight = 0;
    let most = 0;
    const io = () => new Promise<void>((resolve) => setTimeout(resolve, 2));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        budget.run(async () => {
          inFlight++;
          most = Math.max(most, inFlight);
          await io();
          inFlight--;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(3);
  });

  it('a piece that fails frees its slot: the ones behind it still run', async () => {
    const budget = new TurnBudget(1_000, 1);
    const failing = budget.run(() => Promise.reject(new Error('database away')));
    const after = budget.run(() => Promise.resolve('ran'));
    await expect(failing).rejects.toThrow('database away');
    await expect(after).resolves.toBe('ran');
  });
});
