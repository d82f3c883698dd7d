/**
 * Phone numbers, through libphonenumber-js with full metadata. Our own linear candidate scan
 * picks digit runs of 7+ digits, so libphonenumber only ever sees a few short strings; our
 * filters then decide what libphonenumber cannot: whether a national-format digit run is a
 * phone or an order number, a date, an amount.
 *
 * - International form (`+`, `00`, `wa.me/`): accepted when VALID, or when merely POSSIBLE
 *   (the spec's own `+ 1 (123) 456 7890` has a non-existent area code).
 * - National form: VALID for one of the regions, written with the national prefix that
 *   region requires (`030 1234567`, not `301234567`, for Germany), not a date/time/IP/
 *   version/amount, and not preceded by an order/invoice/tracking word.
 * - A bare digit run (no separators at all) needs more: a mobile (or trunk-0) number of the
 *   default region, or a phone word before it.
 */
import { findPhoneNumbersInText, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode, NumberFound, PhoneNumber } from 'libphonenumber-js/max';
import { contextMatcher } from './context.ts';
import { charge } from './meter.ts';
import { gluedBefore, isDigitCode, runEnd } from './runs.ts';
import { sortByStart } from './spans.ts';
import type { ViewSpan } from './types.ts';

// The runtime accepts `leniency` ('POSSIBLE' | 'VALID'; source/findNumbers/Leniency.js) but
// the published typings of findPhoneNumbersInText omit it.
const findNumbers = findPhoneNumbersInText as (
  text: string,
  options: { defaultCountry?: CountryCode | undefined; leniency: 'POSSIBLE' | 'VALID' },
) => NumberFound[];

/** Regions tried for national-format numbers after the default region. */
export const DEFAULT_REGIONS: readonly CountryCode[] = ['IT', 'GB', 'US', 'DE', 'FR', 'ES', 'PT', 'BR'];

// A candidate: '+' (optionally spaced), '(' then digits with 1-3 separators between them, not glued
// to a letter, digit, '_' or '+' before: `(?<![\p{L}\p{N}_+])(?:\+ ?)?\(?[0-9](?:[ .\-/()]{1,3}[0-9]|[0-9])*`,
// scanned by hand (runs.ts).
const isSeparator = (c: number): boolean =>
  c === 32 || c === 46 || c === 45 || c === 47 || c === 40 || c === 41; // ' ' . - / ( )
const MIN_DIGITS = 7;
const MAX_DIGITS = 17; // E.164 allows 15, plus '00' and a stray trunk digit
const MAX_NATIONAL_DIGITS = 13;
const CONTEXT_WINDOW = 50;

/** Words that say "phone" in it/en/es/de/fr/pt; nearest wins against a negative word. */
const STRONG = contextMatcher([
  // it
  'tel',
  'telefon',
  'cell',
  'chiam',
  'richiam',
  'contatt',
  'squill',
  'whatsapp',
  'recapit',
  'fisso',
  'mobile',
  // en
  'phone',
  'call',
  'mobile',
  'reach',
  'text me!',
  'ring me!',
  'landline',
  'contact',
  // es
  'teléfono',
  'móvil',
  'movil',
  'llam',
  'celular',
  'fijo',
  'contáct',
  'escríbe',
  'escribe',
  // de
  'handy',
  'mobil',
  'festnetz',
  'erreich',
  'anruf',
  'ruf',
  'rückruf',
  'durchwahl',
  // fr
  'tél',
  'portable',
  'fixe',
  'appel',
  'rappel',
  'joindre',
  'joignable',
  // pt
  'telemóvel',
  'telemovel',
  'lig',
  'contacto',
  'zap!',
  // "my number" in every language is a phone, even after "order"/"OTP code" further back
  'mio numero',
  'my number',
  'mi número',
  'mi numero',
  'meine nummer',
  'mon numéro',
  'mon numero',
  'meu número',
  'meu numero',
]);

/** "Number" words: positive only when no negative word is in the window. */
const WEAK = contextMatcher(['numero', 'número', 'numéro', 'number', 'nummer', 'num!', 'nr!', 'no!', 'n!']);

/** Words that say "this number is an order/invoice/tracking/... code". */
const NEGATIVE = contextMatcher([
  // it
  'ordin',
  'ord!',
  'fattur',
  'pratica',
  'codice',
  'cod!',
  'cliente',
  'ticket',
  'p.iva',
  'piva',
  'partita iva',
  'iva!',
  'cap!',
  'cro!',
  'trn!',
  'protocollo',
  'prot!',
  'lotto',
  'imei',
  'serial',
  'matricola',
  'prenotazion',
  'spedizion',
  'tracking',
  'polizza',
  'contratto',
  'bolletta',
  'pod!',
  'pdr!',
  'riferimento',
  'rif!',
  'scontrino',
  'ricevuta',
  'transazion',
  'importo',
  'pin!',
  'otp!',
  'tessera',
  'fedeltà',
  'conto',
  'pacco',
  'volo',
  'biglietto',
  'modello',
  'targa',
  'iban',
  // en
  'order',
  'invoice',
  'case!',
  'reference',
  'ref!',
  'booking',
  'policy',
  'serial',
  'account',
  'acct',
  'receipt',
  'transaction',
  'customer',
  'member',
  'confirmation',
  'code',
  'id!',
  'sku!',
  'model',
  'parcel',
  'shipment',
  'flight',
  'pnr!',
  'ticket',
  'claim',
  'loyalty',
  'voucher',
  'zip!',
  'postcode',
  // es
  'pedido',
  'factura',
  'referencia',
  'envío',
  'envio',
  'seguimiento',
  'póliza',
  'poliza',
  'reserva',
  'cuenta',
  'recibo',
  'código',
  'codigo',
  'contrato',
  'vuelo',
  'localizador',
  'expediente',
  'dni!',
  'nie!',
  // de
  'bestell',
  'rechnung',
  'kundennummer',
  'kunden',
  'vertrag',
  'sendung',
  'ust',
  'auftrag',
  'buchung',
  'referenz',
  'konto',
  'vorgang',
  'beleg',
  'flug',
  'paket',
  'plz!',
  'steuer',
  'versicherung',
  // fr
  'commande',
  'facture',
  'dossier',
  'siret',
  'siren',
  'tva!',
  'suivi',
  'colis',
  'référence',
  'réservation',
  'reservation',
  'contrat',
  'client',
  'compte',
  'vol!',
  'billet',
  'numéro fiscal',
  'colis',
  // pt
  'encomenda',
  'fatura',
  'referência',
  'rastreio',
  'nif!',
  'contribuinte',
  'conta',
  'voo!',
  'bilhete',
  'apólice',
  'cpf!',
  'cnpj!',
  'protocolo',
  'nota fiscal',
  // a number introduced as an SSN or tax id is not a phone, even when it fails SSA rules
  'ssn',
  'social security',
  'previdenza',
  'seguridad social',
  'seguro social',
  'sécurité sociale',
  'segurança social',
  'sozialversicherung',
  'tax id',
]);

// Things made of digits that are not phones (NOTES §5.5.1). Applied around national-form
// results only: a '+' is an explicit signal that outweighs all of them.
const BLOCKERS: readonly RegExp[] = [
  /(?<![0-9])[0-9]{1,2}[./-][0-9]{1,2}[./-](?:[0-9]{4}|[0-9]{2})(?![0-9])/g, // 12/03/2024, 02.04.24
  /(?<![0-9])(?:19|20)[0-9]{2}[./-][0-9]{1,2}[./-][0-9]{1,2}(?![0-9])/g, // 2024-03-12
  /(?<![0-9])(?:19|20)[0-9]{2}[-/][0-9]{3,}(?![0-9])/g, // 2024-0088127 (year-prefixed document numbers)
  /(?<![0-9])[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?![0-9])/g, // 14:30, 09:15:00
  /(?<![0-9])[0-9]{1,2}[.:][0-9]{2}\s?-\s?[0-9]{1,2}[.:][0-9]{2}(?![0-9])/g, // 9.00-13.00
  /(?<![0-9.])(?:[vV])?(?:0|[1-9][0-9]?)(?:\.[0-9]{1,5}){2,}(?![0-9.])/g, // 2.0.14.3317 (versions)
  /(?:[€$£¥]|\b(?:eur|euro|usd|gbp|chf|brl|r\$))\s?[0-9][0-9.,' ]*[0-9]/gi, // € 1.234.567
  /[0-9][0-9.,' ]*[0-9]\s?(?:[€$£¥%]|(?:eur|euro|euros|usd|gbp|chf|brl|kg|km|kwh|mwh|cm|mm|mb|gb|mah|ml|lt)(?![\p{L}]))/giu,
  /(?<![0-9])[0-9]{1,3}(?:[.\s][0-9]{3})*,[0-9]{2}(?![0-9])/g, // 1.234.567,89
];
const IPV4 = /(?<![0-9.])([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})(?![0-9]|\.[0-9])/g;
const LONE_DIGIT = /(?<![0-9])[0-9](?![0-9])/g;
const NANP_DOTTED = /^1\.[0-9]{3}\.[0-9]{3}\.[0-9]{4}$/;

interface Candidate {
  readonly start: number;
  readonly text: string;
}

interface Ctx {
  readonly view: string;
  readonly regions: readonly CountryCode[];
}

type ContextVerdict = 'positive' | 'negative' | 'none';

function contextBefore(view: string, at: number): ContextVerdict {
  // '#' just before the number marks an order/ticket reference.
  let i = at - 1;
  while (i >= 0 && view[i] === ' ') i--;
  charge(at - i);
  if (view[i] === '#') return 'negative';
  const from = at - CONTEXT_WINDOW;
  const neg = NEGATIVE.lastIn(view, from, at);
  const strong = STRONG.lastIn(view, from, at);
  if (neg >= 0 && neg > strong) return 'negative';
  if (strong >= 0 || WEAK.lastIn(view, from, at) >= 0) return 'positive';
  return 'none';
}

function digitsOf(s: string): string {
  return s.replace(/[^0-9]/g, '');
}

function overlapsBlocker(view: string, start: number, end: number): boolean {
  const from = Math.max(0, start - 12);
  const window = view.slice(from, Math.min(view.length, end + 12));
  const s = start - from;
  const e = end - from;
  charge(window.length * (BLOCKERS.length + 1));
  for (const re of BLOCKERS) {
    re.lastIndex = 0;
    for (let m = re.exec(window); m !== null; m = re.exec(window)) {
      const ms = m.index;
      const me = m.index + m[0].length;
      if (ms < e && me > s && !(re === BLOCKERS[5] && NANP_DOTTED.test(m[0]))) return true;
    }
  }
  IPV4.lastIndex = 0;
  for (let m = IPV4.exec(window); m !== null; m = IPV4.exec(window)) {
    const octets = m.slice(1, 5);
    const isIp = octets.every((o) => o !== undefined && Number(o) <= 255 && (o.length === 1 || o[0] !== '0'));
    if (isIp && m.index < e && m.index + m[0].length > s) return true;
  }
  return false;
}

/**
 * Splits a long candidate ("347 1234567 / 06 1234567 / ...") into chunks of at most
 * MAX_DIGITS digits at separators, so libphonenumber never sees a long string: its matcher is
 * superlinear on long runs.
 */
function chunks(start: number, text: string): Candidate[] {
  if (text.length <= 40) return [{ start, text }];
  const out: Candidate[] = [];
  const groupRe = /\+? ?\(?[0-9]+\)?/g;
  let cStart = -1;
  let cEnd = -1;
  let digits = 0;
  for (let m = groupRe.exec(text); m !== null; m = groupRe.exec(text)) {
    const d = digitsOf(m[0]).length;
    const sepBefore = cEnd >= 0 ? text.slice(cEnd, m.index) : '';
    if (cStart >= 0 && (digits + d > MAX_DIGITS || sepBefore.includes('/'))) {
      out.push({ start: start + cStart, text: text.slice(cStart, cEnd) });
      cStart = -1;
      digits = 0;
    }
    if (cStart < 0) cStart = m.index;
    cEnd = m.index + m[0].length;
    digits += d;
  }
  if (cStart >= 0) out.push({ start: start + cStart, text: text.slice(cStart, cEnd) });
  return out;
}

function isIntlWritten(raw: string): boolean {
  const s = raw.replace(/^\(/, '');
  return s.startsWith('+') || s.startsWith('00');
}

/** National-format checks for one libphonenumber result read with `region`. */
function acceptNational(
  ctx: Ctx,
  region: CountryCode,
  number: PhoneNumber,
  raw: string,
  start: number,
  verdict: ContextVerdict,
): boolean {
  const written = digitsOf(raw);
  // libphonenumber's VALID skips the national-prefix check: "301234567" is valid for DE. People
  // write national numbers with the prefix their country requires, so demand it.
  if (written !== digitsOf(number.formatNational())) return false;
  if (/^[0-9]+$/.test(raw) && verdict !== 'positive') {
    // A bare digit run: only a mobile (or trunk-0 number) of the default region.
    if (region !== ctx.regions[0]) return false;
    const type = number.getType();
    if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE' && !written.startsWith('0')) return false;
  }
  return !overlapsBlocker(ctx.view, start, start + raw.length);
}

function scanCandidate(ctx: Ctx, cand: Candidate, out: ViewSpan[]): void {
  const { view, regions } = ctx;
  const { start, text } = cand;
  const waMe = /wa\.me\/$/i.test(view.slice(Math.max(0, start - 6), start));
  if (waMe || text.startsWith('+')) {
    const e164 = waMe ? `+${text}` : text;
    const found = findNumbers(e164, { defaultCountry: regions[0], leniency: 'VALID' });
    let coversStart = false;
    const shift = waMe ? -1 : 0;
    for (const f of found) {
      const raw = e164.slice(f.startsAt, f.endsAt);
      if (isIntlWritten(raw)) {
        out.push({
          type: 'PHONE',
          start: start + Math.max(0, f.startsAt + shift),
          end: start + f.endsAt + shift,
        });
        if (f.startsAt === 0) coversStart = true;
      }
    }
    if (!coversStart) {
      // The spec's `+ 1 (123) 456 7890` is not VALID (no area code 123) but is POSSIBLE.
      const possible = findNumbers(e164, { leniency: 'POSSIBLE' })[0];
      if (possible?.startsAt === 0 && possible.number.isPossible()) {
        out.push({ type: 'PHONE', start, end: start + possible.endsAt + shift });
      }
    }
    return;
  }
  const verdict = contextBefore(view, start);
  if (verdict === 'negative') return;
  if (text.startsWith('00')) {
    const found = findNumbers(text, { defaultCountry: regions[0], leniency: 'VALID' });
    for (const f of found) {
      if (isIntlWritten(text.slice(f.startsAt, f.endsAt)))
        out.push({ type: 'PHONE', start: start + f.startsAt, end: start + f.endsAt });
    }
    if (found.length > 0) return;
  }
  let best: ViewSpan | undefined;
  for (const region of regions) {
    for (const f of findNumbers(text, { defaultCountry: region, leniency: 'VALID' })) {
      const raw = text.slice(f.startsAt, f.endsAt);
      const s = start + f.startsAt;
      if (!isIntlWritten(raw) && !acceptNational(ctx, region, f.number, raw, s, verdict)) continue;
      if (best === undefined || f.endsAt - f.startsAt > best.end - best.start)
        best = { type: 'PHONE', start: s, end: start + f.endsAt };
    }
    if (best !== undefined && best.start === start && best.end === start + text.length) break; // the whole run: done
  }
  if (best !== undefined) out.push(best);
}

/**
 * Where the phone candidate starting at `i` has its first digit, or -1 if none starts there:
 * `(?:\+ ?)?\(?[0-9]` after a position not glued to what precedes it.
 */
function candidateDigit(view: string, i: number): number {
  const c = view.charCodeAt(i);
  if (c !== 43 && c !== 40 && !isDigitCode(c)) return -1; // '+', '(', digit
  if (gluedBefore(view, i)) return -1;
  let j = i;
  if (c === 43) {
    j++;
    if (view.charCodeAt(j) === 32) j++;
  }
  if (view.charCodeAt(j) === 40 && isDigitCode(view.charCodeAt(j + 1))) return j + 1;
  return isDigitCode(view.charCodeAt(j)) ? j : -1;
}

/**
 * Answers "does any of these spans overlap [start, end)?" for queries whose `end` never
 * decreases (candidates come left to right): the spans sorted by start once, then one pointer and
 * the furthest end among the spans that start before `end`. Linear, where checking every span per
 * candidate was quadratic.
 */
class SpanSweep {
  private readonly sorted: readonly ViewSpan[];
  private next = 0;
  private maxEnd = -1;
  private lastEnd = -1;

  constructor(spans: readonly ViewSpan[]) {
    this.sorted = sortByStart(spans);
  }

  overlaps(start: number, end: number): boolean {
    if (end < this.lastEnd) {
      this.next = 0; // out of order: start again (never happens for left-to-right candidates)
      this.maxEnd = -1;
    }
    this.lastEnd = end;
    const from = this.next;
    for (let t = this.sorted[this.next]; t !== undefined && t.start < end; t = this.sorted[++this.next]) {
      if (t.end > this.maxEnd) this.maxEnd = t.end;
    }
    charge(1 + this.next - from);
    return this.maxEnd > start;
  }
}

/**
 * Finds phone numbers in a normalised view, reading national numbers with `regions` in order.
 * Digit runs overlapping `taken` (cards, IBANs, SSNs, emails already found, which win any
 * overlap) are skipped without asking libphonenumber: each of its calls costs ~10-30 us.
 */
export function findPhones(
  view: string,
  regions: readonly CountryCode[],
  taken: readonly ViewSpan[] = [],
): ViewSpan[] {
  const ctx: Ctx = { view, regions };
  const out: ViewSpan[] = [];
  const sweep = new SpanSweep(taken);
  const n = view.length;
  let i = 0;
  while (i < n) {
    const first = candidateDigit(view, i);
    if (first < 0) {
      i++;
      continue;
    }
    const end = runEnd(view, first, 3, isSeparator);
    const start = i;
    i = end;
    charge(end - start);
    // Glued to a letter after it: a code (RR123456789IT), not a phone.
    if (/[\p{L}]/u.test(view.charAt(end))) continue;
    let digits = 0;
    for (let k = first; k < end && digits < MIN_DIGITS; k++) if (isDigitCode(view.charCodeAt(k))) digits++;
    if (digits < MIN_DIGITS) continue;
    for (const cand of chunks(start, view.slice(start, end))) {
      const d = digitsOf(cand.text).length;
      if (d < MIN_DIGITS || d > MAX_DIGITS + 2) continue;
      // A national number (no '+', no '00') has at most 13 digits with its trunk prefix.
      if (d > MAX_NATIONAL_DIGITS && !cand.text.startsWith('+') && !cand.text.startsWith('00')) continue;
      if (sweep.overlaps(cand.start, cand.start + cand.text.length)) continue;
      // Nobody writes a phone as "1 2 3 4 5 ...": more than two lone digits is not a phone,
      // and such runs are the slowest input for libphonenumber's matcher.
      if ((cand.text.match(LONE_DIGIT) ?? []).length > 2) continue;
      scanCandidate(ctx, cand, out);
    }
  }
  return out;
}

/**
 * True when the whole of `text` (trimmed) is one phone number: international, or national in
 * one of `regions`, or an E.164 number written without '+' (a WhatsApp id such as 393471234567).
 */
export function isWholePhoneNumber(text: string, regions: readonly CountryCode[]): boolean {
  const t = text.trim();
  if (!/^[+(]?[0-9][0-9 .\-/()]*$/.test(t)) return false;
  const digits = digitsOf(t);
  if (digits.length < MIN_DIGITS || digits.length > 15 + 2) return false;
  const spans = findPhones(t, regions);
  if (spans.length === 1 && spans[0]?.start === 0 && spans[0].end === t.length) return true;
  if (/^[0-9]+$/.test(t)) {
    const asE164 = parsePhoneNumberFromString(`+${t}`);
    if (asE164?.isValid() === true) return true;
  }
  for (const region of regions) {
    if (parsePhoneNumberFromString(t, region)?.isValid() === true) return true;
  }
  return false;
}
