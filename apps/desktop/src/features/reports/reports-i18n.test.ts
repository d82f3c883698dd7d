import { describe, expect, it } from 'vitest';
import { reportsEn, reportsIt } from './reports-i18n.ts';

function leaves(value: unknown, prefix = ''): [string, string][] {
  if (typeof value === 'string') return [[prefix, value]];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('reports strings (issue 16)', () => {
  it('Italian has the English keys, each with the same {{placeholders}}', () => {
    const en = new Map(leaves(reportsEn));
    const it_ = new Map(leaves(reportsIt));
    expect([...it_.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, text] of en) expect(placeholders(it_.get(key) ?? ''), key).toEqual(placeholders(text));
  });
});
