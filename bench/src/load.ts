import diagnostics from 'node:diagnostics_channel';
import { Pool } from 'undici';

/** One request of a load: a body and its headers (signed by the caller). */
export interface LoadRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
  /** What the caller knows it by (the message's wamid): handed back in `onAnswer`. */
  readonly id?: string;
}

/** How a request ended: its HTTP status, `timeout` (no answer in time) or `error` (connection). */
export type Outcome = number | 'timeout' | 'error';

/** Called once per request when it ends; `ms` from its (scheduled) send to the end of its answer. */
export type OnAnswer = (request: LoadRequest, outcome: Outcome, ms: number) => void;

export interface ClosedLoopResult {
  readonly rps: number;
  readonly ok: number;
  readonly errors: number;
  /** Every outcome by status (`200`, `503`, `timeout`, `error`...). */
  readonly statuses: Record<string, number>;
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
  /** Every outcome by status (`200`, `503`, `timeout`, `error`...). */
  readonly statuses: Record<string, number>;
  /** Every answer, whatever its status. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The acks (200s) alone. */
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
  readonly ackMaxMs: number;
  /** The 503s alone (past saturation they must be fast). */
  readonly rejectP50Ms: number;
  readonly rejectP99Ms: number;
  readonly rejectMaxMs: number;
  /** Share of answered requests slower than 1 s (Meta: < 1%). */
  readonly over1s: number;
  /** Acks (200) that took more than 1 s (goal: none). */
  readonly acksOver1s: number;
  /** Answers of any status over 1 s, plus requests never answered (timeouts): goal none. */
  readonly slowOrUnanswered: number;
  /** How late the load generator itself was on its schedule at worst (its own saturation). */
  readonly sendLagMaxMs: number;
  /** Most requests in flight at once: past OPEN_LOOP_CONNECTIONS the rest wait in the generator's queue (counted in their latency). */
  readonly maxInFlight: number;
  /** Requests by the connection they went on: a new one (its first request) or one kept open. */
  readonly connections: ConnectionSplit;
}

/**
 * Requests split by their connection, timed from the moment the generator wrote them to the moment
 * their answer's headers came back (the generator's own queue left out). A request that is the
 * first on its connection also waits for the server to accept that connection: Node accepts one
 * connection per turn of its event loop (libuv >= 1.45), so a saturated server accepts few.
 */
export interface ConnectionSplit {
  /** Requests that opened their connection; their p50, max, and how many took over 1 s. */
  readonly fresh: number;
  readonly freshP50Ms: number;
  readonly freshMaxMs: number;
  readonly freshOver1s: number;
  /** Requests on a connection kept open; their p99 and how many took over 1 s. */
  readonly reused: number;
  readonly reusedP99Ms: number;
  readonly reusedOver1s: number;
}

/**
 * Watches the webhook POSTs undici writes while it runs (its diagnostics channels: every pool of
 * the process, the webhook path only) and splits them by connection (see ConnectionSplit).
 */
function watchConnections(): () => ConnectionSplit {
  const written = new WeakMap<object, { at: number; fresh: boolean }>();
  const seen = new WeakSet<object>();
  const fresh: number[] = [];
  const reused: number[] = [];
  const onHeadersSent = (message: unknown): void => {
    const { request, socket } = message as { request: { method?: string; path?: string }; socket: object };
    if (request.method !== 'POST' || request.path !== PATH) return;
    written.set(request, { at: performance.now(), fresh: !seen.has(socket) });
    seen.add(socket);
  };
  const onAnswerHeaders = (message: unknown): void => {
    const { request } = message as { request: object };
    const sent = written.get(request);
    if (!sent) return;
    written.delete(request);
    (sent.fresh ? fresh : reused).push(performance.now() - sent.at);
  };
  diagnostics.subscribe('undici:client:sendHeaders', onHeadersSent);
  diagnostics.subscribe('undici:request:headers', onAnswerHeaders);
  return () => {
    diagnostics.unsubscribe('undici:client:sendHeaders', onHeadersSent);
    diagnostics.unsubscribe('undici:request:headers', onAnswerHeaders);
    for (const list of [fresh, reused]) list.sort((a, b) => a - b);
    const over = (list: readonly number[]) => list.filter((ms) => ms > 1000).length;
    return {
      fresh: fresh.length,
      freshP50Ms: round(quantile(fresh, 0.5)),
      freshMaxMs: round(fresh.at(-1) ?? 0),
      freshOver1s: over(fresh),
      reused: reused.length,
      reusedP99Ms: round(quantile(reused, 0.99)),
      reusedOver1s: over(reused),
    };
  };
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
/**
 * Connections of the open loop: fewer than the server's accept backlog (511), past which connects
 * are retried after 1 s, 3 s... and the figures would measure TCP's SYN retries.
 */
export const OPEN_LOOP_CONNECTIONS = 500;
/** No answer within this: a timeout (Meta gives up well before). */
const REQUEST_TIMEOUT_MS = 5_000;

function outcomeOf(err: unknown): Outcome {
  const code = (err as { code?: string }).code ?? '';
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? 'timeout' : 'error';
}

function count(statuses: Record<string, number>, outcome: Outcome): void {
  const key = String(outcome);
  statuses[key] = (statuses[key] ?? 0) + 1;
}

/** Throughput: `connections` requests always in flight for `durationMs`. */
export async function closedLoop(
  origin: string,
  next: () => LoadRequest,
  connections: number,
  durationMs: number,
  onAnswer?: OnAnswer,
): Promise<ClosedLoopResult> {
  const pool = new Pool(origin, { connections, pipelining: 1 });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let ok = 0;
  let errors = 0;
  const end = performance.now() + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const request = next();
      const { body, headers } = request;
      const t0 = performance.now();
      let outcome: Outcome;
      try {
        const res = await pool.request({
          origin,
          path: PATH,
          method: 'POST',
          headers,
          body,
          headersTimeout: REQUEST_TIMEOUT_MS,
        });
        await res.body.dump();
        outcome = res.statusCode;
      } catch (err) {
        outcome = outcomeOf(err);
      }
      const ms = performance.now() - t0;
      if (outcome === 200) ok++;
      else errors++;
      count(statuses, outcome);
      latencies.push(ms);
      onAnswer?.(request, outcome, ms);
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
    statuses,
    p50Ms: round(quantile(latencies, 0.5)),
    p99Ms: round(quantile(latencies, 0.99)),
  };
}

/**
 * Latency under a fixed offered rate: requests leave on a schedule whatever the answers do, and
 * each latency counts from its scheduled time (no coordinated omission). Build the requests
 * beforehand (`next` is called on the schedule) when the rate is high, so that the generator is not
 * what lags.
 */
export async function openLoop(
  origin: string,
  /** The `index`-th request, due at `scheduledAt` (performance.now() time). */
  next: (index: number, scheduledAt: number) => LoadRequest,
  rate: number,
  durationMs: number,
  onAnswer?: OnAnswer,
): Promise<OpenLoopResult> {
  const pool = new Pool(origin, { connections: OPEN_LOOP_CONNECTIONS, pipelining: 1 });
  const splitConnections = watchConnections();
  const all: number[] = [];
  const acks: number[] = [];
  const rejects: number[] = [];
  const statuses: Record<string, number> = {};
  let failed = 0;
  let sendLagMax = 0;
  let maxInFlight = 0;
  let gaveUp = false;
  const inFlight = new Set<Promise<void>>();
  const total = Math.round((rate * durationMs) / 1000);
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - started) * rate) / 1000) + 1);
    for (; sent < due; sent++) {
      const scheduled = started + (sent * 1000) / rate;
      sendLagMax = Math.max(sendLagMax, performance.now() - scheduled);
      const request = next(sent, scheduled);
      const { body, headers } = request;
      const p: Promise<void> = pool
        .request({ origin, path: PATH, method: 'POST', headers, body, headersTimeout: REQUEST_TIMEOUT_MS })
        .then(async (res) => {
          await res.body.dump();
          if (gaveUp) return; // counted as a timeout
          const ms = performance.now() - scheduled;
          all.push(ms);
          if (res.statusCode === 200) acks.push(ms);
          else if (res.statusCode === 503) rejects.push(ms);
          count(statuses, res.statusCode);
          onAnswer?.(request, res.statusCode, ms);
        })
        .catch((err: unknown) => {
          if (gaveUp) return; // counted as a timeout below
          failed++;
          const outcome = outcomeOf(err);
          count(statuses, outcome);
          onAnswer?.(request, outcome, performance.now() - scheduled);
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      maxInFlight = Math.max(maxInFlight, inFlight.size);
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  // Stragglers get the request timeout more; whatever is still open then is a timeout too.
  await Promise.race([Promise.all(inFlight), new Promise((r) => setTimeout(r, REQUEST_TIMEOUT_MS + 500))]);
  const unanswered = inFlight.size;
  if (unanswered > 0) statuses.timeout = (statuses.timeout ?? 0) + unanswered;
  gaveUp = true;
  await pool.destroy();
  const connections = splitConnections();
  for (const list of [all, acks, rejects]) list.sort((a, b) => a - b);
  const over = (list: readonly number[]) => list.filter((l) => l > 1000).length;
  return {
    offeredRps: rate,
    sent,
    ok: acks.length,
    rejected503: rejects.length,
    errors: all.length - acks.length - rejects.length + failed + unanswered,
    maxInFlight,
    statuses,
    p50Ms: round(quantile(all, 0.5)),
    p99Ms: round(quantile(all, 0.99)),
    maxMs: round(all.at(-1) ?? 0),
    ackP50Ms: round(quantile(acks, 0.5)),
    ackP99Ms: round(quantile(acks, 0.99)),
    ackMaxMs: round(acks.at(-1) ?? 0),
    rejectP50Ms: round(quantile(rejects, 0.5)),
    rejectP99Ms: round(quantile(rejects, 0.99)),
    rejectMaxMs: round(rejects.at(-1) ?? 0),
    over1s: round(over(all) / Math.max(1, all.length), 4),
    acksOver1s: over(acks),
    slowOrUnanswered: over(all) + (statuses.timeout ?? 0),
    sendLagMaxMs: round(sendLagMax),
    connections,
  };
}

/** Sends `requests`, `concurrency` at a time; returns the outcomes by status. */
export async function sendAll(
  origin: string,
  requests: readonly LoadRequest[],
  concurrency: number,
  onAnswer?: OnAnswer,
): Promise<Record<string, number>> {
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1 });
  const statuses: Record<string, number> = {};
  let i = 0;
  const worker = async (): Promise<void> => {
    while (i < requests.length) {
      const request = requests[i++]!;
      const t0 = performance.now();
      let outcome: Outcome;
      try {
        const { body, headers } = request;
        const res = await pool.request({
          origin,
          path: PATH,
          method: 'POST',
          headers,
          body,
          headersTimeout: REQUEST_TIMEOUT_MS,
        });
        await res.body.dump();
        outcome = res.statusCode;
      } catch (err) {
        outcome = outcomeOf(err);
      }
      count(statuses, outcome);
      onAnswer?.(request, outcome, performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  await pool.close();
  return statuses;
}
