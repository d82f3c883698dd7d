import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  flattenWebhook,
  flattenWebhookUpdates,
  GraphClient,
  webhookPayloadSchema,
  type WebhookEvent,
  type WebhookUpdate,
} from '@parlo/whatsapp';
import {
  createSimulator,
  SIM_MARKETING_TEMPLATE,
  SIM_TEMPLATES,
  type Simulator,
  type SimulatorConfig,
} from './index.ts';
import { TestReceiver } from './test-receiver.ts';

// The simulator's side of issue 14: Meta's 2026 identity (BSUIDs, usernames, no phone number) and the
// content an agent must see. Each test names the Meta page whose contract it plays.
const META = 'https://developers.facebook.com/documentation/business-messaging/whatsapp';
const BSUID_PAGE = `${META}/business-scoped-user-ids`;
const SYSTEM_PAGE = `${META}/webhooks/reference/messages/system`;
const TEXT_PAGE = `${META}/webhooks/reference/messages/text`;
const ORDER_PAGE = `${META}/webhooks/reference/messages/order`;
const STATUS_PAGE = `${META}/webhooks/reference/messages/status`;
const TYPING_PAGE = `${META}/typing-indicators`;
const PREFERENCES_PAGE = `${META}/webhooks/reference/user_preferences`;
const TEMPLATE_STATUS_PAGE = `${META}/webhooks/reference/message_template_status_update`;
const TEMPLATE_CATEGORY_PAGE = `${META}/webhooks/reference/template_category_update`;

const NUMBER = {
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
  wabaId: '102290129340398',
  accessToken: 'token-a',
  appSecret: 'secret-a',
};
const SHEENA = { waId: '16505551234', name: 'Sheena Nelson' };
const MARIA = { userId: 'US.13491208655302741918', username: 'maria.lopez', name: 'María López' };
const JOAO = { username: 'joao.pereira', name: 'João Pereira' };

let receiver: TestReceiver;
let sim: Simulator;
let baseUrl: string;
let client: GraphClient;
let clockOffsetMs: number;

async function startSim(overrides: Partial<SimulatorConfig> = {}): Promise<void> {
  sim = createSimulator({
    webhookUrl: receiver.url,
    numbers: [NUMBER],
    customers: [SHEENA, MARIA, JOAO],
    templates: [...SIM_TEMPLATES, SIM_MARKETING_TEMPLATE],
    statusDelaysMs: { sent: 10, delivered: 30, read: 30 },
    delivery: { maxAttempts: 3, initialBackoffMs: 20, maxBackoffMs: 100, timeoutMs: 2_000, maxQueued: 1_000 },
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
  await startSim();
});

afterEach(async () => {
  await sim.stop();
  await receiver.stop();
});

/** Every update received, through the real schema. */
function updates(): WebhookUpdate[] {
  return receiver.received.flatMap((r) => flattenWebhookUpdates(webhookPayloadSchema.parse(r.json)));
}

function messages(): Array<Extract<WebhookEvent, { kind: 'message' }>> {
  return updates().flatMap((u) => (u.kind === 'message' ? [u] : []));
}

/** The raw JSON of the last delivery: to check what Meta's shape leaves out. */
function lastRaw(): {
  entry: Array<{
    id: string;
    time?: number;
    changes: Array<{ field: string; value: Record<string, unknown> }>;
  }>;
} {
  const last = receiver.received.at(-1);
  if (last === undefined) throw new Error('nothing delivered');
  return last.json as ReturnType<typeof lastRaw>;
}

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function writes(id: string, text = 'hello'): Promise<string> {
  const { wamid } = sim.sendFromCustomer(id, { text });
  await sim.idle();
  return wamid;
}

describe(`customers without a phone number (${BSUID_PAGE})`, () => {
  it('a username user writes with from_user_id and no `from`; contacts carry user_id and username, no wa_id', async () => {
    await writes(MARIA.userId, 'Do you ship to Madrid?');
    const value = lastRaw().entry[0]?.changes[0]?.value;
    const [message] = value?.messages as Array<Record<string, unknown>>;
    expect(message).not.toHaveProperty('from');
    expect(message).toMatchObject({ from_user_id: MARIA.userId, type: 'text' });
    expect(value?.contacts).toEqual([
      { profile: { name: MARIA.name, username: MARIA.username }, user_id: MARIA.userId },
    ]);
    const [event] = messages();
    expect(event?.customer).toEqual({
      userId: MARIA.userId,
      parentUserId: undefined,
      waId: undefined,
      username: MARIA.username,
      profileName: MARIA.name,
    });
  });

  it('with the emptyFrom fault, `from` is "" (seen in the wild), still no phone number for Parlo', async () => {
    sim.setFaults({ emptyFrom: true });
    await writes(MARIA.username);
    const [message] = lastRaw().entry[0]?.changes[0]?.value.messages as Array<Record<string, unknown>>;
    expect(message?.from).toBe('');
    expect(messages()[0]?.customer.waId).toBeUndefined();
  });

  it('two username users stay two identities, also in one batched payload', async () => {
    sim.hold();
    sim.sendFromCustomer(MARIA.username, { text: 'a' });
    sim.sendFromCustomer(JOAO.username, { text: 'b' });
    await sim.flush();
    await sim.idle();
    expect(receiver.received).toHaveLength(1);
    const customers = messages().map((m) => m.customer);
    expect(new Set(customers.map((c) => c.userId)).size).toBe(2);
    expect(customers.map((c) => c.username)).toEqual(['maria.lopez', 'joao.pereira']);
    expect(customers.every((c) => c.waId === undefined)).toBe(true);
  });

  it('a customer with a phone number gets a stable BSUID too, in the message and contacts', async () => {
    await writes(SHEENA.waId);
    const [event] = messages();
    expect(event?.message.from).toBe(SHEENA.waId);
    expect(event?.customer.waId).toBe(SHEENA.waId);
    expect(event?.customer.userId).toMatch(/^US\.\d{20}$/);
    const again = sim.customers().find((c) => c.waId === SHEENA.waId);
    expect(again?.userId).toBe(event?.customer.userId);
  });

  it('customers can be added through the control API by username alone', async () => {
    const created = await post('/sim/customers', { username: 'kenji.sato', name: 'Kenji Sato' });
    expect(created.status).toBe(201);
    const customer = (await created.json()) as { key: string; userId: string; waId?: string };
    expect(customer.waId).toBeUndefined();
    expect(customer.key).toBe(customer.userId);
    expect((await post('/sim/customers', { name: 'Nobody' })).status).toBe(400);
    const sent = await post(`/sim/customers/kenji.sato/messages`, { text: 'hi' });
    expect(sent.status).toBe(200);
  });
});

describe(`replies to a BSUID user (${BSUID_PAGE}, ${STATUS_PAGE})`, () => {
  it('a send addressed by `recipient` reaches the right customer; Meta answers user_id, not wa_id', async () => {
    await writes(MARIA.userId);
    await writes(JOAO.username);
    const result = await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      recipient: MARIA.userId,
      type: 'text',
      text: { body: 'Yes, we ship to Madrid.' },
    });
    expect(result.userId).toBe(MARIA.userId);
    expect(result.waId).toBeUndefined();
    await sim.idle();
    expect(sim.thread(MARIA.userId).at(-1)).toMatchObject({
      direction: 'out',
      text: 'Yes, we ship to Madrid.',
    });
    expect(sim.thread(JOAO.username).filter((m) => m.direction === 'out')).toEqual([]);
  });

  it('its statuses carry recipient_user_id and no recipient_id; delivered adds the username', async () => {
    await writes(MARIA.userId);
    receiver.received.length = 0;
    const { wamid } = await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      recipient: MARIA.userId,
      type: 'text',
      text: { body: 'x' },
    });
    await sim.idle();
    const raw = receiver.received.map((r) => r.json as ReturnType<typeof lastRaw>);
    const statuses = raw.flatMap(
      (p) => (p.entry[0]?.changes[0]?.value.statuses ?? []) as Array<Record<string, unknown>>,
    );
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered']);
    for (const status of statuses) {
      expect(status).not.toHaveProperty('recipient_id');
      expect(status).toMatchObject({ id: wamid, recipient_user_id: MARIA.userId });
    }
    const contacts = raw.map((p) => p.entry[0]?.changes[0]?.value.contacts);
    expect(contacts).toEqual([
      [{ user_id: MARIA.userId }],
      [{ profile: { username: MARIA.username }, user_id: MARIA.userId }],
    ]);
    const recipients = updates().flatMap((u) => (u.kind === 'status' ? [u.recipient] : []));
    expect(recipients.map((r) => [r.userId, r.waId, r.username])).toEqual([
      [MARIA.userId, undefined, undefined],
      [MARIA.userId, undefined, MARIA.username],
    ]);
  });

  it('a send to a phone number: recipient_id and recipient_user_id; a failed one has no contacts and no BSUID', async () => {
    await writes(SHEENA.waId);
    receiver.received.length = 0;
    await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      to: SHEENA.waId,
      type: 'text',
      text: { body: 'x' },
    });
    await sim.idle();
    const sent = updates().find((u) => u.kind === 'status');
    if (sent?.kind !== 'status') throw new Error('no status');
    expect(sent.status.recipient_id).toBe(SHEENA.waId);
    expect(sent.recipient.userId).toMatch(/^US\./);
    receiver.received.length = 0;
    clockOffsetMs = 25 * 60 * 60_000;
    await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      to: SHEENA.waId,
      type: 'text',
      text: { body: 'too late' },
    });
    await sim.idle();
    const value = lastRaw().entry[0]?.changes[0]?.value;
    expect(value).not.toHaveProperty('contacts');
    const [failed] = value?.statuses as Array<Record<string, unknown>>;
    expect(failed).toMatchObject({ status: 'failed', recipient_id: SHEENA.waId });
    expect(failed).not.toHaveProperty('recipient_user_id');
  });

  it('an unknown BSUID fails with 131026; a malformed one is refused with code 100', async () => {
    const { wamid } = await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      recipient: 'US.99999999999999999999',
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    await sim.idle();
    const failed = updates().find((u) => u.kind === 'status' && u.status.id === wamid);
    expect(failed).toMatchObject({
      status: { status: 'failed', recipient_user_id: 'US.99999999999999999999', errors: [{ code: 131026 }] },
    });
    await expect(
      client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
        recipient: 'maria.lopez',
        type: 'text',
        text: { body: 'x' },
      }),
    ).rejects.toMatchObject({ httpStatus: 400, code: 100 });
  });
});

describe(`what customers send (${TEXT_PAGE}, ${ORDER_PAGE})`, () => {
  it('an ad reply carries Meta-shaped referral fields', async () => {
    sim.sendFromCustomer(SHEENA.waId, { text: 'Size 42?', referral: { headline: 'Spring sale' } });
    await sim.idle();
    expect(messages()[0]?.details.referral).toMatchObject({
      headline: 'Spring sale',
      sourceType: 'ad',
      sourceUrl: 'https://fb.me/3cr4Wqqkv',
      mediaType: 'image',
      imageUrl: expect.stringMatching(/^https:\/\//) as string,
      ctwaClid: expect.any(String) as string,
    });
    sim.sendFromCustomer(MARIA.userId, { text: 'Waterproof?', referral: { mediaType: 'video' } });
    await sim.idle();
    expect(messages()[1]?.details.referral).toMatchObject({
      mediaType: 'video',
      videoUrl: expect.any(String) as string,
      thumbnailUrl: expect.any(String) as string,
      imageUrl: undefined,
    });
  });

  it('forwarded and frequently forwarded texts are flagged in context', async () => {
    sim.sendFromCustomer(SHEENA.waId, { text: 'fwd', forwarded: true });
    sim.sendFromCustomer(SHEENA.waId, { text: 'chain letter', frequentlyForwarded: true });
    await sim.idle();
    expect(messages().map((m) => [m.details.forwarded, m.details.frequentlyForwarded])).toEqual([
      [true, false],
      [true, true],
    ]);
  });

  it('a product enquiry names the catalog and product in context.referred_product', async () => {
    sim.sendFromCustomer(SHEENA.waId, { type: 'product_enquiry', text: 'In blue?' });
    await sim.idle();
    const [event] = messages();
    expect(event?.message.type).toBe('text');
    expect(event?.details.referredProduct).toEqual({
      catalogId: '194836987003835',
      productRetailerId: 'PACER2-BLU-42',
    });
    expect(event?.details.replyTo).toMatch(/^wamid\./);
  });

  it('an order arrives with its items, and the phone shows it', async () => {
    sim.sendFromCustomer(SHEENA.waId, { type: 'order', text: 'Gift-wrap please' });
    await sim.idle();
    expect(messages()[0]?.details.order).toMatchObject({
      catalogId: '194836987003835',
      text: 'Gift-wrap please',
      items: [
        { productRetailerId: 'PACER2-BLU-42', quantity: 1, itemPrice: 89.9, currency: 'EUR' },
        { productRetailerId: 'SOCKS-RUN-3P', quantity: 2, itemPrice: 12.99, currency: 'EUR' },
      ],
      totals: [{ currency: 'EUR', amount: 115.88 }],
    });
    expect(sim.thread(SHEENA.waId)[0]?.text).toContain('2 × SOCKS-RUN-3P');
  });

  it('the control API takes the same inputs', async () => {
    const response = await post(`/sim/customers/${MARIA.username}/messages`, {
      type: 'order',
      items: [{ productRetailerId: 'CAP-1', quantity: 3, itemPrice: 10, currency: 'USD' }],
    });
    expect(response.status).toBe(200);
    await sim.idle();
    expect(messages()[0]?.details.order?.totals).toEqual([{ currency: 'USD', amount: 30 }]);
  });
});

describe(`identity changes (${SYSTEM_PAGE})`, () => {
  it('a number change sends user_changed_number without contacts; the old number is then nobody', async () => {
    await writes(SHEENA.waId);
    const before = sim.customers().find((c) => c.waId === SHEENA.waId);
    const response = await post(`/sim/customers/${SHEENA.waId}/change-number`, { newWaId: '16505559876' });
    expect(response.status).toBe(200);
    await sim.idle();
    const value = lastRaw().entry[0]?.changes[0]?.value;
    expect(value).not.toHaveProperty('contacts');
    const [event] = messages().slice(-1);
    expect(event?.details.system).toMatchObject({
      type: 'user_changed_number',
      change: 'number',
      previousWaId: SHEENA.waId,
      newWaId: '16505559876',
      previousUserId: before?.userId,
      newUserId: expect.stringMatching(/^US\./) as string,
    });
    expect(event?.details.system?.newUserId).not.toBe(before?.userId);
    // The chat (and its open window) follows the customer to the new number.
    expect(sim.thread('16505559876').map((m) => m.type)).toEqual(['text', 'system']);
    const { wamid: toNew } = await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      to: '16505559876',
      type: 'text',
      text: { body: 'new number?' },
    });
    const { wamid: toOld } = await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      to: SHEENA.waId,
      type: 'text',
      text: { body: 'old number?' },
    });
    await sim.idle();
    const finalStatus = (wamid: string): string | undefined =>
      updates()
        .flatMap((u) => (u.kind === 'status' && u.status.id === wamid ? [u.status.status] : []))
        .at(-1);
    expect(finalStatus(toNew)).toBe('delivered');
    expect(finalStatus(toOld)).toBe('failed');
  });

  it('a username user whose BSUID changes gets user_changed_user_id, and is then reached at the new one', async () => {
    await writes(MARIA.userId);
    const { customer } = sim.changeUserId(MARIA.userId);
    await sim.idle();
    expect(messages().at(-1)?.details.system).toMatchObject({
      change: 'user_id',
      previousUserId: MARIA.userId,
      newUserId: customer.userId,
      newWaId: undefined,
    });
    const result = await client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
      recipient: customer.userId,
      type: 'text',
      text: { body: 'still here' },
    });
    expect(result.userId).toBe(customer.userId);
    expect(
      (await post(`/sim/customers/${customer.key}/change-number`, { newWaId: '34600000000' })).status,
    ).toBe(400);
  });
});

describe(`marketing opt-out (${PREFERENCES_PAGE})`, () => {
  it('a customer who stops marketing messages sends user_preferences; a MARKETING template then fails 131050', async () => {
    await post(`/sim/customers/${SHEENA.waId}/marketing`, { optOut: true });
    await sim.idle();
    expect(lastRaw().entry[0]?.changes[0]?.field).toBe('user_preferences');
    expect(updates().at(-1)).toMatchObject({
      kind: 'preference',
      category: 'marketing_messages',
      value: 'stop',
      optedOut: true,
      customer: { waId: SHEENA.waId },
    });
    const send = (name: string, params: string[]): Promise<{ wamid: string }> =>
      client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
        to: SHEENA.waId,
        type: 'template',
        template: {
          name,
          language: { code: 'en' },
          components: [{ type: 'body', parameters: params.map((text) => ({ type: 'text', text })) }],
        },
      });
    const marketing = await send('spring_offer', ['Sheena']);
    const utility = await send('follow_up', ['Sheena']);
    await sim.idle();
    const last = (wamid: string): unknown =>
      updates()
        .filter((u) => u.kind === 'status' && u.status.id === wamid)
        .at(-1);
    expect(last(marketing.wamid)).toMatchObject({ status: { status: 'failed', errors: [{ code: 131050 }] } });
    expect(last(utility.wamid)).toMatchObject({ status: { status: 'delivered' } });
    sim.setMarketingPreference(SHEENA.waId, false);
    await sim.idle();
    expect(updates().at(-1)).toMatchObject({ kind: 'preference', value: 'resume', optedOut: false });
  });

  it('a username user opts out: the webhook has user_id and no wa_id', async () => {
    sim.setMarketingPreference(MARIA.username, true);
    await sim.idle();
    const value = lastRaw().entry[0]?.changes[0]?.value;
    expect(value?.user_preferences).toEqual([
      expect.objectContaining({ user_id: MARIA.userId, value: 'stop', category: 'marketing_messages' }),
    ]);
    expect((value?.user_preferences as Array<Record<string, unknown>>)[0]).not.toHaveProperty('wa_id');
  });
});

describe(`typing indicators (${TYPING_PAGE})`, () => {
  it('records each typing indicator (and marks read), so a test can check the throttle', async () => {
    const inbound = await writes(SHEENA.waId);
    await client.markReadWithTyping(NUMBER.phoneNumberId, NUMBER.accessToken, inbound);
    clockOffsetMs = 21_000;
    await client.markReadWithTyping(NUMBER.phoneNumberId, NUMBER.accessToken, inbound);
    await client.markRead(NUMBER.phoneNumberId, NUMBER.accessToken, inbound);
    const indicators = sim.typingIndicators({ id: SHEENA.waId });
    expect(indicators).toHaveLength(2);
    expect(indicators[0]).toMatchObject({
      waId: SHEENA.waId,
      messageId: inbound,
      phoneNumberId: NUMBER.phoneNumberId,
    });
    const [first, second] = indicators;
    expect((first?.until ?? 0) - (first?.at ?? 0)).toBe(25_000);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(20_000);
    expect(sim.thread(SHEENA.waId)[0]?.status).toBe('read');
    const listed = (await (await fetch(`${baseUrl}/sim/typing?id=${SHEENA.waId}`)).json()) as {
      indicators: unknown[];
    };
    expect(listed.indicators).toHaveLength(2);
  });

  it('works for a username user too, and refuses an unknown indicator type', async () => {
    const inbound = await writes(MARIA.username);
    await client.markReadWithTyping(NUMBER.phoneNumberId, NUMBER.accessToken, inbound);
    expect(sim.typingIndicators({ id: MARIA.username })).toHaveLength(1);
    const raw = await fetch(`${baseUrl}/v25.0/${NUMBER.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${NUMBER.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: inbound,
        typing_indicator: { type: 'audio' },
      }),
    });
    expect(raw.status).toBe(400);
    expect(sim.typingIndicators()).toHaveLength(1);
  });
});

describe(`template updates (${TEMPLATE_STATUS_PAGE}, ${TEMPLATE_CATEGORY_PAGE})`, () => {
  it('a status update is a WABA-level webhook and changes what the templates list says at once', async () => {
    await post('/sim/templates/order_update/status', { status: 'PAUSED', reason: 'NONE' });
    await sim.idle();
    const entry = lastRaw().entry[0];
    expect(entry?.id).toBe(NUMBER.wabaId);
    expect(entry?.time).toEqual(expect.any(Number));
    expect(entry?.changes[0]?.field).toBe('message_template_status_update');
    expect(updates().at(-1)).toMatchObject({
      kind: 'templateStatus',
      templateId: '1192339204654489',
      name: 'order_update',
      language: 'en',
      status: 'PAUSED',
    });
    const listed = await client.listTemplates(NUMBER.wabaId, NUMBER.accessToken);
    expect(listed.find((t) => t.name === 'order_update')?.status).toBe('PAUSED');
    await expect(
      client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
        to: SHEENA.waId,
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'en' },
          components: [{ type: 'body', parameters: ['a', 'b', 'c'].map((text) => ({ type: 'text', text })) }],
        },
      }),
    ).rejects.toMatchObject({ code: 132015 });
  });

  it('a category update is a template_category_update and the list changes at once', async () => {
    sim.setTemplateCategory('follow_up', { category: 'MARKETING' });
    await sim.idle();
    expect(lastRaw().entry[0]?.changes[0]?.field).toBe('template_category_update');
    expect(updates().at(-1)).toMatchObject({
      kind: 'templateCategory',
      name: 'follow_up',
      phase: 'changed',
      previousCategory: 'UTILITY',
      category: 'MARKETING',
    });
    const listed = await client.listTemplates(NUMBER.wabaId, NUMBER.accessToken);
    expect(listed.find((t) => t.name === 'follow_up')?.category).toBe('MARKETING');
  });

  it('a template added through the control API is announced APPROVED and listed', async () => {
    const response = await post('/sim/templates', {
      ...SIM_MARKETING_TEMPLATE,
      id: '1192339204654499',
      name: 'summer_offer',
    });
    expect(response.status).toBe(201);
    await sim.idle();
    expect(updates().at(-1)).toMatchObject({
      kind: 'templateStatus',
      name: 'summer_offer',
      status: 'APPROVED',
    });
    expect((await client.listTemplates(NUMBER.wabaId, NUMBER.accessToken)).map((t) => t.name)).toContain(
      'summer_offer',
    );
    expect((await post('/sim/templates/nope/status', { status: 'PAUSED' })).status).toBe(404);
  });
});

describe('the phone page', () => {
  it('has the demo controls for identity and content', async () => {
    const html = await (await fetch(`${baseUrl}/`)).text();
    for (const text of [
      'Change number',
      'Stop marketing',
      'Reply to an ad',
      'Ask about a product',
      'Order',
      'Forwarded text',
    ]) {
      expect(html).toContain(text);
    }
    expect(html).toContain('id="typing"');
  });

  it('its customer list gives each customer a key, a BSUID, and a username or phone number', async () => {
    const { customers } = (await (await fetch(`${baseUrl}/sim/customers`)).json()) as {
      customers: Array<{ key: string; userId: string; waId?: string; username?: string }>;
    };
    expect(customers.map((c) => [c.key === (c.waId ?? c.userId), Boolean(c.userId)])).toEqual([
      [true, true],
      [true, true],
      [true, true],
    ]);
    expect(customers.find((c) => c.username === 'maria.lopez')?.waId).toBeUndefined();
  });
});

describe('flattenWebhook still yields only number-scoped events', () => {
  it('ignores preferences and template updates', async () => {
    sim.setMarketingPreference(SHEENA.waId, true);
    sim.setTemplateCategory('follow_up', { category: 'MARKETING' });
    await sim.idle();
    const events = receiver.received.flatMap((r) => flattenWebhook(webhookPayloadSchema.parse(r.json)));
    expect(events).toEqual([]);
  });
});
