/**
 * The labelled corpus: checks every span, then scores the detector against it.
 *
 * Scoring is span-EXACT: a finding counts as a true positive only when type, start and end all
 * equal a labelled span. A finding that covers a value but is one character off is both a
 * false positive and a false negative, so the figures are a lower bound on masking quality.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findSensitive, FINDING_TYPES } from '../src/index.ts';
import type { FindingType } from '../src/index.ts';
import { buildCorpus } from './generate-corpus.ts';
import type { CorpusLine } from './generate-corpus.ts';

const path = fileURLToPath(new URL('../corpus/corpus.jsonl', import.meta.url));
const raw = readFileSync(path, 'utf8');
const lines = raw
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as CorpusLine);

const MIN_RECALL = 0.99;
const MIN_PRECISION = 0.98;

// Independent checks of each labelled value (not the library's own code).
function plain(s: string): string {
  return s.normalize('NFKC').replace(/[\p{Cf}]/gu, '');
}
function luhn(d: string): boolean {
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let v = Number(d[d.length - 1 - i]);
    if (i % 2 === 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
  }
  return sum % 10 === 0;
}
function ibanOk(s: string): boolean {
  const c = s.toUpperCase().replace(/[^0-9A-Z]/g, '');
  const moved = c.slice(4) + c.slice(0, 4);
  let r = 0;
  for (const ch of moved) {
    const v = /[0-9]/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) r = (r * 10 + Number(d)) % 97;
  }
  return r === 1;
}
function valueLooksRight(type: FindingType, value: string): boolean {
  const p = plain(value);
  const digits = p.replace(/[^0-9]/g, '');
  switch (type) {
    case 'CREDIT_CARD':
      return (
        digits.length >= 13 && digits.length <= 19 && luhn(digits) && /^[0-9][0-9 .\p{Pd}]*[0-9]$/u.test(p)
      );
    case 'IBAN':
      return /^[A-Za-z]{2}[0-9]{2}/.test(p) && ibanOk(p);
    case 'SSN':
      return digits.length === 9 && /^[0-9][0-9 .\p{Pd}]*[0-9]$/u.test(p);
    case 'EMAIL':
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/u.test(p);
    case 'PHONE':
      return digits.length >= 7 && digits.length <= 15 && /^[+(0-9]/.test(p) && /[0-9]$/.test(p);
  }
}
function isSurrogateSplit(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return at > 0 && at < text.length && c >= 0xdc00 && c <= 0xdfff;
}

describe('corpus', () => {
  it('is what the generator produces (regenerate with npx tsx packages/masking/test/generate-corpus.ts)', () => {
    expect(lines).toEqual(buildCorpus());
  });

  it('has >= 400 lines in six languages, at least a third Italian, and many hard negatives', () => {
    expect(lines.length).toBeGreaterThanOrEqual(400);
    const byLang = new Map<string, number>();
    for (const l of lines) byLang.set(l.lang, (byLang.get(l.lang) ?? 0) + 1);
    expect([...byLang.keys()].sort()).toEqual(['de', 'en', 'es', 'fr', 'it', 'pt']);
    expect((byLang.get('it') ?? 0) / lines.length).toBeGreaterThanOrEqual(1 / 3);
    expect(lines.filter((l) => l.spans.length === 0).length).toBeGreaterThanOrEqual(150);
  });

  it('has every span offset checked: in range, sorted, disjoint, on code points, holding a valid value', () => {
    for (const l of lines) {
      let prevEnd = 0;
      for (const s of l.spans) {
        const where = `${JSON.stringify(l.text)} ${s.type} ${s.start}-${s.end}`;
        expect(s.start, where).toBeGreaterThanOrEqual(prevEnd);
        expect(s.end, where).toBeGreaterThan(s.start);
        expect(s.end, where).toBeLessThanOrEqual(l.text.length);
        expect(isSurrogateSplit(l.text, s.start) || isSurrogateSplit(l.text, s.end), where).toBe(false);
        expect(valueLooksRight(s.type, l.text.slice(s.start, s.end)), where).toBe(true);
        prevEnd = s.end;
      }
    }
  });

  it('[S-10][S-11] reaches recall >= 99% and precision >= 98% per type (span-exact)', () => {
    const tp = new Map<FindingType, number>();
    const fp = new Map<FindingType, number>();
    const fn = new Map<FindingType, number>();
    const errors: string[] = [];
    const add = (m: Map<FindingType, number>, t: FindingType): void => {
      m.set(t, (m.get(t) ?? 0) + 1);
    };
    for (const l of lines) {
      const got = findSensitive(l.text, { defaultRegion: l.region });
      const key = (s: { type: string; start: number; end: number }): string =>
        `${s.type}:${s.start}:${s.end}`;
      const gold = new Set(l.spans.map(key));
      const found = new Set(got.map(key));
      for (const g of got) {
        if (gold.has(key(g))) add(tp, g.type);
        else {
          add(fp, g.type);
          errors.push(
            `FP ${g.type} ${JSON.stringify(l.text.slice(g.start, g.end))} in ${JSON.stringify(l.text)}`,
          );
        }
      }
      for (const s of l.spans) {
        if (!found.has(key(s))) {
          add(fn, s.type);
          errors.push(
            `FN ${s.type} ${JSON.stringify(l.text.slice(s.start, s.end))} in ${JSON.stringify(l.text)}`,
          );
        }
      }
    }
    const rows = FINDING_TYPES.map((t) => {
      const a = tp.get(t) ?? 0;
      const p = a + (fp.get(t) ?? 0) === 0 ? 1 : a / (a + (fp.get(t) ?? 0));
      const r = a + (fn.get(t) ?? 0) === 0 ? 1 : a / (a + (fn.get(t) ?? 0));
      return {
        type: t,
        support: a + (fn.get(t) ?? 0),
        tp: a,
        fp: fp.get(t) ?? 0,
        fn: fn.get(t) ?? 0,
        precision: p,
        recall: r,
      };
    });
    const table = [
      '| type | support | TP | FP | FN | precision | recall |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...rows.map(
        (r) =>
          `| ${r.type} | ${r.support} | ${r.tp} | ${r.fp} | ${r.fn} | ${(r.precision * 100).toFixed(1)}% | ${(r.recall * 100).toFixed(1)}% |`,
      ),
    ].join('\n');
    process.stdout.write(
      `\nmasking corpus (${lines.length} lines, span-exact):\n${table}\n${errors.slice(0, 40).join('\n')}\n`,
    );
    for (const r of rows) {
      expect(r.recall, `${r.type} recall`).toBeGreaterThanOrEqual(MIN_RECALL);
      expect(r.precision, `${r.type} precision`).toBeGreaterThanOrEqual(MIN_PRECISION);
    }
  });
});
