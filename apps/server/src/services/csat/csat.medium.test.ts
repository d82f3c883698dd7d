import {
  csatRoutes,
  csatSettingsResponseSchema,
  historyRoutes,
  transcriptResponseSchema,
  type CsatSettings,
} from '@parlo/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  freshPostgres,
  inboundTextPayload,
  pendingOfferOf,
  postWebhook,
  signedIn,
  startTestServer,
  type TestServer,
} from '../../testing/index.ts';
import { customerAddress, outboundBody } from '../conversations/index.ts';

/**
 * Issue 18's CSAT over the real server, on SQLite then PostgreSQL: the survey is sent after the
 * wrap-up (its message and outbox row in the wrap-up's transaction) only when turned on and while
 * the customer's 24-hour window is open; the customer's tap is recorded once, before expiry, with
 * its interaction event, on the surveyed conversation (never a new routed one); late and repeated
 * answers are ignored. ADR 28.
 */

const CUSTOMER = '393331234567';

type Fetcher = ReturnType<typeof signedIn> extends Promise<infer F> ? F : never;

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ON: CsatSettings = {
  enabled: true,
  scale: 'three',
  questionEn: 'How did we do?',
  questionIt: 'Come è andata?',
  windowHours: 2,
  thanksEn: 'Thanks!',
  thanksIt: 'Grazie!',
};

/** A customer's tap on an option (Meta's `interactive.button_reply`), optionally in reply to `context`. */
function tapPayload(opts: {
  wamid: string;
  id: string;
  title: string;
  context?: string;
  timestamp?: number;
  list?: boolean;
}) {
  const payload = inboundTextPayload({ wamid: opts.wamid, from: CUSTOMER, name: CUSTOMER });
  const message = payload.entry[0]?.changes[0]?.value.messages[0];
  if (!message) throw new Error('no message in the payload');
  const { text: _text, ...rest } = message;
  const tap = {
    ...rest,
    timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
    type: 'interactive',
    interactive:
      opts.list === true
        ? { type: 'list_reply', list_reply: { id: opts.id, title: opts.title } }
        : { type: 'button_reply', button_reply: { id: opts.id, title: opts.title } },
    ...(opts.context === undefined ? {} : { context: { from: '15550000000', id: opts.context } }),
  };
  const change = payload.entry[0]?.changes[0];
  if (!change) throw new Error('no change in the payload');
  return {
    ...payload,
    entry: [{ ...payload.entry[0], changes: [{ ...change, value: { ...change.value, messages: [tap] } }] }],
  };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`CSAT (${dialect})`, () => {
    async function start(settings: CsatSettings | null = ON) {
      const s = await startTestServer({
        ...(dialect === 'postgres' ? { DATABASE_URL: await freshPostgres() } : {}),
        // The outbox rows stay where the wrap-up put them (nothing answers at the Graph URL anyway).
        OUTBOX_POLL_MS: '60000',
      });
      server = s;
      await s.parlo.store.transaction((tx) => tx.setSetting('masking.enabled', 'false'));
      const [marco, admin] = await Promise.all(['marco', 'admin'].map((u) => signedIn(s.url, u)));
      if (!marco || !admin) throw new Error('sign-in failed');
      if (settings) {
        const res = await admin(csatRoutes.settings, { method: 'PUT', body: settings });
        expect(res.status).toBe(200);
      }
      return { s, marco, admin };
    }

    /** The customer writes (at `timestamp`), Marco accepts, ends and wraps up. */
    async function wrappedUp(s: TestServer, marco: Fetcher, wamid: string, timestamp?: number) {
      expect((await marco('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(
        200,
      );
      const res = await postWebhook(
        s.url,
        JSON.stringify(
          inboundTextPayload({
            wamid,
            from: CUSTOMER,
            name: CUSTOMER,
            ...(timestamp === undefined ? {} : { timestamp }),
          }),
        ),
      );
      expect(res.status).toBe(200);
      const offer = await pendingOfferOf(s, 'usr_marco');
      if (!offer) throw new Error('no offer');
      expect((await marco(`/api/offers/${offer.id}/accept`, { method: 'POST', body: {} })).status).toBe(200);
      const id = offer.conversationId;
      expect((await marco(`/api/conversations/${id}/end`, { method: 'POST', body: {} })).status).toBe(200);
      const wrap = await marco(`/api/conversations/${id}/wrap-up`, {
        method: 'POST',
        body: { reasonId: 'wr_resolved' },
      });
      expect(wrap.status).toBe(200);
      return id;
    }

    const surveyOf = (s: TestServer, id: string) => s.parlo.store.transaction((tx) => tx.csat.find(id));
    const messagesOf = (s: TestServer, id: string) => s.parlo.store.transaction((tx) => tx.listMessages(id));
    const csatEvents = async (s: TestServer, id: string) =>
      (await s.parlo.store.transaction((tx) => tx.interactionEvents.eventsOf([id]))).filter(
        (e) => e.kind === 'csat',
      );

    it('[issue-18] CSAT is off by default; the administrator turns it on (audited)', async () => {
      const { s, marco, admin } = await start(null);
      const read = csatSettingsResponseSchema.parse(await (await admin(csatRoutes.settings)).json());
      expect(read.settings.enabled).toBe(false);
      // Off: the wrap-up sends nothing.
      const id = await wrappedUp(s, marco, 'wamid.off');
      expect(await surveyOf(s, id)).toBeUndefined();
      expect((await messagesOf(s, id)).filter((m) => m.direction === 'outbound')).toEqual([]);
      // Agents may not change it; the administrator may, and it is audited.
      expect((await marco(csatRoutes.settings, { method: 'PUT', body: ON })).status).toBe(403);
      const bad = await admin(csatRoutes.settings, { method: 'PUT', body: { ...ON, windowHours: 48 } });
      expect(bad.status).toBe(400);
      const put = await admin(csatRoutes.settings, { method: 'PUT', body: ON });
      expect(csatSettingsResponseSchema.parse(await put.json()).settings).toEqual(ON);
      const audits = await s.parlo.store.transaction((tx) =>
        tx.queryAudit({ actionPrefix: 'csat.', limit: 5 }),
      );
      expect(audits.map((a) => [a.actorUserId, a.action])).toEqual([['usr_admin', 'csat.update']]);
    });

    it('[issue-18] after the wrap-up the survey is an automatic interactive message with its outbox row, sent as reply buttons', async () => {
      const { s, marco } = await start();
      const id = await wrappedUp(s, marco, 'wamid.first');
      const survey = await surveyOf(s, id);
      expect(survey).toMatchObject({ scale: 'three', agentId: 'usr_marco', answeredAt: null, score: null });
      const asked = (await messagesOf(s, id)).find((m) => m.id === survey?.messageId);
      expect(asked).toMatchObject({
        direction: 'outbound',
        kind: 'interactive',
        authorUserId: null,
        text: ON.questionEn,
      });
      const outbox = await s.parlo.store.transaction((tx) => tx.dueOutbox(Date.now() + 86_400_000, 100));
      expect(outbox.filter((r) => r.conversationId === id).map((r) => r.payload)).toEqual([
        { messageId: survey?.messageId },
      ]);
      // What the drainer sends: WhatsApp's interactive reply buttons, three faces.
      const [details] = await s.parlo.store.transaction((tx) => tx.getConversationDetails([id]));
      if (!asked || !details) throw new Error('missing');
      const body = await outboundBody(s.parlo.store, asked, customerAddress(details));
      expect(body).toMatchObject({
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: ON.questionEn },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'csat:1' } },
              { type: 'reply', reply: { id: 'csat:3' } },
              { type: 'reply', reply: { id: 'csat:5' } },
            ],
          },
        },
      });
    });

    it("[issue-18] no survey when the customer's 24-hour window has closed", async () => {
      const { s, marco } = await start();
      const id = await wrappedUp(s, marco, 'wamid.old', Math.floor(Date.now() / 1000) - 25 * 3600);
      expect(await surveyOf(s, id)).toBeUndefined();
      expect((await messagesOf(s, id)).filter((m) => m.direction === 'outbound')).toEqual([]);
    });

    it('[issue-18] the tap is recorded on the surveyed conversation with its event; a repeated one is ignored and nothing is routed', async () => {
      const { s, marco, admin } = await start();
      const id = await wrappedUp(s, marco, 'wamid.first');
      const survey = await surveyOf(s, id);
      if (!survey) throw new Error('no survey');
      // The drainer would have recorded the wamid WhatsApp gave the survey.
      await s.parlo.store.transaction((tx) => tx.setMessageWamid(survey.messageId, 'wamid.survey'));
      const tap = await postWebhook(
        s.url,
        JSON.stringify(
          tapPayload({ wamid: 'wamid.tap1', id: 'csat:5', title: '😀', context: 'wamid.survey' }),
        ),
      );
      expect(tap.status).toBe(200);
      expect(await surveyOf(s, id)).toMatchObject({ score: 5, answerWamid: 'wamid.tap1' });
      expect(
        (await csatEvents(s, id)).map((e) => ({ detail: e.detail, agentId: e.agentId, queueId: e.queueId })),
      ).toEqual([{ detail: '5', agentId: 'usr_marco', queueId: 'q_support' }]);
      // The tap is a message of the surveyed conversation; no new conversation, no offer.
      const texts = (await messagesOf(s, id)).map((m) => [m.direction, m.text]);
      expect(texts).toContainEqual(['inbound', '😀']);
      expect(texts).toContainEqual(['outbound', ON.thanksEn]);
      expect(
        await s.parlo.store.transaction((tx) => tx.findLiveConversationOfCustomer(survey.customerId)),
      ).toBeUndefined();
      expect(await pendingOfferOf(s, 'usr_marco')).toBeUndefined();
      // A second tap (another button, no context: the latest survey) changes nothing.
      await postWebhook(
        s.url,
        JSON.stringify(tapPayload({ wamid: 'wamid.tap2', id: 'csat:1', title: '😞' })),
      );
      expect(await surveyOf(s, id)).toMatchObject({ score: 5, answerWamid: 'wamid.tap1' });
      expect(await csatEvents(s, id)).toHaveLength(1);
      expect((await messagesOf(s, id)).map((m) => m.text)).toContain('😞');
      expect(
        await s.parlo.store.transaction((tx) => tx.findLiveConversationOfCustomer(survey.customerId)),
      ).toBeUndefined();
      // The transcript's header carries the recorded answer.
      const transcript = transcriptResponseSchema.parse(
        await (await marco(historyRoutes.transcript(id))).json(),
      );
      expect(transcript.conversation.csat).toMatchObject({ score: 5, scale: 'three' });
      // And so does its print view.
      const print = await admin(`${historyRoutes.transcriptExport(id)}?format=html`);
      expect(await print.text()).toContain('<dt>Customer satisfaction</dt><dd>5/5</dd>');
    });

    it('[issue-18] on the 1-5 scale the survey is a list, in Italian for an Italian customer, and a list reply records its score', async () => {
      const { s, marco, admin } = await start();
      expect(
        (await admin(csatRoutes.settings, { method: 'PUT', body: { ...ON, scale: 'five' } })).status,
      ).toBe(200);
      // An earlier conversation made the customer known; an agent noted they speak Italian.
      const first = await wrappedUp(s, marco, 'wamid.earlier', Math.floor(Date.now() / 1000) - 25 * 3600);
      const [earlier] = await s.parlo.store.transaction((tx) => tx.getConversationDetails([first]));
      if (!earlier) throw new Error('missing');
      await s.parlo.store.transaction((tx) =>
        tx.updateCustomerProfile(earlier.customerId, { language: 'it' }, Date.now()),
      );
      const id = await wrappedUp(s, marco, 'wamid.now');
      const survey = await surveyOf(s, id);
      expect(survey?.scale).toBe('five');
      const asked = (await messagesOf(s, id)).find((m) => m.id === survey?.messageId);
      const [details] = await s.parlo.store.transaction((tx) => tx.getConversationDetails([id]));
      if (!asked || !details) throw new Error('missing');
      expect(asked.text).toBe(ON.questionIt);
      const body = await outboundBody(s.parlo.store, asked, customerAddress(details));
      expect(body).toMatchObject({
        type: 'interactive',
        interactive: { type: 'list', body: { text: ON.questionIt }, action: { button: 'Valuta' } },
      });
      if (body.type !== 'interactive' || body.interactive.type !== 'list') throw new Error('not a list');
      expect(body.interactive.action.sections.flatMap((x) => x.rows.map((r) => r.id))).toEqual([
        'csat:1',
        'csat:2',
        'csat:3',
        'csat:4',
        'csat:5',
      ]);
      await postWebhook(
        s.url,
        JSON.stringify(tapPayload({ wamid: 'wamid.tap', id: 'csat:4', title: '4', list: true })),
      );
      expect(await surveyOf(s, id)).toMatchObject({ score: 4 });
      expect((await csatEvents(s, id)).map((e) => e.detail)).toEqual(['4']);
      expect((await messagesOf(s, id)).map((m) => m.text)).toContain(ON.thanksIt);
    });

    it('[issue-18] a tap after the answer window is ignored', async () => {
      const { s, marco } = await start();
      const id = await wrappedUp(s, marco, 'wamid.first');
      const late = Math.floor(Date.now() / 1000) + (ON.windowHours + 1) * 3600;
      await postWebhook(
        s.url,
        JSON.stringify(tapPayload({ wamid: 'wamid.late', id: 'csat:3', title: '😐', timestamp: late })),
      );
      expect(await surveyOf(s, id)).toMatchObject({ answeredAt: null, score: null });
      expect(await csatEvents(s, id)).toEqual([]);
      expect((await messagesOf(s, id)).map((m) => m.text)).toContain('😐');
    });
  });
}
