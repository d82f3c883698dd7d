import { describe, expect, it } from 'vitest';
import {
  errorBodySchema,
  meResponseSchema,
  messageResponseSchema,
  messagesResponseSchema,
} from '@parlo/protocol';
import { inboundTextPayload, postWebhook, sameOrigin, signedIn, useTestServer } from '../testing/index.ts';

const server = useTestServer();

async function errorCode(res: Response): Promise<string> {
  return errorBodySchema.parse(await res.json()).error.code;
}

async function storedWamid(wamid: string): Promise<boolean> {
  return server().parlo.store.transaction((tx) => tx.hasWamid(wamid));
}

describe('bad input gets a clear error and stores nothing', () => {
  it('a login with a wrong password -> 401 without saying which part was wrong', async () => {
    const wrongPassword = await fetch(`${server().url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sameOrigin(server().url) },
      body: JSON.stringify({ username: 'anna', password: 'nope' }),
    });
    const unknownUser = await fetch(`${server().url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sameOrigin(server().url) },
      body: JSON.stringify({ username: 'nobody', password: 'nope' }),
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    const a = errorBodySchema.parse(await wrongPassword.json());
    const b = errorBodySchema.parse(await unknownUser.json());
    expect(a).toEqual(b);
    expect(a.error.code).toBe('INVALID_CREDENTIALS');
    expect(wrongPassword.headers.get('set-cookie')).toBeNull();
  });

  it('a login body that fails the schema -> 400 VALIDATION_FAILED naming the field', async () => {
    const res = await fetch(`${server().url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sameOrigin(server().url) },
      body: JSON.stringify({ username: '' }),
    });
    expect(res.status).toBe(400);
    const body = errorBodySchema.parse(await res.json());
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(body.error.fields ?? {})).toEqual(expect.arrayContaining(['username', 'password']));
  });

  it('every API route needs a session -> 401 UNAUTHENTICATED', async () => {
    for (const [method, path] of [
      ['GET', '/api/me'],
      ['GET', '/api/catalog'],
      ['POST', '/api/agent/state'],
      ['POST', '/api/offers/x/accept'],
      ['GET', '/api/conversations/x/messages'],
      ['POST', '/api/conversations/x/messages'],
      ['POST', '/api/conversations/x/end'],
      ['POST', '/api/conversations/x/wrap-up'],
    ] as const) {
      const res = await fetch(`${server().url}${path}`, {
        method,
        headers: {
          ...sameOrigin(server().url),
          ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(await errorCode(res)).toBe('UNAUTHENTICATED');
    }
  });

  it('an unsigned webhook -> 401, nothing stored', async () => {
    const body = JSON.stringify(inboundTextPayload({ wamid: 'wamid.unsigned' }));
    const res = await postWebhook(server().url, body, null);
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('BAD_SIGNATURE');
    expect(await storedWamid('wamid.unsigned')).toBe(false);
  });

  it('a forged webhook (signed with another secret, or body changed after signing) -> 401, nothing stored', async () => {
    const body = JSON.stringify(inboundTextPayload({ wamid: 'wamid.forged' }));
    const { signPayload } = await import('@parlo/whatsapp');
    expect((await postWebhook(server().url, body, signPayload(body, 'not-the-secret'))).status).toBe(401);
    const tampered = body.replace('another color', 'another colour');
    expect((await postWebhook(server().url, tampered, signPayload(body, 'demo-app-secret'))).status).toBe(
      401,
    );
    expect(await storedWamid('wamid.forged')).toBe(false);
  });

  it('a malformed webhook body (signed) -> 400 MALFORMED_WEBHOOK, nothing stored', async () => {
    const notJson = await postWebhook(server().url, '{"object": "whatsapp_business_account", "entry": [');
    expect(notJson.status).toBe(400);
    expect(await errorCode(notJson)).toBe('MALFORMED_WEBHOOK');
    const wrongShape = await postWebhook(
      server().url,
      JSON.stringify({ object: 'page', entry: 'nope', id: 'wamid.bad' }),
    );
    expect(wrongShape.status).toBe(400);
    expect(await errorCode(wrongShape)).toBe('MALFORMED_WEBHOOK');
    const badMessage = inboundTextPayload({ wamid: 'wamid.badmessage' });
    // A message without its sender breaks the schema of the change.
    delete (badMessage.entry[0]!.changes[0]!.value.messages[0] as { from?: string }).from;
    const res = await postWebhook(server().url, JSON.stringify(badMessage));
    expect(res.status).toBe(400);
    expect(await storedWamid('wamid.badmessage')).toBe(false);
  });

  it('a webhook over 3 MB -> 413', async () => {
    const body = JSON.stringify({
      ...inboundTextPayload({ wamid: 'wamid.big' }),
      pad: 'x'.repeat(3 * 1024 * 1024),
    });
    const res = await postWebhook(server().url, body);
    expect(res.status).toBe(413);
    expect(await storedWamid('wamid.big')).toBe(false);
  });

  it('the verification handshake answers the challenge only for the right verify token', async () => {
    const ok = await fetch(
      `${server().url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=demo-verify-token&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await fetch(
      `${server().url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`,
    );
    expect(wrong.status).toBe(403);
  });

  it('a signed webhook is stored before the 200, and a duplicate delivery yields one message', async () => {
    const body = JSON.stringify(
      inboundTextPayload({ wamid: 'wamid.once', from: '393331112222', name: 'Once' }),
    );
    const results = await Promise.all([
      postWebhook(server().url, body),
      postWebhook(server().url, body),
      postWebhook(server().url, body),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await storedWamid('wamid.once')).toBe(true);
    const conversations = await server().parlo.store.transaction(async (tx) => {
      const customer = await tx.upsertCustomer({
        id: 'ignored',
        businessNumberId: 'bn_demo',
        waId: '393331112222',
        name: 'Once',
      });
      const live = await tx.findLiveConversationOfCustomer(customer.id);
      return live ? tx.listMessages(live.id) : [];
    });
    expect(conversations).toHaveLength(1);
  });

  it('[S-8] a message over 4096 characters sent to the API -> 400 MESSAGE_TOO_LONG, nothing stored', async () => {
    const marco = await signedIn(server().url, 'marco');
    expect((await marco('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(
      200,
    );
    await postWebhook(
      server().url,
      JSON.stringify(inboundTextPayload({ wamid: 'wamid.long', from: '393339998888', name: 'Long' })),
    );
    const offers = await server().parlo.store.transaction(async (tx) =>
      Object.values((await tx.routing.read()).offers),
    );
    const offer = offers.find((o) => o.agentId === 'usr_marco' && o.status.kind === 'pending');
    expect(offer).toBeDefined();
    const accepted = await marco(`/api/offers/${offer!.id}/accept`, { method: 'POST', body: {} });
    expect(accepted.status).toBe(200);
    const path = `/api/conversations/${offer!.conversationId}/messages`;

    const tooLong = await marco(path, {
      method: 'POST',
      body: { text: 'a'.repeat(4097), clientMessageId: 'client-0001' },
    });
    expect(tooLong.status).toBe(400);
    expect(await errorCode(tooLong)).toBe('MESSAGE_TOO_LONG');
    const listed = messagesOf(await (await marco(path)).json());
    expect(listed.filter((m) => m.direction === 'outbound')).toHaveLength(0);

    const exactly = await marco(path, {
      method: 'POST',
      body: { text: 'b'.repeat(4096), clientMessageId: 'client-0002' },
    });
    expect(exactly.status).toBe(200);
    // The same idempotency key again: answered with the first message, stored once.
    const again = await marco(path, {
      method: 'POST',
      body: { text: 'b'.repeat(4096), clientMessageId: 'client-0002' },
    });
    expect(messageResponseSchema.parse(await again.json()).message.id).toBe(
      messageResponseSchema.parse(await exactly.json()).message.id,
    );
    const after = messagesOf(await (await marco(path)).json());
    expect(after.filter((m) => m.direction === 'outbound')).toHaveLength(1);

    const other = await signedIn(server().url, 'giulia');
    const notOwner = await other(path, {
      method: 'POST',
      body: { text: 'hi', clientMessageId: 'client-0003' },
    });
    expect(notOwner.status).toBe(403);
    expect(await errorCode(notOwner)).toBe('NOT_CONVERSATION_OWNER');
  });

  it('an unknown idle code -> 400 UNKNOWN_IDLE_CODE; the server is still healthy after all of the above', async () => {
    const giulia = await signedIn(server().url, 'giulia');
    const res = await giulia('/api/agent/state', {
      method: 'POST',
      body: { kind: 'idle', idleCodeId: 'idle_nap' },
    });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('UNKNOWN_IDLE_CODE');
    const me = meResponseSchema.parse(await (await giulia('/api/me')).json());
    expect(me.agent?.state.kind).toBe('idle');
    expect((await fetch(`${server().url}/healthz`)).status).toBe(200);
  });
});

function messagesOf(json: unknown) {
  return messagesResponseSchema.parse(json).messages;
}
