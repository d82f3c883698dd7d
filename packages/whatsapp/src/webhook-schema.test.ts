import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flattenWebhook } from './flatten.ts';
import {
  isKnownMessage,
  isKnownStatus,
  webhookPayloadSchema,
  type InboundMessage,
  type WebhookPayloadInput,
} from './webhook-schema.ts';

// The shared contract folder sits beside the checkout (/work/shared next to /work/main).
const examplesDir = new URL('../../../../shared/whatsapp/examples/', import.meta.url);

const metadata = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

function payload(messages: unknown[], extra: Record<string, unknown> = {}): WebhookPayloadInput {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata,
              contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
              messages,
              ...extra,
            },
          },
        ],
      },
    ],
  };
}

const base = { from: '16505551234', id: 'wamid.A', timestamp: '1749416383' };
const media = { id: '1037543291543636', mime_type: 'image/jpeg', sha256: 'abc' };

/** One well-formed message of every known type. */
const messagesByType: Record<string, Record<string, unknown>> = {
  text: { ...base, type: 'text', text: { body: 'hi' } },
  image: { ...base, type: 'image', image: { ...media, caption: 'look' } },
  audio: { ...base, type: 'audio', audio: { ...media, mime_type: 'audio/ogg; codecs=opus', voice: true } },
  video: { ...base, type: 'video', video: { ...media, mime_type: 'video/mp4' } },
  document: {
    ...base,
    type: 'document',
    document: { ...media, mime_type: 'application/pdf', filename: 'a.pdf' },
  },
  sticker: { ...base, type: 'sticker', sticker: { ...media, mime_type: 'image/webp', animated: false } },
  location: {
    ...base,
    type: 'location',
    location: { latitude: 52.1, longitude: 4.3, name: 'HQ', address: 'Main St' },
  },
  contacts: {
    ...base,
    type: 'contacts',
    contacts: [
      { name: { formatted_name: 'Ann', first_name: 'Ann' }, phones: [{ phone: '+1 555', wa_id: '1555' }] },
    ],
  },
  interactive: {
    ...base,
    type: 'interactive',
    interactive: { type: 'button_reply', button_reply: { id: 'b1', title: 'Yes' } },
  },
  button: { ...base, type: 'button', button: { payload: 'STOP', text: 'Stop promotions' } },
  reaction: { ...base, type: 'reaction', reaction: { message_id: 'wamid.B', emoji: '👍' } },
  order: {
    ...base,
    type: 'order',
    order: {
      catalog_id: 'c1',
      text: 'please',
      product_items: [{ product_retailer_id: 'sku1', quantity: 2, item_price: 9.5, currency: 'EUR' }],
    },
  },
  system: {
    ...base,
    type: 'system',
    system: { body: 'User changed number', type: 'user_changed_number', new_wa_id: '1666' },
  },
  unsupported: {
    ...base,
    type: 'unsupported',
    unsupported: { type: 'poll' },
    errors: [
      {
        code: 131051,
        title: 'Message type unknown',
        error_data: { details: 'Message type is currently not supported.' },
      },
    ],
  },
};

function only(input: WebhookPayloadInput): InboundMessage {
  const events = flattenWebhook(webhookPayloadSchema.parse(input));
  expect(events).toHaveLength(1);
  const event = events[0];
  if (event?.kind !== 'message') throw new Error('expected a message event');
  return event.message;
}

describe('webhookPayloadSchema', () => {
  const files = readdirSync(examplesDir).filter(
    (f) => f.endsWith('.json') && !/\.(request|response)\.json$/.test(f),
  );

  it('finds the shared examples', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('parses the shared example %s', (file) => {
    const json: unknown = JSON.parse(readFileSync(new URL(file, examplesDir), 'utf8'));
    const parsed = webhookPayloadSchema.parse(json);
    expect(flattenWebhook(parsed).length).toBeGreaterThan(0);
  });

  it('reads the shared inbound text example', () => {
    const json: unknown = JSON.parse(readFileSync(new URL('inbound-text.json', examplesDir), 'utf8'));
    const [event] = flattenWebhook(webhookPayloadSchema.parse(json));
    expect(event).toMatchObject({
      kind: 'message',
      phoneNumberId: '106540352242922',
      displayPhoneNumber: '15550783881',
      wabaId: '102290129340398',
      contactName: 'Sheena Nelson',
      message: { type: 'text', text: { body: 'Does it come in another color?' } },
    });
  });

  it('reads the shared failed status example with its error', () => {
    const json: unknown = JSON.parse(readFileSync(new URL('status-failed.json', examplesDir), 'utf8'));
    const [event] = flattenWebhook(webhookPayloadSchema.parse(json));
    if (event?.kind !== 'status' || !isKnownStatus(event.status)) throw new Error('expected a known status');
    expect(event.status.status).toBe('failed');
    expect(event.status.errors?.[0]?.code).toBe(131049);
  });

  it.each(Object.keys(messagesByType))('parses a %s message as a known type', (type) => {
    const message = only(payload([messagesByType[type]]));
    expect(isKnownMessage(message)).toBe(true);
    expect(message.type).toBe(type);
  });

  it('parses a list_reply interactive message', () => {
    const message = only(
      payload([
        {
          ...base,
          type: 'interactive',
          interactive: { type: 'list_reply', list_reply: { id: 'r', title: 'T', description: 'D' } },
        },
      ]),
    );
    if (!isKnownMessage(message) || message.type !== 'interactive') throw new Error('expected interactive');
    expect(message.interactive.type).toBe('list_reply');
  });

  it('keeps a message of an unknown type, marked unrecognized, with its fields', () => {
    const message = only(payload([{ ...base, type: 'hologram', hologram: { depth: 3 } }]));
    expect(isKnownMessage(message)).toBe(false);
    expect(message).toMatchObject({
      type: 'hologram',
      unrecognized: true,
      hologram: { depth: 3 },
      id: 'wamid.A',
    });
  });

  it('keeps a known type in an unexpected shape as unrecognized rather than rejecting the batch', () => {
    const input = payload([{ ...base, type: 'text', text: { html: '<b>' } }, messagesByType.text]);
    const events = flattenWebhook(webhookPayloadSchema.parse(input));
    expect(events.map((e) => e.kind === 'message' && isKnownMessage(e.message))).toEqual([false, true]);
  });

  it('tolerates unknown extra fields everywhere', () => {
    const input = payload([
      { ...messagesByType.text, brand_new: 1, context: { from: '1555', id: 'wamid.Q', extra: true } },
    ]);
    const message = only({ ...input, extra: 'x' });
    expect(message.context?.id).toBe('wamid.Q');
  });

  it('a switch over known types is exhaustive (compile-time) and reads each type field', () => {
    const summaries = Object.values(messagesByType).map((m) => {
      const message = only(payload([m]));
      if (!isKnownMessage(message)) return 'placeholder';
      switch (message.type) {
        case 'text':
          return message.text.body;
        case 'image':
          return message.image.caption ?? '';
        case 'audio':
          return String(message.audio.voice);
        case 'video':
          return message.video.mime_type;
        case 'document':
          return message.document.filename ?? '';
        case 'sticker':
          return message.sticker.id;
        case 'location':
          return String(message.location.latitude);
        case 'contacts':
          return message.contacts[0]?.name?.formatted_name ?? '';
        case 'interactive':
          return message.interactive.type;
        case 'button':
          return message.button.payload;
        case 'reaction':
          return message.reaction.emoji ?? '';
        case 'order':
          return message.order.catalog_id;
        case 'system':
          return message.system.type ?? '';
        case 'unsupported':
          return String(message.errors?.[0]?.code);
      }
    });
    expect(summaries).toEqual([
      'hi',
      'look',
      'true',
      'video/mp4',
      'a.pdf',
      '1037543291543636',
      '52.1',
      'Ann',
      'button_reply',
      'STOP',
      '👍',
      'c1',
      'user_changed_number',
      '131051',
    ]);
  });

  it('keeps statuses of every kind, and an unknown status value as unrecognized', () => {
    const statuses = ['sent', 'delivered', 'read', 'played', 'failed', 'deleted'].map((status, i) => ({
      id: `wamid.S${i}`,
      status,
      timestamp: '1751142888',
      recipient_id: '16505551234',
      ...(status === 'sent'
        ? {
            conversation: { id: 'c', origin: { type: 'service' } },
            pricing: { billable: true, pricing_model: 'PMP', category: 'service' },
          }
        : {}),
    }));
    const events = flattenWebhook(webhookPayloadSchema.parse(payload([], { statuses })));
    expect(
      events.map((e) => (e.kind === 'status' ? [e.status.status, isKnownStatus(e.status)] : null)),
    ).toEqual([
      ['sent', true],
      ['delivered', true],
      ['read', true],
      ['played', true],
      ['failed', true],
      ['deleted', false],
    ]);
  });

  it('flattens every entry, change, message and status of a batched payload, in order', () => {
    const value = (phoneNumberId: string, display: string, extra: Record<string, unknown>) => ({
      field: 'messages',
      value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: display, phone_number_id: phoneNumberId },
        ...extra,
      },
    });
    const input = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'waba-1',
          changes: [
            value('p1', 'd1', {
              contacts: [
                { profile: { name: 'Ann' }, wa_id: '111' },
                { profile: { name: 'Bob' }, wa_id: '222' },
              ],
              messages: [
                { ...messagesByType.text, id: 'm1', from: '111' },
                { ...messagesByType.text, id: 'm2', from: '222' },
                { ...messagesByType.text, id: 'm3', from: '111' },
              ],
            }),
            value('p2', 'd2', {
              statuses: [{ id: 's1', status: 'read', timestamp: '1', recipient_id: '333' }],
            }),
            { field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } },
          ],
        },
        {
          id: 'waba-2',
          changes: [
            value('p3', 'd3', {
              messages: [{ ...messagesByType.reaction, id: 'm4', from: '444' }],
              statuses: [{ id: 's2', status: 'delivered', timestamp: '2', recipient_id: '444' }],
              errors: [{ code: 131000, title: 'Something went wrong' }],
            }),
          ],
        },
      ],
    };
    const events = flattenWebhook(webhookPayloadSchema.parse(input));
    expect(
      events.map((e) => {
        switch (e.kind) {
          case 'message':
            return `${e.wabaId}/${e.phoneNumberId}/msg:${e.message.id}:${e.contactName ?? '-'}`;
          case 'status':
            return `${e.wabaId}/${e.phoneNumberId}/status:${e.status.id}:${e.status.status}`;
          case 'error':
            return `${e.wabaId}/${e.phoneNumberId}/error:${e.error.code}`;
        }
      }),
    ).toEqual([
      'waba-1/p1/msg:m1:Ann',
      'waba-1/p1/msg:m2:Bob',
      'waba-1/p1/msg:m3:Ann',
      'waba-1/p2/status:s1:read',
      'waba-2/p3/msg:m4:-',
      'waba-2/p3/status:s2:delivered',
      'waba-2/p3/error:131000',
    ]);
  });

  it('rejects what is not a WhatsApp webhook', () => {
    expect(webhookPayloadSchema.safeParse({ object: 'page', entry: [] }).success).toBe(false);
    expect(webhookPayloadSchema.safeParse({ object: 'whatsapp_business_account' }).success).toBe(false);
    const noMetadata = {
      object: 'whatsapp_business_account',
      entry: [{ id: 'w', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp' } }] }],
    };
    expect(webhookPayloadSchema.safeParse(noMetadata).success).toBe(false);
  });
});
