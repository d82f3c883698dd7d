import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimulator, type Simulator } from '@parlo/whatsapp-sim';
import {
  attachmentResponseSchema,
  messageResponseSchema,
  messagesResponseSchema,
  type MessageView,
} from '@parlo/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASKING_SETTING_KEY } from '../../platform/index.ts';
import { DEMO_NUMBER } from '../../seed/index.ts';
import {
  sameOrigin,
  freshPostgres,
  postWebhook,
  sessionCookie,
  startTestServer,
  type TestServer,
} from '../../testing/index.ts';

/**
 * Issue 4, every inbound type and media: the real server, the real Graph client and the simulator
 * (behind a counting proxy that can make a download URL expire), on SQLite and on PostgreSQL.
 * Each test asserts what the agent sees: the REST answer of the conversation's messages.
 */

const EXAMPLES = new URL('../../../../../../shared/whatsapp/examples/', import.meta.url);
const CUSTOMER = '16505551234';

interface Env {
  server: TestServer;
  sim: Simulator;
  proxy: Server;
  /** Graph calls seen by the proxy: method and path. */
  calls: string[];
  /** The next download through the proxy finds its URL expired (the simulator's clock jumps). */
  expireNextDownload: boolean;
  skewMs: number;
  marco: (
    path: string,
    init?: { method?: string; body?: unknown; raw?: { body: Buffer; type: string } },
  ) => Promise<Response>;
  conversationId: string;
}

async function startEnv(databaseUrl: string | undefined): Promise<Env> {
  const env = { calls: [] as string[], expireNextDownload: false, skewMs: 0 } as Env;
  env.sim = createSimulator({
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
    now: () => Date.now() + env.skewMs,
    statusDelaysMs: { sent: 5, delivered: 10, read: 100_000 },
  });
  const simUrl = await env.sim.start(0, '127.0.0.1');
  const proxyUrl = (): string => `http://127.0.0.1:${(env.proxy.address() as AddressInfo).port}`;
  env.proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      env.calls.push(`${req.method ?? 'GET'} ${url.split('?')[0] ?? url}`);
      if (url.startsWith('/whatsapp_business/attachments') && env.expireNextDownload) {
        env.expireNextDownload = false;
        env.skewMs = 10 * 60_000; // past the URL's 5 minutes
      }
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'content-type']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      fetch(`${simUrl}${url}`, { method: req.method ?? 'GET', headers, ...(body ? { body } : {}) })
        .then(async (answer) => {
          env.skewMs = 0;
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'application/json',
          });
          // Download URLs point back through this proxy, so downloads are seen (and can expire).
          const bytes = Buffer.from(await answer.arrayBuffer());
          const json = (answer.headers.get('content-type') ?? '').includes('json');
          res.end(json ? Buffer.from(bytes.toString('utf8').replaceAll(simUrl, proxyUrl())) : bytes);
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((done) => env.proxy.listen(0, '127.0.0.1', done));
  env.server = await startTestServer({
    GRAPH_API_BASE_URL: proxyUrl(),
    MEDIA_MAX_ATTEMPTS: '3',
    MEDIA_RETRY_BASE_MS: '1',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  env.sim.setWebhookUrl(`${env.server.url}/webhooks/whatsapp`);
  const cookie = await sessionCookie(env.server.url, 'marco');
  env.marco = (path, init = {}) =>
    fetch(`${env.server.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        cookie,
        ...sameOrigin(env.server.url),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.raw === undefined ? {} : { 'content-type': init.raw.type }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.raw === undefined ? {} : { body: new Uint8Array(init.raw.body) }),
    });
  // Plain values are easier to compare; masking of content has its own test below.
  await env.server.parlo.store.transaction((tx) => tx.setSetting(MASKING_SETTING_KEY, 'false'));

  // Marco takes the customer's conversation, opened by a first text message.
  expect((await env.marco('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(
    200,
  );
  env.sim.sendFromCustomer(CUSTOMER, { text: 'Hello, I have a question' });
  await env.sim.idle();
  const offer = await env.server.parlo.store.transaction(async (tx) =>
    Object.values((await tx.routing.read()).offers).find(
      (o) => o.agentId === 'usr_marco' && o.status.kind === 'pending',
    ),
  );
  if (!offer) throw new Error('no offer for marco');
  expect((await env.marco(`/api/offers/${offer.id}/accept`, { method: 'POST', body: {} })).status).toBe(200);
  env.conversationId = offer.conversationId;
  return env;
}

async function stopEnv(env: Env | undefined): Promise<void> {
  if (!env) return;
  await env.server.close();
  await env.sim.stop();
  await new Promise((done) => env.proxy.close(done));
}

async function messagesOf(env: Env): Promise<MessageView[]> {
  const res = await env.marco(`/api/conversations/${env.conversationId}/messages`);
  expect(res.status).toBe(200);
  return messagesResponseSchema.parse(await res.json()).messages;
}

/** Runs the fetcher until no file is due (retries are 1 ms apart in these tests). */
async function fetchAllMedia(env: Env): Promise<void> {
  for (let pass = 0; pass < 20; pass++) {
    await new Promise((r) => setTimeout(r, 5));
    if ((await env.server.parlo.media.runOnce()) === 0) return;
  }
}

function payloadOf(messages: readonly Record<string, unknown>[]): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: DEMO_NUMBER.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: DEMO_NUMBER.displayPhoneNumber,
                phone_number_id: DEMO_NUMBER.phoneNumberId,
              },
              contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: CUSTOMER }],
              messages,
            },
          },
        ],
      },
    ],
  });
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

for (const [label, usePostgres] of [
  ['SQLite', false],
  ['PostgreSQL', true],
] as const) {
  describe(`[issue-4] every inbound type as the agent sees it (${label})`, () => {
    let env: Env | undefined;
    const e = (): Env => {
      if (!env) throw new Error('not started');
      return env;
    };
    // PostgreSQL: a database of its own (random name), dropped by the test server when it closes.
    beforeAll(async () => {
      env = await startEnv(usePostgres ? await freshPostgres() : undefined);
    }, 30_000);
    afterAll(async () => {
      await stopEnv(env);
    });

    it("[S-6] Meta's documented text example is shown as the customer's text", async () => {
      const example = JSON.parse(readFileSync(new URL('inbound-text.json', EXAMPLES), 'utf8')) as {
        entry: [{ changes: [{ value: { messages: [Record<string, unknown>] } }] }];
      };
      const message = { ...example.entry[0].changes[0].value.messages[0], timestamp: String(nowSeconds()) };
      const body = payloadOf([message]);
      expect((await postWebhook(e().server.url, body)).status).toBe(200);
      const list = await messagesOf(e());
      const shown = list.filter((m) => m.text === 'Does it come in another color?');
      expect(shown).toHaveLength(1);
      expect(shown[0]?.content).toEqual({ kind: 'text' });
    });

    it('[S-6] image, voice note, video, document and sticker, batched and duplicated: downloaded, served byte for byte', async () => {
      const sim = e().sim;
      // Distinct bytes per file, so "the same file" means the same bytes.
      const files = new Map(
        (['image', 'audio', 'video', 'document', 'sticker'] as const).map((kind) => [
          kind,
          Buffer.from(`${kind}:${Math.random()}:`.repeat(40)),
        ]),
      );
      const data = (kind: 'image' | 'audio' | 'video' | 'document' | 'sticker'): string =>
        (files.get(kind) ?? Buffer.alloc(0)).toString('base64');
      sim.setFaults({ duplicates: 2, concurrentDuplicates: true });
      sim.hold();
      sim.sendFromCustomer(CUSTOMER, {
        type: 'image',
        caption: 'the broken part',
        dataBase64: data('image'),
      });
      sim.sendFromCustomer(CUSTOMER, { type: 'audio', voice: true, dataBase64: data('audio') });
      sim.sendFromCustomer(CUSTOMER, { type: 'video', dataBase64: data('video') });
      sim.sendFromCustomer(CUSTOMER, {
        type: 'document',
        filename: 'invoice.pdf',
        caption: 'my invoice',
        dataBase64: data('document'),
      });
      sim.sendFromCustomer(CUSTOMER, { type: 'sticker', dataBase64: data('sticker') });
      await sim.flush();
      await sim.idle();
      sim.setFaults({ duplicates: 0, concurrentDuplicates: false });

      // Stored at once with the text, before any download: pending, no URL yet.
      const before = await messagesOf(e());
      const media = before.filter((m) => MEDIA_KINDS.includes(m.content?.kind ?? ''));
      expect(media.map((m) => m.content?.kind)).toEqual(['image', 'audio', 'video', 'document', 'sticker']);
      for (const m of media) expect(mediaOf(m)).toMatchObject({ status: 'pending', url: null });
      expect(before.find((m) => m.content?.kind === 'image')?.text).toBe('the broken part');

      await fetchAllMedia(e());
      const after = await messagesOf(e());
      for (const kind of ['image', 'audio', 'video', 'document', 'sticker'] as const) {
        const file = mediaOf(after.find((m) => m.content?.kind === kind));
        expect(file?.status, kind).toBe('ready');
        const res = await e().marco(file?.url ?? '');
        expect(res.status, kind).toBe(200);
        expect(res.headers.get('content-type') ?? '', kind).toContain(file?.mimeType.split(';')[0] ?? '?');
        expect(Buffer.from(await res.arrayBuffer()).equals(files.get(kind) ?? Buffer.alloc(1)), kind).toBe(
          true,
        );
      }
      const voice = after.find((m) => m.content?.kind === 'audio')?.content;
      expect(voice).toMatchObject({
        kind: 'audio',
        voice: true,
        media: { mimeType: 'audio/ogg; codecs=opus' },
      });
      const document = after.find((m) => m.content?.kind === 'document')?.content;
      expect(document).toMatchObject({ media: { fileName: 'invoice.pdf', mimeType: 'application/pdf' } });
      // Duplicated deliveries made one message each.
      expect(after.filter((m) => m.content?.kind === 'image')).toHaveLength(1);
      // The bearer token of the business number fetched every file: GET media id, then the URL.
      expect(e().calls.filter((c) => c.startsWith('GET /whatsapp_business/attachments'))).toHaveLength(5);
    });

    it('[S-6] location, contacts, button and list replies, template button, unsupported and unknown types', async () => {
      const sim = e().sim;
      sim.hold();
      sim.sendFromCustomer(CUSTOMER, {
        type: 'location',
        latitude: 45.4642,
        longitude: 9.19,
        name: 'Duomo',
        address: 'Piazza del Duomo, Milano',
      });
      sim.sendFromCustomer(CUSTOMER, {
        type: 'contacts',
        contacts: [{ name: 'Luca Bianchi', phones: ['+39 333 123 4567'] }],
      });
      sim.sendFromCustomer(CUSTOMER, { type: 'interactive', id: 'yes', title: 'Yes, please' });
      sim.sendFromCustomer(CUSTOMER, {
        type: 'interactive',
        reply: 'list_reply',
        id: 'slot-2',
        title: 'Tomorrow 10:00',
        description: 'Morning slot',
      });
      sim.sendFromCustomer(CUSTOMER, { type: 'button', payload: 'STOP', text: 'Stop promotions' });
      sim.sendFromCustomer(CUSTOMER, { type: 'unsupported' });
      sim.sendFromCustomer(CUSTOMER, {
        type: 'custom',
        message: { type: 'hologram', hologram: { id: 'h1' } },
      });
      await sim.flush();
      await sim.idle();
      const list = await messagesOf(e());
      const find = (kind: string) => list.filter((m) => m.content?.kind === kind);
      expect(find('location')[0]?.content).toEqual({
        kind: 'location',
        latitude: 45.4642,
        longitude: 9.19,
        name: 'Duomo',
        address: 'Piazza del Duomo, Milano',
        mapUrl: 'https://www.openstreetmap.org/?mlat=45.4642&mlon=9.19#map=16/45.4642/9.19',
      });
      expect(find('contacts')[0]?.content).toEqual({
        kind: 'contacts',
        contacts: [{ name: 'Luca Bianchi', phones: ['+39 333 123 4567'] }],
      });
      expect(find('interactive').map((m) => m.content)).toEqual([
        { kind: 'interactive', reply: 'button', title: 'Yes, please', description: null },
        { kind: 'interactive', reply: 'list', title: 'Tomorrow 10:00', description: 'Morning slot' },
      ]);
      expect(find('interactive').map((m) => m.text)).toEqual(['Yes, please', 'Tomorrow 10:00']);
      expect(find('button')[0]).toMatchObject({
        text: 'Stop promotions',
        content: { title: 'Stop promotions' },
      });
      expect(find('unsupported').map((m) => m.content)).toEqual([
        // Meta's reason rides along when it sends one (the simulator's unsupported carries 131051).
        { kind: 'unsupported', type: 'edit', code: 131051, title: 'Message type unknown' },
        { kind: 'unsupported', type: 'hologram', code: null, title: null },
      ]);
    });

    it('[S-6] a reaction shows on the bubble it reacts to, replaced by a newer one, never as a bubble', async () => {
      const sim = e().sim;
      const { wamid } = sim.sendFromCustomer(CUSTOMER, { text: 'Is it in stock?' });
      await sim.idle();
      sim.sendFromCustomer(CUSTOMER, { type: 'reaction', messageId: wamid, emoji: '👍' });
      await sim.idle();
      let list = await messagesOf(e());
      const target = list.find((m) => m.text === 'Is it in stock?');
      expect(target?.reactions).toEqual([{ emoji: '👍', authorName: 'Sheena Nelson' }]);
      expect(list.some((m) => m.content?.kind === 'reaction')).toBe(false);
      sim.sendFromCustomer(CUSTOMER, { type: 'reaction', messageId: wamid, emoji: '❤️' });
      await sim.idle();
      list = await messagesOf(e());
      expect(list.find((m) => m.id === target?.id)?.reactions).toEqual([
        { emoji: '❤️', authorName: 'Sheena Nelson' },
      ]);
      // A reaction to a message Parlo never saw is not lost: it shows as a note of its own.
      sim.sendFromCustomer(CUSTOMER, { type: 'reaction', messageId: 'wamid.unknown-target', emoji: '😮' });
      await sim.idle();
      list = await messagesOf(e());
      expect(list.filter((m) => m.content?.kind === 'reaction').map((m) => m.content)).toEqual([
        { kind: 'reaction', emoji: '😮' },
      ]);
    });

    it("[S-6] a customer's reaction to the agent's message shows on the agent's bubble", async () => {
      const sent = await e().marco(`/api/conversations/${e().conversationId}/messages`, {
        method: 'POST',
        body: { text: 'We will send a new one', clientMessageId: `cm-react-${label}` },
      });
      const mine = messageResponseSchema.parse(await sent.json()).message;
      e().server.parlo.outbox.kick();
      let out;
      for (let i = 0; i < 100 && !out; i++) {
        await new Promise((r) => setTimeout(r, 20));
        out = e()
          .sim.thread(CUSTOMER)
          .find((m) => m.direction === 'out' && m.text === 'We will send a new one');
      }
      for (let i = 0; i < 100; i++) {
        const row = await e().server.parlo.store.transaction((tx) => tx.findMessageById(mine.id));
        if (row?.wamid) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      e().sim.sendFromCustomer(CUSTOMER, { type: 'reaction', messageId: out?.wamid ?? '', emoji: '🙏' });
      await e().sim.idle();
      const list = await messagesOf(e());
      expect(list.find((m) => m.id === mine.id)?.reactions).toEqual([
        { emoji: '🙏', authorName: 'Sheena Nelson' },
      ]);
    });

    it('[S-6] a reply quotes the message it replies to', async () => {
      const sim = e().sim;
      const { wamid } = sim.sendFromCustomer(CUSTOMER, { text: 'Order 1234 is late' });
      await sim.idle();
      sim.sendFromCustomer(CUSTOMER, { text: 'Any news about this?', replyTo: wamid });
      await sim.idle();
      const list = await messagesOf(e());
      const quoted = list.find((m) => m.text === 'Order 1234 is late');
      const reply = list.find((m) => m.text === 'Any news about this?');
      expect(reply?.replyTo).toEqual({
        messageId: quoted?.id,
        direction: 'inbound',
        authorName: 'Sheena Nelson',
        text: 'Order 1234 is late',
        kind: 'text',
      });
      expect(quoted?.replyTo).toBeNull();
    });

    it("[S-6] messages are ordered by Meta's timestamp, not by arrival", async () => {
      const t = nowSeconds() + 600;
      const later = {
        from: CUSTOMER,
        id: `wamid.order-b-${label}`,
        timestamp: String(t + 20),
        type: 'text',
        text: { body: 'second written' },
      };
      const earlier = {
        from: CUSTOMER,
        id: `wamid.order-a-${label}`,
        timestamp: String(t + 10),
        type: 'text',
        text: { body: 'first written' },
      };
      expect((await postWebhook(e().server.url, payloadOf([later]))).status).toBe(200);
      expect((await postWebhook(e().server.url, payloadOf([earlier]))).status).toBe(200);
      const texts = (await messagesOf(e())).map((m) => m.text);
      expect(texts.indexOf('first written')).toBeGreaterThan(-1);
      expect(texts.indexOf('first written')).toBeLessThan(texts.indexOf('second written'));
    });

    it('[issue-4] media is served only to users who may see the conversation: 401 signed out, 403 another agent', async () => {
      const file = mediaOf((await messagesOf(e())).find((m) => m.content?.kind === 'image'));
      const url = `${e().server.url}${file?.url ?? ''}`;
      expect((await fetch(url)).status).toBe(401);
      const anna = await sessionCookie(e().server.url, 'anna');
      expect((await fetch(url, { headers: { cookie: anna } })).status).toBe(403);
      const sofia = await sessionCookie(e().server.url, 'sofia');
      const supervisor = await fetch(url, { headers: { cookie: sofia } });
      expect(supervisor.status).toBe(200);
      expect(supervisor.headers.get('cache-control')).toContain('private');
      expect((await e().marco('/api/media/med_nope')).status).toBe(404);
      // A browser seeking in audio or video asks for a range.
      const whole = Buffer.from(await supervisor.arrayBuffer());
      const part = await fetch(url, { headers: { cookie: sofia, range: 'bytes=2-5' } });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 2-5/${whole.length}`);
      expect(Buffer.from(await part.arrayBuffer()).equals(whole.subarray(2, 6))).toBe(true);
      expect((await fetch(url, { headers: { cookie: sofia, range: `bytes=${whole.length}-` } })).status).toBe(
        416,
      );
    });

    it('[issue-4] an expired download URL is fetched again through GET media id', async () => {
      e().calls.length = 0;
      e().expireNextDownload = true;
      const bytes = Buffer.from('a picture taken just now'.repeat(10));
      e().sim.sendFromCustomer(CUSTOMER, {
        type: 'image',
        caption: 'late one',
        dataBase64: bytes.toString('base64'),
      });
      await e().sim.idle();
      await fetchAllMedia(e());
      const file = mediaOf((await messagesOf(e())).find((m) => m.text === 'late one'));
      expect(file?.status).toBe('ready');
      const res = await e().marco(file?.url ?? '');
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
      // Two lookups of the media id: the first URL expired before its download.
      expect(e().calls.filter((c) => /^GET \/v\d+\.\d+\/[^/]+$/.test(c))).toHaveLength(2);
      expect(e().calls.filter((c) => c.startsWith('GET /whatsapp_business/attachments'))).toHaveLength(2);
    });

    it('[issue-4] a download that keeps failing is retried, then "unavailable", and never holds up the text', async () => {
      e().calls.length = 0;
      const message = {
        from: CUSTOMER,
        id: `wamid.gone-${label}`,
        timestamp: String(nowSeconds()),
        type: 'image',
        image: { id: '999000111222', mime_type: 'image/jpeg', sha256: 'x', caption: 'photo of the receipt' },
      };
      expect((await postWebhook(e().server.url, payloadOf([message]))).status).toBe(200);
      // The caption is there at once, before any download was tried.
      const pending = (await messagesOf(e())).find((m) => m.text === 'photo of the receipt');
      expect(mediaOf(pending)?.status).toBe('pending');
      await fetchAllMedia(e());
      const failed = (await messagesOf(e())).find((m) => m.text === 'photo of the receipt');
      expect(mediaOf(failed)).toMatchObject({ status: 'unavailable', url: null });
      // MEDIA_MAX_ATTEMPTS (3) lookups of the media id, then no more.
      expect(e().calls.filter((c) => c === 'GET /v25.0/999000111222')).toHaveLength(3);
    });

    it('[S-12] with masking on, captions, contact phones and location text are masked', async () => {
      const store = e().server.parlo.store;
      await store.transaction((tx) => tx.setSetting(MASKING_SETTING_KEY, 'true'));
      try {
        e().sim.sendFromCustomer(CUSTOMER, { type: 'image', caption: 'write to me at jo@example.com' });
        e().sim.sendFromCustomer(CUSTOMER, {
          type: 'contacts',
          contacts: [{ name: 'Jo', phones: ['+39 333 765 4321'] }],
        });
        e().sim.sendFromCustomer(CUSTOMER, {
          type: 'location',
          latitude: 1,
          longitude: 2,
          name: 'call +39 333 765 4321',
        });
        await e().sim.idle();
        const list = await messagesOf(e());
        const json = JSON.stringify(list);
        expect(json).not.toContain('jo@example.com');
        expect(json).not.toContain('765 4321');
        const contacts = list.filter((m) => m.content?.kind === 'contacts').at(-1)?.content;
        expect(contacts).toMatchObject({ contacts: [{ name: 'Jo' }] });
      } finally {
        await store.transaction((tx) => tx.setSetting(MASKING_SETTING_KEY, 'false'));
      }
    });

    it('[issue-4] the agent sends a document attachment as a reply: uploaded, sent by media id with context', async () => {
      const list = await messagesOf(e());
      const quoted = list.find((m) => m.text === 'Order 1234 is late');
      const pdf = Buffer.from('%PDF-1.4\n% the return label\n%%EOF\n');
      const upload = await e().marco(
        `/api/conversations/${e().conversationId}/attachments?fileName=label.pdf`,
        {
          method: 'POST',
          raw: { body: pdf, type: 'application/pdf' },
        },
      );
      expect(upload.status).toBe(200);
      const attachment = attachmentResponseSchema.parse(await upload.json());
      expect(attachment).toMatchObject({ kind: 'document', fileName: 'label.pdf' });
      const sent = await e().marco(`/api/conversations/${e().conversationId}/messages`, {
        method: 'POST',
        body: {
          text: 'Here is your label',
          clientMessageId: `cm-attach-${label}`,
          attachmentId: attachment.attachmentId,
          replyToMessageId: quoted?.id,
        },
      });
      expect(sent.status).toBe(200);
      const view = messageResponseSchema.parse(await sent.json()).message;
      expect(view.content).toMatchObject({
        kind: 'document',
        media: { status: 'ready', fileName: 'label.pdf' },
      });
      expect(view.replyTo).toMatchObject({ messageId: quoted?.id, text: 'Order 1234 is late' });
      // The agent's own file is served back to them byte for byte.
      const served = await e().marco(mediaOf(view)?.url ?? '');
      expect(Buffer.from(await served.arrayBuffer()).equals(pdf)).toBe(true);

      e().server.parlo.outbox.kick();
      let out;
      for (let i = 0; i < 100 && !out; i++) {
        await new Promise((r) => setTimeout(r, 20));
        out = e()
          .sim.thread(CUSTOMER)
          .find((m) => m.direction === 'out' && m.type === 'document');
      }
      // A reply to the quoted customer message, carrying the uploaded file's media id.
      const quotedWamid = (
        await e().server.parlo.store.transaction((tx) => tx.findMessageById(quoted?.id ?? ''))
      )?.wamid;
      expect(out?.type).toBe('document');
      expect(out?.replyTo).toBe(quotedWamid);
      expect(out?.mediaId).toMatch(/\S/);
      expect(e().calls).toContain(`POST /v25.0/${DEMO_NUMBER.phoneNumberId}/media`);

      // An unsupported type or a file of another conversation is refused.
      const exe = await e().marco(`/api/conversations/${e().conversationId}/attachments?fileName=x.exe`, {
        method: 'POST',
        raw: { body: Buffer.from('MZ'), type: 'application/x-msdownload' },
      });
      expect(exe.status).toBe(415);
      const bad = await e().marco(`/api/conversations/${e().conversationId}/messages`, {
        method: 'POST',
        body: { text: '', clientMessageId: `cm-bad-${label}`, attachmentId: 'med_nope' },
      });
      expect(bad.status).toBe(400);
    });
  });
}

const MEDIA_KINDS: readonly string[] = ['image', 'audio', 'video', 'document', 'sticker'];

function mediaOf(view: MessageView | undefined) {
  const content = view?.content;
  return content && 'media' in content ? content.media : undefined;
}
