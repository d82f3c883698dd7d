/**
 * Masking that never stalls the event loop: a delivery past INLINE_MAX_BYTES is redacted in a
 * worker thread (piscina), where its cost (linear, but tens of ms per MB of text full of card
 * numbers) is paid on another core while this one keeps answering. A chat-sized one is redacted
 * inline: a worker round trip costs more than masking it.
 *
 * One pool per process, shared by every server in it (tests start many), created on the first
 * large delivery or by `warm` (the first delivery committed while masking is on: a thread takes
 * ~0.5 s to load the masking code, which the first large delivery would otherwise wait for), and
 * stopped when the last server that holds it closes. Its threads are unref'd: a pool never keeps
 * a process alive.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import {
  redactDeliveryInline,
  toRedaction,
  type Redaction,
  type RedactionJob,
  type RedactionResult,
} from './redaction.ts';

/** Bodies smaller than this are redacted on the event loop: a few ms at worst. */
export const INLINE_MAX_BYTES = 32 * 1024;

/** How long an idle thread beyond the first is kept; the first stays, warm, until the pool stops. */
const IDLE_MS = 60_000;

/** Jobs waiting for a thread, per thread, beyond which the pool is full (a fast 503 upstream). */
const QUEUE_PER_THREAD = 8;

const WORKER = new URL('./mask-worker.cjs', import.meta.url).href;

/** The process's pool: created on first use, stopped with its last holder. */
const shared = {
  pool: undefined as Piscina<RedactionJob, RedactionResult> | undefined,
  holders: 0,
  /** Large jobs handed to the pool and not yet answered; those answered. For tests and benches. */
  running: 0,
  completed: 0,
};

/** Large jobs handed to the pool (queued or in a thread) and not answered yet, and those answered. */
export function maskPoolActivity(): { readonly running: number; readonly completed: number } {
  return { running: shared.running, completed: shared.completed };
}

/** Leave a core to the event loop: on two cores, one thread. */
let threadCount: number | undefined;

function threads(): number {
  // Once: `availableParallelism` is a system call (sched_getaffinity), and `full` asks per delivery.
  return (threadCount ??= Math.max(1, availableParallelism() - 1));
}

function pool(): Piscina<RedactionJob, RedactionResult> {
  shared.pool ??= new Piscina<RedactionJob, RedactionResult>({
    filename: WORKER,
    minThreads: 1,
    maxThreads: threads(),
    idleTimeout: IDLE_MS,
  });
  return shared.pool;
}

/** A server's hold on the process's mask pool; `close` lets go of it. */
export class MaskPool {
  private closed = false;

  constructor() {
    shared.holders++;
  }

  /**
   * Whether a large delivery would be refused now: every thread busy and the queue full. The
   * caller checks it right before `redact`, in the same turn of the event loop.
   */
  get full(): boolean {
    const p = shared.pool;
    return p !== undefined && p.queueSize >= threads() * QUEUE_PER_THREAD;
  }

  /** Starts the pool's thread now, if not yet, so that the first large delivery finds it warm. */
  warm(): void {
    if (!this.closed) pool();
  }

  /**
   * Redacts a delivery whose body the caller parsed into `document`: inline when its body is small,
   * in a worker thread otherwise.
   */
  async redact(raw: Buffer, document: () => unknown): Promise<Redaction> {
    if (raw.byteLength < INLINE_MAX_BYTES) return redactDeliveryInline(raw);
    const answer = this.start(raw); // first: the thread works while this one parses
    return toRedaction(document(), await answer);
  }

  /**
   * Starts redacting a large delivery's body in a worker thread, at once: the caller parses the
   * body meanwhile, then pairs the answer with its parse (`toRedaction`). Never rejects unobserved:
   * a caller that drops the answer (a malformed body) leaves no unhandled rejection behind.
   */
  start(raw: Buffer): Promise<RedactionResult> {
    shared.running++;
    const job: RedactionJob = { raw };
    const answer = pool()
      .run(job)
      .finally(() => {
        shared.running--;
        shared.completed++;
      });
    answer.catch(() => undefined);
    return answer;
  }

  /** Lets go of the pool; the last holder stops its threads (after the jobs they run). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    shared.holders--;
    const p = shared.pool;
    if (shared.holders > 0 || p === undefined) return;
    shared.pool = undefined;
    await p.close();
  }
}
