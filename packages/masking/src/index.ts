/**
 * @parlo/masking: find and mask payment cards, IBANs, US SSNs, email addresses and phone
 * numbers in chat text, in any language, resisting the usual evasions (full-width digits,
 * zero-width characters, odd spaces and dashes).
 */
export { findSensitive } from './find.ts';
export { maskText, maskValue, maskIfPhoneNumber } from './mask.ts';
export { DEFAULT_REGIONS } from './phone.ts';
export { FINDING_TYPES } from './types.ts';
export type { CountryCode, Finding, FindingType, FindOptions } from './types.ts';
export { regionOfNumber } from './region.ts';
/** The work counter tests and benches read to show masking is linear in the text (P8). */
export { meter } from './meter.ts';
