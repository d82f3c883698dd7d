import { describe, expect, it } from 'vitest';
import { INLINE_MAX_BYTES, MaskPool, maskPoolActivity } from './mask-pool.ts';
import { redactPci } from './redaction.ts';

describe('the mask pool', () => {
  it('[P8] redacts a large delivery in a worker thread (loaded under vitest too), as inline redaction would', async () => {
    const text = 'carta 4111 1111 1111 1111 e SSN 536-22-8841; '.repeat(2000);
    const raw = Buffer.from(JSON.stringify({ entry: [{ text: { body: text } }], note: 'ok' }));
    expect(raw.byteLength).toBeGreaterThan(INLINE_MAX_BYTES);
    const pool = new MaskPool();
    const before = maskPoolActivity().completed;
    const redaction = await pool.redact(raw, () => JSON.parse(raw.toString('utf8')));
    await pool.close();
    expect(maskPoolActivity().completed).toBe(before + 1);
    expect(redaction.texts.get(text)).toBe(redactPci(text, undefined));
    expect(JSON.parse(redaction.body)).toEqual({
      entry: [{ text: { body: redactPci(text, undefined) } }],
      note: 'ok',
    });
  });
});
