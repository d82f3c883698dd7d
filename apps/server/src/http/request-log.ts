import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

/** How often the request summary is written at `info`. */
export const REQUEST_SUMMARY_INTERVAL_MS = 60_000;

/** What one summary line says about the requests answered since the previous one. */
export interface RequestSummary {
  readonly requests: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The route (pattern, never the URL) of the slowest request. */
  readonly slowestRoute: string;
}

/** Counts answered requests between two summaries (a histogram in microseconds). */
export class RequestTally {
  #histogram: RecordableHistogram = createHistogram();
  #byStatus: Record<string, number> = {};
  #count = 0;
  #slowest = { route: '', ms: -1 };

  record(route: string, status: number, ms: number): void {
    this.#count++;
    const group = `${Math.floor(status / 100)}xx`;
    this.#byStatus[group] = (this.#byStatus[group] ?? 0) + 1;
    this.#histogram.record(Math.max(1, Math.round(ms * 1000)));
    if (ms > this.#slowest.ms) this.#slowest = { route, ms };
  }

  /** The summary since the last call, and a fresh start; undefined when nothing was answered. */
  take(): RequestSummary | undefined {
    if (this.#count === 0) return undefined;
    const h = this.#histogram;
    const summary: RequestSummary = {
      requests: this.#count,
      byStatus: this.#byStatus,
      p50Ms: h.percentile(50) / 1000,
      p99Ms: h.percentile(99) / 1000,
      maxMs: h.max / 1000,
      slowestRoute: this.#slowest.route,
    };
    this.#histogram = createHistogram();
    this.#byStatus = {};
    this.#count = 0;
    this.#slowest = { route: '', ms: -1 };
    return summary;
  }
}

/**
 * Request logging that stays quiet: one `debug` line per request naming the route's pattern
 * (`/api/customers/:id`), never the URL, whose path and query may hold a customer's number (a
 * search by number) or a name; and one `info` summary per interval (count by status class,
 * latency p50/p99/max, the slowest route). Fastify's own per-request lines are turned off where
 * the app is built (its `LogController`).
 */
export function registerRequestLog(
  app: FastifyInstance,
  logger: FastifyBaseLogger,
  intervalMs = REQUEST_SUMMARY_INTERVAL_MS,
): RequestTally {
  const tally = new RequestTally();
  const flush = () => {
    const summary = tally.take();
    if (summary) logger.info({ event: 'http.summary', ...summary }, 'requests answered');
  };
  const timer = setInterval(flush, intervalMs);
  timer.unref();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const ms = reply.elapsedTime;
    tally.record(route, reply.statusCode, ms);
    request.log.debug({ method: request.method, route, status: reply.statusCode, ms }, 'request');
    done();
  });
  app.addHook('onClose', (_instance, done) => {
    clearInterval(timer);
    flush();
    done();
  });
  return tally;
}
