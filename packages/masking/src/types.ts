import type { CountryCode } from 'libphonenumber-js/max';

export type { CountryCode };

/** The kinds of sensitive value the library finds. */
export type FindingType = 'CREDIT_CARD' | 'IBAN' | 'SSN' | 'EMAIL' | 'PHONE';

/** Every finding type, in overlap priority order (first wins). */
export const FINDING_TYPES: readonly FindingType[] = ['EMAIL', 'IBAN', 'CREDIT_CARD', 'SSN', 'PHONE'];

/**
 * One sensitive value in a text. `start`/`end` are UTF-16 offsets into the ORIGINAL text
 * (end exclusive), always on code-point boundaries.
 */
export interface Finding {
  readonly type: FindingType;
  readonly start: number;
  readonly end: number;
}

/** Options shared by `findSensitive`, `maskText` and `maskIfPhoneNumber`. */
export interface FindOptions {
  /**
   * The region national-format phone numbers are read in first, e.g. the country of the
   * business number or of the customer's WhatsApp number. Default: the first of `regions`.
   */
  readonly defaultRegion?: CountryCode;
  /** Further regions tried for national-format phone numbers. Default: `DEFAULT_REGIONS`. */
  readonly regions?: readonly CountryCode[];
  /** Only report these types. Default: all. */
  readonly types?: readonly FindingType[];
}

/** A span in the detection view (normalised text), before mapping back to the original. */
export interface ViewSpan {
  readonly type: FindingType;
  readonly start: number;
  readonly end: number;
}
