import { randomUUID } from 'node:crypto';

let sequence = 0;

/**
 * An id that sorts in creation order: `<prefix>_<ms, 15 digits>_<sequence, 6 digits>_<uuid>`. The
 * ids of one millisecond keep the order they were made in; the UUID keeps them unique across nodes.
 *
 * Rows keyed by such an id go to the end of their primary-key index, so a transaction that writes
 * many of them changes one page of it. Random UUIDs scattered them: one index page per row, each a
 * 4 KB frame in SQLite's WAL and a page for PostgreSQL to write, on the ingest's hot path.
 */
export function timeOrderedId(prefix: string, at: number): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${prefix}_${Math.max(0, Math.floor(at)).toString().padStart(15, '0')}_${sequence.toString().padStart(6, '0')}_${randomUUID()}`;
}
