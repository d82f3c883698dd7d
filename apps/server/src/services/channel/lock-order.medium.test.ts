import { describe, expect, it } from 'vitest';
import {
  inboundTextPayload,
  postWebhook,
  untilSomeoneWaitsForLock,
  usePostgresTestServer,
  type TestServer,
} from '../../testing/index.ts';

/**
 * Issue 13 (PostgreSQL): an ingest that routes takes the routing lock before it writes conversation
 * rows. A command takes the lock first and then writes those rows; an ingest that wrote one of them
 * first and then waited for the lock would close a cycle, and PostgreSQL would abort one of the two
 * after `deadlock_timeout`. Proved by an ordering: the command holds the lock, the ingest is seen
 * waiting for it, and only then does the command write the conversation the ingest is about to touch.
 */

const pgServer = usePostgresTestServer();
const server = (): TestServer => pgServer.server();

describe('[issue 13] the ingest and a command take the routing lock before conversation rows', () => {
  it('a command holding the routing lock writes the conversation a waiting ingest will touch, and neither deadlocks', async () => {
    const from = '393330000001';
    const sent = Math.floor(Date.now() / 1000) - 60;
    const first = inboundTextPayload({ wamid: 'wamid.lock.1', from, timestamp: sent });
    expect((await postWebhook(server().url, JSON.stringify(first))).status).toBe(200);
    const conversationId = (
      await server().parlo.store.transaction((tx) => tx.findMessageByWamid('wamid.lock.1'))
    )?.conversationId;
    expect(conversationId).toBeDefined();
    const id = conversationId ?? '';

    let ingest: Promise<Response> | undefined;
    const command = server().parlo.store.transaction(async (tx) => {
      await tx.routing.forDecision(); // the routing lock, held to the commit
      // The customer writes again while they wait: their window moves, so the ingest routes.
      const again = inboundTextPayload({ wamid: 'wamid.lock.2', from, timestamp: sent + 30 });
      ingest = postWebhook(server().url, JSON.stringify(again));
      // The routing lock: the version row, whose holder's transaction the ingest waits for.
      await untilSomeoneWaitsForLock(pgServer.session(), "locktype = 'transactionid'");
      // What a command does next: write the conversation's row.
      await tx.touchLastInbound([{ conversationId: id, at: (sent + 10) * 1000 }]);
    });
    await expect(command).resolves.toBeUndefined();
    expect((await ingest)?.status).toBe(200);
    const stored = await server().parlo.store.transaction((tx) => tx.findMessageByWamid('wamid.lock.2'));
    expect(stored?.conversationId).toBe(id);
    const details = await server().parlo.store.transaction((tx) => tx.getConversationDetails([id]));
    expect(details[0]?.lastInboundAt).toBe((sent + 30) * 1000);
  });
});
