import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { errorBodySchema, templateRoutes, templatesResponseSchema } from '@parlo/protocol';
import { describe, expect, it } from 'vitest';
import { openConversation, postWebhook, useGraphEnv } from '../../testing/index.ts';

/**
 * Issue 14, account updates, fed Meta's documented shapes (the fixtures of @parlo/whatsapp, from
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/
 * user_preferences, message_template_status_update and template_category_update): a customer's
 * marketing opt-out is kept and blocks marketing templates with a stable code; a template's new
 * category or status changes what the picker offers at once, before any sync.
 */

const FIXTURES = new URL('../../../../../packages/whatsapp/src/fixtures/', import.meta.url);
const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`${name}.json`, FIXTURES)), 'utf8');

const e = useGraphEnv(async (env) => {
  // The customer of the fixtures (wa_id 16505551234) writes; marco accepts.
  await openConversation(env);
});

async function picker() {
  const res = await e().marco(templateRoutes.list(e().conversationId));
  expect(res.status).toBe(200);
  return templatesResponseSchema.parse(await res.json()).templates;
}

function sendTemplate(name: string, values: Record<string, string>) {
  return e().marco(templateRoutes.send(e().conversationId), {
    method: 'POST',
    body: { clientMessageId: `cm-${randomUUID()}`, name, language: 'en', values },
  });
}

describe('[issue-14] account updates from WhatsApp', () => {
  it('a template category update changes the category the picker shows, at once', async () => {
    expect((await picker()).find((t) => t.name === 'order_update')?.category).toBe('UTILITY');
    expect((await postWebhook(e().server.url, fixture('template-category-changed'))).status).toBe(200);
    expect((await picker()).find((t) => t.name === 'order_update')?.category).toBe('MARKETING');
  });

  it('a customer who stops marketing messages is marked, and a marketing template to them is refused', async () => {
    const values = { 'body:1': 'Sheena', 'body:2': 'A-1', 'body:3': 'on its way' };
    expect((await postWebhook(e().server.url, fixture('user-preferences-stop'))).status).toBe(200);
    const [details] = await e().server.parlo.store.transaction((tx) =>
      tx.getConversationDetails([e().conversationId]),
    );
    expect(details?.customerMarketingOptedOutAt).toBe(1781784123 * 1000);
    const refused = await sendTemplate('order_update', values);
    expect(refused.status).toBe(409);
    expect(errorBodySchema.parse(await refused.json()).error.code).toBe('CUSTOMER_OPTED_OUT');
    // A utility template still goes.
    expect((await sendTemplate('follow_up', { 'body:1': 'Sheena' })).status).toBe(200);
  });

  it('a paused template leaves the picker and cannot be sent until approved again', async () => {
    // Back to a utility template first, so the refusal below is the status's, not the opt-out's.
    const approved = fixture('template-status-paused').replace('"PAUSED"', '"APPROVED"');
    expect((await postWebhook(e().server.url, fixture('template-status-paused'))).status).toBe(200);
    expect((await picker()).map((t) => t.name)).not.toContain('order_update');
    const refused = await sendTemplate('order_update', { 'body:1': 'a', 'body:2': 'b', 'body:3': 'c' });
    expect(errorBodySchema.parse(await refused.json()).error.code).toBe('UNKNOWN_TEMPLATE');
    expect((await postWebhook(e().server.url, approved)).status).toBe(200);
    expect((await picker()).map((t) => t.name)).toContain('order_update');
  });
});
