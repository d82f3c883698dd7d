import { describe, expect, it } from 'vitest';
import {
  auditResponseSchema,
  errorBodySchema,
  messagesResponseSchema,
  revealResponseSchema,
  settingsResponseSchema,
} from '@parlo/protocol';
import { inboundTextPayload, postWebhook, signedIn, useTestServer } from '../testing/index.ts';

const server = useTestServer();

const RAW = {
  card: '4111 1111 1111 1111',
  iban: 'IT60 X054 2811 1010 0000 0123 456',
  ssn: '536-22-8841',
  email: 'melissa@gmail.com',
  phone: '+447966197542',
};

/** Accepts the pending offer of `agent` for customer `waId` and returns its conversation id. */
async function acceptFor(agent: Awaited<ReturnType<typeof signedIn>>, agentId: string): Promise<string> {
  const offers = await server().parlo.store.transaction(async (tx) =>
    Object.values((await tx.routing.read()).offers),
  );
  const offer = offers.find((o) => o.agentId === agentId && o.status.kind === 'pending');
  if (!offer) throw new Error('no pending offer');
  expect((await agent(`/api/offers/${offer.id}/accept`, { method: 'POST', body: {} })).status).toBe(200);
  return offer.conversationId;
}

describe('masking on the server (the demo turns it on)', () => {
  it('[S-10] only an administrator reads or changes the setting', async () => {
    const anna = await signedIn(server().url, 'anna');
    const res = await anna('/api/admin/settings');
    expect(res.status).toBe(403);
    expect(errorBodySchema.parse(await res.json()).error.code).toBe('FORBIDDEN');
    const admin = await signedIn(server().url, 'admin');
    const settings = settingsResponseSchema.parse(await (await admin('/api/admin/settings')).json());
    expect(settings.settings.maskSensitiveData).toBe(true);
    const bad = await admin('/api/admin/settings', { method: 'PUT', body: { maskSensitiveData: 'yes' } });
    expect(bad.status).toBe(400);
  });

  it('[S-10][S-11][S-12] an agent receives customer messages, numbers and names masked; PCI is not stored in clear', async () => {
    const anna = await signedIn(server().url, 'anna');
    await anna('/api/agent/state', { method: 'POST', body: { kind: 'available' } });
    const text = `card ${RAW.card}, iban ${RAW.iban}, my SSN is ${RAW.ssn}, mail ${RAW.email}, call ${RAW.phone}`;
    const delivered = await postWebhook(
      server().url,
      JSON.stringify(
        inboundTextPayload({ wamid: 'wamid.mask1', from: '393471234567', name: '+39 347 123 4567', text }),
      ),
    );
    expect(delivered.status).toBe(200);
    const conversationId = await acceptFor(anna, 'usr_anna');

    const listed = messagesResponseSchema.parse(
      await (await anna(`/api/conversations/${conversationId}/messages`)).json(),
    );
    const shown = listed.messages[0]!;
    expect(shown.text).toBe(
      'card ************1111, iban ***********************3456, my SSN is *****8841, mail m******@gmail.com, call *********7542',
    );
    // [S-13] a customer whose name is their phone number sees it masked as a number.
    expect(shown.authorName).toBe('*********4567');

    const stored = await server().parlo.store.transaction((tx) => tx.listMessages(conversationId));
    expect(stored[0]!.text).not.toContain('4111');
    expect(stored[0]!.text).toContain(RAW.email); // personal data stays usable by the system
  });

  it('a masked value is revealed only with the reveal permission, and every reveal is audited', async () => {
    const conversations = await server().parlo.store.transaction(async (tx) => {
      const customer = await tx.upsertCustomer({
        id: 'x',
        businessNumberId: 'bn_demo',
        waId: '393471234567',
        name: 'x',
      });
      return tx.findLiveConversationOfCustomer(customer.id);
    });
    const conversationId = conversations!.id;
    const anna = await signedIn(server().url, 'anna');
    const denied = await anna('/api/reveal', {
      method: 'POST',
      body: { field: 'customerPhone', conversationId },
    });
    expect(denied.status).toBe(403);
    const admin = await signedIn(server().url, 'admin');
    const revealed = await admin('/api/reveal', {
      method: 'POST',
      body: { field: 'customerPhone', conversationId },
    });
    expect(revealResponseSchema.parse(await revealed.json()).value).toBe('+393471234567');
    const audit = auditResponseSchema.parse(await (await admin('/api/admin/audit')).json());
    expect(audit.entries[0]).toMatchObject({
      actorUserId: 'usr_admin',
      action: 'reveal.customerPhone',
      subject: conversationId,
    });
    expect(JSON.stringify(audit.entries)).not.toContain('393471234567');
    const unknown = await admin('/api/reveal', { method: 'POST', body: { field: 'nope' } });
    expect(unknown.status).toBe(400);
  });

  it('[S-10] with masking off an agent sees the data as the customer wrote it', async () => {
    const admin = await signedIn(server().url, 'admin');
    const off = await admin('/api/admin/settings', { method: 'PUT', body: { maskSensitiveData: false } });
    expect(settingsResponseSchema.parse(await off.json()).settings.maskSensitiveData).toBe(false);
    const anna = await signedIn(server().url, 'anna');
    await anna('/api/agent/state', { method: 'POST', body: { kind: 'idle', idleCodeId: 'idle_break' } });
    const marco = await signedIn(server().url, 'marco');
    await marco('/api/agent/state', { method: 'POST', body: { kind: 'available' } });
    const text = `card ${RAW.card} and ${RAW.email}`;
    await postWebhook(
      server().url,
      JSON.stringify(inboundTextPayload({ wamid: 'wamid.mask2', from: '393470000001', name: 'Clear', text })),
    );
    const conversationId = await acceptFor(marco, 'usr_marco');
    const listed = messagesResponseSchema.parse(
      await (await marco(`/api/conversations/${conversationId}/messages`)).json(),
    );
    expect(listed.messages[0]!.text).toBe(text);
    await admin('/api/admin/settings', { method: 'PUT', body: { maskSensitiveData: true } });
  });
});
