import { describe, expect, it } from 'vitest';
import { redactPci, redactPciInJson } from './redaction.ts';

describe('redaction at rest', () => {
  it('[S-10] masks card numbers, IBANs and SSNs, keeping their last 4', () => {
    expect(redactPci('card 4111 1111 1111 1111 please', 'US')).toBe('card ************1111 please');
    expect(redactPci('IBAN IT60 X054 2811 1010 0000 0123 456', 'IT')).toBe(`IBAN ${'*'.repeat(23)}3456`);
    expect(redactPci('my SSN is 536-22-8841', 'US')).toBe('my SSN is *****8841');
  });

  it('leaves emails and phone numbers for the presenter (the system may need them)', () => {
    const text = 'write to melissa@gmail.com or call +447966197542';
    expect(redactPci(text, 'GB')).toBe(text);
  });

  it('redacts every string of a JSON document and keeps its shape', () => {
    const raw = JSON.stringify({
      a: [{ text: { body: 'pay with 5555-5555-5555-4444' } }],
      n: 3,
      ok: true,
      none: null,
    });
    expect(JSON.parse(redactPciInJson(raw, 'US'))).toEqual({
      a: [{ text: { body: 'pay with ************4444' } }],
      n: 3,
      ok: true,
      none: null,
    });
  });
});
