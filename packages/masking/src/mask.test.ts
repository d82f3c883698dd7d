import { describe, expect, it } from 'vitest';
import { maskIfPhoneNumber, maskText, maskValue } from './index.ts';

describe('S-11 masking output', () => {
  it('[S-11] masks + 1 (123) 456 7890 as **********7890', () => {
    expect(maskText('+ 1 (123) 456 7890')).toBe('**********7890');
  });
  it('[S-11] masks +447966197542 as *********7542', () => {
    expect(maskText('+447966197542')).toBe('*********7542');
  });
  it('[S-11] masks melissa@gmail.com as m******@gmail.com', () => {
    expect(maskText('melissa@gmail.com')).toBe('m******@gmail.com');
  });
  it('[S-11] masks values inside a sentence and leaves the rest alone', () => {
    expect(maskText('Scrivimi a melissa@gmail.com o chiama +447966197542, grazie!')).toBe(
      'Scrivimi a m******@gmail.com o chiama *********7542, grazie!',
    );
  });
  it('[S-10] masks a card, an IBAN and an SSN keeping the last 4 and dropping separators', () => {
    expect(maskValue('CREDIT_CARD', '4111 1111-1111 1111')).toBe('************1111');
    expect(maskValue('IBAN', 'IT60 X054 2811 1010 0000 0123 456')).toBe('***********************3456');
    expect(maskValue('SSN', '536-22-8841')).toBe('*****8841');
  });
  it('[S-11] a phone tail is written without separators', () => {
    expect(maskValue('PHONE', '333.123.45.67')).toBe('********4567');
  });
  it('[S-11] masks evasion characters with the value and shows plain digits', () => {
    expect(maskText('carta ４１１１ １１１１ １１１１ １１１１ ok')).toBe('carta ************1111 ok');
    expect(maskText('iban\u00A0IT60\u200BX054 2811 1010 0000 0123 456')).toBe(
      'iban\u00A0***********************3456',
    );
  });
  it('[S-11] keeps the first code point of a Unicode local part', () => {
    expect(maskValue('EMAIL', 'jürgen.müller@web.de')).toBe('j************@web.de');
  });
});

describe('S-13 customer name that is a phone number', () => {
  it('[S-13] masks a name set to the WhatsApp id (E.164 without +)', () => {
    expect(maskIfPhoneNumber('393471234567')).toBe('********4567');
  });
  it('[S-13] masks a name set to an international number', () => {
    expect(maskIfPhoneNumber('+39 347 123 4567')).toBe('*********4567');
  });
  it('[S-13] masks a national number in the business region', () => {
    expect(maskIfPhoneNumber('347 123 4567', { defaultRegion: 'IT' })).toBe('******4567');
  });
  it('[S-13] leaves a real name alone', () => {
    expect(maskIfPhoneNumber('Mario Rossi')).toBe('Mario Rossi');
    expect(maskIfPhoneNumber('Mario 3471234567')).toBe('Mario 3471234567');
  });
});
