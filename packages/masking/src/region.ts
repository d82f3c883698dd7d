import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from './types.ts';

/**
 * The country of an international number (`+39...` or Meta's digits-only `39...`), if it has one.
 * A business number's country is the best default region for reading customers' national numbers.
 */
export function regionOfNumber(number: string): CountryCode | undefined {
  const digits = number.replace(/[^\d+]/g, '');
  const e164 = digits.startsWith('+') ? digits : `+${digits}`;
  return parsePhoneNumberFromString(e164)?.country;
}
