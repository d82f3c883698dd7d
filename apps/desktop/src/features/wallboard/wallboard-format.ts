/** "–" for a figure that has no value yet (nothing answered today, say). */
export const NONE = '–';

/** Seconds as m:ss, or h:mm:ss past an hour. */
export function clock(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return NONE;
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** Seconds since an instant, at `now` (ms); null when there is none. */
export function secondsSince(iso: string | null, now: number): number | null {
  return iso === null ? null : Math.max(0, (now - Date.parse(iso)) / 1000);
}

export function percent(value: number | null): string {
  return value === null ? NONE : `${Math.round(value)}%`;
}

/** The queue shown on a TV after `index` (every 10 s): round and round, never out of range. */
export function rotate(index: number, length: number): number {
  return length === 0 ? 0 : (index + 1) % length;
}
