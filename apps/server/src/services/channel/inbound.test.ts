import { inboundMessageSchema, type InboundMessage } from '@parlo/whatsapp';
import { describe, expect, it } from 'vitest';
import { contentOf } from '../../views/index.ts';
import { inboundMessageId, inboundParts, inboundSentAt } from './inbound.ts';

const base = { from: '16505551234', id: 'wamid.1', timestamp: '1749416383' };
const parse = (message: Record<string, unknown>): InboundMessage =>
  inboundMessageSchema.parse({ ...base, ...message });

describe('[issue-4] inbound messages become text + content, every type', () => {
  it('text stays plain text, without content', () => {
    const parts = inboundParts(parse({ type: 'text', text: { body: 'hi' } }));
    expect(parts).toMatchObject({ kind: 'text', text: 'hi', content: null, replyToWamid: null, media: null });
    expect(contentOf(parts)).toEqual({ kind: 'text' });
  });

  it.each(['image', 'audio', 'video', 'document', 'sticker'] as const)(
    '%s: caption as text, media pending with its WhatsApp id and a Parlo URL',
    (type) => {
      const parts = inboundParts(
        parse({
          type,
          [type]: {
            id: 'm1',
            mime_type: 'x/y',
            sha256: 'abc',
            caption: 'look',
            filename: 'f.pdf',
            voice: true,
          },
        }),
      );
      expect(parts.kind).toBe(type);
      expect(parts.text).toBe('look');
      expect(parts.media).toMatchObject({
        waMediaId: 'm1',
        mimeType: 'x/y',
        fileName: 'f.pdf',
        sha256: 'abc',
      });
      const content = contentOf(parts);
      expect(content).toMatchObject({
        kind: type,
        media: { status: 'pending', url: `/api/media/${parts.media?.id ?? ''}`, mimeType: 'x/y' },
      });
      if (content.kind === 'audio') expect(content.voice).toBe(true);
    },
  );

  it('location carries a map link; contacts their names and phones', () => {
    const place = inboundParts(
      parse({ type: 'location', location: { latitude: 1.5, longitude: -2, name: 'Shop' } }),
    );
    expect(contentOf(place)).toEqual({
      kind: 'location',
      latitude: 1.5,
      longitude: -2,
      name: 'Shop',
      address: null,
      mapUrl: 'https://www.openstreetmap.org/?mlat=1.5&mlon=-2#map=16/1.5/-2',
    });
    const card = inboundParts(
      parse({
        type: 'contacts',
        contacts: [{ name: { formatted_name: 'Jo' }, phones: [{ phone: '+1 555' }, { wa_id: '1555' }] }],
      }),
    );
    expect(contentOf(card)).toEqual({
      kind: 'contacts',
      contacts: [{ name: 'Jo', phones: ['+1 555', '1555'] }],
    });
  });

  it('button and list replies and template buttons show the chosen title', () => {
    const list = inboundParts(
      parse({
        type: 'interactive',
        interactive: { type: 'list_reply', list_reply: { id: 'a', title: 'Tue', description: 'am' } },
      }),
    );
    expect(list.text).toBe('Tue');
    expect(contentOf(list)).toEqual({ kind: 'interactive', reply: 'list', title: 'Tue', description: 'am' });
    const button = inboundParts(parse({ type: 'button', button: { payload: 'P', text: 'Stop' } }));
    expect(contentOf(button)).toEqual({ kind: 'button', title: 'Stop', payload: 'P' });
  });

  it('a reaction targets its message; a reply keeps the quoted wamid', () => {
    const reaction = inboundParts(
      parse({ type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } }),
    );
    expect(reaction).toMatchObject({ kind: 'reaction', replyToWamid: 'wamid.x' });
    expect(contentOf(reaction)).toEqual({ kind: 'reaction', emoji: '👍' });
    const removed = inboundParts(parse({ type: 'reaction', reaction: { message_id: 'wamid.x' } }));
    expect(contentOf(removed)).toEqual({ kind: 'reaction', emoji: '' });
    const reply = inboundParts(
      parse({ type: 'text', text: { body: 'yes' }, context: { from: '1', id: 'wamid.q' } }),
    );
    expect(reply.replyToWamid).toBe('wamid.q');
  });

  it('unsupported and unknown types are placeholders, never dropped; a system message is a change note', () => {
    expect(contentOf(inboundParts(parse({ type: 'unsupported', unsupported: { type: 'edit' } })))).toEqual({
      kind: 'unsupported',
      type: 'edit',
      code: null,
      title: null,
    });
    expect(contentOf(inboundParts(parse({ type: 'hologram', hologram: {} })))).toEqual({
      kind: 'unsupported',
      type: 'hologram',
      code: null,
      title: null,
    });
    const system = inboundParts(parse({ type: 'system', system: { body: 'changed number' } }));
    expect(contentOf(system)).toEqual({ kind: 'customerChanged', change: 'other' });
    expect(system.text).toBe('changed number');
    // An order without its parsed details stays a placeholder rather than an empty card.
    expect(
      contentOf(inboundParts(parse({ type: 'order', order: { catalog_id: 'c', product_items: [] } }))),
    ).toEqual({ kind: 'unsupported', type: 'order', code: null, title: null });
  });

  it('an unreadable stored content shows as a placeholder', () => {
    expect(contentOf({ content: '{not json' })).toEqual({ kind: 'unsupported', type: 'unknown' });
    expect(contentOf({ content: '{"kind":"warp"}' })).toEqual({ kind: 'unsupported', type: 'unknown' });
  });

  it('ids of one millisecond sort in arrival order (ties of Meta timestamps keep it)', () => {
    const ids = Array.from({ length: 50 }, () => inboundMessageId(1_700_000_000_000));
    expect([...ids].sort()).toEqual(ids);
  });
});

describe("[S-6] an inbound message's place in the timeline: its receipt, inside Meta's second", () => {
  const second = 1_700_000_000;
  it('received within its second: the receipt, to the millisecond', () => {
    expect(inboundSentAt(String(second), second * 1000 + 730)).toBe(second * 1000 + 730);
  });
  it('received later (a retry): the last millisecond of its second, so other seconds keep their order', () => {
    expect(inboundSentAt(String(second), second * 1000 + 86_400_000)).toBe(second * 1000 + 999);
  });
  it("received before its second (the server's clock behind Meta's): the second's start", () => {
    expect(inboundSentAt(String(second), second * 1000 - 2000)).toBe(second * 1000);
  });
  it('no usable timestamp: the receipt', () => {
    expect(inboundSentAt('', 42_000)).toBe(42_000);
    expect(inboundSentAt('soon', 42_000)).toBe(42_000);
  });
});
