import { maskText, type CountryCode, type FindingType } from '@parlo/masking';

/** What is never stored in clear while masking is on: payment and identity numbers (see ADR 6). */
const PCI_TYPES: readonly FindingType[] = ['CREDIT_CARD', 'IBAN', 'SSN'];

/** Masks card numbers, IBANs and SSNs in a text; emails and phones are left for the presenter. */
export function redactPci(text: string, region: CountryCode | undefined): string {
  return maskText(text, { types: PCI_TYPES, ...(region ? { defaultRegion: region } : {}) });
}

/** The same over every string of a JSON document (the raw webhook delivery we keep). */
export function redactPciInJson(raw: string, region: CountryCode | undefined): string {
  const redact = (value: unknown): unknown => {
    if (typeof value === 'string') return redactPci(value, region);
    if (Array.isArray(value)) return value.map(redact);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
    }
    return value;
  };
  return JSON.stringify(redact(JSON.parse(raw)));
}
