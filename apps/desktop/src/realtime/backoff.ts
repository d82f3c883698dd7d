const BASE_MS = 500;
/**
 * P7: after a server restart every desktop must be back within 10 s of the kill. With a 15 s cap a
 * desktop whose fourth attempt came just before the port opened waited up to 15 s more; at 4 s it
 * is back within 2-4 s of the server serving, and 1,000 desktops still spread over 2 s.
 */
const MAX_MS = 4_000;

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential from 500 ms, capped at 4 s,
 * with "equal jitter" so a server restart is not hit by every desktop at the same instant.
 * `random` is in [0, 1) and injected to keep this pure.
 */
export function reconnectDelay(attempt: number, random: number): number {
  const ceiling = Math.min(MAX_MS, BASE_MS * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
