const BASE_MS = 500;
const MAX_MS = 15_000;

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential from 500 ms, capped at 15 s,
 * with "equal jitter" so a server restart is not hit by every desktop at the same instant.
 * `random` is in [0, 1) and injected to keep this pure.
 */
export function reconnectDelay(attempt: number, random: number): number {
  const ceiling = Math.min(MAX_MS, BASE_MS * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
