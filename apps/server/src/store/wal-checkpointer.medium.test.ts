import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite.ts';
import { WalCheckpointer } from './wal-checkpointer.ts';

const dir = mkdtempSync(join(tmpdir(), 'parlo-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A WAL database whose own connection never checkpoints: only the thread can. */
function database(name: string): { path: string; db: SqliteDatabase.Database } {
  const path = join(dir, name);
  const db = new SqliteDatabase(path);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('create table t (x blob)');
  // The table in the database file: what follows is in the WAL only, until a checkpoint.
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { path, db };
}

async function until(done: () => boolean): Promise<void> {
  // A copy of the file taken while the thread writes it may be torn ("malformed"): not yet.
  const settled = (): boolean => {
    try {
      return done();
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 300 && !settled(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(done()).toBe(true);
}

/** Counts rows in the database file alone: what a checkpoint copied there, without the WAL. */
function rowsInDatabaseFile(path: string, name: string, where = 't'): number {
  const copy = join(dir, `${name}-alone.db`);
  copyFileSync(path, copy);
  const alone = new SqliteDatabase(copy, { readonly: true });
  try {
    const table = where.split(' ')[0] ?? '';
    const known = alone.prepare('select 1 from sqlite_schema where name = ?').get(table);
    return known ? (alone.prepare(`select count(*) as n from ${where}`).get() as { n: number }).n : 0;
  } finally {
    alone.close();
    rmSync(copy);
  }
}

describe('WAL checkpoints on a thread of their own (ADR 31: the event loop never copies the WAL)', () => {
  it('a poke after a commit has the thread copy the whole WAL into the database', async () => {
    const { path, db } = database('copies.db');
    const checkpointer = new WalCheckpointer(path, { pauseMs: 0 });
    try {
      const insert = db.prepare('insert into t values (?)');
      for (let i = 0; i < 200; i++) insert.run(Buffer.alloc(4096, i));
      expect(rowsInDatabaseFile(path, 'before')).toBe(0);
      checkpointer.poke();
      await until(() => checkpointer.checkpoints >= 1);
      expect(rowsInDatabaseFile(path, 'after')).toBe(200);
      expect(checkpointer.failures).toBe(0);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it('the WAL restarts instead of growing when the thread keeps up', async () => {
    const { path, db } = database('restarts.db');
    const checkpointer = new WalCheckpointer(path, { pauseMs: 0 });
    try {
      const insert = db.prepare('insert into t values (?)');
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 50; i++) insert.run(Buffer.alloc(4096, i));
        const before = checkpointer.checkpoints;
        checkpointer.poke();
        await until(() => checkpointer.checkpoints > before);
      }
      // A round appends about 160 frames (a commit per insert). Restarted, the WAL holds one round;
      // grown, it would hold all twenty (about 3,100 frames, 13 MB).
      expect(statSync(`${path}-wal`).size).toBeLessThan(400 * 4096);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it("the file store's transactions that write are checkpointed by the thread", async () => {
    const path = join(dir, 'store.db');
    const store = await openSqliteStore(path);
    try {
      const setting = "settings where key = 'bench.marker'";
      await store.transaction((tx) => tx.setSetting('bench.marker', 'x'));
      // Far below the server's own automatic checkpoint (BACKSTOP_PAGES): only the thread copies it.
      await until(() => rowsInDatabaseFile(path, 'store', setting) === 1);
    } finally {
      await store.close();
    }
  });

  it('a process whose last work is closing the checkpointer waits for its thread to stop', () => {
    const { path, db } = database('last.db');
    db.close();
    // A process with nothing else to do: no server, no timer. An unreferenced thread being waited
    // for would let it exit before the close finished, without a word.
    const script = join(dir, 'last-close.mts');
    writeFileSync(
      script,
      `import { WalCheckpointer } from ${JSON.stringify(fileURLToPath(new URL('./wal-checkpointer.ts', import.meta.url)))};
const checkpointer = new WalCheckpointer(${JSON.stringify(path)});
await checkpointer.close();
console.log('closed');
`,
    );
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.stdout.trim()).toBe('closed');
    expect(child.status).toBe(0);
  });

  it('closing wakes the thread from its pause between checkpoints', async () => {
    const { path, db } = database('closes.db');
    // Paused for a minute after its first checkpoint: only the stop's notify can end it in time.
    const checkpointer = new WalCheckpointer(path, { pauseMs: 60_000 });
    try {
      db.prepare('insert into t values (?)').run(Buffer.alloc(16));
      checkpointer.poke();
      await until(() => checkpointer.checkpoints === 1);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });
});
