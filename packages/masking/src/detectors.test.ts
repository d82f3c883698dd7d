import { describe, expect, it } from 'vitest';
import { brandMatches, luhnValid } from './card.ts';
import { isValidIban, mod97 } from './iban.ts';
import { findSensitive } from './index.ts';
import type { FindingType } from './index.ts';
import { normalize, toOriginal } from './normalize.ts';
import { isValidSsn } from './ssn.ts';

/** The [type, substring] pairs found in `text`. */
function found(text: string, options?: Parameters<typeof findSensitive>[1]): [FindingType, string][] {
  return findSensitive(text, options).map((f) => [f.type, text.slice(f.start, f.end)]);
}

describe('normalize', () => {
  it('[S-10] maps full-width digits, NBSP, dashes and zero-width characters, with offsets back', () => {
    const text = 'a\u200B４\u00A0–1';
    const n = normalize(text);
    expect(n.view).toBe('a4 -1');
    expect(toOriginal(n, 1, 2)).toEqual({ start: 2, end: 3 });
    expect(toOriginal(n, 0, 5)).toEqual({ start: 0, end: 6 });
  });
  it('[S-10] maps Arabic-Indic and mathematical digits to ASCII', () => {
    expect(normalize('٣٤٧ 𝟏𝟐').view).toBe('347 12');
  });
  it('[S-10] maps back the same way in a chat message and in a text of many kilobytes', () => {
    // A short text keeps its maps in plain arrays, a long one in typed arrays: the same offsets.
    const piece = 'x\u200B４\u00A0–1 carta ４１１１\u3000１１１１ １１１１ １１１１ ok\u00AD ';
    const short = normalize(piece);
    const times = Math.ceil(5000 / piece.length);
    const long = normalize(piece.repeat(times));
    expect(long.view).toBe(short.view.repeat(times));
    const viewLength = short.view.length;
    for (let k = 0; k < times; k += times - 1) {
      for (let i = 0; i < viewLength; i++) {
        const at = toOriginal(long, k * viewLength + i, k * viewLength + i + 1);
        const expected = toOriginal(short, i, i + 1);
        expect(at).toEqual({
          start: expected.start + k * piece.length,
          end: expected.end + k * piece.length,
        });
      }
    }
  });
  it('leaves plain text untouched (identity fast path)', () => {
    const n = normalize('ciao 123');
    expect(n.view).toBe('ciao 123');
    expect(n.starts).toBeNull();
  });
});

describe('CREDIT_CARD', () => {
  it('checks Luhn and brand prefix/length', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(brandMatches('2221000000000009')).toBe(true);
    expect(brandMatches('356938035643809')).toBe(false); // IMEI: JCB range but 15 digits
  });
  it.each([
    ['4111 1111 1111 1111'],
    ['4111-1111-1111-1111'],
    ['4111.1111.1111.1111'],
    ['5555 5555 5555 4444'],
    ['378282246310005'],
    ['3782 822463 10005'],
    ['2221 0000 0000 0009'],
    ['4222222222222'],
    ['6011 0009 9013 9424'],
    ['3530 1113 3330 0000'],
    ['4000 0000 0000 0000 006'],
  ])('[S-10] finds the card %s', (card) => {
    expect(found(`pago con ${card} grazie`)).toEqual([['CREDIT_CARD', card]]);
  });
  it('[S-10] finds a card followed by its expiry date and preceded by a quantity', () => {
    expect(found('2 x 4111 1111 1111 1111 12/27')).toEqual([['CREDIT_CARD', '4111 1111 1111 1111']]);
  });
  it('[S-10] finds a card inside a URL', () => {
    expect(found('https://x.it/pay?pan=4111111111111111&x=1')).toEqual([['CREDIT_CARD', '4111111111111111']]);
  });
  it('[S-10] ignores Luhn-failing numbers, IMEIs and tracking codes', () => {
    expect(found('pratica 4111 1111 1111 1112')).toEqual([]);
    expect(found('IMEI 356938035643809')).toEqual([]);
    expect(found('spedizione 1Z999AA10123456784')).toEqual([]);
  });
});

describe('IBAN', () => {
  it('validates mod-97', () => {
    expect(mod97('X0542811101000000123456IT60')).toBe(1);
    expect(isValidIban('IT60X0542811101000000123456')).toBe(true);
    expect(isValidIban('IT61X0542811101000000123456')).toBe(false);
    expect(isValidIban('GB82WEST12345698765432')).toBe(true);
  });
  it.each([
    ['IT60 X054 2811 1010 0000 0123 456'],
    ['it60 x054 2811 1010 0000 0123 456'],
    ['IT60 X 05428 11101 000000123456'],
    ['DE89370400440532013000'],
    ['GB82 WEST 1234 5698 7654 32'],
    ['FR14 2004 1010 0505 0001 3M02 606'],
    ['ES91-2100-0418-4502-0005-1332'],
    ['NL91ABNA0417164300'],
    ['PT50 0002 0123 1234 5678 9015 4'],
    ['BE68 5390 0754 7034'],
  ])('[S-10] finds the IBAN %s', (iban) => {
    expect(found(`bonifico su ${iban} grazie`)).toEqual([['IBAN', iban]]);
  });
  it('[S-10] trims trailing words and digits after the country length', () => {
    expect(found('DE89370400440532013000 2 giorni')).toEqual([['IBAN', 'DE89370400440532013000']]);
  });
  it('[S-10] ignores wrong check digits and VAT numbers', () => {
    expect(found('IT61 X054 2811 1010 0000 0123 456')).toEqual([]);
    expect(found('P.IVA IT12345678903')).toEqual([]);
  });
});

describe('SSN', () => {
  it('applies the SSA validity rules', () => {
    expect(isValidSsn('536', '22', '8841')).toBe(true);
    expect(isValidSsn('923', '45', '6789')).toBe(false);
    expect(isValidSsn('666', '45', '6789')).toBe(false);
    expect(isValidSsn('536', '00', '8841')).toBe(false);
    expect(isValidSsn('536', '22', '0000')).toBe(false);
    expect(isValidSsn('111', '11', '1111')).toBe(false);
  });
  it('[S-10] finds a separated SSN without context, a bare one only with context', () => {
    expect(found('it is 536-22-8841')).toEqual([['SSN', '536-22-8841']]);
    expect(found('my SSN: 536228841')).toEqual([['SSN', '536228841']]);
    expect(found('numero di previdenza sociale 536228841')).toEqual([['SSN', '536228841']]);
    expect(found('ordine 536228841')).toEqual([]);
    expect(found('SSN 923-45-6789')).toEqual([]);
  });
});

describe('EMAIL', () => {
  it.each([
    ['melissa@gmail.com'],
    ['mario.rossi+ordini@mail.azienda.it'],
    ['jürgen.müller@web.de'],
    ['o_brien-99@sub.example.co.uk'],
  ])('[S-11] finds %s', (email) => {
    expect(found(`scrivi a ${email}.`)).toEqual([['EMAIL', email]]);
  });
  it('[S-11] finds an address hidden with a zero-width space or a full-width at sign', () => {
    expect(found('mario.rossi\u200B@gmail.com')).toEqual([['EMAIL', 'mario.rossi\u200B@gmail.com']]);
    expect(found('mario＠gmail.com')).toEqual([['EMAIL', 'mario＠gmail.com']]);
  });
  it('ignores handles and at signs that are not addresses', () => {
    expect(found('ciao @mario, ci vediamo @ 10')).toEqual([]);
    expect(found('user@localhost')).toEqual([]);
  });
});

describe('PHONE', () => {
  it.each([
    ['+39 347 123 4567', 'IT'],
    ['347 123 4567', 'IT'],
    ['347-1234567', 'IT'],
    ['328 614 7958', 'IT'],
    ['06 1234 5678', 'IT'],
    ['0039 347 1234567', 'IT'],
    ['+44 7911 123456', 'IT'],
    ['07911 123456', 'GB'],
    ['(415) 555-2671', 'US'],
    ['030 1234567', 'DE'],
    ['01 23 45 67 89', 'FR'],
    ['612 345 678', 'ES'],
    ['912 345 678', 'PT'],
    ['(11) 91234-5678', 'BR'],
    ['+55 11 91234-5678', 'IT'],
  ] as const)('[S-11] finds %s (business region %s)', (phone, region) => {
    expect(found(`il mio numero è ${phone}, grazie`, { defaultRegion: region })).toEqual([['PHONE', phone]]);
  });
  it('[S-11] finds a bare mobile of the business region without context', () => {
    expect(found('3471234567')).toEqual([['PHONE', '3471234567']]);
  });
  it('[S-11] finds a wa.me link number', () => {
    expect(found('https://wa.me/393471234567')).toEqual([['PHONE', '393471234567']]);
  });
  it('[S-11] finds phones written with zero-width spaces or full-width digits', () => {
    expect(found('347\u200B123\u200B4567')).toEqual([['PHONE', '347\u200B123\u200B4567']]);
    expect(found('＋３９ ３４７ １２３ ４５６７')).toEqual([['PHONE', '＋３９ ３４７ １２３ ４５６７']]);
  });
  it.each([
    ['ordine 784512369'],
    ['fattura n. 2024-0088127'],
    ['il 02.04.2024 alle 14:30'],
    ['totale 1.234.567,89 €'],
    ['server 192.168.1.254'],
    ['versione 2.0.14.3317'],
    ['timestamp 1710498600'],
    ['CAP 20121 Milano'],
    ['order #347123456'],
    ['order number 3471234567'],
  ])('[S-11] does not flag %s', (text) => {
    expect(found(text)).toEqual([]);
  });
  it('[S-11] an SSN is not also a phone (priority)', () => {
    expect(findSensitive('536-22-8841').map((f) => f.type)).toEqual(['SSN']);
  });
  it('honours options.types', () => {
    expect(found('melissa@gmail.com +447966197542', { types: ['PHONE'] })).toEqual([
      ['PHONE', '+447966197542'],
    ]);
  });
});
