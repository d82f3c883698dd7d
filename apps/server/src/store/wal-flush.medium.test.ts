import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { WalFlush } from './wal-flush.ts';

const dir = mkdtempSync(join(tmpdir(), 'parlo-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('WAL flush (ADR 12: durable before acknowledged, the fsync off the event loop)', () => {
  it('commits waiting at once share an fsync: one running, at most one more after it', async () => {
    const path = join(dir, 'shared.db');
    const db = new SqliteDatabase(path);
    db.pragma('journal_mode = WAL');
    db.exec('create table t (x integer)');
    const wal = new WalFlush(path);
    try {
      const waits: Promise<void>[] = [];
      for (let i = 0; i < 100; i++) {
        db.prepare('insert into t values (?)').run(i);
        waits.push(wal.flush());
      }
      await Promise.all(waits);
      // The first call starts one; every later call (its commit may be after that one began) shares the next.
      expect(wal.flushes).toBe(2);
      // Nothing running: the next call starts its own at once.
      await wal.flush();
      expect(wal.flushes).toBe(3);
    } finally {
      wal.close();
      db.close();
    }
  });

  it('the event loop keeps turning while the fsync runs', async () => {
    const path = join(dir, 'loop.db');
    const db = new SqliteDatabase(path);
    db.pragma('journal_mode = WAL');
    db.exec('create table t (x blob)');
    const wal = new WalFlush(path);
    try {
      db.prepare('insert into t values (?)').run(Buffer.alloc(4 << 20));
      let turned = false;
      setImmediate(() => (turned = true));
      const flushed = wal.flush();
      // flush() returned before the disk answered: the immediate runs first or alongside.
      await flushed;
      expect(turned).toBe(true);
    } finally {
      wal.close();
      db.close();
    }
  });
});
