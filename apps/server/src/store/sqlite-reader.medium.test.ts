import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { businessNumber, inbound, newConversation, queueRow } from './contracts/fixtures.ts';
import { openSqliteStore } from './sqlite.ts';
import { openSqliteReader, SqliteReaderError } from './sqlite-reader.ts';

const dir = mkdtempSync(join(tmpdir(), 'parlo-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A statement that reads for a while (~0.2-1 s here): counting a few million generated rows. */
const SLOW_COUNT = sql<{
  n: number;
}>`with recursive c(x) as (select 1 union all select x + 1 from c where x < 3000000)
  select count(*) as n from c`;

describe("SQLite's reader thread (ADR 36: long reads never hold the event loop)", () => {
  it('a statement that reads for a long time runs while the event loop keeps turning', async () => {
    const store = await openSqliteStore(join(dir, 'loop.db'));
    const reader = openSqliteReader(join(dir, 'loop.db'), 1_000);
    try {
      // Start the thread first: what is measured is the statement, not the thread's start.
      await sql`select 1`.execute(reader);
      let turns = 0;
      let turnsWhenDone: number | undefined;
      const ticker = setInterval(() => turns++, 1);
      const counted = SLOW_COUNT.execute(reader).then((r) => {
        turnsWhenDone = turns;
        return r;
      });
      // On the event loop, the statement would run to its end before any timer fires: the loop
      // turns while it is under way only if it runs elsewhere.
      while (turns < 5 && turnsWhenDone === undefined) await new Promise((resolve) => setTimeout(resolve, 1));
      expect(turnsWhenDone).toBeUndefined();
      expect((await counted).rows[0]?.n).toBe(3_000_000);
      clearInterval(ticker);
    } finally {
      await reader.destroy();
      await store.close();
    }
  });

  it('sees what the server committed, and cannot write', async () => {
    const store = await openSqliteStore(join(dir, 'commits.db'));
    try {
      await store.transaction(async (tx) => {
        await tx.insertQueue(queueRow('q1'));
        await tx.insertBusinessNumber(businessNumber('bn1', 'pn1'));
        await tx.upsertCustomer({
          id: 'c1',
          businessNumberId: 'bn1',
          waId: '391111',
          name: 'Giovanni Verdi',
        });
        await tx.insertConversation(newConversation('k1', 'c1'));
        await tx.insertInboundMessage({
          ...inbound('m1', 'w.m1'),
          conversationId: 'k1',
          text: 'refund please',
        });
      });
      const hits = await store.readOnly((r) => r.search.searchConversations({ text: 'refund', limit: 10 }));
      expect(hits.map((h) => h.conversationId)).toEqual(['k1']);

      const reader = openSqliteReader(join(dir, 'commits.db'), 1_000);
      try {
        const write = sql`delete from messages`.execute(reader);
        await expect(write).rejects.toBeInstanceOf(SqliteReaderError);
        await expect(write).rejects.toMatchObject({ code: 'SQLITE_READONLY' });
        // A failed statement leaves the thread serving.
        const left = await sql<{ n: number }>`select count(*) as n from messages`.execute(reader);
        expect(left.rows[0]?.n).toBe(1);
      } finally {
        await reader.destroy();
      }
    } finally {
      await store.close();
    }
  });
});
