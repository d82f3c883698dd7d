import { Worker } from 'node:worker_threads';

/** Slots of the shared Int32Array: keep them in step with checkpoint-worker.mjs. */
const POKES = 0;
const STOP = 1;
const CHECKPOINTS = 2;
const FAILURES = 3;

const WORKER = new URL('./checkpoint-worker.mjs', import.meta.url);

/**
 * The WAL's pages past this many make the server's own connection checkpoint (SQLite's automatic
 * checkpoint): a backstop for when the thread falls behind, and the one moment the WAL restarts
 * under sustained writes (a PASSIVE checkpoint that commits keep overtaking never lets it).
 * 8,000 pages of 4 KiB: 32 MB.
 */
export const BACKSTOP_PAGES = 8000;

/** SQLite's default automatic checkpoint, for the server's connection once the thread is gone. */
export const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

export interface WalCheckpointerOptions {
  /** Least time between two checkpoints: what commits meanwhile is copied in one go. */
  readonly pauseMs?: number;
  /** Called once if the thread fails or exits on its own: the caller checkpoints itself again. */
  readonly onGone?: (reason: string) => void;
}

/**
 * Checkpoints of a SQLite file database on a thread of their own (ADR 31). SQLite's automatic
 * checkpoint runs in the connection that commits, inside `COMMIT`: every ~1,000 pages the server's
 * event loop copied the WAL into the database and fsynced both, 2-30 ms in which no socket was
 * served. Here a worker thread with its own connection runs PASSIVE checkpoints when poked after
 * a transaction wrote (at most one per `pauseMs`); a PASSIVE checkpoint takes no lock the server's
 * connection waits for. The server's connection keeps an automatic checkpoint at
 * `BACKSTOP_PAGES`, which then finds little left to copy.
 */
export class WalCheckpointer {
  readonly #state = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  #gone = false;

  constructor(databasePath: string, options: WalCheckpointerOptions = {}) {
    this.#worker = new Worker(WORKER, {
      workerData: { path: databasePath, state: this.#state.buffer, pauseMs: options.pauseMs ?? 100 },
    });
    // Never keeps the process alive: a server that forgot to close still exits.
    this.#worker.unref();
    const gone = (reason: string): void => {
      if (this.#gone) return;
      this.#gone = true;
      if (Atomics.load(this.#state, STOP) === 0) options.onGone?.(reason);
    };
    this.#worker.on('error', (err) => gone(err.message));
    this.#exited = new Promise((resolve) => {
      this.#worker.once('exit', (code) => {
        gone(`exited with code ${code}`);
        resolve();
      });
    });
  }

  /** Checkpoints done, and failed (each failure leaves the WAL to the next one or the backstop). */
  get checkpoints(): number {
    return Atomics.load(this.#state, CHECKPOINTS);
  }
  get failures(): number {
    return Atomics.load(this.#state, FAILURES);
  }

  /** A transaction wrote: the thread wakes if it sleeps. Costs an atomic add and a notify. */
  poke(): void {
    Atomics.add(this.#state, POKES, 1);
    Atomics.notify(this.#state, POKES);
  }

  /** Stops the thread (a checkpoint under way finishes first) and closes its connection. */
  async close(): Promise<void> {
    // Unreferenced, the thread would not keep the process alive while this waits for it: with
    // nothing else left to do (a server's last step on SIGTERM), Node would exit mid-close.
    this.#worker.ref();
    Atomics.store(this.#state, STOP, 1);
    Atomics.add(this.#state, POKES, 1);
    Atomics.notify(this.#state, POKES);
    Atomics.notify(this.#state, STOP);
    await this.#exited;
  }
}
