import { describe, expect, it } from 'vitest';
import {
  redactDelivery,
  redactDeliveryInline,
  redactedText,
  redactPci,
  redactPciInJson,
  toRedaction,
} from './redaction.ts';

describe('a delivery redacted in one job (inline or in the mask pool)', () => {
  const texts = ['pay with 5555-5555-5555-4444', 'plain words', 'my SSN is 536-22-8841'];
  const raw = JSON.stringify({
    messages: texts.map((body, i) => ({ id: `w${i}`, text: { body } })),
    // The same text twice, and a caption that is only a card: each stored the same way.
    again: [texts[0], { caption: 'IBAN IT60 X054 2811 1010 0000 0123 456' }],
    n: 3,
  });

  it('[S-10] its body and every string of it come out as redactPciInJson and redactPci give them', () => {
    const result = redactDelivery({ raw: Buffer.from(raw) });
    expect(result.body).toBe(redactPciInJson(raw, undefined));
    // Only what changed travels back from the worker, by its place among the body's strings.
    expect(result.changed.map(([ordinal]) => ordinal)).toEqual([1, 5, 6, 7]);
    const redaction = toRedaction(JSON.parse(raw), result);
    for (const text of [...texts, 'IBAN IT60 X054 2811 1010 0000 0123 456'])
      expect(redactedText(redaction, text, 'IT')).toBe(redactPci(text, 'IT'));
    // A text the body does not hold (a location's name and address joined) is redacted on the spot.
    expect(redactedText(redaction, 'card 4111 1111 1111 1111', 'US')).toBe('card ************1111');
    // Inline, in one walk: the same.
    const inline = redactDeliveryInline(Buffer.from(raw));
    expect(inline.body).toBe(result.body);
    expect([...inline.texts]).toEqual([...redaction.texts]);
  });

  it('[S-10] an answer paired with the parse of another body is refused, never applied', () => {
    const result = redactDelivery({ raw: Buffer.from(raw) });
    const other = JSON.parse(raw) as { messages: unknown[] };
    other.messages.shift();
    expect(() => toRedaction(other, result)).toThrow(/does not match/);
  });

  it('[S-10] a body with nothing to mask is kept as received, byte for byte; one with a card loses it everywhere', () => {
    // Spacing and key order of Meta's own serialisation: a re-serialised copy would differ.
    const plain =
      '{ "object": "whatsapp_business_account",\n  "entry": [ { "text": { "body": "ciao" }, "n": 1.50 } ] }';
    expect(redactDelivery({ raw: Buffer.from(plain) })).toEqual({ body: plain, changed: [] });
    const withCard = plain.replace('ciao', 'carta 4111 1111 1111 1111');
    const body = redactDelivery({ raw: Buffer.from(withCard) }).body;
    expect(body).not.toContain('4111 1111 1111');
    expect(JSON.parse(body)).toEqual({
      object: 'whatsapp_business_account',
      entry: [{ text: { body: 'carta ************1111' }, n: 1.5 }],
    });
  });
});
