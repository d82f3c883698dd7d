import { errorBodySchema, searchResponseSchema, searchRoutes } from '@parlo/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  freshPostgres,
  inboundTextPayload,
  postWebhook,
  signedIn,
  startTestServer,
  type TestServer,
} from '../../testing/index.ts';

/**
 * Issue 15 over the real server, on SQLite then PostgreSQL: search by a word of a message and by
 * the customer's number while masking is on (the results show the number masked), agents limited
 * to their own conversations, bad input a 400.
 */

const CUSTOMER = '393331234567';
/** FREQUENT_WORD_MESSAGES of store/search-repository.ts: from there SQLite takes the frequent-word plan. */
const FREQUENT_WORD_MESSAGES = 5_000;

type Fetcher = ReturnType<typeof signedIn> extends Promise<infer F> ? F : never;

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function pendingOfferOf(s: TestServer, agentId: string) {
  const state = await s.parlo.store.transaction((tx) => tx.routing.read());
  const offer = Object.values(state.offers).find((o) => o.agentId === agentId && o.status.kind === 'pending');
  if (!offer) throw new Error(`no pending offer for ${agentId}`);
  return offer;
}

const search = async (f: Fetcher, query: Record<string, string>) => {
  const res = await f(`${searchRoutes.conversations}?${new URLSearchParams(query).toString()}`);
  const body: unknown = await res.json();
  return { status: res.status, body };
};

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`search (${dialect})`, () => {
    async function start() {
      const s = await startTestServer(dialect === 'postgres' ? { DATABASE_URL: await freshPostgres() } : {});
      server = s;
      await s.parlo.store.transaction((tx) => tx.setSetting('masking.enabled', 'true'));
      const [marco, anna, sofia] = await Promise.all(
        ['marco', 'anna', 'sofia'].map((u) => signedIn(s.url, u)),
      );
      if (!marco || !anna || !sofia) throw new Error('sign-in failed');
      expect((await marco('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(
        200,
      );
      const res = await postWebhook(
        s.url,
        JSON.stringify(
          inboundTextPayload({
            wamid: 'wamid.s1',
            from: CUSTOMER,
            name: 'Mario',
            text: 'My umbrella arrived broken',
          }),
        ),
      );
      expect(res.status).toBe(200);
      const offer = await pendingOfferOf(s, 'usr_marco');
      expect((await marco(`/api/offers/${offer.id}/accept`, { method: 'POST', body: {} })).status).toBe(200);
      return { s, marco, anna, sofia, conversationId: offer.conversationId };
    }

    it('[issue-15] a supervisor finds a conversation by a word and by the number, shown masked', async () => {
      const { sofia, conversationId } = await start();
      const byWord = searchResponseSchema.parse((await search(sofia, { text: 'umbrella' })).body);
      expect(byWord.results.map((r) => r.conversationId)).toEqual([conversationId]);
      const hit = byWord.results[0];
      expect(hit?.customerPhone).not.toContain('3331234567');
      expect(hit?.customerPhone).toMatch(/\*/);
      expect(hit?.agentName).toBe('Marco Bianchi');
      for (const number of ['+39 333 123 4567', '393331234567', '0039 333 1234567']) {
        const byNumber = searchResponseSchema.parse((await search(sofia, { number })).body);
        expect(byNumber.results.map((r) => r.conversationId)).toEqual([conversationId]);
        expect(JSON.stringify(byNumber)).not.toContain('3331234567');
      }
      expect(
        searchResponseSchema.parse((await search(sofia, { number: '+39 333 000 0000' })).body).results,
      ).toEqual([]);
    });

    it('[issue-15] an agent searches only the conversations they took part in', async () => {
      const { marco, anna, conversationId } = await start();
      const own = searchResponseSchema.parse((await search(marco, { text: 'umbrella' })).body);
      expect(own.results.map((r) => r.conversationId)).toEqual([conversationId]);
      expect(searchResponseSchema.parse((await search(anna, { text: 'umbrella' })).body).results).toEqual([]);
      const other = await search(anna, { agentId: 'usr_marco' });
      expect(other.status).toBe(403);
      expect(errorBodySchema.parse(other.body).error.code).toBe('FORBIDDEN');
    });

    it('[issue-15] a word in many messages, and an agent who left by transfer, find the same conversation', async () => {
      const { s, sofia, marco, anna, conversationId } = await start();
      const giulia = await signedIn(s.url, 'giulia');
      if (!giulia) throw new Error('sign-in failed');
      const now = Date.now();
      // Enough messages holding the word for SQLite's frequent-word plan (search-repository.ts).
      await s.parlo.store.transaction(async (tx) => {
        for (let i = 0; i < FREQUENT_WORD_MESSAGES; i++)
          await tx.insertSystemMessage({
            id: `msg_${String(now + i).padStart(15, '0')}_frequent`,
            conversationId,
            direction: 'system',
            wamid: null,
            kind: 'text',
            text: `umbrella note ${i}`,
            authorName: 'Parlo',
            authorUserId: null,
            sentAt: now + i,
            createdAt: now + i,
            status: null,
            failureReason: null,
            clientMessageId: null,
          });
        await tx.recordParticipantWrapUp({
          id: 'pwu_search_giulia',
          conversationId,
          agentId: 'usr_giulia',
          role: 'owner',
          reasonId: null,
          acceptedAt: now - 60_000,
          endedAt: now - 30_000,
          wrappedUpAt: now - 20_000,
        });
      });
      const ids = async (f: Fetcher, query: Record<string, string>) =>
        searchResponseSchema.parse((await search(f, query)).body).results.map((r) => r.conversationId);
      expect(await ids(sofia, { text: 'umbrella' })).toEqual([conversationId]);
      expect(await ids(sofia, { text: 'umbrella broken' })).toEqual([conversationId]);
      expect(await ids(marco, { text: 'umbrella' })).toEqual([conversationId]);
      expect(await ids(anna, { text: 'umbrella' })).toEqual([]);
      expect(await ids(giulia, { text: 'umbrella' })).toEqual([conversationId]);
      expect(await ids(sofia, { agentId: 'usr_giulia' })).toEqual([conversationId]);
      expect(await ids(sofia, { agentId: 'usr_anna' })).toEqual([]);
    });

    it('[issue-15] a search without criteria, or with a number that is none, is a 400', async () => {
      const { sofia } = await start();
      const queries: Record<string, string>[] = [
        {},
        { number: 'abc' },
        { limit: '1000', text: 'x' },
        { from: 'yesterday' },
      ];
      for (const query of queries) {
        const res = await search(sofia, query);
        expect(res.status).toBe(400);
        expect(errorBodySchema.parse(res.body).error.code).toBe('VALIDATION_FAILED');
      }
    });
  });
}
