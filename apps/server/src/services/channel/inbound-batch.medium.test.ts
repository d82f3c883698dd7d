import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_NUMBER } from '../../seed/index.ts';
import {
  inboundBatchPayload,
  postWebhook,
  sqliteStatementPrototype,
  startTestServer,
  watchingCalls,
  type TestServer,
} from '../../testing/index.ts';

/**
 * Issue 13: the messages of one transaction read their wamids, customers and live conversations in
 * one lookup for the batch, and write `last_inbound_at` once at its end. What the transaction itself
 * writes meanwhile must be seen by its later messages, exactly as when each read for itself.
 */

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(() => server.close());

async function stored(from: string) {
  return server.parlo.store.transaction(async (tx) => {
    const customer = (
      await tx.lookupInbound({ wamids: [], customers: [{ businessNumberId: numberId, waId: from }] })
    ).customers
      .get(numberId)
      ?.get(from);
    const live = customer && (await tx.findLiveConversationOfCustomer(customer.id));
    const messages = live ? await tx.listMessages(live.id) : [];
    return { customer, live, texts: messages.map((m) => m.text) };
  });
}

let numberId: string;

describe('[issue 13] a batch of inbound messages read together', () => {
  beforeAll(async () => {
    numberId = (await server.parlo.store.transaction((tx) =>
      tx.findBusinessNumberByPhoneNumberId(DEMO_NUMBER.phoneNumberId),
    ))!.id;
  });

  it('sees what its own earlier messages stored: a new customer twice, a duplicate, a renamed customer', async () => {
    const t = Math.floor(Date.now() / 1000);
    // An earlier delivery opens Bruno's conversation.
    expect(
      (
        await postWebhook(
          server.url,
          inboundBatchPayload([{ wamid: 'wamid.ib.b0', from: '390001', name: 'Bruno', timestamp: t - 60 }]),
        )
      ).status,
    ).toBe(200);
    const res = await postWebhook(
      server.url,
      inboundBatchPayload([
        { wamid: 'wamid.ib.a1', from: '390002', name: 'Alma', text: 'first', timestamp: t - 5 },
        { wamid: 'wamid.ib.b1', from: '390001', name: 'Bruno R', text: 'renamed', timestamp: t - 4 },
        { wamid: 'wamid.ib.a2', from: '390002', name: 'Alma', text: 'second', timestamp: t - 3 },
        { wamid: 'wamid.ib.a1', from: '390002', name: 'Alma', text: 'first (again)', timestamp: t - 5 },
        { wamid: 'wamid.ib.b0', from: '390001', name: 'Bruno R', text: 'old (again)', timestamp: t - 60 },
      ]),
    );
    expect(res.status).toBe(200);
    const alma = await stored('390002');
    // One conversation for both of Alma's messages, the duplicate stored once, the window from the later one.
    expect(alma.texts).toEqual(['first', 'second']);
    expect(alma.live?.lastInboundAt).toBe((t - 3) * 1000);
    const bruno = await stored('390001');
    expect(bruno.customer?.name).toBe('Bruno R');
    expect(bruno.live?.customerName).toBe('Bruno R');
    expect(bruno.texts).toHaveLength(2);
    expect(bruno.live?.lastInboundAt).toBe((t - 4) * 1000);
  });

  it('inserts the new customers of a delivery, and their conversations, in one statement each', async () => {
    const t = Math.floor(Date.now() / 1000);
    const customers = ['390101', '390102', '390103', '390104', '390105'];
    const statements: string[] = [];
    const proto = await sqliteStatementPrototype();
    const seen = (self: unknown) => statements.push((self as { source: string }).source);
    const res = await watchingCalls(proto, 'run', seen, () =>
      watchingCalls(proto, 'all', seen, () =>
        postWebhook(
          server.url,
          inboundBatchPayload(
            customers.map((from, i) => ({ wamid: `wamid.ib.n${i}`, from, name: `New ${i}`, timestamp: t })),
          ),
        ),
      ),
    );
    expect(res.status).toBe(200);
    const inserts = (table: string) => statements.filter((sql) => sql.startsWith(`insert into "${table}"`));
    expect(inserts('customers')).toHaveLength(1);
    expect(inserts('conversations')).toHaveLength(1);
    for (const [i, from] of customers.entries()) {
      const found = await stored(from);
      expect(found.customer?.name).toBe(`New ${i}`);
      expect(found.live?.phaseKind).toBe('queued');
      expect(found.texts).toHaveLength(1);
    }
  });
});
