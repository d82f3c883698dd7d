import { randomFillSync } from 'node:crypto';

let sequence = 0;

/**
 * Random bits drawn from the system's generator 8 KB at a time: a call of `randomBytes` per id cost
 * 2.4% of the webhook ingest's CPU (one crossing into C++ and one allocation per id).
 */
const RANDOM_POOL = Buffer.alloc(8192);
let randomAt = RANDOM_POOL.length;

/** 16 hex digits (64 bits) from the pool. */
function randomHex(): string {
  if (randomAt + 8 > RANDOM_POOL.length) {
    randomFillSync(RANDOM_POOL);
    randomAt = 0;
  }
  const hex = RANDOM_POOL.toString('hex', randomAt, randomAt + 8);
  randomAt += 8;
  return hex;
}

/** Base 36, fixed width: its digits and letters sort in ASCII as the numbers do. */
function base36(n: number, width: number): string {
  return n.toString(36).padStart(width, '0');
}

/**
 * An id that sorts in creation order: `<prefix>_<ms>_<sequence>_<random>`, in base 36 and hex of
 * fixed width (`con_0mnw3k2f1_00a3_9f1c2e4b7a6d8c0e`, 35 characters for a conversation). The ids of
 * one millisecond keep the order they were made in; 64 random bits keep them unique across nodes.
 * Short enough for a client to build its own ids from ours (a `clientMessageId` holds 64).
 *
 * Rows keyed by such an id go to the end of their primary-key index, so a transaction that writes
 * many of them changes one page of it. Random UUIDs scattered them: one index page per row, each a
 * 4 KB frame in SQLite's WAL and a page for PostgreSQL to write, on the ingest's hot path.
 */
export function timeOrderedId(prefix: string, at: number): string {
  sequence = (sequence + 1) % 36 ** 4;
  const ms = Math.max(0, Math.floor(at));
  return `${prefix}_${base36(ms, 9)}_${base36(sequence, 4)}_${randomHex()}`;
}
