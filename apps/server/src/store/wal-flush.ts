import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Durability of SQLite commits without the event loop waiting for the disk (ADR 12).
 *
 * The connection runs WAL with `synchronous = NORMAL`: a commit appends its frames to the WAL (the
 * kernel's page cache: a process killed at any point loses nothing) and returns without an fsync.
 * A transaction that wrote is durable once `flush()` resolves: one `fdatasync` of the WAL file on
 * libuv's thread pool, shared by every commit that finished before it started. The store awaits it
 * after such a commit and before the transaction's caller acts on it (acknowledges a webhook,
 * answers a command, pushes to a desktop), so "stored before acknowledged" holds across a power
 * loss, as with `synchronous = FULL`, while sockets and other requests are served during the
 * fsync. Checkpoints fsync the WAL before copying it, so a WAL restarted after a checkpoint never
 * loses a commit that was only in the old one.
 */
export class WalFlush {
  readonly #fd: number;
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;
  /** fdatasync calls made (each may cover many commits). */
  flushes = 0;
  /** Told how long each fdatasync took, in seconds: how long the disk kept commits waiting. */
  onFlushed: ((seconds: number) => void) | undefined;

  /** Opens the WAL of the database at `databasePath`; it exists once the database was used in WAL mode. */
  constructor(databasePath: string) {
    this.#fd = openSync(`${databasePath}-wal`, 'r');
    // The WAL's directory entry must survive a power loss too: synced once, it is never removed
    // while a connection is open.
    const dir = openSync(dirname(databasePath), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }

  /** Resolves once every commit that had returned before this call is on disk. */
  flush(): Promise<void> {
    if (!this.#running) return this.#start();
    // The running fdatasync may have begun before the caller's commit: the next one covers it, and
    // every caller until it starts shares it.
    this.#next ??= this.#running
      .catch(() => undefined)
      .then(() => {
        this.#next = undefined;
        return this.#start();
      });
    return this.#next;
  }

  close(): void {
    closeSync(this.#fd);
  }

  #start(): Promise<void> {
    this.flushes++;
    const started = performance.now();
    const running = new Promise<void>((resolve, reject) => {
      fdatasync(this.#fd, (err) => {
        if (err) return reject(err);
        this.onFlushed?.((performance.now() - started) / 1000);
        resolve();
      });
    }).finally(() => {
      if (this.#running === running) this.#running = undefined;
    });
    this.#running = running;
    return running;
  }
}
