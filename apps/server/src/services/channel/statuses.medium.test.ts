import { readFileSync } from 'node:fs';
import { createSimulator, type Simulator } from '@parlo/whatsapp-sim';
import { messagesResponseSchema, type MessageView } from '@parlo/protocol';
import { signPayload } from '@parlo/whatsapp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_NUMBER } from '../../seed/index.ts';
import { postWebhook, signedIn, startTestServer, type TestServer } from '../../testing/index.ts';

/**
 * Meta's documented `failed` status example, fed to the real server for a message an agent sent
 * through the simulator: what the agent's bubble shows, and that statuses never move backwards.
 */

const EXAMPLE = new URL('../../../../../../shared/whatsapp/examples/status-failed.json', import.meta.url);
const CUSTOMER = '16505551234';

let sim: Simulator;
let server: TestServer;
let marco: Awaited<ReturnType<typeof signedIn>>;
let conversationId = '';

async function messages(): Promise<MessageView[]> {
  const res = await marco(`/api/conversations/${conversationId}/messages`);
  expect(res.status).toBe(200);
  return messagesResponseSchema.parse(await res.json()).messages;
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const end = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The example, about our message: Meta's payload with its status id set to our wamid. */
function exampleFor(wamid: string, status?: string): string {
  const text = readFileSync(EXAMPLE, 'utf8');
  const original = /"id": "(wamid\.[^"]+)"/.exec(text)?.[1];
  if (!original) throw new Error('the example has no wamid');
  const body = text.replaceAll(original, wamid);
  return status === undefined ? body : body.replace('"status": "failed"', `"status": "${status}"`);
}

beforeAll(async () => {
  // The simulator accepts sends but reports no statuses by itself: the example is the only one.
  sim = createSimulator({
    webhookUrl: 'http://127.0.0.1:9/unset',
    numbers: [
      {
        phoneNumberId: DEMO_NUMBER.phoneNumberId,
        displayPhoneNumber: DEMO_NUMBER.displayPhoneNumber,
        wabaId: DEMO_NUMBER.wabaId,
        accessToken: DEMO_NUMBER.accessToken,
        appSecret: DEMO_NUMBER.appSecret,
      },
    ],
    statusDelaysMs: { sent: 3_600_000, delivered: 3_600_000, read: 3_600_000 },
  });
  const simUrl = await sim.start(0, '127.0.0.1');
  server = await startTestServer({ GRAPH_API_BASE_URL: simUrl, OUTBOX_POLL_MS: '20' });
  sim.setWebhookUrl(`${server.url}/webhooks/whatsapp`);
  marco = await signedIn(server.url, 'marco');
  await marco('/api/agent/state', { method: 'POST', body: { kind: 'available' } });
  sim.sendFromCustomer(CUSTOMER, { text: 'Where is my parcel?' });
  await sim.idle();
  const offer = await until(async () => {
    const state = await server.parlo.store.transaction((tx) => tx.routing.read());
    return Object.values(state.offers).find((o) => o.agentId === 'usr_marco' && o.status.kind === 'pending');
  }, 'an offer to Marco');
  expect((await marco(`/api/offers/${offer.id}/accept`, { method: 'POST', body: {} })).status).toBe(200);
  conversationId = offer.conversationId;
});

afterAll(async () => {
  await sim.stop();
  await server.close();
});

describe("Meta's failed-status example", () => {
  it("puts `failed` with Meta's reason on the agent's bubble, and a later `delivered` does not undo it", async () => {
    const sent = await marco(`/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      body: { text: 'It left our warehouse today.', clientMessageId: 'status-example-1' },
    });
    expect(sent.status).toBe(200);
    // The drainer sends it and records the wamid the simulator gave it.
    const wamid = await until(async () => {
      const rows = await server.parlo.store.transaction((tx) => tx.listMessages(conversationId));
      return rows.find((m) => m.clientMessageId === 'status-example-1')?.wamid ?? undefined;
    }, 'the send to record its wamid');

    const failed = exampleFor(wamid);
    expect((await postWebhook(server.url, failed, signPayload(failed, DEMO_NUMBER.appSecret))).status).toBe(
      200,
    );
    const bubble = (await messages()).find((m) => m.clientMessageId === 'status-example-1');
    expect(bubble).toMatchObject({ direction: 'outbound', status: 'failed' });
    expect(bubble?.failureReason).toContain('131049');
    expect(bubble?.failureReason).toContain('healthy ecosystem engagement');

    // Meta may deliver an older status late: it never moves a failed message.
    const late = exampleFor(wamid, 'delivered');
    expect((await postWebhook(server.url, late, signPayload(late, DEMO_NUMBER.appSecret))).status).toBe(200);
    expect((await messages()).find((m) => m.clientMessageId === 'status-example-1')?.status).toBe('failed');
  });
});
