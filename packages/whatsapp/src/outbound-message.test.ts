import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  addressOf,
  isBusinessScopedUserId,
  markReadRequest,
  markReadRequestSchema,
  outboundMessageSchema,
} from './outbound-message.ts';

const META = 'https://developers.facebook.com/documentation/business-messaging/whatsapp';
const BSUID_PAGE = `${META}/business-scoped-user-ids`;
const TYPING_PAGE = `${META}/typing-indicators`;

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
}

describe(`sending to a business-scoped user ID (${BSUID_PAGE})`, () => {
  it('accepts a send addressed by `recipient` (a BSUID), as in the fixture', () => {
    const {
      messaging_product: _product,
      recipient_type: _type,
      ...body
    } = fixture('send-text-to-bsuid.request.json');
    const parsed = outboundMessageSchema.parse(body);
    expect(parsed).toMatchObject({ recipient: 'US.13491208655302741918', type: 'text' });
    expect(parsed.to).toBeUndefined();
  });

  it('still accepts `to`, and requires one of the two', () => {
    expect(
      outboundMessageSchema.safeParse({ to: '+16505551234', type: 'text', text: { body: 'x' } }).success,
    ).toBe(true);
    const neither = outboundMessageSchema.safeParse({ type: 'text', text: { body: 'x' } });
    expect(neither.success).toBe(false);
  });

  it('addresses by phone number when one is known, else by BSUID', () => {
    expect(addressOf({ waId: '16505551234', userId: 'US.1' })).toEqual({ to: '16505551234' });
    expect(addressOf({ waId: '', userId: 'US.13491208655302741918' })).toEqual({
      recipient: 'US.13491208655302741918',
    });
    expect(() => addressOf({})).toThrow();
  });

  it('recognises the BSUID and parent BSUID formats', () => {
    expect(isBusinessScopedUserId('US.13491208655302741918')).toBe(true);
    expect(isBusinessScopedUserId('US.ENT.11815799212886844830')).toBe(true);
    expect(isBusinessScopedUserId('16505551234')).toBe(false);
    expect(isBusinessScopedUserId('us.123')).toBe(false);
  });
});

describe(`typing indicator (${TYPING_PAGE})`, () => {
  it('builds the mark-as-read call with typing_indicator { type: text }, as in the fixture', () => {
    const expected = fixture('mark-read-with-typing.request.json');
    expect(markReadRequest(expected.message_id as string, { typing: true })).toEqual(expected);
    expect(markReadRequestSchema.parse(expected)).toEqual(expected);
  });

  it('builds a plain mark-as-read without it', () => {
    expect(markReadRequest('wamid.A')).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.A',
    });
  });
});

describe('interactive sends (issue 18, CSAT): reply buttons and lists as Meta documents them', () => {
  const buttons = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ type: 'reply', reply: { id: `b${i}`, title: `B${i}` } }));

  it('accepts up to 3 reply buttons and refuses a 4th', () => {
    const send = (n: number) =>
      outboundMessageSchema.safeParse({
        to: '+16505551234',
        type: 'interactive',
        interactive: { type: 'button', body: { text: 'How did we do?' }, action: { buttons: buttons(n) } },
      }).success;
    expect(send(3)).toBe(true);
    expect(send(4)).toBe(false);
  });

  it('accepts a list of up to 10 rows with titles of at most 24 characters', () => {
    const list = (rows: { id: string; title: string }[]) =>
      outboundMessageSchema.safeParse({
        to: '+16505551234',
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Rate us' },
          action: { button: 'Choose', sections: [{ rows }] },
        },
      }).success;
    const five = [1, 2, 3, 4, 5].map((n) => ({ id: `csat:${n}`, title: `${n}` }));
    expect(list(five)).toBe(true);
    expect(list([{ id: 'x', title: 'x'.repeat(25) }])).toBe(false);
    expect(list(Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `${i}` })))).toBe(false);
  });
});
