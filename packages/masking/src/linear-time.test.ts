/**
 * P8: masking is linear in the text length — 8x the text costs at most 9x the work. Work is
 * counted, not timed: `meter` adds up what the library's own loops and regex scans read (text
 * scanned, context windows, spans compared while resolving overlaps), so a pairwise check between
 * findings or a scan restarting inside text already read shows as a count growing faster than
 * the text, on any machine, however loaded.
 */
import { describe, expect, it } from 'vitest';
import { maskText, meter } from './index.ts';
import type { FindOptions } from './index.ts';

/** `unit` repeated to exactly `length` characters. */
function repeat(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

const CHAT = [
  'la mia carta è 4111 1111 1111 1111 scad 12/27',
  'iban IT60 X054 2811 1010 0000 0123 456',
  'chiamatemi al 347 123 4567 dopo le 18',
  'my email is melissa@gmail.com',
  'mi móvil es +34 612 34 56 78',
  'SSN 536-22-8841',
  'ordine 784512369 del 12/03/2024, totale €1.234,56',
  'Buongiorno, vorrei sapere quando arriva il mio pacco',
].join('\n');

/** Hostile texts: each is one long candidate, or a flood of findings that may overlap. */
const TEXTS: readonly (readonly [string, (length: number) => string])[] = [
  ['digits with single spaces, 1 2 3 4 ...', (n) => repeat('1 2 3 4 5 6 7 8 9 0 ', n)],
  ['digits with dashes, 12-34-56-...', (n) => repeat('12-34-56-78-90-', n)],
  ['one digit run', (n) => repeat('1234567890', n)],
  ['at signs', (n) => repeat('@', n)],
  ['card numbers back to back', (n) => repeat('4111 1111 1111 1111 ', n)],
  ['cards and international phones interleaved', (n) => repeat('4111 1111 1111 1111 +39 347 123 4567 ', n)],
  ['SSNs back to back', (n) => repeat('536-22-8841 ', n)],
  ['IBANs back to back', (n) => repeat('IT60X0542811101000000123456 ', n)],
  ['email addresses back to back', (n) => repeat('a@b.co ', n)],
  ['one email with a domain of many labels', (n) => `x@${repeat('a.', n - 5)}com`],
  ['full-width digits and zero-width spaces', (n) => repeat('４１１１\u200B１１１１ ', n)],
  ['chat messages with numbers', (n) => repeat(`${CHAT}\n`, n)],
];

const PCI: FindOptions = { types: ['CREDIT_CARD', 'IBAN', 'SSN'] };

/** The work `run` does, in meter steps. */
function stepsOf(run: () => unknown): number {
  meter.steps = 0;
  run();
  return meter.steps;
}

const SMALL = 4_000;

describe('[P8] masking costs time linear in the text length', () => {
  it.each(TEXTS)('[P8] %s: 8x the text costs at most 9x the work', (_name, make) => {
    const small = make(SMALL);
    const large = make(8 * SMALL);
    for (const options of [undefined, PCI]) {
      const once = stepsOf(() => maskText(small, options));
      const eight = stepsOf(() => maskText(large, options));
      expect(once).toBeGreaterThan(0);
      expect(eight / once).toBeLessThanOrEqual(9);
      // A bounded amount of work per character, whatever the text.
      expect(eight / large.length).toBeLessThan(50);
    }
  });
});
