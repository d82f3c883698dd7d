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
 * - A bare digit run (no separators at all) needs more: a mobile (or trunk-0) number of 8+
 *   digits of the default region, or a phone word before it (or right after it), or a phone
 *   just before it in a list ("casa 912 76 32 26, trabajo 950240865").
 * - Context words (context.ts: word-start stems, accents folded) are read back to the previous
 *   digit, so a word before an earlier number is that number's. A negative word (order,
 *   invoice, ...) rules out the number it introduces ("ordine n. 123"); one further back rules
 *   out only a bare digit run, and not even that after a word naming the line ("numero di
 *   telefono per l'ordine: ...") or before a phone word after the number.
 */
import { findPhoneNumbersInText, Metadata, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode, NumberFound, PhoneNumber } from 'libphonenumber-js/max';
import { contextMatcher, foldAccents } from './context.ts';
import { charge, meter } from './meter.ts';
import { gluedBefore, isDigitCode, runEnd } from './runs.ts';
import { sortByStart } from './spans.ts';
import type { ViewSpan } from './types.ts';

// The runtime accepts `leniency` ('POSSIBLE' | 'VALID'; source/findNumbers/Leniency.js) but
// the published typings of findPhoneNumbersInText omit it.
const findNumbersInText = findPhoneNumbersInText as (
  text: string,
  options: { defaultCountry?: CountryCode | undefined; leniency: 'POSSIBLE' | 'VALID' },
) => NumberFound[];

/** libphonenumber's reading of `text`, counted in `meter.phoneReadings`. */
function findNumbers(
  text: string,
  options: { defaultCountry?: CountryCode | undefined; leniency: 'POSSIBLE' | 'VALID' },
): NumberFound[] {
  meter.phoneReadings++;
  return findNumbersInText(text, options);
}

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
const AFTER_WINDOW = 30;

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
  'zapzap',
  'wpp!',
  'whats!',
  'chama',
  'contato!',
  'contate',
  // abbreviations and channels people use in every language
  'tlf',
  'tfno',
  'telf',
  'cel!',
  'mob!',
  'fax',
  'sms',
  'wasap',
  'guasap',
  'texto',
  'hotline',
  'linha',
  'linea',
  'ligne',
  'line!',
  'fixo',
  'zurückruf',
  'rufnummer',
  'telefonino',
  'reperibil',
  'rintracciabil',
  'messagg',
  'mensag',
  'mensaj',
  'signal!',
  'telegram',
  'viber',
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

/**
 * Words that name the line itself. One of them before a negative word that does not introduce the
 * number keeps the number a phone: "il mio numero di telefono per la consegna dell'ordine è ...".
 */
const NOUN = contextMatcher([
  'tel!',
  'telef',
  'teleph',
  'telem',
  'tlf',
  'tfno',
  'telf',
  'cell',
  'cel!',
  'celular',
  'movil',
  'mobil',
  'handy',
  'portable',
  'phone',
  'whatsapp',
  'fax',
  'festnetz',
  'fisso',
  'fijo',
  'fixe',
  'landline',
  'recapit',
  'contatt',
  'contact',
  'kontakt',
  'contato!',
]);

/**
 * What may stand between a negative word and the number it introduces ("ordine n. 123",
 * "order no: 123", "commande n° 123", "Bestellnummer: 123"); anything more and the word
 * introduces only itself.
 */
const INTRODUCES = /^[\s\p{P}\p{S}]*(?:(?:n|no|nr|num|numero|number|nummer|nº)[\s\p{P}\p{S}]*)?$/iu;

/** Only a joiner since the number before: "347 1234567 o al 06 1234567", "ordini 123 e 456". */
const JOINER = /^[\s,;/&+\-:]*(?:\p{L}{1,12}[\s,;/&+\-:]+){0,2}$/u;

/** Account words: negative only when they introduce the number. */
const ACCOUNT = contextMatcher([
  'account',
  'konto',
  'compte',
  'cuenta',
  'conta!',
  'profil',
  'perfil',
  'login',
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
  'contatore',
  'lettura',
  'fedelt',
  'socio!',
  'carta!',
  'reso!',
  'resi!',
  'rimborso',
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
  'meter!',
  'reading',
  'card!',
  'return!',
  'refund',
  'rma!',
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
  'zähler',
  'karte',
  'retoure',
  'rücksendung',
  'erstattung',
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
  'compteur',
  'relevé',
  'carte!',
  'fidélité',
  'retour!',
  'remboursement',
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
  'cep!',
  'contador',
  'leitura',
  'tarjeta',
  'cartão',
  'cartao',
  'devoluc',
  'devoluç',
  'reembolso',
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
  // 12/03/2024, 02.04.24, 3/12/25: day and month in range, and not one link of a chain of
  // pairs, which is how the French, Spanish and Belgians group phones (06.12.34.56.78).
  /(?<![0-9][./-]?)(?:[0-2]?[0-9]|3[01])([./-])(?:[0-2]?[0-9]|3[01])\1(?:[0-9]{4}|[0-9]{2})(?![./-]?[0-9])/g,
  /(?<![0-9])(?:19|20)[0-9]{2}[./-][0-9]{1,2}[./-][0-9]{1,2}(?![0-9])/g, // 2024-03-12
  /(?<![0-9])(?:19|20)[0-9]{2}[-/][0-9]{3,}(?![0-9])/g, // 2024-0088127 (year-prefixed document numbers)
  /(?<![0-9])[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?![0-9])/g, // 14:30, 09:15:00
  /(?<![0-9])[0-9]{1,2}[.:][0-9]{2}\s?-\s?[0-9]{1,2}[.:][0-9]{2}(?![0-9])/g, // 9.00-13.00
  /(?<![0-9.])(?:[vV])?(?:0|[1-9][0-9]?)(?:\.[0-9]{1,5}){2,}(?![0-9.])/g, // 2.0.14.3317 (versions)
  /(?:[€$£¥]|\b(?:eur|euro|usd|gbp|chf|brl|r\$))\s?[0-9][0-9.,' ]*[0-9]/gi, // € 1.234.567
  /[0-9][0-9.,' ]*[0-9]\s?(?:[€$£¥%]|(?:eur|euro|euros|usd|gbp|chf|brl|kg|km|kwh|mwh|cm|mm|mb|gb|mah|ml|lt)(?![\p{L}]))/giu,
  /(?<![0-9])[0-9]{1,3}(?:[.\s][0-9]{3})*,[0-9]{2}(?![0-9])/g, // 1.234.567,89
  /(?<![0-9][ .-]?)[0-9]{4,5}-[0-9]{3}(?![ .-]?[0-9])/g, // postal codes: 01310-100 (BR), 1000-001 (PT)
];
const IPV4 = /(?<![0-9.])([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})(?![0-9]|\.[0-9])/g;
const LONE_DIGIT = /(?<![0-9])[0-9](?![0-9])/g;
const NANP_DOTTED = /^1\.[0-9]{3}\.[0-9]{3}\.[0-9]{4}$/;
// A '+' or a group starting "00": libphonenumber may read a part of a run as international.
const INNER_INTERNATIONAL = /\+|(?<![0-9])00/;

interface Candidate {
  readonly start: number;
  readonly text: string;
}

interface Ctx {
  readonly view: string;
  readonly regions: readonly CountryCode[];
}

/** `weak-negative`: a negative word before, but not introducing the number. */
type ContextVerdict = 'positive' | 'negative' | 'weak-negative' | 'none';

/**
 * What the words before the candidate at `at` say: read back to the previous digit (a word before
 * an earlier number is that number's), at most CONTEXT_WINDOW characters. When only a joiner
 * separates the two numbers ("... 347 1234567 o al 06 1234567"), the earlier number's words count.
 */
function contextBefore(view: string, at: number): ContextVerdict {
  // '#' just before the number marks an order/ticket reference.
  let i = at - 1;
  while (i >= 0 && view[i] === ' ') i--;
  charge(at - i);
  if (view[i] === '#') return 'negative';
  const from = afterPreviousDigit(view, at);
  const verdict = verdictIn(view, from, at);
  if (verdict !== 'none' || from === 0 || at - from >= CONTEXT_WINDOW) return verdict;
  if (!JOINER.test(view.slice(from, at))) return 'none';
  let p = from;
  while (p > 0 && from - p < 40 && isNumberChar(view.charCodeAt(p - 1))) p--;
  charge(from - p);
  return verdictIn(view, afterPreviousDigit(view, p), p);
}

/**
 * A phone word just after the number, before any other digit: "3471234567 è il mio cellulare",
 * "912 345 678 es mi fijo", "0171 1234567 ist meine Handynummer".
 */
function phoneWordAfter(view: string, end: number): boolean {
  let to = end;
  while (to < view.length && to - end < AFTER_WINDOW && !isDigitCode(view.charCodeAt(to))) to++;
  charge(to - end);
  return to > end && (STRONG.lastIn(view, end, to) >= 0 || NOUN.lastIn(view, end, to) >= 0);
}

/** Digits, separators and '+': what a written number is made of. */
function isNumberChar(c: number): boolean {
  return isDigitCode(c) || isSeparator(c) || c === 43;
}

/** The start of the text before `at` back to (not including) the previous digit, at most CONTEXT_WINDOW. */
function afterPreviousDigit(view: string, at: number): number {
  let from = at;
  while (from > 0 && at - from < CONTEXT_WINDOW && !isDigitCode(view.charCodeAt(from - 1))) from--;
  charge(at - from);
  return from;
}

/** The verdict of the context words in `[from, at)`: the nearest wins, with the rules above. */
function verdictIn(view: string, from: number, at: number): ContextVerdict {
  if (at <= from) return 'none';
  const neg = NEGATIVE.lastHit(view, from, at);
  const strong = STRONG.lastIn(view, from, at);
  if (neg !== undefined && neg.start > strong) {
    let end = neg.end;
    while (end < at && LETTER.test(view.charAt(end))) end++;
    charge(end - neg.end);
    if (INTRODUCES.test(foldAccents(view.slice(end, at)))) return 'negative';
    // "the number linked to my account is ...": an account holds a phone; it rules out only the
    // number it introduces ("account 12345678").
    if (ACCOUNT.lastIn(view, neg.start, end) >= 0)
      return strong >= 0 || WEAK.lastIn(view, from, at) >= 0 ? 'positive' : 'none';
    return NOUN.lastIn(view, from, neg.start) >= 0 ? 'positive' : 'weak-negative';
  }
  if (strong >= 0 || WEAK.lastIn(view, from, at) >= 0) return 'positive';
  return 'none';
}

const LETTER = /\p{L}/u;
const BARE = /^[0-9]+$/;

function digitsOf(s: string): string {
  return s.replace(/[^0-9]/g, '');
}

/**
 * Calls `visit` with each date, time, version, amount, postal code or IP address (BLOCKERS, IPV4)
 * that overlaps `view[start, end)`, as view offsets, until `visit` returns true; returns whether it
 * did. The patterns are read in a window of 12 characters around the span.
 */
function someBlocker(
  view: string,
  start: number,
  end: number,
  visit: (blockStart: number, blockEnd: number) => boolean,
): boolean {
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
      if (ms < e && me > s && !(re === BLOCKERS[5] && NANP_DOTTED.test(m[0])) && visit(from + ms, from + me))
        return true;
    }
  }
  IPV4.lastIndex = 0;
  for (let m = IPV4.exec(window); m !== null; m = IPV4.exec(window)) {
    const octets = m.slice(1, 5);
    const isIp = octets.every((o) => o !== undefined && Number(o) <= 255 && (o.length === 1 || o[0] !== '0'));
    if (
      isIp &&
      m.index < e &&
      m.index + m[0].length > s &&
      visit(from + m.index, from + m.index + m[0].length)
    )
      return true;
  }
  return false;
}

/** The blockers (as `someBlocker` finds them) overlapping `view[start, end)`, as [start, end) pairs. */
function blockersOf(view: string, start: number, end: number): (readonly [number, number])[] {
  const found: (readonly [number, number])[] = [];
  someBlocker(view, start, end, (blockStart, blockEnd) => {
    found.push([blockStart, blockEnd]);
    return false;
  });
  return found;
}

/**
 * Whether every digit of `view[start, end)` lies in one of `blockers` (a date, time, version,
 * amount, postal code or IP address found around the run). Then no part of the run can pass
 * `acceptNational`'s blocker check, which rejects a number overlapping one, and libphonenumber need
 * not be asked for it in any region: a run like "12/03/2024" or "192.168.1.10" cost eight calls of
 * 10-30 us each, one per region, to find nothing.
 */
function allDigitsBlocked(
  view: string,
  start: number,
  end: number,
  blockers: readonly (readonly [number, number])[],
): boolean {
  const covered = new Uint8Array(end - start);
  for (const [blockStart, blockEnd] of blockers)
    covered.fill(1, Math.max(0, blockStart - start), Math.min(end, blockEnd) - start);
  for (let i = start; i < end; i++)
    if (isDigitCode(view.charCodeAt(i)) && covered[i - start] === 0) return false;
  return true;
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
  positive: () => boolean,
  overlapsBlocker: (from: number, to: number) => boolean,
): boolean {
  const written = digitsOf(raw);
  // libphonenumber's VALID skips the national-prefix check: "301234567" is valid for DE. People
  // write national numbers with the prefix their country requires, so demand it.
  const national = digitsOf(number.formatNational());
  // North Americans often dial the country code as a trunk prefix: 1-212-555-0123.
  const nanpOne = number.countryCallingCode === '1' && written === `1${national}` && !/^1[0-9]/.test(raw);
  if (written !== national && !nanpOne) return false;
  if (BARE.test(raw) && !positive()) {
    // A bare digit run: only a mobile (or trunk-0 number) of the default region, of 8 digits or
    // more (a 7-digit run is a meter reading or a customer code far more often than a phone).
    if (region !== ctx.regions[0] || written.length < 8) return false;
    const type = number.getType();
    if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE' && !written.startsWith('0')) return false;
  }
  return !overlapsBlocker(start, start + raw.length);
}

/**
 * An international number written `e164` (leading '+'): VALID matches that start with the '+',
 * else a POSSIBLE one from the '+' when `possible`. `at(k)` maps an offset of `e164` to the view;
 * a span from the '+' starts at `plusAt`, which covers an opening "(" of "(+39) 347 ...".
 */
function scanInternational(
  ctx: Ctx,
  e164: string,
  at: (k: number) => number,
  plusAt: number,
  possible: boolean,
  out: ViewSpan[],
): boolean {
  const found = findNumbers(e164, { defaultCountry: ctx.regions[0], leniency: 'VALID' });
  let coversStart = false;
  for (const f of found) {
    if (!isIntlWritten(e164.slice(f.startsAt, f.endsAt))) continue;
    out.push({ type: 'PHONE', start: f.startsAt === 0 ? plusAt : at(f.startsAt), end: at(f.endsAt) });
    if (f.startsAt === 0) coversStart = true;
  }
  if (!coversStart && possible) {
    // The spec's `+ 1 (123) 456 7890` is not VALID (no area code 123) but is POSSIBLE.
    const p = findNumbers(e164, { leniency: 'POSSIBLE' })[0];
    if (p?.startsAt === 0 && p.number.isPossible()) {
      out.push({ type: 'PHONE', start: plusAt, end: at(p.endsAt) });
      coversStart = true;
    }
  }
  return coversStart || found.length > 0;
}

/** What `fitsNumberingPlan` reads of a region's numbering plan (libphonenumber's metadata). */
interface PlanOutline {
  readonly nationalNumber: RegExp;
  readonly nationalPrefix: string | undefined;
}

const outlines = new Map<CountryCode, PlanOutline | null>();

function planOutline(region: CountryCode): PlanOutline | null {
  let outline = outlines.get(region);
  if (outline === undefined) {
    // Methods of the metadata's numbering plan the published typings leave out. A region the
    // metadata lacks throws: it is then never guessed, only read in its turn.
    const metadata = new Metadata();
    try {
      metadata.selectNumberingPlan(region);
    } catch {
      metadata.numberingPlan = undefined;
    }
    const plan = metadata.numberingPlan as
      { nationalNumberPattern?: () => string; nationalPrefix?: () => string | undefined } | undefined;
    const pattern = plan?.nationalNumberPattern?.();
    outline =
      pattern === undefined
        ? null
        : { nationalNumber: new RegExp(`^(?:${pattern})$`), nationalPrefix: plan?.nationalPrefix?.() };
    outlines.set(region, outline);
  }
  return outline;
}

/**
 * Whether `digits` as written, or after the region's national prefix, match the region's pattern
 * for national numbers: a cheap guess at which regions can read a run, used only to choose which
 * to ask first (a wrong guess costs time, never a different answer).
 */
function fitsNumberingPlan(region: CountryCode, digits: string): boolean {
  const outline = planOutline(region);
  if (outline === null) return true;
  const { nationalNumber, nationalPrefix } = outline;
  if (nationalNumber.test(digits)) return true;
  return (
    nationalPrefix !== undefined &&
    nationalPrefix !== '' &&
    digits.startsWith(nationalPrefix) &&
    nationalNumber.test(digits.slice(nationalPrefix.length))
  );
}

function scanCandidate(ctx: Ctx, cand: Candidate, out: ViewSpan[]): void {
  const { view, regions } = ctx;
  const { start, text } = cand;
  const waMe = /wa\.me\/$/i.test(view.slice(Math.max(0, start - 6), start));
  if (waMe) {
    scanInternational(ctx, `+${text}`, (k) => start + Math.max(0, k - 1), start, true, out);
    return;
  }
  if (text.startsWith('+')) {
    // "(+39) 347 ...": the parenthesis opens the number.
    const plusAt = view.charAt(start - 1) === '(' && /^\+ ?[0-9]{1,3}\)/.test(text) ? start - 1 : start;
    scanInternational(ctx, text, (k) => start + k, plusAt, true, out);
    return;
  }
  const previous = out[out.length - 1];
  // In a list of phones ("casa 912 76 32 26, trabajo 950240865") the next one is a phone too.
  const inList =
    previous !== undefined &&
    start - previous.end <= CONTEXT_WINDOW &&
    JOINER.test(view.slice(previous.end, start));
  const found = contextBefore(view, start);
  const before = found === 'none' && inList ? 'positive' : found;
  // A phone word right after the number makes it a phone when nothing before says so, and
  // overrules a negative word that does not introduce the number ("für den Paketdienst bin ich
  // unter 0171 1234567 erreichbar"). Otherwise such a word ("il numero associato all'account è
  // ...") still rules out a bare digit run, the way codes are written, but not a number grouped
  // the way phones are.
  // (Read only when it matters: for a bare digit run.)
  let after: boolean | undefined;
  const wordAfter = (): boolean => (after ??= phoneWordAfter(view, start + text.length));
  if (before === 'negative' || (before === 'weak-negative' && BARE.test(text) && !wordAfter())) return;
  const positive = (): boolean => before === 'positive' || wordAfter();
  // "00" is the international prefix of most of Europe, whatever the default region's is (011 in
  // the US): read it as a '+'.
  if (
    text.startsWith('00') &&
    scanInternational(ctx, `+${text.slice(2)}`, (k) => start + (k === 0 ? 0 : k + 1), start, false, out)
  )
    return;
  // A run written "+..." or "00..." anywhere inside is read as international, which no blocker rules
  // out; otherwise a run made only of dates, amounts and the like holds no phone.
  const end = start + text.length;
  const blockers = blockersOf(view, start, end);
  if (!INNER_INTERNATIONAL.test(text) && allDigitsBlocked(view, start, end, blockers)) return;
  // Whether a number read in the run overlaps a blocker: for the whole run (the usual reading),
  // those just found; for a part of it, read again around that part.
  const overlapsBlocker = (from: number, to: number): boolean =>
    from === start && to === end ? blockers.length > 0 : someBlocker(view, from, to, () => true);
  const readings = new Map<CountryCode, NumberFound[]>();
  const readIn = (region: CountryCode): NumberFound[] => {
    let numbers = readings.get(region);
    if (numbers === undefined) {
      numbers = findNumbers(text, { defaultCountry: region, leniency: 'VALID' });
      readings.set(region, numbers);
    }
    return numbers;
  };
  const accepted = (region: CountryCode, f: NumberFound): boolean => {
    const raw = text.slice(f.startsAt, f.endsAt);
    return (
      isIntlWritten(raw) ||
      acceptNational(ctx, region, f.number, raw, start + f.startsAt, positive, overlapsBlocker)
    );
  };
  // The whole run read in any region is the answer, whichever region that is (a longer span wins
  // and nothing is longer), so the regions whose numbering plan the run fits are asked first: a
  // Spanish number no longer costs five failed readings as Italian, British, American, German and
  // French first.
  const digits = digitsOf(text);
  for (const region of regions) {
    if (!fitsNumberingPlan(region, digits)) continue;
    if (readIn(region).some((f) => f.startsAt === 0 && f.endsAt === text.length && accepted(region, f))) {
      out.push({ type: 'PHONE', start, end });
      return;
    }
  }
  let best: ViewSpan | undefined;
  for (const region of regions) {
    for (const f of readIn(region)) {
      if (!accepted(region, f)) continue;
      if (best === undefined || f.endsAt - f.startsAt > best.end - best.start)
        best = { type: 'PHONE', start: start + f.startsAt, end: start + f.endsAt };
    }
    if (best !== undefined && best.start === start && best.end === end) break; // the whole run: done
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
