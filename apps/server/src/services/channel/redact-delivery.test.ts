import { describe, expect, it } from 'vitest';
import { redactDelivery, redactedText, redactPci, redactPciInJson, toRedaction } from './redaction.ts';

describe('a delivery redacted in one job (inline or in the mask pool)', () => {
  it('[S-10] its body and its messages’ texts come out as redactPciInJson and redactPci give them', () => {
    const texts = ['pay with 5555-5555-5555-4444', 'plain words', 'my SSN is 536-22-8841'];
    const raw = JSON.stringify({ messages: texts.map((body, i) => ({ id: `w${i}`, text: { body } })), n: 3 });
    const job = {
      raw: Buffer.from(raw),
      texts: [...texts, '[image] IBAN IT60 X054 2811 1010 0000 0123 456'],
    };
    const result = redactDelivery(job);
    expect(result.body).toBe(redactPciInJson(raw, undefined));
    // Unchanged texts come back as null: nothing to copy back from the worker.
    expect(result.texts).toEqual([
      redactPci(texts[0]!, undefined),
      null,
      redactPci(texts[2]!, undefined),
      redactPci(job.texts[3]!, undefined),
    ]);
    const redaction = toRedaction(job, result);
    for (const text of job.texts) expect(redactedText(redaction, text, 'IT')).toBe(redactPci(text, 'IT'));
    // A text the job did not carry is redacted on the spot.
    expect(redactedText(redaction, 'card 4111 1111 1111 1111', 'US')).toBe('card ************1111');
  });

  it('[S-10] a body with nothing to mask is kept as received, byte for byte; one with a card loses it everywhere', () => {
    // Spacing and key order of Meta's own serialisation: a re-serialised copy would differ.
    const raw =
      '{ "object": "whatsapp_business_account",\n  "entry": [ { "text": { "body": "ciao" }, "n": 1.50 } ] }';
    expect(redactDelivery({ raw: Buffer.from(raw), texts: ['ciao'] }).body).toBe(raw);
    const withCard = raw.replace('ciao', 'carta 4111 1111 1111 1111');
    const body = redactDelivery({ raw: Buffer.from(withCard), texts: [] }).body;
    expect(body).not.toContain('4111 1111 1111');
    expect(JSON.parse(body)).toEqual({
      object: 'whatsapp_business_account',
      entry: [{ text: { body: 'carta ************1111' }, n: 1.5 }],
    });
  });
});
