import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { it as italian } from './it.ts';
import { pickLanguage } from './index.ts';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

function placeholders(value: string): string[] {
  return [...value.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? '').sort();
}

function leaf(root: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, k) =>
        typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[k] : undefined,
      root,
    );
}

describe('i18n resources', () => {
  it('Italian has exactly the English keys', () => {
    expect(keys(italian).sort()).toEqual(keys(en).sort());
  });

  it('every string keeps the same {{placeholders}} in both languages', () => {
    for (const key of keys(en)) {
      const a = leaf(en, key);
      const b = leaf(italian, key);
      expect(typeof a === 'string' && typeof b === 'string' && placeholders(b), key).toEqual(
        typeof a === 'string' ? placeholders(a) : false,
      );
    }
  });

  it('uses the Italian labels of the source guide', () => {
    expect(italian.offers.accept).toBe('Accetta');
    expect(italian.header.available).toBe('Disponibile');
    expect(italian.composer.send).toBe('Invia');
    expect(italian.interaction.end).toBe('Termina');
    expect(italian.wrapUp.submit).toBe('Invia riepilogo');
    expect(italian.offers.title).toBe('Richiesta di contatto');
    expect(italian.admin.settings.maskLabel).toBe('Maschera dati sensibili dei clienti');
  });

  it('pickLanguage follows the browser preference, defaulting to English', () => {
    expect(pickLanguage(['it-IT', 'en'])).toBe('it');
    expect(pickLanguage(['fr-FR', 'it'])).toBe('it');
    expect(pickLanguage(['en-US'])).toBe('en');
    expect(pickLanguage(['de'])).toBe('en');
    expect(pickLanguage([])).toBe('en');
  });
});
