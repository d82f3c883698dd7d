import { describe, expect, it } from 'vitest';
import { MetaError } from './meta-errors.ts';
import { parseMessagesRequest, toWaId } from './send-request.ts';

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
      waId: '16505551234',
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
    });
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
