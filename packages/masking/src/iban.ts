/**
 * IBANs (ISO 13616) in any case and any spacing: country code, 2 check digits, BBAN of the
 * country's registered length, valid under mod-97.
 */
import { charge } from './meter.ts';
import type { ViewSpan } from './types.ts';

/** IBAN length per country, from the SWIFT IBAN registry (via ibantools, NOTES §5.3). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(
    (
      'AD24 AE23 AL28 AT20 AX18 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 ' +
      'DO28 EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GF27 GI23 GL18 GP27 GR27 GT28 HR21 HU28 IE22 ' +
      'IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MF27 ' +
      'MK19 MN20 MQ27 MR27 MT31 MU30 NC27 NI28 NL18 NO15 OM23 PF27 PK24 PL28 PM27 PS29 PT25 QA29 ' +
      'RE27 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TF27 TL23 TN24 TR26 ' +
      'UA29 VA22 VG24 WF27 XK20 YE30 YT27'
    )
      .split(' ')
      .map((e) => [e.slice(0, 2), Number(e.slice(2))] as const),
  ),
);

// Country letters + check digits, then alphanumerics with at most one space or '-' between
// any two (so the Italian slip form "IT60 X 05428 11101 000000123456" passes). Each repetition
// starts with an optional separator and ends on exactly one alphanumeric: unambiguous, linear.
const CANDIDATE = /(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?:[ -]?[A-Za-z0-9]){8,32}/g;

/** Remainder mod 97 of an uppercase alphanumeric string read as digits with A=10..Z=35. */
export function mod97(s: string): number {
  let r = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) r = (r * 10 + (c - 48)) % 97;
    else r = (r * 100 + (c - 55)) % 97;
  }
  return r;
}

/** True for an electronic-format IBAN (uppercase, no spaces) of the right length and checksum. */
export function isValidIban(compact: string): boolean {
  const len = IBAN_LENGTHS[compact.slice(0, 2)];
  if (len === undefined || compact.length !== len || !/^[A-Z]{2}[0-9]{2}[A-Z0-9]+$/.test(compact))
    return false;
  return mod97(compact.slice(4) + compact.slice(0, 4)) === 1;
}

/** Finds IBANs in a normalised view. */
export function findIbans(view: string): ViewSpan[] {
  const out: ViewSpan[] = [];
  CANDIDATE.lastIndex = 0;
  let searchFrom = 0;
  for (let m = CANDIDATE.exec(view); m !== null; m = CANDIDATE.exec(view)) {
    const run = m[0];
    // What this search read: a failed candidate restarts one character on, so a run is re-read,
    // but a candidate is at most 68 characters long.
    charge(m.index + run.length - searchFrom);
    searchFrom = CANDIDATE.lastIndex;
    const len = IBAN_LENGTHS[run.slice(0, 2).toUpperCase()];
    if (len === undefined) continue;
    // Take exactly `len` alphanumerics: a trailing word or quantity ("... 2 giorni") is cut off.
    let compact = '';
    let i = 0;
    for (; i < run.length && compact.length < len; i++) {
      const ch = run[i] ?? '';
      if (ch !== ' ' && ch !== '-') compact += ch;
    }
    if (compact.length < len) {
      CANDIDATE.lastIndex = searchFrom = m.index + 1;
      continue;
    }
    // An alphanumeric glued to the last character means a longer code, not this IBAN.
    const next = view[m.index + i] ?? '';
    if (/[A-Za-z0-9]/.test(next) || !isValidIban(compact.toUpperCase())) {
      CANDIDATE.lastIndex = searchFrom = m.index + 1;
      continue;
    }
    out.push({ type: 'IBAN', start: m.index, end: m.index + i });
    CANDIDATE.lastIndex = searchFrom = m.index + i;
  }
  return out;
}
