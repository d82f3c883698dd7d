import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimulator, type Simulator } from '@parlo/whatsapp-sim';
import {
  messageResponseSchema,
  messagesResponseSchema,
  templatesResponseSchema,
  templateSyncResponseSchema,
  type MessageView,
} from '@parlo/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { enqueueSend } from '../channel/outbox.ts';
import { DEMO_NUMBER } from '../seed/demo.ts';
import { MASKING_SETTING_KEY } from '../settings/index.ts';
import {
  postWebhook,
  inboundTextPayload,
  sessionCookie,
  startTestServer,
  type TestServer,
} from '../testing/test-server.ts';

/**
 * Issue 4, templates and the 24-hour window, failures and retries, read receipts, send pacing: the
 * real server and Graph client against the simulator, through a proxy that records every Graph
 * call and can answer a send with one of Meta's errors instead of forwarding it.
 */

const PG_ADMIN_URL = process.env.PARLO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PG_DB = 'parlo_issue4_templates';
const CUSTOMER = '16505551234';
const DAY_MS = 24 * 3600_000;

interface GraphCall {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  /** What the caller got: the simulator's status, or the injected one. */
  status: number;
  /** Meta's error code of the answer, if any. */
  code: number | undefined;
}

/** An answer the proxy gives to the next send instead of forwarding it. */
interface Fault {
  status: number;
  /** Absent: a bare HTTP error with no Graph body (a proxy's 502). */
  code?: number;
  message: string;
  /** Answer this late (past the client's timeout: the send times out). */
  delayMs?: number;
}

interface Env {
  server: TestServer;
  sim: Simulator;
  proxy: Server;
  calls: GraphCall[];
  faults: Fault[];
  /** Template listings fail (Graph down) while set. */
  templatesDown: boolean;
  /** Added to the simulator's clock. */
  skewMs: number;
  marco: (path: string, init?: { method?: string; body?: unknown }) => Promise<Response>;
  admin: (path: string, init?: { method?: string; body?: unknown }) => Promise<Response>;
  conversationId: string;
}

function metaError(fault: Fault): string {
  if (fault.code === undefined) return fault.message;
  return JSON.stringify({
    error: {
      message: fault.message,
      type: 'OAuthException',
      code: fault.code,
      error_data: { messaging_product: 'whatsapp', details: `${fault.message} (details)` },
      fbtrace_id: 'AbC',
    },
  });
}

async function freshPostgres(): Promise<string> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  await client.query(`drop database if exists ${PG_DB} with (force)`);
  await client.query(`create database ${PG_DB}`);
  await client.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${PG_DB}`;
  return url.toString();
}

async function startEnv(
  databaseUrl: string | undefined,
  env: Record<string, string> = {},
  simRate = 80,
): Promise<Env> {
  const e = { calls: [] as GraphCall[], faults: [] as Fault[], skewMs: 0, templatesDown: false } as Env;
  e.sim = createSimulator({
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
    now: () => Date.now() + e.skewMs,
    statusDelaysMs: { sent: 5, delivered: 10, read: 100_000 },
    rateLimitPerSecond: simRate,
  });
  const simUrl = await e.sim.start(0, '127.0.0.1');
  e.proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const raw = Buffer.concat(chunks);
      let body: Record<string, unknown> | undefined;
      try {
        body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : undefined;
      } catch {
        body = undefined;
      }
      const call: GraphCall = {
        method: req.method ?? 'GET',
        path: url.split('?')[0] ?? url,
        body,
        status: 0,
        code: undefined,
      };
      e.calls.push(call);
      const fault =
        req.method === 'POST' && url.endsWith('/messages') && body?.type !== undefined
          ? e.faults.shift()
          : undefined;
      if (e.templatesDown && url.includes('/message_templates')) {
        call.status = 503;
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('down');
        return;
      }
      if (fault) {
        call.status = fault.status;
        call.code = fault.code;
        setTimeout(() => {
          res.writeHead(fault.status, {
            'content-type': fault.code === undefined ? 'text/plain' : 'application/json',
          });
          res.end(metaError(fault));
        }, fault.delayMs ?? 0);
        return;
      }
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'content-type']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      fetch(`${simUrl}${url}`, {
        method: req.method ?? 'GET',
        headers,
        ...(raw.length > 0 ? { body: raw } : {}),
      })
        .then(async (answer) => {
          const text = await answer.text();
          call.status = answer.status;
          if (!answer.ok) {
            try {
              call.code = (JSON.parse(text) as { error?: { code?: number } }).error?.code;
            } catch {
              call.code = undefined;
            }
          }
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'application/json',
          });
          res.end(text);
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((done) => e.proxy.listen(0, '127.0.0.1', done));
  e.server = await startTestServer({
    GRAPH_API_BASE_URL: `http://127.0.0.1:${(e.proxy.address() as AddressInfo).port}`,
    OUTBOX_POLL_MS: '20',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  e.sim.setWebhookUrl(`${e.server.url}/webhooks/whatsapp`);
  const bound = async (username: string) => {
    const cookie = await sessionCookie(e.server.url, username);
    return (path: string, init: { method?: string; body?: unknown } = {}) =>
      fetch(`${e.server.url}${path}`, {
        method: init.method ?? 'GET',
        headers: { cookie, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
  };
  e.marco = await bound('marco');
  e.admin = await bound('admin');
  await e.server.parlo.store.transaction((tx) => tx.setSetting(MASKING_SETTING_KEY, 'false'));
  return e;
}

/** The customer writes (at the simulator's clock, which may be set back) and Marco accepts. */
async function openConversation(e: Env, customerClockMs = 0): Promise<void> {
  expect((await e.marco('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(
    200,
  );
  e.skewMs = customerClockMs;
  e.sim.sendFromCustomer(CUSTOMER, { text: 'Hello, are you there?' });
  e.skewMs = 0;
  await e.sim.idle();
  const offer = await e.server.parlo.store.transaction(async (tx) =>
    Object.values((await tx.routing.read()).offers).find(
      (o) => o.agentId === 'usr_marco' && o.status.kind === 'pending',
    ),
  );
  if (!offer) throw new Error('no offer for marco');
  expect((await e.marco(`/api/offers/${offer.id}/accept`, { method: 'POST', body: {} })).status).toBe(200);
  e.conversationId = offer.conversationId;
}

async function stopEnv(e: Env | undefined): Promise<void> {
  if (!e) return;
  await e.server.close();
  await e.sim.stop();
  await new Promise((done) => e.proxy.close(done));
}

async function messagesOf(e: Env): Promise<MessageView[]> {
  const res = await e.marco(`/api/conversations/${e.conversationId}/messages`);
  expect(res.status).toBe(200);
  return messagesResponseSchema.parse(await res.json()).messages;
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sends = (e: Env) =>
  e.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/messages') && c.body?.type !== undefined);
const reads = (e: Env) =>
  e.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/messages') && c.body?.status === 'read');

function sendTemplate(e: Env, values: Record<string, string>, clientMessageId = `cm-${randomUUID()}`) {
  return e.marco(`/api/conversations/${e.conversationId}/templates/send`, {
    method: 'POST',
    body: { clientMessageId, name: 'order_update', language: 'en', values },
  });
}

const ORDER_VALUES = { 'body:1': 'Sheena', 'body:2': 'A-17', 'body:3': 'shipped' };

for (const [label, pg] of [
  ['SQLite', false],
  ['PostgreSQL', true],
] as const) {
  describe(`[issue-4] templates outside the 24-hour window (${label})`, () => {
    let env: Env | undefined;
    const e = (): Env => {
      if (!env) throw new Error('not started');
      return env;
    };
    beforeAll(async () => {
      env = await startEnv(pg ? await freshPostgres() : undefined);
      // The customer's last message is 25 hours old: the window is closed, for Parlo and WhatsApp.
      await openConversation(env, -(DAY_MS + 3600_000));
      e().server.parlo.outbox.kick();
    }, 60_000);
    afterAll(() => stopEnv(env));

    it('[issue-4] the approved templates are synced from the WABA and listed with their parameters', async () => {
      const results = await e().server.parlo.templates.syncAll();
      expect(results.map((r) => ({ templates: r.templates, error: r.error }))).toEqual([
        { templates: 4, error: null },
      ]);
      expect(e().calls.some((c) => c.path === `/v25.0/${DEMO_NUMBER.wabaId}/message_templates`)).toBe(true);
      const res = await e().marco(`/api/conversations/${e().conversationId}/templates`);
      expect(res.status).toBe(200);
      const { templates, syncedAt } = templatesResponseSchema.parse(await res.json());
      expect(syncedAt).not.toBeNull();
      expect(templates.map((t) => `${t.name}/${t.language}`).sort()).toEqual([
        'follow_up/en',
        'hello_world/en_US',
        'order_update/en',
        'seguimiento/es',
      ]);
      const order = templates.find((t) => t.name === 'order_update');
      expect(order?.parameters.map((p) => p.id)).toEqual(['body:1', 'body:2', 'body:3']);
    });

    it('[issue-4] an administrator syncs on demand; an agent may not', async () => {
      const before = e().calls.filter((c) => c.path.endsWith('/message_templates')).length;
      const res = await e().admin('/api/admin/templates/sync', { method: 'POST' });
      expect(res.status).toBe(200);
      expect(templateSyncResponseSchema.parse(await res.json()).numbers).toEqual([
        { businessNumberId: expect.any(String) as unknown, templates: 4, error: null },
      ]);
      expect(e().calls.filter((c) => c.path.endsWith('/message_templates')).length).toBe(before + 1);
      expect((await e().marco('/api/admin/templates/sync', { method: 'POST' })).status).toBe(403);
    });

    it('[issue-4] a failed sync keeps the templates of the last good one', async () => {
      e().templatesDown = true;
      try {
        const [result] = await e().server.parlo.templates.syncAll();
        expect(result).toMatchObject({ templates: 0, error: 'Graph API answered HTTP 503' });
        const res = await e().marco(`/api/conversations/${e().conversationId}/templates`);
        expect(templatesResponseSchema.parse(await res.json()).templates).toHaveLength(4);
      } finally {
        e().templatesDown = false;
      }
    });

    it('[issue-4] an agent who is not in the conversation cannot list its templates', async () => {
      const cookie = await sessionCookie(e().server.url, 'anna');
      const res = await fetch(`${e().server.url}/api/conversations/${e().conversationId}/templates`, {
        headers: { cookie },
      });
      expect(res.status).toBe(403);
    });

    it('[issue-4] free text outside the window -> 409 OUTSIDE_SERVICE_WINDOW and nothing is sent', async () => {
      const before = sends(e()).length;
      const res = await e().marco(`/api/conversations/${e().conversationId}/messages`, {
        method: 'POST',
        body: { text: 'Are you still there?', clientMessageId: 'cm-outside-1' },
      });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('OUTSIDE_SERVICE_WINDOW');
      e().server.parlo.outbox.kick();
      await new Promise((r) => setTimeout(r, 300));
      expect(sends(e()).length).toBe(before);
      expect((await messagesOf(e())).some((m) => m.text === 'Are you still there?')).toBe(false);
    });

    it('[issue-4] a template with a parameter left empty is refused, naming the field; nothing is sent', async () => {
      const before = sends(e()).length;
      const res = await sendTemplate(e(), { 'body:1': 'Sheena', 'body:2': ' ' });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; fields: Record<string, string> } };
      expect(body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        fields: { 'body:2': 'required', 'body:3': 'required' },
      });
      const unknown = await e().marco(`/api/conversations/${e().conversationId}/templates/send`, {
        method: 'POST',
        body: { clientMessageId: 'cm-unknown-1', name: 'no_such', language: 'en', values: {} },
      });
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_TEMPLATE');
      await new Promise((r) => setTimeout(r, 200));
      expect(sends(e()).length).toBe(before);
    });

    it('[issue-4] a template sent outside the window reaches WhatsApp with its components; the bubble shows its text', async () => {
      const clientMessageId = `cm-${randomUUID()}`;
      const res = await sendTemplate(e(), ORDER_VALUES, clientMessageId);
      expect(res.status).toBe(200);
      const { message } = messageResponseSchema.parse(await res.json());
      expect(message.text).toBe('Hi Sheena, your order A-17 is shipped.');
      expect(message.status).toBe('pending');
      // A retried request (same key) sends once.
      expect((await sendTemplate(e(), ORDER_VALUES, clientMessageId)).status).toBe(200);
      const shown = await until(async () => {
        const m = (await messagesOf(e())).find((x) => x.id === message.id);
        return m && (m.status === 'delivered' || m.status === 'failed') ? m : undefined;
      }, 'the template to be delivered');
      expect(shown).toMatchObject({
        status: 'delivered',
        failureReason: null,
        text: 'Hi Sheena, your order A-17 is shipped.',
      });
      const templateSends = sends(e()).filter((c) => c.body?.type === 'template');
      expect(templateSends).toHaveLength(1);
      expect(templateSends[0]?.body).toMatchObject({
        messaging_product: 'whatsapp',
        to: `+${CUSTOMER}`,
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'en' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Sheena' },
                { type: 'text', text: 'A-17' },
                { type: 'text', text: 'shipped' },
              ],
            },
          ],
        },
      });
      // The customer's phone shows the rendered template.
      expect(
        e()
          .sim.thread(CUSTOMER)
          .some((m) => m.direction === 'out' && m.text.includes('your order A-17 is shipped')),
      ).toBe(true);
    });

    it('[S-20][issue-4] the joined conference guest may send a template too; an agent outside it may not', async () => {
      const anna = await sessionCookie(e().server.url, 'anna');
      const as = (cookie: string, path: string, body?: unknown) =>
        fetch(`${e().server.url}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      expect((await as(anna, '/api/agent/state', { kind: 'available' })).status).toBe(200);
      const asked = await e().marco(`/api/conversations/${e().conversationId}/conference`, {
        method: 'POST',
        body: { target: { kind: 'agent', agentId: 'usr_anna' } },
      });
      expect(asked.status).toBe(200);
      const offer = await e().server.parlo.store.transaction(async (tx) =>
        Object.values((await tx.routing.read()).offers).find(
          (o) => o.agentId === 'usr_anna' && o.status.kind === 'pending',
        ),
      );
      if (!offer) throw new Error('no conference offer for anna');
      expect((await as(anna, `/api/offers/${offer.id}/accept`, {})).status).toBe(200);
      const body = {
        clientMessageId: `cm-${randomUUID()}`,
        name: 'follow_up',
        language: 'en',
        values: { 'body:1': 'Sheena' },
      };
      const sent = await as(anna, `/api/conversations/${e().conversationId}/templates/send`, body);
      expect(sent.status).toBe(200);
      expect(messageResponseSchema.parse(await sent.json()).message).toMatchObject({
        authorName: 'Anna Rossi',
        text: 'Hi Sheena, we are following up on your conversation with us. Reply to this message to continue.',
      });
      const giulia = await sessionCookie(e().server.url, 'giulia');
      const refused = await as(giulia, `/api/conversations/${e().conversationId}/templates/send`, {
        ...body,
        clientMessageId: `cm-${randomUUID()}`,
      });
      expect(refused.status).toBe(403);
      await until(
        () =>
          Promise.resolve(
            e()
              .sim.thread(CUSTOMER)
              .some((m) => m.direction === 'out' && m.text.includes('we are following up'))
              ? true
              : undefined,
          ),
        "the guest's template on the phone",
      );
    });
  });
}

describe('[issue-4] failures and retries of a send', () => {
  let env: Env | undefined;
  const e = (): Env => {
    if (!env) throw new Error('not started');
    return env;
  };
  beforeAll(async () => {
    // A short pair-rate interval: after the 131056 test the customer is held only that long.
    env = await startEnv(undefined, { OUTBOUND_RECIPIENT_INTERVAL_MS: '300', GRAPH_API_TIMEOUT_MS: '500' });
    await openConversation(env);
    e().server.parlo.outbox.kick();
  }, 30_000);
  afterAll(() => stopEnv(env));

  async function sendText(text: string): Promise<string> {
    const res = await e().marco(`/api/conversations/${e().conversationId}/messages`, {
      method: 'POST',
      body: { text, clientMessageId: `cm-${randomUUID()}` },
    });
    expect(res.status).toBe(200);
    e().server.parlo.outbox.kick();
    return messageResponseSchema.parse(await res.json()).message.id;
  }

  async function settled(id: string): Promise<MessageView> {
    return until(async () => {
      const m = (await messagesOf(e())).find((x) => x.id === id);
      return m && (m.status === 'sent' || m.status === 'delivered' || m.status === 'failed') ? m : undefined;
    }, `message ${id} to settle`);
  }

  for (const [code, status] of [
    [130429, 400],
    [131056, 400],
    [131057, 500],
    [131000, 500],
    [2, 503],
  ] as const) {
    it(`[issue-4] ${code} (transient) is retried with backoff, then the message goes out`, async () => {
      const before = sends(e()).length;
      e().faults.push({ status, code, message: `Transient ${code}` });
      const id = await sendText(`retry after ${code}`);
      // 131056 holds that customer for the pair-rate interval; the others retry within a second.
      const shown = await until(
        async () => {
          const m = (await messagesOf(e())).find((x) => x.id === id);
          return m?.status === 'delivered' ? m : undefined;
        },
        'the retried message to be delivered',
        15_000,
      );
      expect(shown.failureReason).toBeNull();
      const mine = sends(e()).slice(before);
      expect(mine.map((c) => c.code ?? c.status)).toEqual([code, 200]);
    });
  }

  for (const [what, fault] of [
    ['a bare HTTP 502 (no Graph body)', { status: 502, message: 'Bad Gateway' }],
    ['a timeout', { status: 504, message: 'late', delayMs: 1500 }],
  ] as const) {
    it(`[issue-4] ${what} is retried, then the message goes out once`, async () => {
      const before = sends(e()).length;
      e().faults.push(fault);
      const id = await sendText(`retry after ${what}`);
      const shown = await until(
        async () => {
          const m = (await messagesOf(e())).find((x) => x.id === id);
          return m?.status === 'delivered' ? m : undefined;
        },
        'the retried message to be delivered',
        15_000,
      );
      expect(shown.failureReason).toBeNull();
      expect(
        sends(e())
          .slice(before)
          .map((c) => c.status),
      ).toEqual([fault.status, 200]);
      expect(
        e()
          .sim.thread(CUSTOMER)
          .filter((m) => m.text === `retry after ${what}`),
      ).toHaveLength(1);
    });
  }

  for (const [code, status, title] of [
    [131047, 400, 'Re-engagement message'],
    [131026, 400, 'Message undeliverable'],
    [132001, 404, 'Template name does not exist in the translation'],
    [100, 400, 'Invalid parameter'],
  ] as const) {
    it(`[issue-4] ${code} (permanent) is not retried and its reason reaches the bubble`, async () => {
      const before = sends(e()).length;
      e().faults.push({ status, code, message: title });
      const id = await sendText(`permanent ${code}`);
      const shown = await settled(id);
      expect(shown.status).toBe('failed');
      expect(shown.failureReason).toBe(`${title}: ${title} (details) (${code})`);
      await new Promise((r) => setTimeout(r, 700));
      expect(sends(e()).length - before).toBe(1);
    });
  }

  it('[issue-4] a failure WhatsApp reports later (status webhook 131047) reaches the bubble', async () => {
    // WhatsApp accepts the send, then finds the customer's window closed on its own clock.
    e().skewMs = DAY_MS + 3600_000;
    try {
      const id = await sendText('accepted, then failed');
      const shown = await settled(id);
      expect(shown).toMatchObject({ status: 'failed', failureReason: 'Re-engagement message (131047)' });
    } finally {
      e().skewMs = 0;
    }
  });
});

describe('[issue-4] mark as read policy', () => {
  let env: Env | undefined;
  const e = (): Env => {
    if (!env) throw new Error('not started');
    return env;
  };
  beforeAll(async () => {
    env = await startEnv(undefined);
    await openConversation(env);
    e().server.parlo.outbox.kick();
  }, 30_000);
  afterAll(() => stopEnv(env));

  const inboundStatus = () =>
    e()
      .sim.thread(CUSTOMER)
      .find((m) => m.direction === 'in')?.status;

  it("[issue-4] 'never': opening the conversation sends no read receipt", async () => {
    expect(
      (await e().admin('/api/admin/settings', { method: 'PUT', body: { readReceipts: 'never' } })).status,
    ).toBe(200);
    const res = await e().marco(`/api/conversations/${e().conversationId}/read`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ queued: false });
    await new Promise((r) => setTimeout(r, 300));
    expect(reads(e())).toHaveLength(0);
    expect(inboundStatus()).toBe('delivered');
  });

  it("[issue-4] 'onOpen' (default): opening marks the latest customer message read at WhatsApp, once", async () => {
    expect(
      (await e().admin('/api/admin/settings', { method: 'PUT', body: { readReceipts: 'onOpen' } })).status,
    ).toBe(200);
    const res = await e().marco(`/api/conversations/${e().conversationId}/read`, { method: 'POST' });
    expect(await res.json()).toEqual({ queued: true });
    await until(
      () => Promise.resolve(inboundStatus() === 'read' ? true : undefined),
      'the customer message to be read',
    );
    const wamid = e()
      .sim.thread(CUSTOMER)
      .find((m) => m.direction === 'in')?.wamid;
    expect(reads(e()).map((c) => c.body)).toEqual([
      { messaging_product: 'whatsapp', status: 'read', message_id: wamid },
    ]);
    // Opening it again with nothing new sends nothing more.
    const again = await e().marco(`/api/conversations/${e().conversationId}/read`, { method: 'POST' });
    expect(await again.json()).toEqual({ queued: false });
  });

  it('[issue-4] only a participant may mark a conversation read', async () => {
    const cookie = await sessionCookie(e().server.url, 'anna');
    const res = await fetch(`${e().server.url}/api/conversations/${e().conversationId}/read`, {
      method: 'POST',
      headers: { cookie },
    });
    expect(res.status).toBe(403);
  });
});

describe('[issue-4] per-number send pacing', () => {
  const CONVERSATIONS = 40;
  const PER_CONVERSATION = 5;

  /** 200 messages queued at once across 40 conversations of one number; how many 130429s did WhatsApp answer? */
  async function drain200(
    ratePerSecond: string,
  ): Promise<{ rateLimited: number; ms: number; inOrder: boolean }> {
    const e = await startEnv(undefined, { OUTBOUND_RATE_PER_SECOND: ratePerSecond }, 50);
    try {
      const customers = Array.from(
        { length: CONVERSATIONS },
        (_, i) => `39333000${String(i).padStart(4, '0')}`,
      );
      for (const waId of customers) e.sim.addCustomer({ waId, name: `Customer ${waId.slice(-4)}` });
      for (const [i, waId] of customers.entries()) {
        const body = JSON.stringify(
          inboundTextPayload({ wamid: `wamid.pace${i}`, from: waId, name: `C${i}` }),
        );
        expect((await postWebhook(e.server.url, body)).status).toBe(200);
      }
      const store = e.server.parlo.store;
      const now = Date.now();
      await store.transaction(async (tx) => {
        for (const waId of customers) {
          const customer = (await tx.listBusinessNumbers())[0];
          if (!customer) throw new Error('no number');
          const row = await tx.upsertCustomer({
            id: `cus_${waId}`,
            businessNumberId: customer.id,
            waId,
            name: 'x',
          });
          const conversation = await tx.findLiveConversationOfCustomer(row.id);
          if (!conversation) throw new Error('no conversation');
          for (let n = 0; n < PER_CONVERSATION; n++) {
            const { message } = await tx.insertOutboundMessage({
              id: `msg_${waId}_${n}`,
              conversationId: conversation.id,
              direction: 'outbound',
              wamid: null,
              kind: 'text',
              text: `message ${n}`,
              authorName: 'Marco',
              authorUserId: 'usr_marco',
              sentAt: now,
              createdAt: now,
              status: 'pending',
              failureReason: null,
              clientMessageId: `cm-${waId}-${n}`,
            });
            await enqueueSend(tx, message, now);
          }
        }
      });
      const started = Date.now();
      e.server.parlo.outbox.kick();
      await until(
        () =>
          Promise.resolve(
            sends(e).filter((c) => c.status === 200).length >= CONVERSATIONS * PER_CONVERSATION
              ? true
              : undefined,
          ),
        'every message to be accepted',
        60_000,
      );
      const ms = Date.now() - started;
      // Each customer got its messages in the order they were written.
      const inOrder = customers.every((waId) => {
        const texts = e.sim
          .thread(waId)
          .filter((m) => m.direction === 'out')
          .map((m) => m.text);
        return (
          texts.join('|') === Array.from({ length: PER_CONVERSATION }, (_, n) => `message ${n}`).join('|')
        );
      });
      return { rateLimited: sends(e).filter((c) => c.code === 130429).length, ms, inOrder };
    } finally {
      await stopEnv(e);
    }
  }

  it('[issue-4] paced under the simulator rate (50/s): 200 queued messages provoke no 130429, in order', async () => {
    const { rateLimited, ms, inOrder } = await drain200('45');
    expect(rateLimited).toBe(0);
    expect(inOrder).toBe(true);
    // 200 at 45/s cannot take less than ~4.4 s.
    expect(ms).toBeGreaterThan(4000);
  }, 60_000);

  it('[issue-4] control: with pacing far above the limit the same load does provoke 130429 (then retried)', async () => {
    const { rateLimited, inOrder } = await drain200('10000');
    expect(rateLimited).toBeGreaterThan(0);
    expect(inOrder).toBe(true);
  }, 60_000);
});
