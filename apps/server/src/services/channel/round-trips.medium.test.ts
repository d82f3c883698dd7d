import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  inboundBatchPayload,
  postWebhook,
  usePostgresTestServer,
  watchingCalls,
  type TestServer,
} from '../../testing/index.ts';

/**
 * Issue 13 (P6): on PostgreSQL a webhook delivery's transaction is a chain of round trips, one
 * statement after another, and the next delivery's transaction waits for it (the routing lock). The
 * ingest bench shows that chain, not the CPU of Parlo or PostgreSQL, is what bounds P6 (the server's
 * core ~70% busy, PostgreSQL ~35%, the machine ~60%). So a delivery must take a number of statements
 * that does not grow with its messages, and no more than it takes today: a statement added per
 * message, or to every transaction, fails here before the bench slows.
 */

const pgServer = usePostgresTestServer();
const server = (): TestServer => pgServer.server();

/**
 * The most statements one delivery's transaction runs, `begin` and `commit` included: 10 today (25
 * before its writes whose results are not read went together, and with the next statement, ADR 38;
 * 15 before its reads of stored wamids, customers, live conversations and settings went as one, ADR
 * 41).
 */
const ROUND_TRIPS = 10;
/**
 * Of them, from the routing lock to the commit, what the next delivery waits for: 5 (16 before ADR
 * 38; 7 before the automatic messages' setting was read with the batch's other reads and the
 * waiting rows' delete, update and insert went in one statement, ADR 41).
 */
const UNDER_LOCK = 5;

/**
 * The statements of the transaction that stored this delivery: every query pg's clients send while
 * it is posted, and of those the ones on the connection that inserted the delivery's row, from its
 * `begin` to its `commit`.
 */
async function statementsOf(body: string): Promise<string[]> {
  const sent: { client: unknown; text: string }[] = [];
  const res = await watchingCalls(
    pg.Client.prototype,
    'query',
    (client, args) => {
      const [config] = args as [string | { text?: string }];
      const text = typeof config === 'string' ? config : config.text;
      if (text !== undefined) sent.push({ client, text: text.trim().toLowerCase() });
    },
    () => postWebhook(server().url, body),
  );
  expect(res.status).toBe(200);
  // Alone, or one of the writes sent together (deferred-writes.ts).
  const insert = sent.findIndex((q) => q.text.includes('insert into "webhook_deliveries"'));
  expect(insert).toBeGreaterThanOrEqual(0);
  const own = sent.filter((q) => q.client === sent[insert]?.client).map((q) => q.text);
  const at = own.indexOf(sent[insert]?.text ?? '');
  const begin = own.lastIndexOf('begin', at);
  const commit = own.indexOf('commit', at);
  expect(begin).toBeGreaterThanOrEqual(0);
  expect(commit).toBeGreaterThan(at);
  return own.slice(begin, commit + 1);
}

/** A delivery of `size` messages: half from customers who wrote before, half from new ones. */
async function mixedDelivery(tag: string, size: number): Promise<string> {
  const at = Math.floor(Date.now() / 1000) - 120;
  const known = Array.from({ length: size / 2 }, (_, i) => `3934${tag}${String(i).padStart(5, '0')}`);
  // The known customers' first messages, in a delivery of their own.
  const first = await postWebhook(
    server().url,
    inboundBatchPayload(known.map((from, i) => ({ wamid: `wamid.rt.${tag}.k${i}`, from, timestamp: at }))),
  );
  expect(first.status).toBe(200);
  return inboundBatchPayload([
    ...known.map((from, i) => ({ wamid: `wamid.rt.${tag}.a${i}`, from, timestamp: at + 30 })),
    ...known.map((_, i) => ({
      wamid: `wamid.rt.${tag}.n${i}`,
      from: `3935${tag}${String(i).padStart(5, '0')}`,
      name: `New ${i}`,
      timestamp: at + 30,
    })),
  ]);
}

describe('[issue 13] a webhook delivery on PostgreSQL takes a fixed number of round trips', () => {
  it('4 messages and 24 (half from new customers) run the same statements, at most ROUND_TRIPS', async () => {
    const small = await statementsOf(await mixedDelivery('1', 4));
    const large = await statementsOf(await mixedDelivery('2', 24));
    // Printed on failure: which statements a change added.
    expect({ small: small.length, large: large.length, statements: large }).toEqual({
      small: small.length,
      large: small.length,
      statements: large,
    });
    expect(small.length).toBeLessThanOrEqual(ROUND_TRIPS);
    const lock = large.findIndex((q) => q.endsWith('for update') && q.includes('"routing_version"'));
    expect(lock).toBeGreaterThan(0);
    expect(large.slice(lock)).toHaveLength(UNDER_LOCK);
  });
});
