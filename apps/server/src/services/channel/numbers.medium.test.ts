import { signPayload } from '@parlo/whatsapp';
import { describe, expect, it } from 'vitest';
import { DEMO_NUMBER } from '../../seed/index.ts';
import { inboundTextPayload, postWebhook, signedIn, useTestServer } from '../../testing/index.ts';

/**
 * Several business numbers, each with its own app secret and target queue: an update is routed by
 * `metadata.phone_number_id`, checked against that number's own secrets, and an update for a number
 * Parlo does not have is kept and counted but never guessed into a conversation.
 */

const server = useTestServer();

const SECOND = {
  phoneNumberId: '209876543210987',
  displayPhoneNumber: '+390298765432',
  wabaId: '309876543210987',
  accessToken: 'second-access-token',
  appSecrets: ['second-app-secret'],
  verifyToken: 'second-verify-token',
  queueId: 'q_sales',
};

/** The demo payload, addressed to another number. */
function payloadFor(phoneNumberId: string, display: string, wamid: string, from: string): string {
  const payload = JSON.stringify(inboundTextPayload({ wamid, from, text: 'Hello from the second line' }));
  return payload
    .replace(`"phone_number_id":"${DEMO_NUMBER.phoneNumberId}"`, `"phone_number_id":"${phoneNumberId}"`)
    .replace(
      `"display_phone_number":"${DEMO_NUMBER.displayPhoneNumber}"`,
      `"display_phone_number":"${display.replace('+', '')}"`,
    );
}

async function conversationsByQueue() {
  return server().parlo.store.transaction(async (tx) => {
    const state = await tx.routing.read();
    return Object.values(state.conversations).map((c) => c.queueId);
  });
}

describe('several business numbers', () => {
  it("routes each number's customers to its own queue, checking that number's own secret", async () => {
    const admin = await signedIn(server().url, 'admin');
    const created = await admin('/api/admin/business-numbers', { method: 'POST', body: SECOND });
    expect(created.status).toBe(201);

    const body = payloadFor(
      SECOND.phoneNumberId,
      SECOND.displayPhoneNumber,
      'wamid.second.1',
      '447700900123',
    );
    expect((await postWebhook(server().url, body, signPayload(body, 'second-app-secret'))).status).toBe(200);
    expect(await conversationsByQueue()).toEqual(['q_sales']);

    // The demo number's customers still reach the demo number's queue.
    const demo = JSON.stringify(inboundTextPayload({ wamid: 'wamid.demo.1', from: '16505550000' }));
    expect((await postWebhook(server().url, demo)).status).toBe(200);
    expect((await conversationsByQueue()).sort()).toEqual(['q_sales', 'q_support']);
  });

  it("an update for the second number signed with the first number's secret is never routed", async () => {
    // The second number exists since the test above (one server for the file).
    const before = (await conversationsByQueue()).length;
    const body = payloadFor(
      SECOND.phoneNumberId,
      SECOND.displayPhoneNumber,
      'wamid.second.2',
      '447700900124',
    );
    // Signed by the demo app: the signature is valid for Parlo, but not for that number.
    expect((await postWebhook(server().url, body)).status).toBe(200);
    expect((await conversationsByQueue()).length).toBe(before);
    // Signed by its own app, the same update is routed.
    expect((await postWebhook(server().url, body, signPayload(body, 'second-app-secret'))).status).toBe(200);
    expect((await conversationsByQueue()).length).toBe(before + 1);
  });

  it('an update for an unknown phone_number_id is kept as a raw delivery and counted, never routed', async () => {
    const before = (await conversationsByQueue()).length;
    const body = payloadFor('111111111111111', '+15550000000', 'wamid.unknown.1', '447700900125');
    expect((await postWebhook(server().url, body)).status).toBe(200);
    expect((await conversationsByQueue()).length).toBe(before);
    const metrics = await (await fetch(`${server().url}/metrics`)).text();
    // One for this update, one for the second number's update signed by the wrong app.
    expect(metrics).toMatch(/parlo_webhooks_rejected_total\{reason="unknown_number"[^}]*\} 2/);
  });
});
