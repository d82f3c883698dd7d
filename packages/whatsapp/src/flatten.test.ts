import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flattenWebhook, flattenWebhookUpdates, type WebhookEvent, type WebhookUpdate } from './flatten.ts';
import { customerKey } from './inbound-details.ts';
import { isKnownMessage, webhookPayloadSchema } from './webhook-schema.ts';

// Each test names the Meta page whose shape it feeds (docs/whatsapp/ lists the same sources).
const META = 'https://developers.facebook.com/documentation/business-messaging/whatsapp';
const PAGES = {
  bsuid: `${META}/business-scoped-user-ids`,
  text: `${META}/webhooks/reference/messages/text`,
  image: `${META}/webhooks/reference/messages/image`,
  order: `${META}/webhooks/reference/messages/order`,
  system: `${META}/webhooks/reference/messages/system`,
  unsupported: `${META}/webhooks/reference/messages/unsupported`,
  status: `${META}/webhooks/reference/messages/status`,
  reactionSend: `${META}/messages/reaction-messages`,
  catalogResponses: `${META}/catalogs/receive-responses`,
  userPreferences: `${META}/webhooks/reference/user_preferences`,
  templateStatus: `${META}/webhooks/reference/message_template_status_update`,
  templateCategory: `${META}/webhooks/reference/template_category_update`,
  changelog: `${META}/changelog`,
} as const;

const fixturesDir = new URL('./fixtures/', import.meta.url);

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, fixturesDir), 'utf8')) as unknown;
}

function updatesOf(name: string): WebhookUpdate[] {
  return flattenWebhookUpdates(webhookPayloadSchema.parse(fixture(name)));
}

function onlyMessage(name: string): Extract<WebhookEvent, { kind: 'message' }> {
  const [event, ...rest] = updatesOf(name);
  if (event?.kind !== 'message' || rest.length > 0) throw new Error(`${name}: expected one message`);
  return event;
}

function onlyStatus(name: string): Extract<WebhookEvent, { kind: 'status' }> {
  const [event, ...rest] = updatesOf(name);
  if (event?.kind !== 'status' || rest.length > 0) throw new Error(`${name}: expected one status`);
  return event;
}

describe('every webhook fixture parses and flattens without losing an update', () => {
  const webhookFixtures = readdirSync(fixturesDir).filter(
    (f) => f.endsWith('.json') && !f.endsWith('.request.json') && !f.endsWith('.response.json'),
  );
  it.each(webhookFixtures)('%s', (name) => {
    const updates = updatesOf(name);
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.some((u) => u.kind === 'malformedChange')).toBe(false);
  });
});

describe(`customer identity (${PAGES.bsuid})`, () => {
  it('a user with a username and no phone number is keyed by BSUID, with username and name', () => {
    const event = onlyMessage('message-text-bsuid-username.json');
    expect(event.message.from).toBe('');
    expect(event.customer).toEqual({
      userId: 'US.13491208655302741918',
      parentUserId: undefined,
      waId: undefined,
      username: 'maria.lopez',
      profileName: 'María López',
    });
    expect(customerKey(event.customer)).toEqual({ by: 'userId', value: 'US.13491208655302741918' });
    expect(event.contactName).toBe('María López');
  });

  it('an empty `from` is no phone number (never the key "")', () => {
    const event = onlyMessage('message-text-bsuid-empty-from.json');
    expect(event.customer.waId).toBeUndefined();
    expect(event.customer.userId).toBe('BR.1502576394655843');
    expect(event.customer.username).toBe('joao.pereira');
  });

  it('a user who shares a phone number has both; the BSUID stays the key', () => {
    const event = onlyMessage('message-text-phone-with-bsuid.json');
    expect(event.customer).toMatchObject({
      userId: 'US.10254468923137590512',
      waId: '16505551234',
      username: undefined,
      profileName: 'Sheena Nelson',
    });
    expect(customerKey(event.customer)).toEqual({ by: 'userId', value: 'US.10254468923137590512' });
  });

  it('a legacy payload without BSUIDs is keyed by wa_id', () => {
    const payload = fixture('message-text-phone-with-bsuid.json') as {
      entry: Array<{
        changes: Array<{
          value: { contacts: Array<Record<string, unknown>>; messages: Array<Record<string, unknown>> };
        }>;
      }>;
    };
    const value = payload.entry[0]?.changes[0]?.value;
    if (value === undefined) throw new Error('fixture shape');
    delete value.messages[0]?.from_user_id;
    delete value.contacts[0]?.user_id;
    const [event] = flattenWebhook(webhookPayloadSchema.parse(payload));
    if (event?.kind !== 'message') throw new Error('expected a message');
    expect(customerKey(event.customer)).toEqual({ by: 'waId', value: '16505551234' });
  });

  it('two BSUID users without phone numbers in one batch stay two customers, each with their own contact', () => {
    const a = fixture('message-text-bsuid-username.json') as {
      entry: Array<{ changes: Array<{ value: Record<string, unknown[]> }> }>;
    };
    const b = fixture('message-text-bsuid-empty-from.json') as typeof a;
    const va = a.entry[0]?.changes[0]?.value;
    const vb = b.entry[0]?.changes[0]?.value;
    if (va === undefined || vb === undefined) throw new Error('fixture shape');
    // Contacts in the other order than messages: matching must go by id, not by position.
    va.contacts = [...(vb.contacts ?? []), ...(va.contacts ?? [])];
    va.messages = [...(va.messages ?? []), ...(vb.messages ?? [])];
    const events = flattenWebhook(webhookPayloadSchema.parse(a));
    const customers = events.flatMap((e) => (e.kind === 'message' ? [e.customer] : []));
    expect(customers.map((c) => [c.userId, c.username, c.profileName])).toEqual([
      ['US.13491208655302741918', 'maria.lopez', 'María López'],
      ['BR.1502576394655843', 'joao.pereira', 'João Pereira'],
    ]);
  });

  it('a message must name its sender: without `from` and `from_user_id` the payload does not parse', () => {
    const payload = fixture('message-text-bsuid-username.json') as {
      entry: Array<{ changes: Array<{ value: { messages: Array<Record<string, unknown>> } }> }>;
    };
    expect(webhookPayloadSchema.safeParse(payload).success).toBe(true);
    delete payload.entry[0]?.changes[0]?.value.messages[0]?.from_user_id;
    expect(webhookPayloadSchema.safeParse(payload).success).toBe(false);
  });

  it('a single contact whose ids disagree with the message is not attributed to it', () => {
    const payload = fixture('message-text-bsuid-username.json') as {
      entry: Array<{ changes: Array<{ value: { contacts: Array<Record<string, unknown>> } }> }>;
    };
    const contact = payload.entry[0]?.changes[0]?.value.contacts[0];
    if (contact === undefined) throw new Error('fixture shape');
    contact.user_id = 'US.99999999999999999999';
    const [event] = flattenWebhook(webhookPayloadSchema.parse(payload));
    if (event?.kind !== 'message') throw new Error('expected a message');
    expect(event.customer).toMatchObject({ userId: 'US.13491208655302741918', username: undefined });
    expect(event.contactName).toBeUndefined();
  });
});

describe('message context', () => {
  it(`[${PAGES.text}] forwarded and frequently forwarded texts are flagged`, () => {
    expect(onlyMessage('message-text-forwarded.json').details).toMatchObject({
      forwarded: true,
      frequentlyForwarded: false,
    });
    expect(onlyMessage('message-text-frequently-forwarded.json').details).toMatchObject({
      forwarded: true,
      frequentlyForwarded: true,
    });
    expect(onlyMessage('message-text-phone-with-bsuid.json').details).toMatchObject({
      forwarded: false,
      frequentlyForwarded: false,
      referral: undefined,
    });
  });

  it(`[${PAGES.text}] a reply names the message it quotes`, () => {
    expect(onlyMessage('message-text-reply.json').details.replyTo).toBe(
      'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA',
    );
  });

  it(`[${PAGES.text}] a Click-to-WhatsApp image ad referral keeps every field`, () => {
    expect(onlyMessage('message-text-referral-image-ad.json').details.referral).toEqual({
      sourceUrl: 'https://fb.me/3cr4Wqqkv',
      sourceId: '120211234567890123',
      sourceType: 'ad',
      headline: 'Spring sale: 30% off running shoes',
      body: 'Tap to chat with us on WhatsApp and get your code.',
      mediaType: 'image',
      imageUrl: 'https://scontent.xx.fbcdn.net/v/t45.1600-4/spring-sale.jpg',
      videoUrl: undefined,
      thumbnailUrl: undefined,
      ctwaClid:
        'ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMv-_zfUQ2a',
      welcomeMessage: 'Hi! Tell us your size and we will check stock.',
    });
  });

  it(`[${PAGES.image}] a video ad referral keeps the video and thumbnail, from a BSUID user`, () => {
    const event = onlyMessage('message-text-referral-video-ad.json');
    expect(event.details.referral).toMatchObject({
      mediaType: 'video',
      videoUrl: 'https://video.xx.fbcdn.net/v/t42.1790-2/trail.mp4',
      thumbnailUrl: 'https://scontent.xx.fbcdn.net/v/t15.5256-10/trail-thumb.jpg',
    });
    expect(event.customer.userId).toBe('US.13491208655302741918');
  });

  it(`[${PAGES.catalogResponses}] a product enquiry names the catalog and product`, () => {
    expect(onlyMessage('message-text-product-enquiry.json').details.referredProduct).toEqual({
      catalogId: '194836987003835',
      productRetailerId: 'PACER2-BLU-42',
    });
  });

  it(`[${PAGES.order}] an order yields its items, note and total`, () => {
    const event = onlyMessage('message-order.json');
    expect(isKnownMessage(event.message)).toBe(true);
    expect(event.details.order).toEqual({
      catalogId: '194836987003835',
      text: 'Please gift-wrap the socks.',
      items: [
        { productRetailerId: 'PACER2-BLU-42', quantity: 1, itemPrice: 89.9, currency: 'EUR' },
        { productRetailerId: 'SOCKS-RUN-3P', quantity: 2, itemPrice: 12.99, currency: 'EUR' },
      ],
      totals: [{ currency: 'EUR', amount: 115.88 }],
    });
  });

  it(`[${PAGES.reactionSend}] a reaction names its message; one without an emoji is a removal`, () => {
    expect(onlyMessage('message-reaction.json').details.reaction).toEqual({
      messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA',
      emoji: '👍',
      removed: false,
    });
    expect(onlyMessage('message-reaction-removed.json').details.reaction).toEqual({
      messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA',
      emoji: undefined,
      removed: true,
    });
  });

  it(`[${PAGES.unsupported}] an unsupported message carries Meta's code, title and details`, () => {
    const event = onlyMessage('message-unsupported.json');
    expect(event.message.type).toBe('unsupported');
    expect(event.details.errors).toEqual([
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        details: 'Message type is currently not supported.',
        href: undefined,
      },
    ]);
  });

  it('a completed Flow (nfm_reply) stays an unrecognized interactive message, with its reply read', () => {
    const event = onlyMessage('message-interactive-nfm-reply.json');
    expect(isKnownMessage(event.message)).toBe(false);
    expect(event.details.flowReply).toEqual({
      name: 'flow',
      body: 'Sent',
      responseJson: '{"flow_token":"booking-7731","date":"2026-07-14","party_size":"4"}',
    });
  });
});

describe(`identity changes (${PAGES.system}, ${PAGES.changelog})`, () => {
  it('user_changed_number links the old number and BSUID to the new ones', () => {
    const event = onlyMessage('message-system-user-changed-number.json');
    expect(event.details.system).toEqual({
      type: 'user_changed_number',
      change: 'number',
      body: 'User Sheena Nelson changed from 16505551234 to 16505559876',
      previousWaId: '16505551234',
      newWaId: '16505559876',
      previousUserId: 'US.10254468923137590512',
      newUserId: 'US.10254468923137599999',
      previousParentUserId: undefined,
      newParentUserId: undefined,
    });
    // System messages have no contacts array: the customer is who they were before the change.
    expect(event.customer).toMatchObject({ waId: '16505551234', userId: 'US.10254468923137590512' });
  });

  it('user_changed_user_id reports only the BSUID change', () => {
    const event = onlyMessage('message-system-user-changed-user-id.json');
    expect(event.details.system).toMatchObject({
      change: 'user_id',
      previousWaId: undefined,
      newWaId: undefined,
      previousUserId: 'US.13491208655302741918',
      newUserId: 'US.13491208655302799999',
    });
    expect(event.customer.userId).toBe('US.13491208655302741918');
  });

  it('the legacy customer_changed_number with new_wa_id is still a number change', () => {
    expect(onlyMessage('message-system-customer-changed-number-legacy.json').details.system).toMatchObject({
      change: 'number',
      previousWaId: '16505551234',
      newWaId: '16505559876',
    });
  });
});

describe(`statuses (${PAGES.status}, ${PAGES.bsuid})`, () => {
  it('a status of a send to a phone number carries both the number and the BSUID', () => {
    const event = onlyStatus('status-sent-to-phone.json');
    expect(event.recipient).toMatchObject({ waId: '16505551234', userId: 'US.10254468923137590512' });
  });

  it('a status of a send to a BSUID has no recipient_id: matched by recipient_user_id, with the username', () => {
    const event = onlyStatus('status-delivered-to-bsuid.json');
    expect(event.status.recipient_id).toBe('');
    expect(event.recipient).toEqual({
      userId: 'US.13491208655302741918',
      parentUserId: undefined,
      waId: undefined,
      username: 'maria.lopez',
      profileName: undefined,
    });
  });

  it('a failed status of a send to a phone number has no contacts and no BSUID', () => {
    const event = onlyStatus('status-failed-to-phone.json');
    expect(event.recipient).toMatchObject({ waId: '16505551234', userId: undefined });
    expect(event.status.errors?.[0]?.code).toBe(131047);
  });

  it('a failed status of a send to a BSUID keeps the BSUID', () => {
    expect(onlyStatus('status-failed-to-bsuid.json').recipient).toMatchObject({
      waId: undefined,
      userId: 'US.13491208655302741918',
    });
  });
});

describe(`marketing preferences (${PAGES.userPreferences})`, () => {
  it('a stop is an opt-out, with category, time and the customer', () => {
    const [event, ...rest] = updatesOf('user-preferences-stop.json');
    expect(rest).toEqual([]);
    expect(event).toEqual({
      kind: 'preference',
      wabaId: '102290129340398',
      phoneNumberId: '106540352242922',
      displayPhoneNumber: '15550783881',
      customer: {
        userId: 'US.10254468923137590512',
        parentUserId: undefined,
        waId: '16505551234',
        username: undefined,
        profileName: 'Sheena Nelson',
      },
      category: 'marketing_messages',
      value: 'stop',
      optedOut: true,
      detail: 'User requested to stop marketing messages',
      timestamp: 1781784123,
    });
  });

  it('a resume from a BSUID user is an opt-in', () => {
    const [event] = updatesOf('user-preferences-resume-bsuid.json');
    expect(event).toMatchObject({
      kind: 'preference',
      optedOut: false,
      customer: { userId: 'US.13491208655302741918', waId: undefined },
    });
  });

  it('is not one of the number-scoped events flattenWebhook yields', () => {
    expect(flattenWebhook(webhookPayloadSchema.parse(fixture('user-preferences-stop.json')))).toEqual([]);
  });
});

describe('template updates', () => {
  it(`[${PAGES.templateStatus}] a status update names the template and its new status`, () => {
    expect(updatesOf('template-status-approved.json')).toEqual([
      {
        kind: 'templateStatus',
        wabaId: '102290129340398',
        templateId: '1192339204654491',
        name: 'spring_offer',
        language: 'en',
        status: 'APPROVED',
        reason: 'NONE',
        category: 'MARKETING',
      },
    ]);
    expect(updatesOf('template-status-paused.json')).toMatchObject([
      { status: 'PAUSED', name: 'order_update' },
    ]);
  });

  it(`[${PAGES.templateCategory}] a completed category change gives the old and new category`, () => {
    expect(updatesOf('template-category-changed.json')).toEqual([
      {
        kind: 'templateCategory',
        wabaId: '102290129340398',
        templateId: '1192339204654489',
        name: 'order_update',
        language: 'en',
        phase: 'changed',
        category: 'MARKETING',
        previousCategory: 'UTILITY',
        upcomingCategory: undefined,
        effectiveAt: undefined,
      },
    ]);
  });

  it(`[${PAGES.templateCategory}] an impending change keeps the current category and says what and when`, () => {
    expect(updatesOf('template-category-pending.json')).toMatchObject([
      { phase: 'pending', category: 'UTILITY', upcomingCategory: 'MARKETING', effectiveAt: 1782388800 },
    ]);
  });

  it('a known field whose value does not parse is reported, and the rest of the batch survives', () => {
    const bad = fixture('template-status-approved.json') as {
      entry: Array<{ changes: unknown[] }>;
    };
    const messages = fixture('message-text-phone-with-bsuid.json') as typeof bad;
    const entry = bad.entry[0];
    if (entry === undefined) throw new Error('fixture shape');
    entry.changes = [
      { field: 'message_template_status_update', value: { event: 'APPROVED' } },
      ...(messages.entry[0]?.changes ?? []),
      { field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } },
    ];
    const updates = flattenWebhookUpdates(webhookPayloadSchema.parse(bad));
    expect(updates.map((u) => u.kind)).toEqual(['malformedChange', 'message']);
  });
});
