import { Pool } from 'undici';

/** One request of a load: a body and its headers (signed by the caller). */
export interface LoadRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
}

export interface ClosedLoopResult {
  readonly rps: number;
  readonly ok: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface OpenLoopResult {
  readonly offeredRps: number;
  readonly sent: number;
  readonly ok: number;
  /** 503s: the fast "overloaded" answer (allowed past saturation). */
  readonly rejected503: number;
  /** Other statuses, connection errors, and requests still unanswered at the end. */
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Share of answered requests slower than 1 s (Meta: < 1%). */
  readonly over1s: number;
}

/** The q-quantile (0..1) of ascending `sorted`, 0 for none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

const PATH = '/webhooks/whatsapp';

/** Throughput: `connections` requests always in flight for `durationMs`. */
export async function closedLoop(
  origin: string,
  next: () => LoadRequest,
  connections: number,
  durationMs: number,
): Promise<ClosedLoopResult> {
  const pool = new Pool(origin, { connections, pipelining: 1 });
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const end = performance.now() + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const { body, headers } = next();
      const t0 = performance.now();
      try {
        const res = await pool.request({ origin, path: PATH, method: 'POST', headers, body });
        await res.body.dump();
        if (res.statusCode === 200) ok++;
        else errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, () => worker()));
  const elapsed = performance.now() - started;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    rps: Math.round((ok / elapsed) * 1000),
    ok,
    errors,
    p50Ms: round(quantile(latencies, 0.5)),
    p99Ms: round(quantile(latencies, 0.99)),
  };
}

/**
 * Latency under a fixed offered rate: requests leave on a schedule whatever the answers do, and
 * each latency counts from its scheduled time (no coordinated omission).
 */
export async function openLoop(
  origin: string,
  next: (index: number) => LoadRequest,
  rate: number,
  durationMs: number,
): Promise<OpenLoopResult> {
  // Fewer connections than the server's accept backlog (511): past it, connects are retried after
  // 1 s, 3 s... and the figures would measure TCP's SYN retries rather than the server.
  const pool = new Pool(origin, { connections: 500, pipelining: 1 });
  const latencies: number[] = [];
  let ok = 0;
  let rejected503 = 0;
  let errors = 0;
  const inFlight = new Set<Promise<void>>();
  const total = Math.round((rate * durationMs) / 1000);
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    for (; sent < due; sent++) {
      const scheduled = started + (sent * 1000) / rate;
      const { body, headers } = next(sent);
      const p: Promise<void> = pool
        .request({ origin, path: PATH, method: 'POST', headers, body, headersTimeout: 5_000 })
        .then(async (res) => {
          await res.body.dump();
          latencies.push(performance.now() - scheduled);
          if (res.statusCode === 200) ok++;
          else if (res.statusCode === 503) rejected503++;
          else errors++;
        })
        .catch(() => {
          errors++;
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  // Stragglers get 5 s more; whatever is still open then counts as an error (a timeout).
  await Promise.race([Promise.all(inFlight), new Promise((r) => setTimeout(r, 5_000))]);
  const result = { ok, rejected503, errors: errors + inFlight.size };
  await pool.destroy();
  latencies.sort((a, b) => a - b);
  return {
    offeredRps: rate,
    sent,
    ...result,
    p50Ms: round(quantile(latencies, 0.5)),
    p99Ms: round(quantile(latencies, 0.99)),
    maxMs: round(latencies.at(-1) ?? 0),
    over1s: round(latencies.filter((l) => l > 1000).length / Math.max(1, latencies.length), 4),
  };
}
