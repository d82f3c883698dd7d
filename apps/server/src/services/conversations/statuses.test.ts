import { describe, expect, it } from 'vitest';
import { advances } from './statuses.ts';

describe('delivery status order', () => {
  it('moves forward: pending -> sent -> delivered -> read', () => {
    expect(advances('pending', 'sent')).toBe(true);
    expect(advances('sent', 'delivered')).toBe(true);
    expect(advances('delivered', 'read')).toBe(true);
    expect(advances('sent', 'read')).toBe(true); // delivered may be skipped
  });

  it('never moves backwards', () => {
    expect(advances('read', 'delivered')).toBe(false);
    expect(advances('delivered', 'sent')).toBe(false);
    expect(advances('read', 'read')).toBe(false);
  });

  it('failed is final', () => {
    expect(advances('sent', 'failed')).toBe(true);
    expect(advances('failed', 'read')).toBe(false);
  });
});
