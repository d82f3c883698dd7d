/**
 * US Social Security Numbers. `ddd-dd-dddd` with one consistent separator is an SSN on its
 * own (no other common identifier is grouped 3-2-4); nine bare digits only with an SSN
 * context word shortly before, since order and customer numbers are often nine digits.
 */
import { contextMatcher } from './context.ts';
import { charge } from './meter.ts';
import type { ViewSpan } from './types.ts';

const CANDIDATE = /(?<![0-9A-Za-z-])([0-9]{3})([ .-]?)([0-9]{2})\2([0-9]{4})(?![0-9A-Za-z]|-[0-9])/g;

/** SSN context in the six languages (stems at word start). */
const CONTEXT = contextMatcher([
  'ssn',
  'ssns',
  'ssid',
  'social security',
  'social sec',
  'soc sec',
  'previdenza sociale',
  'previdenziale',
  'seguro social',
  'seguridad social',
  'sécurité sociale',
  'securite sociale',
  'segurança social',
  'seguranca social',
  'sozialversicherung',
  'us-sozial',
  'tax id',
  'taxpayer',
]);

/**
 * SSA validity rules (POMS RM 10201.035): area 000, 666 and 900-999 are never issued, nor
 * group 00 or serial 0000; nine identical digits are a placeholder.
 */
export function isValidSsn(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area[0] === '9') return false;
  if (group === '00' || serial === '0000') return false;
  return !/^(\d)\1{8}$/.test(area + group + serial);
}

/** Finds SSNs in a normalised view. */
export function findSsns(view: string): ViewSpan[] {
  const out: ViewSpan[] = [];
  CANDIDATE.lastIndex = 0;
  let searchFrom = 0;
  for (let m = CANDIDATE.exec(view); m !== null; m = CANDIDATE.exec(view)) {
    charge(CANDIDATE.lastIndex - searchFrom);
    searchFrom = CANDIDATE.lastIndex;
    const [, area = '', sep = '', group = '', serial = ''] = m;
    if (!isValidSsn(area, group, serial)) continue;
    if (sep === '' && CONTEXT.lastIn(view, m.index - 40, m.index) < 0) continue;
    out.push({ type: 'SSN', start: m.index, end: m.index + m[0].length });
  }
  return out;
}
