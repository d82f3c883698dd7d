// The WAL checkpointer's thread (wal-checkpointer.ts), in plain JavaScript so any Node loads it
// without tsx. It owns a connection of its own to the database and copies the WAL into it with
// PASSIVE checkpoints, which never wait for and never block the server's connection: their reads,
// writes and fsyncs happen here, off the event loop.
import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** Slots of the shared Int32Array: keep them in step with wal-checkpointer.ts. */
const POKES = 0;
const STOP = 1;
const CHECKPOINTS = 2;
const FAILURES = 3;

const { path, state: buffer, pauseMs } = workerData;
const state = new Int32Array(buffer);
const db = new Database(path, { fileMustExist: true });
// As the server's connection: a checkpoint fsyncs the WAL before it copies and the database after.
db.pragma('synchronous = NORMAL');

let seen = 0;
for (;;) {
  // Sleeps until the server pokes (a transaction wrote) or asks to stop.
  Atomics.wait(state, POKES, seen);
  if (Atomics.load(state, STOP) !== 0) break;
  seen = Atomics.load(state, POKES);
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    Atomics.add(state, CHECKPOINTS, 1);
  } catch {
    // An I/O error: the next checkpoint, or the server's backstop, copies the WAL instead.
    Atomics.add(state, FAILURES, 1);
  }
  // Copies what gathered meanwhile in one go rather than a checkpoint per commit; a stop wakes it.
  Atomics.wait(state, STOP, 0, pauseMs);
  if (Atomics.load(state, STOP) !== 0) break;
}
db.close();
