/**
 * Issue 17: how people write phone numbers in chats, and how context words are read. Each rule
 * here was seen failing against the detector before the change that makes it pass.
 */
import { describe, expect, it } from 'vitest';
import { findSensitive, meter } from './index.ts';
import type { CountryCode, FindingType } from './index.ts';

function found(text: string, region: CountryCode): [FindingType, string][] {
  return findSensitive(text, { defaultRegion: region }).map((f) => [f.type, text.slice(f.start, f.end)]);
}

describe('phone numbers as written in chats (issue 17)', () => {
  it('[issue-17] context words match with or without accents: llámame, telemóvel', () => {
    expect(found('llámame al 918644992', 'ES')).toEqual([['PHONE', '918644992']]);
    expect(found('Tfno. 954.48.92.03', 'ES')).toEqual([['PHONE', '954.48.92.03']]);
  });

  it('[issue-17] a stem counts only where a word starts, also at the edge of the window (hotel is not tel)', () => {
    const text = `hotel ${'x'.repeat(45)} 912345678`;
    expect(found(text, 'ES')).toEqual([]);
  });

  it('[issue-17] an order word suppresses the number it introduces, not a phone named before it', () => {
    expect(found('il mio numero di telefono per la consegna dell ordine è 387 861 7121', 'IT')).toEqual([
      ['PHONE', '387 861 7121'],
    ]);
    expect(found('il numero del mio ordine è 3878617121', 'IT')).toEqual([]);
    expect(found('ordine n. 3878617121', 'IT')).toEqual([]);
  });

  it('[issue-17] the words before an earlier number are that number’s, unless only a joiner separates them', () => {
    expect(found('ordine 12345678 arrivato rotto, sono Marco 347 123 4567', 'IT')).toEqual([
      ['PHONE', '347 123 4567'],
    ]);
    expect(found('codici cliente 3471234567 e 3289876543', 'IT')).toEqual([]);
  });

  it('[issue-17] a phone word right after the number counts: "912 345 678 es mi fijo"', () => {
    expect(found('912345678 es mi fijo', 'ES')).toEqual([['PHONE', '912345678']]);
  });

  it('[issue-17] "(+39) 347 ..." is masked from its parenthesis', () => {
    expect(found('il mio è (+39) 011 893 4172', 'IT')).toEqual([['PHONE', '(+39) 011 893 4172']]);
  });

  it('[issue-17] 00 is an international prefix whatever the default region dials abroad', () => {
    expect(found('new number 001 4154172571', 'US')).toEqual([['PHONE', '001 4154172571']]);
  });

  it('[issue-17] North American numbers with the leading 1: 1-212-543-5781', () => {
    expect(found('ring me on 1-212-543-5781 please', 'US')).toEqual([['PHONE', '1-212-543-5781']]);
  });

  it('[issue-17] numbers grouped in pairs with dots or dashes are not dates', () => {
    expect(found('voici mon numéro 06.67.82.21.49 merci', 'FR')).toEqual([['PHONE', '06.67.82.21.49']]);
    expect(found('632.73.92.79', 'ES')).toEqual([['PHONE', '632.73.92.79']]);
    expect(found('0742-12-75-85', 'FR')).toEqual([['PHONE', '0742-12-75-85']]);
    expect(found('consegna il 12.03.2025 alle 14:30', 'IT')).toEqual([]);
  });

  it('[issue-17] a bare run of seven digits without a phone word is not a phone (meter readings)', () => {
    expect(found('lettura 0912511', 'IT')).toEqual([]);
  });

  it('[issue-17] Amazon order numbers (3-7-7 digits) are neither cards nor phones', () => {
    expect(found('order no. 304-7634422-2254835', 'GB')).toEqual([]);
    expect(found('order no. 207-6878961-7585010', 'GB')).toEqual([]);
  });
});

/** The findings of `text` read with `region` first, and how many times libphonenumber read a run. */
function readings(text: string, region: CountryCode): { found: string[]; readings: number } {
  meter.phoneReadings = 0;
  const spans = findSensitive(text, { defaultRegion: region });
  return { found: spans.map((f) => text.slice(f.start, f.end)), readings: meter.phoneReadings };
}

describe('[P8] libphonenumber (10-30 us a reading) reads a run only where it can be a phone', () => {
  it('[P8] a run made only of a date, an IP address, a version or an amount is not read at all', () => {
    for (const text of [
      'consegna il 12/03/2024',
      'il router ha IP 192.168.1.10',
      'versione 10.0.19045.3570',
      'il totale era 1.234.567',
    ]) {
      expect(readings(text, 'IT')).toEqual({ found: [], readings: 0 });
    }
  });

  it('[P8] a national number is read first in the regions whose numbering plan it fits, not in region order', () => {
    // Spain is the sixth region and Brazil the eighth after Italy, the default: read in order,
    // these took six and eight readings.
    expect(readings('mi móvil es 612 34 56 78', 'IT')).toEqual({ found: ['612 34 56 78'], readings: 3 });
    expect(readings('meu celular (11) 91234-5678', 'IT')).toEqual({
      found: ['(11) 91234-5678'],
      readings: 3,
    });
    expect(readings('chiamami al 347 123 4567', 'IT')).toEqual({ found: ['347 123 4567'], readings: 1 });
  });
});
