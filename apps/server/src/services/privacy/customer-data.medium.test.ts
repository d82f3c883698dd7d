import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  customerEraseResponseSchema,
  customerExportSchema,
  messagesResponseSchema,
  privacyCustomersResponseSchema,
  privacyRoutes,
  type MessageView,
} from '@parlo/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freshPostgres,
  inboundTextPayload,
  postWebhook,
  signedIn,
  startTestServer,
  type TestServer,
} from '../../testing/index.ts';
import { LocalMediaFiles } from '../media/index.ts';

/**
 * Issue 17, GDPR art. 15 and 17 on SQLite and PostgreSQL, through the real HTTP API: export
 * contains everything the agent's transcript showed; erase is refused while the customer's
 * conversation is live, then leaves no trace of them in any text column of any table (a scan of
 * the whole database for their name, number, user id, words of their messages, their CAD variable
 * and notes) nor in the media folder, and keeps the other customer and the anonymous counts.
 */

const ERASED = {
  name: 'Zebedee Quixote',
  waId: '393471234567',
  userId: 'US.9988776655443322',
  word: 'flibbertigibbet',
  reply: 'snickersnee',
  variable: 'ORD-quodlibet-77',
  notes: 'prefers tintinnabulation',
  file: 'zebedee-passport-bytes',
};
const KEPT = { name: 'Ottoline Brandywine', waId: '393479999999', word: 'kerfuffle', file: 'ottoline-bytes' };
const NEEDLES = [
  'zebedee',
  'quixote',
  ERASED.waId,
  ERASED.userId,
  ERASED.word,
  ERASED.reply,
  ERASED.variable,
  'tintinnabulation',
];

type Fetch = Awaited<ReturnType<typeof signedIn>>;

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

describe.each(['sqlite', 'postgres'] as const)('[issue-17] export and erase a customer on %s', (dialect) => {
  let server: TestServer;
  let mediaDir: string;
  let admin: Fetch;
  let marco: Fetch;
  let conversationId = '';
  let customerId = '';
  let transcript: MessageView[] = [];

  beforeAll(async () => {
    mediaDir = mkdtempSync(join(tmpdir(), 'parlo-privacy-media-'));
    server = await startTestServer({
      PARLO_MEDIA_DIR: mediaDir,
      ...(dialect === 'postgres' ? { DATABASE_URL: await freshPostgres() } : {}),
    });
    admin = await signedIn(server.url, 'admin');
    marco = await signedIn(server.url, 'marco');
    expect(
      (await admin('/api/admin/settings', { method: 'PUT', body: { maskSensitiveData: false } })).status,
    ).toBe(200);
    // The customer to keep writes first and waits in the queue (nobody is available yet).
    await postWebhook(
      server.url,
      JSON.stringify(
        inboundTextPayload({
          wamid: 'wamid.kept1',
          from: KEPT.waId,
          name: KEPT.name,
          text: `a ${KEPT.word}`,
        }),
      ),
    );
    expect((await marco('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(
      200,
    );
    // Marco is offered the kept customer's conversation; he takes it, then the one to erase.
    await takeOffer(server, marco);
    await postWebhook(
      server.url,
      JSON.stringify(
        inboundTextPayload({
          wamid: 'wamid.erased1',
          from: ERASED.waId,
          name: ERASED.name,
          text: `my ${ERASED.word} broke`,
        }),
      ),
    );
    conversationId = await takeOffer(server, marco);
    const path = `/api/conversations/${conversationId}/messages`;
    const sent = await marco(path, {
      method: 'POST',
      body: { text: `try the ${ERASED.reply}`, clientMessageId: 'client-privacy-1' },
    });
    expect(sent.status).toBe(200);
    // What else Parlo keeps of them: a user id, the profile notes, a CAD variable, a media file.
    const files = new LocalMediaFiles(mediaDir);
    await server.parlo.store.transaction(async (tx) => {
      const [details] = await tx.getConversationDetails([conversationId]);
      customerId = details!.customerId;
      await tx.changeCustomerIdentity(customerId, { userId: ERASED.userId });
      await tx.updateCustomerProfile(customerId, { notes: ERASED.notes, displayName: 'Zeb' }, Date.now());
      await tx.setConversationVariables(
        conversationId,
        [{ key: 'order', value: ERASED.variable }],
        Date.now(),
        'usr_marco',
      );
      const kept = (await tx.privacy.findPrivacyCustomers({ identity: KEPT.waId }))[0]!;
      for (const [id, conversation, bytes] of [
        ['med_erased1', conversationId, ERASED.file],
        ['med_kept1', kept.conversationIds[0]!, KEPT.file],
      ] as const) {
        await files.put(id, Buffer.from(bytes));
        await tx.insertMedia({
          id,
          conversationId: conversation,
          businessNumberId: 'bn_demo',
          messageId: null,
          direction: 'inbound',
          waMediaId: `wa-${id}`,
          mimeType: 'image/jpeg',
          fileName: `${bytes}.jpg`,
          sha256: null,
          status: 'ready',
          attempts: 1,
          dueAt: null,
          storageKey: id,
          size: bytes.length,
          lastError: null,
          createdAt: Date.now(),
        });
      }
    });
    transcript = messagesResponseSchema.parse(await (await marco(path)).json()).messages;
    expect(transcript.map((m) => m.text)).toEqual([`my ${ERASED.word} broke`, `try the ${ERASED.reply}`]);
  });

  afterAll(async () => {
    await server.close();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  it('[issue-17] finding, exporting and erasing need the admin role and the explicit permission', async () => {
    expect((await marco(`${privacyRoutes.customers}?identity=${ERASED.waId}`)).status).toBe(403);
    expect((await marco(privacyRoutes.customerExport(customerId))).status).toBe(403);
    expect((await marco(privacyRoutes.customerErase(customerId), { method: 'POST', body: {} })).status).toBe(
      403,
    );
    const created = await admin('/api/admin/users', {
      method: 'POST',
      body: {
        username: `plainadmin${dialect}`,
        displayName: 'Plain Admin',
        role: 'admin',
        password: 'quiet-harbour-lantern-1987',
      },
    });
    expect(created.status).toBe(201);
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ username: `plainadmin${dialect}`, password: 'quiet-harbour-lantern-1987' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const plain = await fetch(`${server.url}${privacyRoutes.customerExport(customerId)}`, {
      headers: { cookie },
    });
    expect(plain.status).toBe(403);
    expect(await errorCode(plain)).toBe('FORBIDDEN');
    const erase = await fetch(`${server.url}${privacyRoutes.customerErase(customerId)}`, {
      method: 'POST',
      headers: { cookie, origin: server.url },
    });
    expect(erase.status).toBe(403);
  });

  it('[issue-17] the export holds everything the agent-facing transcript shows, the media inline, and is audited', async () => {
    const found = privacyCustomersResponseSchema.parse(
      await (await admin(`${privacyRoutes.customers}?identity=${ERASED.waId}`)).json(),
    );
    expect(found.customers.map((c) => c.id)).toEqual([customerId]);
    expect(found.customers[0]?.liveConversations).toBe(1);

    const res = await admin(privacyRoutes.customerExport(customerId));
    expect(res.status).toBe(200);
    const exported = customerExportSchema.parse(await res.json());
    expect(exported.customer).toMatchObject({ name: ERASED.name, waId: ERASED.waId, userId: ERASED.userId });
    const conversation = exported.conversations.find((c) => c.id === conversationId);
    for (const bubble of transcript) expect(conversation?.messages).toContainEqual(bubble);
    expect(exported.media).toEqual([
      expect.objectContaining({
        id: 'med_erased1',
        dataBase64: Buffer.from(ERASED.file).toString('base64'),
      }),
    ]);
    expect(JSON.stringify(exported.records)).toContain(ERASED.variable);
    expect(JSON.stringify(exported.records)).toContain('tintinnabulation');
    expect(JSON.stringify(exported)).not.toContain(KEPT.word);

    const audit = (await (await admin('/api/admin/audit?action=customerData.export')).json()) as {
      entries: { subject: string; actorUserId: string }[];
    };
    expect(audit.entries).toContainEqual(
      expect.objectContaining({ subject: customerId, actorUserId: 'usr_admin' }),
    );
  });

  it('[issue-17] erase is refused with 409 CUSTOMER_CONVERSATION_LIVE while their conversation is not closed', async () => {
    const res = await admin(privacyRoutes.customerErase(customerId), { method: 'POST', body: {} });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe('CUSTOMER_CONVERSATION_LIVE');
    const hits = await server.parlo.store.transaction((tx) => tx.privacy.columnsContaining([ERASED.word]));
    expect(hits).toContain('messages.text');
  });

  it('[issue-17] once closed, erase leaves no trace of the customer in any table or the media folder', async () => {
    expect(
      (await marco(`/api/conversations/${conversationId}/end`, { method: 'POST', body: {} })).status,
    ).toBe(200);
    const wrapped = await marco(`/api/conversations/${conversationId}/wrap-up`, {
      method: 'POST',
      body: { reasonId: 'wr_resolved' },
    });
    expect(wrapped.status).toBe(200);

    const before = await server.parlo.store.transaction((tx) => tx.privacy.columnsContaining(NEEDLES));
    expect(before).toEqual(
      expect.arrayContaining([
        'customers.name',
        'messages.text',
        'webhook_deliveries.body',
        'agent_events.event',
      ]),
    );

    const res = await admin(privacyRoutes.customerErase(customerId), { method: 'POST', body: {} });
    expect(res.status).toBe(200);
    const erased = customerEraseResponseSchema.parse(await res.json()).erased;
    expect(erased.mediaFiles).toBe(1);
    expect(erased.rows.messages).toBe(2);

    // Every text column of every table, both databases: none holds any of their values.
    expect(await server.parlo.store.transaction((tx) => tx.privacy.columnsContaining(NEEDLES))).toEqual([]);
    // The media folder: their file is gone, the other customer's stays; no file holds their bytes.
    expect(readdirSync(mediaDir)).toEqual(['med_kept1']);
    for (const file of readdirSync(mediaDir))
      expect(readFileSync(join(mediaDir, file)).toString('utf8')).not.toContain('zebedee');

    // The other customer is untouched, and the conversation still counts, anonymously.
    const kept = await server.parlo.store.transaction((tx) =>
      tx.privacy.columnsContaining([KEPT.word, KEPT.waId]),
    );
    expect(kept).toEqual(expect.arrayContaining(['messages.text', 'customers.wa_id']));
    const [anonymous] = await server.parlo.store.transaction((tx) =>
      tx.getConversationDetails([conversationId]),
    );
    expect(anonymous).toMatchObject({ phaseKind: 'closed', customerName: '', queueId: 'q_support' });

    // Audited with counts only; erasing again finds nothing more.
    const audit = (await (await admin('/api/admin/audit?action=customerData.erase')).json()) as {
      entries: { subject: string; detail: unknown }[];
    };
    expect(audit.entries[0]).toMatchObject({ subject: customerId });
    expect(JSON.stringify(audit.entries)).not.toContain(ERASED.waId);
    const again = await admin(privacyRoutes.customerErase(customerId), { method: 'POST', body: {} });
    expect(customerEraseResponseSchema.parse(await again.json()).erased.rows.messages).toBe(0);
  });
});

/** Accepts the pending offer made to marco (the routing world in memory says which); returns its conversation. */
async function takeOffer(server: TestServer, marco: Fetch): Promise<string> {
  const offers = await server.parlo.store.transaction(async (tx) =>
    Object.values((await tx.routing.read()).offers),
  );
  const offer = offers.find((o) => o.agentId === 'usr_marco' && o.status.kind === 'pending');
  expect(offer).toBeDefined();
  expect((await marco(`/api/offers/${offer!.id}/accept`, { method: 'POST', body: {} })).status).toBe(200);
  return offer!.conversationId;
}
