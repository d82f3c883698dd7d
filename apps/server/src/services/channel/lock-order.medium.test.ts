import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freshPostgres,
  inboundTextPayload,
  postWebhook,
  startTestServer,
  type TestServer,
} from '../../testing/index.ts';

/**
 * Issue 13 (PostgreSQL): an ingest that routes takes the routing lock before it writes conversation
 * rows. A command takes the lock first and then writes those rows; an ingest that wrote one of them
 * first and then waited for the lock would close a cycle, and PostgreSQL would abort one of the two
 * after `deadlock_timeout`. Proved by an ordering: the command holds the lock, the ingest is seen
 * waiting for it, and only then does the command write the conversation the ingest is about to touch.
 */

let server: TestServer;
let observer: pg.Client;

beforeAll(async () => {
  const databaseUrl = await freshPostgres();
  server = await startTestServer({ DATABASE_URL: databaseUrl });
  observer = new pg.Client({ connectionString: databaseUrl });
  await observer.connect();
});

afterAll(async () => {
  await observer.end().catch(() => undefined);
  await server.close();
});

/** Resolves once some session waits for an advisory lock (the routing lock). */
async function someoneWaitsForTheRoutingLock(): Promise<void> {
  for (let waited = 0; ; waited += 20) {
    const { rows } = await observer.query<{ n: string }>(
      "select count(*) as n from pg_locks where locktype = 'advisory' and not granted",
    );
    if (Number(rows[0]?.n) > 0) return;
    if (waited > 20_000) throw new Error('nobody waited for the routing lock');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('[issue 13] the ingest and a command take the routing lock before conversation rows', () => {
  it('a command holding the routing lock writes the conversation a waiting ingest will touch, and neither deadlocks', async () => {
    const from = '393330000001';
    const sent = Math.floor(Date.now() / 1000) - 60;
    const first = inboundTextPayload({ wamid: 'wamid.lock.1', from, timestamp: sent });
    expect((await postWebhook(server.url, JSON.stringify(first))).status).toBe(200);
    const conversationId = (
      await server.parlo.store.transaction((tx) => tx.findMessageByWamid('wamid.lock.1'))
    )?.conversationId;
    expect(conversationId).toBeDefined();
    const id = conversationId ?? '';

    let ingest: Promise<Response> | undefined;
    const command = server.parlo.store.transaction(async (tx) => {
      await tx.routing.forDecision(); // the routing lock, held to the commit
      // The customer writes again while they wait: their window moves, so the ingest routes.
      const again = inboundTextPayload({ wamid: 'wamid.lock.2', from, timestamp: sent + 30 });
      ingest = postWebhook(server.url, JSON.stringify(again));
      await someoneWaitsForTheRoutingLock();
      // What a command does next: write the conversation's row.
      await tx.touchLastInbound([{ conversationId: id, at: (sent + 10) * 1000 }]);
    });
    await expect(command).resolves.toBeUndefined();
    expect((await ingest)?.status).toBe(200);
    const stored = await server.parlo.store.transaction((tx) => tx.findMessageByWamid('wamid.lock.2'));
    expect(stored?.conversationId).toBe(id);
    const details = await server.parlo.store.transaction((tx) => tx.getConversationDetails([id]));
    expect(details[0]?.lastInboundAt).toBe((sent + 30) * 1000);
  });
});
