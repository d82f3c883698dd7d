import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  classifyGraphError,
  flattenWebhook,
  GraphApiError,
  GraphClient,
  isKnownMessage,
  verifySignature,
  webhookPayloadSchema,
  type WebhookEvent,
} from '@parlo/whatsapp';
import { createSimulator, type Simulator, type SimulatorConfig } from './index.ts';
import { TestReceiver, waitFor } from './test-receiver.ts';

const NUMBER = {
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
  wabaId: '102290129340398',
  accessToken: 'token-a',
  appSecret: 'secret-a',
  verifiedName: 'Acme',
};
const OTHER_NUMBER = {
  phoneNumberId: '106540352242999',
  displayPhoneNumber: '15550783899',
  wabaId: '102290129340399',
  accessToken: 'token-b',
  appSecret: 'secret-b',
};
const SHEENA = { waId: '16505551234', name: 'Sheena Nelson' };
const RAVI = { waId: '14155550101', name: 'Ravi Kumar' };

let receiver: TestReceiver;
let sim: Simulator;
let baseUrl: string;
let client: GraphClient;
let clockOffsetMs: number;

async function startSim(overrides: Partial<SimulatorConfig> = {}): Promise<void> {
  sim = createSimulator({
    webhookUrl: receiver.url,
    numbers: [NUMBER, OTHER_NUMBER],
    customers: [SHEENA, RAVI],
    statusDelaysMs: { sent: 10, delivered: 30, read: 30 },
    delivery: { maxAttempts: 4, initialBackoffMs: 20, maxBackoffMs: 100, timeoutMs: 2_000, maxQueued: 1_000 },
    now: () => Date.now() + clockOffsetMs,
    ...overrides,
  });
  baseUrl = await sim.start(0);
  client = new GraphClient({ baseUrl, apiVersion: 'v25.0' });
}

beforeEach(async () => {
  clockOffsetMs = 0;
  receiver = new TestReceiver();
  await receiver.start();
});

afterEach(async () => {
  await sim.stop();
  await receiver.stop();
});

/** Every update the receiver got, parsed with the real schema (after checking each signature). */
function receivedEvents(): WebhookEvent[] {
  return receiver.received.flatMap((r) => flattenWebhook(webhookPayloadSchema.parse(r.json)));
}

function statusesOf(wamid: string): string[] {
  return receivedEvents().flatMap((e) =>
    e.kind === 'status' && e.status.id === wamid ? [e.status.status] : [],
  );
}

async function customerWrites(waId = SHEENA.waId, text = 'hello'): Promise<string> {
  const { wamid } = sim.sendFromCustomer(waId, { text });
  await sim.idle();
  return wamid;
}

function rawPost(path: string, body: unknown, token = NUMBER.accessToken): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('inbound messages', () => {
  beforeEach(() => startSim());

  it('delivers a customer message as a signed, Meta-shaped webhook', async () => {
    const wamid = await customerWrites(SHEENA.waId, 'Does it come in blue?');
    const [delivery] = receiver.received;
    if (delivery === undefined) throw new Error('nothing delivered');
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(
      verifySignature(delivery.rawBody, delivery.headers['x-hub-signature-256'] as string, ['secret-a']),
    ).toBe(true);
    expect(
      verifySignature(delivery.rawBody, delivery.headers['x-hub-signature-256'] as string, ['secret-b']),
    ).toBe(false);
    const [event] = flattenWebhook(webhookPayloadSchema.parse(delivery.json));
    expect(event).toMatchObject({
      kind: 'message',
      wabaId: NUMBER.wabaId,
      phoneNumberId: NUMBER.phoneNumberId,
      displayPhoneNumber: NUMBER.displayPhoneNumber,
      contactName: 'Sheena Nelson',
      message: { id: wamid, from: SHEENA.waId, type: 'text', text: { body: 'Does it come in blue?' } },
    });
    if (event?.kind !== 'message') throw new Error('expected a message');
    expect(event.message.timestamp).toMatch(/^\d{10}$/);
    expect(wamid).toMatch(/^wamid\.[A-Za-z0-9+/=]+$/);
    // Acknowledged by Parlo: the customer's phone shows double ticks.
    expect(sim.thread(SHEENA.waId)[0]?.status).toBe('delivered');
  });

  it('takes customer messages through the control API, and lists the thread', async () => {
    const response = await rawPost(`/sim/customers/${SHEENA.waId}/messages`, { text: 'via control' });
    expect(response.status).toBe(200);
    const { wamid } = (await response.json()) as { wamid: string };
    await sim.idle();
    const thread = (await (await fetch(`${baseUrl}/sim/customers/${SHEENA.waId}/thread`)).json()) as {
      inWindow: boolean;
      messages: Array<{ wamid: string; direction: string; text: string }>;
    };
    expect(thread.inWindow).toBe(true);
    expect(thread.messages).toMatchObject([{ wamid, direction: 'in', text: 'via control' }]);
    expect((await fetch(`${baseUrl}/sim/customers/000000000/thread`)).status).toBe(404);
  });

  it('adds customers through the control API', async () => {
    const created = await rawPost('/sim/customers', { waId: '5511999990000', name: 'Ana' });
    expect(created.status).toBe(201);
    const list = (await (await fetch(`${baseUrl}/sim/customers`)).json()) as {
      customers: Array<{ waId: string }>;
    };
    expect(list.customers.map((c) => c.waId)).toContain('5511999990000');
    expect((await rawPost('/sim/customers', { waId: 'x', name: '' })).status).toBe(400);
  });

  it('sends a message of an unknown type that still parses, as unrecognized', async () => {
    sim.sendFromCustomer(SHEENA.waId, {
      type: 'custom',
      message: { type: 'hologram', hologram: { depth: 3 } },
    });
    await sim.idle();
    const [event] = receivedEvents();
    if (event?.kind !== 'message') throw new Error('expected a message');
    expect(isKnownMessage(event.message)).toBe(false);
    expect(event.message.type).toBe('hologram');
  });

  it('retries a webhook until Parlo answers 200, then stops', async () => {
    const answers = [500, 503, 200];
    receiver.nextStatus = () => answers.shift() ?? 200;
    await customerWrites();
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.rawBody.toString()))).toHaveProperty('size', 1);
    expect(sim.deliveries()[0]).toMatchObject({ attempts: 3, outcome: 'delivered', lastStatus: 200 });
  });

  it('gives up after maxAttempts', async () => {
    receiver.nextStatus = () => 500;
    await customerWrites();
    expect(receiver.received).toHaveLength(4);
    expect(sim.deliveries()[0]).toMatchObject({ attempts: 4, outcome: 'gave_up' });
    expect(sim.thread(SHEENA.waId)[0]?.status).toBe('sent');
  });
});

describe('sending through the real GraphClient', () => {
  beforeEach(() => startSim());

  it('accepts a text inside the window and delivers sent then delivered statuses, signed', async () => {
    const inbound = await customerWrites();
    const { wamid, waId } = await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      to: `+${SHEENA.waId}`,
      type: 'text',
      text: { body: 'Yes, it also comes in blue.', preview_url: false },
      context: { message_id: inbound },
    });
    expect(waId).toBe(SHEENA.waId);
    await sim.idle();
    expect(statusesOf(wamid)).toEqual(['sent', 'delivered']);
    for (const r of receiver.received) {
      expect(verifySignature(r.rawBody, r.headers['x-hub-signature-256'] as string, ['secret-a'])).toBe(true);
    }
    const sent = receivedEvents().find((e) => e.kind === 'status' && e.status.status === 'sent');
    expect(sent).toMatchObject({ status: { recipient_id: SHEENA.waId, pricing: { pricing_model: 'PMP' } } });
    expect(sim.thread(SHEENA.waId).at(-1)).toMatchObject({
      wamid,
      direction: 'out',
      status: 'delivered',
      replyTo: inbound,
    });
  });

  it('turns a message read when the customer has the chat open', async () => {
    await customerWrites();
    const close = sim.openChat(SHEENA.waId);
    const { wamid } = await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      to: SHEENA.waId,
      type: 'text',
      text: { body: 'seen?' },
    });
    await sim.idle();
    close();
    expect(statusesOf(wamid)).toEqual(['sent', 'delivered', 'read']);
  });

  it('reads delivered messages when the chat is opened later', async () => {
    await customerWrites();
    const { wamid } = await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      to: SHEENA.waId,
      type: 'text',
      text: { body: 'later' },
    });
    await sim.idle();
    expect(statusesOf(wamid)).toEqual(['sent', 'delivered']);
    const close = sim.openChat(SHEENA.waId);
    await sim.idle();
    close();
    expect(statusesOf(wamid)).toEqual(['sent', 'delivered', 'read']);
  });

  it("rejects a token that is not the number's with 401 code 190", async () => {
    const error = await client
      .sendMessage(NUMBER.phoneNumberId, OTHER_NUMBER.accessToken, {
        to: SHEENA.waId,
        type: 'text',
        text: { body: 'x' },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toMatchObject({ kind: 'http', httpStatus: 401, code: 190, type: 'OAuthException' });
    expect(classifyGraphError(error)).toBe('alert');
    const raw = await rawPost(`/v25.0/${NUMBER.phoneNumberId}/messages`, {}, 'nonsense');
    expect(raw.status).toBe(401);
    expect(await raw.json()).toMatchObject({
      error: { code: 190, type: 'OAuthException', fbtrace_id: expect.any(String) as string },
    });
  });

  it('rejects a text body over 4096 characters with a Meta-shaped 400', async () => {
    await customerWrites();
    const raw = await rawPost(`/v25.0/${NUMBER.phoneNumberId}/messages`, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: SHEENA.waId,
      type: 'text',
      text: { body: 'x'.repeat(4097) },
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({
      error: {
        message: '(#100) Invalid parameter',
        type: 'OAuthException',
        code: 100,
        error_data: {
          messaging_product: 'whatsapp',
          details: "Param text['body'] must be at most 4096 characters long.",
        },
        fbtrace_id: expect.any(String) as string,
      },
    });
    const error = await client
      .sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
        to: SHEENA.waId,
        type: 'text',
        text: { body: 'x'.repeat(4097) },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ httpStatus: 400, code: 100 });
    expect(classifyGraphError(error)).toBe('park');
    // Exactly 4096 is fine.
    await expect(
      client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
        to: SHEENA.waId,
        type: 'text',
        text: { body: 'x'.repeat(4096) },
      }),
    ).resolves.toHaveProperty('wamid');
  });

  it('rejects a body without messaging_product, and an unknown number id', async () => {
    const raw = await rawPost(`/v25.0/${NUMBER.phoneNumberId}/messages`, {
      to: SHEENA.waId,
      type: 'text',
      text: { body: 'x' },
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({
      error: { code: 100, error_data: { details: 'The parameter messaging_product is required.' } },
    });
    const unknown = await rawPost('/v25.0/999/messages', { messaging_product: 'whatsapp' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: 100, type: 'GraphMethodException' } });
  });

  it('accepts free text outside the 24-hour window, then fails it with 131047 (as Meta does)', async () => {
    const { wamid } = await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      to: SHEENA.waId,
      type: 'text',
      text: { body: 'hello?' },
    });
    await sim.idle();
    expect(statusesOf(wamid)).toEqual(['failed']);
    const failed = receivedEvents().find((e) => e.kind === 'status');
    expect(failed).toMatchObject({
      status: {
        status: 'failed',
        errors: [{ code: 131047, error_data: { details: expect.any(String) as string } }],
      },
    });
    expect(sim.thread(SHEENA.waId)[0]).toMatchObject({ status: 'failed', error: { code: 131047 } });
  });

  it("closes the window 24 hours after the customer's last message, by the simulator clock", async () => {
    await customerWrites();
    clockOffsetMs = 24 * 60 * 60_000 + 1_000;
    const { wamid } = await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      to: SHEENA.waId,
      type: 'text',
      text: { body: 'too late' },
    });
    await sim.idle();
    expect(statusesOf(wamid)).toEqual(['failed']);
  });

  it('sends an approved template outside the window', async () => {
    const { wamid } = await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      to: SHEENA.waId,
      type: 'template',
      template: {
        name: 'follow_up',
        language: { code: 'en' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Sheena' }] }],
      },
    });
    await sim.idle();
    expect(statusesOf(wamid)).toEqual(['sent', 'delivered']);
    expect(sim.thread(SHEENA.waId)[0]?.text).toContain('Hi Sheena, we are following up');
  });

  it('rejects a template that does not exist (132001) or has the wrong parameters (132000)', async () => {
    const missing = await client
      .sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
        to: SHEENA.waId,
        type: 'template',
        template: { name: 'nope', language: { code: 'en' } },
      })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 132001 });
    expect(classifyGraphError(missing)).toBe('fail');
    const params = await client
      .sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
        to: SHEENA.waId,
        type: 'template',
        template: { name: 'follow_up', language: { code: 'en' } },
      })
      .catch((e: unknown) => e);
    expect(params).toMatchObject({ httpStatus: 400, code: 132000 });
  });

  it('fails a message to someone not on WhatsApp with 131026', async () => {
    const { wamid } = await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      to: '+15550000000',
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    await sim.idle();
    const failed = receivedEvents().find((e) => e.kind === 'status' && e.status.id === wamid);
    expect(failed).toMatchObject({ status: { status: 'failed', errors: [{ code: 131026 }] } });
  });

  it('marks an inbound message read (and the ones before it)', async () => {
    const first = await customerWrites(SHEENA.waId, 'one');
    const second = await customerWrites(SHEENA.waId, 'two');
    await client.markRead(NUMBER.phoneNumberId, NUMBER.accessToken, second);
    expect(sim.thread(SHEENA.waId).map((m) => [m.wamid, m.status])).toEqual([
      [first, 'read'],
      [second, 'read'],
    ]);
    const error = await client
      .markRead(NUMBER.phoneNumberId, NUMBER.accessToken, 'wamid.nope')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ httpStatus: 400, code: 100 });
  });

  it('answers 130429 over the per-number rate limit', async () => {
    await sim.stop();
    await startSim({ rateLimitPerSecond: 3 });
    await customerWrites();
    const send = () =>
      client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
        to: SHEENA.waId,
        type: 'text',
        text: { body: 'x' },
      });
    await Promise.all([send(), send(), send()]);
    const error = await send().catch((e: unknown) => e);
    expect(error).toMatchObject({ httpStatus: 400, code: 130429 });
    expect(classifyGraphError(error)).toBe('retry');
    // The other number has its own budget.
    await expect(
      client.sendMessage(OTHER_NUMBER.phoneNumberId, OTHER_NUMBER.accessToken, {
        to: SHEENA.waId,
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      }),
    ).resolves.toHaveProperty('wamid');
  });

  it("lists the WABA's approved templates", async () => {
    const templates = await client.listTemplates(NUMBER.wabaId, NUMBER.accessToken);
    expect(templates.map((t) => t.name)).toContain('hello_world');
    expect(templates.every((t) => t.status === 'APPROVED')).toBe(true);
    await expect(client.listTemplates(OTHER_NUMBER.wabaId, NUMBER.accessToken)).rejects.toMatchObject({
      code: 100,
    });
  });

  it('reports a network error as kind network, classified retry', async () => {
    const dead = new GraphClient({ baseUrl: 'http://127.0.0.1:1', apiVersion: 'v25.0' });
    const error = await dead.markRead(NUMBER.phoneNumberId, NUMBER.accessToken, 'w').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network' });
    expect(classifyGraphError(error)).toBe('retry');
  });
});

describe('media', () => {
  beforeEach(() => startSim());
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  );

  it('round-trips an upload: upload, look up, download, send by id', async () => {
    const { id } = await client.uploadMedia(NUMBER.phoneNumberId, NUMBER.accessToken, {
      data: png,
      mimeType: 'image/png',
      filename: 'dot.png',
    });
    expect(id).toMatch(/^\d{15,16}$/);
    const info = await client.getMedia(id, NUMBER.accessToken);
    expect(info).toMatchObject({
      id,
      mime_type: 'image/png',
      file_size: png.length,
      sha256: createHash('sha256').update(png).digest('hex'),
      messaging_product: 'whatsapp',
    });
    expect(await client.downloadMedia(info.url, NUMBER.accessToken)).toEqual(png);
    await customerWrites();
    const { wamid } = await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      to: SHEENA.waId,
      type: 'image',
      image: { id, caption: 'a dot' },
    });
    await sim.idle();
    expect(statusesOf(wamid)).toEqual(['sent', 'delivered']);
  });

  it("downloads a customer's image announced in the webhook", async () => {
    sim.sendFromCustomer(SHEENA.waId, {
      type: 'image',
      caption: 'my receipt',
      dataBase64: png.toString('base64'),
      mimeType: 'image/png',
    });
    await sim.idle();
    const [event] = receivedEvents();
    if (event?.kind !== 'message' || !isKnownMessage(event.message) || event.message.type !== 'image') {
      throw new Error('expected an image message');
    }
    expect(event.message.image.caption).toBe('my receipt');
    const info = await client.getMedia(event.message.image.id, NUMBER.accessToken);
    expect(await client.downloadMedia(info.url, NUMBER.accessToken)).toEqual(png);
  });

  it("refuses a download URL after 5 minutes, without the bearer, or with another WABA's token", async () => {
    const { id } = await client.uploadMedia(NUMBER.phoneNumberId, NUMBER.accessToken, {
      data: png,
      mimeType: 'image/png',
      filename: 'a.png',
    });
    const { url } = await client.getMedia(id, NUMBER.accessToken);
    expect((await fetch(url)).status).toBe(401);
    await expect(client.downloadMedia(url, OTHER_NUMBER.accessToken)).rejects.toMatchObject({
      httpStatus: 401,
    });
    await expect(client.getMedia(id, OTHER_NUMBER.accessToken)).rejects.toMatchObject({ code: 100 });
    clockOffsetMs = 5 * 60_000 + 1;
    await expect(client.downloadMedia(url, NUMBER.accessToken)).rejects.toMatchObject({ httpStatus: 404 });
    await expect(
      client.downloadMedia(url.replace(/hash=[^&]+/, 'hash=forged'), NUMBER.accessToken),
    ).rejects.toMatchObject({
      httpStatus: 404,
    });
  });

  it('rejects an unsupported type and an upload without messaging_product', async () => {
    await expect(
      client.uploadMedia(NUMBER.phoneNumberId, NUMBER.accessToken, {
        data: png,
        mimeType: 'image/gif',
        filename: 'a.gif',
      }),
    ).rejects.toMatchObject({ httpStatus: 400, code: 131053 });
    const form = new FormData();
    form.set('file', new Blob([png], { type: 'image/png' }), 'a.png');
    const response = await fetch(`${baseUrl}/v25.0/${NUMBER.phoneNumberId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${NUMBER.accessToken}` },
      body: form,
    });
    expect(response.status).toBe(400);
  });
});

describe('misbehaviour on demand', () => {
  beforeEach(() => startSim());

  it('delivers the same payload several times, concurrently', async () => {
    sim.setFaults({ duplicates: 2, concurrentDuplicates: true });
    const wamid = await customerWrites();
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.rawBody.toString()))).toHaveProperty('size', 1);
    expect(receivedEvents().map((e) => (e.kind === 'message' ? e.message.id : ''))).toEqual([
      wamid,
      wamid,
      wamid,
    ]);
  });

  it('delivers statuses newest first when asked', async () => {
    await customerWrites();
    sim.setFaults({ reorderStatuses: true });
    const { wamid } = await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      to: SHEENA.waId,
      type: 'text',
      text: { body: 'x' },
    });
    await sim.idle();
    expect(statusesOf(wamid)).toEqual(['delivered', 'sent']);
  });

  it('batches several messages of several customers and numbers into one payload per app secret', async () => {
    sim.hold();
    sim.sendFromCustomer(SHEENA.waId, { text: 'a' });
    sim.sendFromCustomer(RAVI.waId, { text: 'b' });
    sim.sendFromCustomer(SHEENA.waId, { text: 'c' });
    sim.sendFromCustomer(RAVI.waId, { text: 'd' }, OTHER_NUMBER.phoneNumberId);
    expect(receiver.received).toHaveLength(0);
    await sim.flush();
    await sim.idle();
    expect(receiver.received).toHaveLength(2);
    const batch = receiver.received.find((r) =>
      verifySignature(r.rawBody, r.headers['x-hub-signature-256'] as string, ['secret-a']),
    );
    if (batch === undefined) throw new Error('no batch signed with secret-a');
    const events = flattenWebhook(webhookPayloadSchema.parse(batch.json));
    expect(
      events.map((e) =>
        e.kind === 'message'
          ? `${e.contactName}:${e.message.type === 'text' ? (e.message as { text: { body: string } }).text.body : ''}`
          : '',
      ),
    ).toEqual(['Sheena Nelson:a', 'Ravi Kumar:b', 'Sheena Nelson:c']);
  });

  it('delivers a raw payload as given, signed', async () => {
    const payload = { object: 'whatsapp_business_account', entry: [] };
    await expect(sim.deliverRaw(payload, 'secret-x')).resolves.toBe(true);
    const [r] = receiver.received;
    expect(r && verifySignature(r.rawBody, r.headers['x-hub-signature-256'] as string, ['secret-x'])).toBe(
      true,
    );
  });

  it('sets faults through the control API', async () => {
    const response = await fetch(`${baseUrl}/sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ duplicates: 1 }),
    });
    expect(await response.json()).toEqual({
      duplicates: 1,
      concurrentDuplicates: false,
      reorderStatuses: false,
      skipDelivered: false,
      emptyFrom: false,
    });
    await customerWrites();
    expect(receiver.received).toHaveLength(2);
  });
});

describe('phone page and live events', () => {
  beforeEach(() => startSim());

  it('serves the phone page with its labelled controls', async () => {
    const html = await (await fetch(`${baseUrl}/`)).text();
    expect(html).toContain('aria-label="Customer"');
    expect(html).toContain('aria-label="Message"');
    expect(html).toContain('>Send</button>');
    expect(html).toContain('phone-message');
  });

  it('streams thread changes over SSE, and an open stream reads messages', async () => {
    await customerWrites();
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/sim/events?waId=${SHEENA.waId}`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error('no body');
    const { wamid } = await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      to: SHEENA.waId,
      type: 'text',
      text: { body: 'live' },
    });
    let text = '';
    const decoder = new TextDecoder();
    while (!text.includes('"status":"read"')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value as Uint8Array);
    }
    controller.abort();
    expect(text).toContain('event: message\n');
    expect(text).toContain(wamid);
    await sim.idle();
    expect(statusesOf(wamid)).toEqual(['sent', 'delivered', 'read']);
  });
});

describe('standalone waiting', () => {
  it('waitFor times out clearly', async () => {
    await startSim();
    await expect(waitFor(() => undefined, 20)).rejects.toThrow('timed out');
  });
});
