import { describe, expect, it } from 'vitest';
import { MetaError } from './meta-errors.ts';
import { parseMessagesRequest, toWaId } from './send-request.ts';
import type { SimTemplate } from './templates.ts';

const noMedia = (): boolean => false;
const envelope = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '+16505551234' };

function errorOf(body: unknown): MetaError {
  try {
    parseMessagesRequest(body, noMedia);
  } catch (error) {
    if (error instanceof MetaError) return error;
    throw error;
  }
  throw new Error('expected a MetaError');
}

describe("parseMessagesRequest (the simulator's Graph-side validation)", () => {
  it('accepts the shared send-text example shape', () => {
    const request = parseMessagesRequest(
      {
        ...envelope,
        context: { message_id: 'wamid.Q' },
        type: 'text',
        text: { preview_url: false, body: 'Yes' },
      },
      noMedia,
    );
    expect(request).toMatchObject({
      kind: 'send',
      address: { by: 'phone', input: '+16505551234', waId: '16505551234' },
      type: 'text',
      replyTo: 'wamid.Q',
      preview: 'Yes',
      isTemplate: false,
    });
  });

  it('treats a missing type as text, as Meta does', () => {
    expect(parseMessagesRequest({ ...envelope, text: { body: 'x' } }, noMedia)).toMatchObject({
      type: 'text',
    });
  });

  it('recognises a mark-as-read body', () => {
    expect(
      parseMessagesRequest({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.A' }, noMedia),
    ).toEqual({
      kind: 'read',
      messageId: 'wamid.A',
      typing: false,
    });
  });

  it('[typing-indicators] recognises a mark-as-read with typing_indicator { type: text }, and refuses other types', () => {
    const body = { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.A' };
    expect(parseMessagesRequest({ ...body, typing_indicator: { type: 'text' } }, noMedia)).toEqual({
      kind: 'read',
      messageId: 'wamid.A',
      typing: true,
    });
    expect(errorOf({ ...body, typing_indicator: { type: 'audio' } })).toMatchObject({
      code: 100,
      details: "Param typing_indicator['type'] must be one of {text}.",
    });
  });

  it('[business-scoped-user-ids] addresses a send by `recipient` (a BSUID); `to` wins when both are given', () => {
    const { to: _to, ...noTo } = envelope;
    expect(
      parseMessagesRequest({ ...noTo, recipient: 'US.13491208655302741918', text: { body: 'x' } }, noMedia),
    ).toMatchObject({
      kind: 'send',
      address: { by: 'bsuid', input: 'US.13491208655302741918', userId: 'US.13491208655302741918' },
    });
    expect(
      parseMessagesRequest(
        { ...envelope, recipient: 'US.13491208655302741918', text: { body: 'x' } },
        noMedia,
      ),
    ).toMatchObject({ address: { by: 'phone', waId: '16505551234' } });
    expect(errorOf({ ...noTo, recipient: '16505551234', text: { body: 'x' } })).toMatchObject({
      code: 100,
      details: 'Param recipient is not a valid business-scoped user ID.',
    });
  });

  it('refuses a paused (132015), disabled (132016) or unapproved (132001) template', () => {
    const template = (status: SimTemplate['status']): SimTemplate => ({
      id: '1',
      name: 't',
      language: 'en',
      status,
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'hi' }],
    });
    const send = { ...envelope, type: 'template', template: { name: 't', language: { code: 'en' } } };
    const codeFor = (status: SimTemplate['status']): number | undefined => {
      try {
        parseMessagesRequest(send, noMedia, [template(status)]);
      } catch (error) {
        if (error instanceof MetaError) return error.code;
        throw error;
      }
      return undefined;
    };
    expect(codeFor('APPROVED')).toBeUndefined();
    expect(codeFor('PAUSED')).toBe(132015);
    expect(codeFor('DISABLED')).toBe(132016);
    expect(codeFor('REJECTED')).toBe(132001);
  });

  it.each([
    [{ to: '1650555', text: { body: 'x' } }, 'The parameter messaging_product is required.'],
    [
      { ...envelope, messaging_product: 'sms', text: { body: 'x' } },
      "Param messaging_product must be 'whatsapp'.",
    ],
    [{ messaging_product: 'whatsapp', text: { body: 'x' } }, 'The parameter to is required.'],
    [
      { ...envelope, type: 'text', text: { body: 'x'.repeat(4097) } },
      "Param text['body'] must be at most 4096 characters long.",
    ],
    [{ ...envelope, type: 'text' }, 'The parameter text is required.'],
    [
      { ...envelope, type: 'image', image: { id: '1' } },
      "Param image['id'] is not a valid uploaded media id.",
    ],
    [{ ...envelope, type: 'image', image: {} }, 'Param image must have exactly one of id or link.'],
  ])('rejects %j with code 100', (body, details) => {
    const error = errorOf(body);
    expect(error.httpStatus).toBe(400);
    expect(error.code).toBe(100);
    expect(error.toBody().error.error_data?.details).toBe(details);
  });

  it('rejects an unknown message type', () => {
    expect(errorOf({ ...envelope, type: 'hologram', hologram: {} }).code).toBe(100);
  });

  it('renders a template the way the phone shows it', () => {
    const request = parseMessagesRequest(
      {
        ...envelope,
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'en' },
          components: [
            { type: 'body', parameters: ['Ann', '#42', 'shipped'].map((text) => ({ type: 'text', text })) },
          ],
        },
      },
      noMedia,
    );
    expect(request).toMatchObject({ isTemplate: true, preview: 'Hi Ann, your order #42 is shipped.' });
  });

  it('reduces a number to its digits', () => {
    expect(toWaId('+1 (650) 555-1234')).toBe('16505551234');
  });
});

describe('interactive sends (issue 18): what the phone offers to tap', () => {
  it('reads reply buttons as button_reply choices', () => {
    const request = parseMessagesRequest(
      {
        ...envelope,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'How did we do?' },
          action: { buttons: [{ type: 'reply', reply: { id: 'csat:1', title: '😞' } }] },
        },
      },
      noMedia,
    );
    expect(request).toMatchObject({
      kind: 'send',
      preview: 'How did we do?',
      choices: { reply: 'button_reply', options: [{ id: 'csat:1', title: '😞' }] },
    });
  });

  it('reads a list as list_reply choices behind its button, and refuses one without a button or over 10 rows', () => {
    const list = (action: Record<string, unknown>) => ({
      ...envelope,
      type: 'interactive',
      interactive: { type: 'list', body: { text: 'Rate us' }, action },
    });
    const rows = [1, 2, 3, 4, 5].map((n) => ({ id: `csat:${n}`, title: `${n}` }));
    const request = parseMessagesRequest(list({ button: 'Rate', sections: [{ rows }] }), noMedia);
    expect(request).toMatchObject({ choices: { reply: 'list_reply', button: 'Rate', options: rows } });
    expect(errorOf(list({ sections: [{ rows }] })).code).toBe(100);
    const eleven = Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `${i}` }));
    expect(errorOf(list({ button: 'Rate', sections: [{ rows: eleven }] })).code).toBe(100);
  });
});
