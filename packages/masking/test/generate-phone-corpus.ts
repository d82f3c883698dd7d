/**
 * Generates packages/masking/corpus/phone-chats.jsonl (issue 17): chat messages in
 * it/en/es/de/fr/pt as customers really write phone numbers (international with `+`/`00`,
 * national with the trunk `0`, spaces/dots/dashes/slashes/parentheses, grouped the way each
 * country groups them, `+49 (0)`, WhatsApp's bidi marks, `wa.me/` and `tel:` links), after or
 * without context words, beside what is NOT a phone: times, dates, prices, order and tracking
 * numbers, IBAN-like strings, card numbers, quantities, postal codes, tax ids, IMEIs, OTPs.
 * Run it again after editing: `npx tsx packages/masking/test/generate-phone-corpus.ts`.
 *
 * Two parts. `tune`: the templates the detector was tuned on. `holdout`: the templates in
 * `HELD_OUT`, new phrasings (context words, negatives) written before the detector was ever run on
 * them and never tuned on, expanded with fresh values. Rounds so far: a first hold-out (30% of `T`,
 * chosen by a salted FNV-1a hash of each template) was held out before the first round of tuning;
 * once its errors had been read it became tuning data and `ROUND_2` was written and held out; after
 * each further round the hold-out became tuning data too (`ROUND_2`, `ROUND_3`) and a new one was
 * written: `HELD_OUT` is the fourth. Whoever reads its errors to tune the detector must move it
 * to a `ROUND_n` (tune) and write a new `HELD_OUT` before running the detector on it.
 * Every labelled phone is VALID for its country under libphonenumber's full metadata; cards pass
 * Luhn, IBANs mod-97.
 * Deterministic: seeded.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';

type Lang = 'it' | 'en' | 'es' | 'de' | 'fr' | 'pt';
type SpanType = 'CREDIT_CARD' | 'IBAN' | 'SSN' | 'EMAIL' | 'PHONE';
export type Split = 'tune' | 'holdout';

/** One message. `region` is the business number's country (the `defaultRegion`). */
export interface PhoneCorpusLine {
  text: string;
  lang: Lang;
  region: CountryCode;
  split: Split;
  spans: { type: SpanType; start: number; end: number }[];
}

// --- seeded PRNG (mulberry32) ---------------------------------------------------------------
let seed = 0x17_0417;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function pick<T>(xs: readonly T[]): T {
  const x = xs[Math.floor(rand() * xs.length)];
  if (x === undefined) throw new Error('empty pool');
  return x;
}
function digits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(Math.floor(rand() * 10));
  return s;
}
function int(lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

// --- phones ---------------------------------------------------------------------------------
/** National prefixes (with the trunk 0 where the country has one) and total national length. */
const PLAN: Record<string, { mobile: readonly [string, number][]; fixed: readonly [string, number][] }> = {
  IT: {
    mobile: [
      ['32', 10],
      ['33', 10],
      ['34', 10],
      ['35', 10],
      ['36', 10],
      ['37', 10],
      ['38', 10],
      ['39', 10],
    ],
    fixed: [
      ['02', 10],
      ['06', 10],
      ['011', 10],
      ['051', 10],
      ['055', 10],
      ['081', 10],
      ['045', 10],
      ['0331', 10],
    ],
  },
  GB: {
    mobile: [
      ['077', 11],
      ['078', 11],
      ['079', 11],
      ['074', 11],
    ],
    fixed: [
      ['020', 11],
      ['0161', 11],
      ['0113', 11],
      ['0131', 11],
    ],
  },
  US: {
    mobile: [
      ['212', 10],
      ['415', 10],
      ['646', 10],
      ['305', 10],
      ['718', 10],
    ],
    fixed: [
      ['312', 10],
      ['617', 10],
      ['202', 10],
    ],
  },
  ES: {
    mobile: [
      ['6', 9],
      ['7', 9],
    ],
    fixed: [
      ['91', 9],
      ['93', 9],
      ['96', 9],
      ['95', 9],
    ],
  },
  DE: {
    mobile: [
      ['0151', 12],
      ['0160', 11],
      ['0170', 11],
      ['0171', 11],
      ['0176', 12],
      ['0157', 12],
    ],
    fixed: [
      ['030', 11],
      ['089', 11],
      ['040', 11],
      ['0221', 11],
      ['069', 11],
    ],
  },
  FR: {
    mobile: [
      ['06', 10],
      ['07', 10],
    ],
    fixed: [
      ['01', 10],
      ['02', 10],
      ['03', 10],
      ['04', 10],
      ['05', 10],
      ['09', 10],
    ],
  },
  PT: {
    mobile: [
      ['91', 9],
      ['92', 9],
      ['93', 9],
      ['96', 9],
    ],
    fixed: [
      ['21', 9],
      ['22', 9],
    ],
  },
  BR: {
    mobile: [
      ['119', 11],
      ['219', 11],
      ['319', 11],
      ['419', 11],
      ['519', 11],
      ['619', 11],
      ['719', 11],
      ['819', 11],
    ],
    fixed: [
      ['113', 10],
      ['213', 10],
      ['312', 10],
      ['514', 10],
    ],
  },
  AT: {
    mobile: [
      ['0664', 11],
      ['0676', 11],
      ['0650', 11],
      ['0699', 12],
    ],
    fixed: [
      ['01', 9],
      ['0316', 10],
    ],
  },
  CH: {
    mobile: [
      ['079', 10],
      ['078', 10],
      ['076', 10],
      ['077', 10],
    ],
    fixed: [
      ['044', 10],
      ['031', 10],
      ['022', 10],
    ],
  },
  BE: {
    mobile: [
      ['047', 10],
      ['048', 10],
      ['049', 10],
    ],
    fixed: [
      ['02', 9],
      ['03', 9],
    ],
  },
  MX: {
    mobile: [
      ['55', 10],
      ['33', 10],
      ['81', 10],
    ],
    fixed: [['55', 10]],
  },
};

/** How people group the national digits (with the trunk 0), per country. */
const GROUPS: Record<string, readonly (readonly number[])[]> = {
  IT: [[3, 3, 4], [3, 3, 4], [3, 7], [3, 4, 3], [3, 2, 2, 3], [3, 3, 2, 2], [10]],
  GB: [[5, 6], [5, 6], [5, 3, 3], [4, 3, 4], [11]],
  US: [[3, 3, 4], [3, 3, 4], [10]],
  ES: [[3, 3, 3], [3, 3, 3], [3, 2, 2, 2], [9]],
  DE: [[4, 8], [4, 3, 8], [5, 8], [4, 2, 2, 8], [12]],
  FR: [[2, 2, 2, 2, 2], [2, 2, 2, 2, 2], [2, 2, 2, 2, 2], [10], [4, 2, 2, 2]],
  PT: [[3, 3, 3], [3, 3, 3], [9], [2, 3, 4]],
  BR: [
    [2, 5, 4],
    [2, 9],
  ],
  AT: [
    [4, 8],
    [4, 3, 8],
  ],
  CH: [[3, 3, 2, 2], [3, 3, 2, 2], [10]],
  BE: [[4, 2, 2, 2], [4, 2, 2, 2], [10]],
  MX: [[2, 4, 4], [10]],
};
const SEPS: Record<string, readonly string[]> = {
  IT: [' ', ' ', ' ', '-', '.', '/'],
  GB: [' ', ' ', ' ', '-'],
  US: ['-', '-', '.', ' '],
  ES: [' ', ' ', ' ', '-', '.'],
  DE: [' ', ' ', '/', '-'],
  FR: [' ', ' ', '.', '-'],
  PT: [' ', ' ', ' ', '-'],
  BR: [' ', '-'],
  AT: [' ', ' ', '/', '-'],
  CH: [' ', ' ', '.'],
  BE: [' ', ' ', '/', '.'],
  MX: [' ', ' ', '-'],
};
const CC: Record<string, string> = {
  IT: '39',
  GB: '44',
  US: '1',
  ES: '34',
  DE: '49',
  FR: '33',
  PT: '351',
  BR: '55',
  AT: '43',
  CH: '41',
  BE: '32',
  MX: '52',
};
/** Countries whose national numbers begin with a trunk 0 that the international form drops. */
const TRUNK0 = new Set(['GB', 'DE', 'FR', 'AT', 'CH', 'BE']);

function group(s: string, sizes: readonly number[], sep: string, sep1 = sep): string {
  const out: string[] = [];
  let at = 0;
  for (const n of sizes) {
    if (at >= s.length) break;
    out.push(s.slice(at, at + n));
    at += n;
  }
  if (at < s.length) out.push(s.slice(at));
  return out.length <= 1 ? out.join('') : out[0] + sep1 + out.slice(1).join(sep);
}

interface Phone {
  region: string;
  /** National digits as dialled at home (with the trunk 0 where the country has one). */
  national: string;
  /** National significant number (what follows the country code). */
  nsn: string;
  formatNational: string;
  formatInternational: string;
  mobile: boolean;
}

function makePhone(region: string, mobile: boolean): Phone {
  const plan = PLAN[region];
  if (plan === undefined) throw new Error(region);
  for (let i = 0; i < 2000; i++) {
    const [prefix, len] = pick(mobile ? plan.mobile : plan.fixed);
    const national = prefix + digits(len - prefix.length);
    const n = parsePhoneNumberFromString(national, region as CountryCode);
    if (n?.isValid() !== true || n.country !== region) continue;
    const type = n.getType();
    if (mobile && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') continue;
    if (!mobile && type !== 'FIXED_LINE' && type !== 'FIXED_LINE_OR_MOBILE') continue;
    // US 555-01xx and the like are fictional; keep only numbers written as we wrote them.
    if (n.formatNational().replace(/[^0-9]/g, '') !== national) continue;
    return {
      region,
      national,
      nsn: n.nationalNumber,
      formatNational: n.formatNational(),
      formatInternational: n.formatInternational(),
      mobile,
    };
  }
  throw new Error(`no valid number for ${region}`);
}

/** The national digits grouped as people of `p.region` group a mobile, or as the plan groups a line. */
function groupedNational(p: Phone, sep: string): string {
  if (!p.mobile) {
    const area = (p.formatNational.split(' ')[0] ?? '').replace(/[^0-9]/g, '');
    const rest = p.national.slice(area.length);
    return pick([p.formatNational.replace(/ /g, sep), `${area}${sep}${rest}`]);
  }
  return group(p.national, pick(GROUPS[p.region] ?? [[p.national.length]]), sep);
}

/** The national written forms a person of `p.region` uses. */
function writeNational(p: Phone): string {
  const r = p.region;
  const sep = pick(SEPS[r] ?? [' ']);
  const style = rand();
  if (style < 0.25) return p.formatNational;
  if (style < 0.35) return p.national;
  if (r === 'US') {
    const a = p.national.slice(0, 3);
    const b = p.national.slice(3, 6);
    const c = p.national.slice(6);
    return pick([
      `(${a}) ${b}-${c}`,
      `(${a})${b}-${c}`,
      `${a}-${b}-${c}`,
      `${a}.${b}.${c}`,
      `1-${a}-${b}-${c}`,
    ]);
  }
  if (r === 'BR') {
    const ddd = p.national.slice(0, 2);
    const rest = p.national.slice(2);
    const cut = rest.length - 4;
    return pick([
      `(${ddd}) ${rest.slice(0, cut)}-${rest.slice(cut)}`,
      `(${ddd})${rest.slice(0, cut)}-${rest.slice(cut)}`,
      `${ddd} ${rest.slice(0, cut)}-${rest.slice(cut)}`,
      `${ddd} ${rest.slice(0, cut)} ${rest.slice(cut)}`,
      `(${ddd}) ${rest}`,
    ]);
  }
  // Area code in parentheses (fixed lines in DE/GB/AT/IT).
  if (!p.mobile && style < 0.45 && ['DE', 'GB', 'AT', 'IT'].includes(r)) {
    const area = (p.formatNational.split(' ')[0] ?? '').replace(/[^0-9]/g, '');
    return `(${area}) ${p.national.slice(area.length)}`;
  }
  // A slash goes once, after the prefix: 0171/1234567, 347/1234567.
  if (sep === '/') {
    const g = groupedNational(p, ' ');
    const cut = g.indexOf(' ');
    return cut < 0 ? g : `${g.slice(0, cut)}/${g.slice(cut + 1).replace(/ /g, '')}`;
  }
  if (sep === '-' && rand() < 0.4) return groupedNational(p, ' ').replace(' ', '-');
  return groupedNational(p, sep);
}

/** The international written forms. */
function writeInternational(p: Phone): string {
  const cc = CC[p.region] ?? '';
  const intlRest = p.formatInternational.slice(cc.length + 2); // after "+cc "
  const fromNational = (): string => {
    const g = groupedNational(p, ' ');
    return TRUNK0.has(p.region) ? g.slice(1).replace(/^ /, '') : g;
  };
  const nsnGroups = pick([() => intlRest, () => intlRest, () => p.nsn, fromNational])();
  const style = rand();
  if (style < 0.3) return `+${cc} ${nsnGroups}`;
  if (style < 0.42) return `+${cc}${p.nsn}`;
  if (style < 0.54) return `00${cc} ${nsnGroups}`;
  if (style < 0.6) return `00${cc}${p.nsn}`;
  if (style < 0.66) return `+${cc}-${intlRest.replace(/ /g, '-')}`;
  if (style < 0.7) return `+${cc}.${intlRest.replace(/ /g, '.')}`;
  if (style < 0.76) return `(+${cc}) ${nsnGroups}`;
  if (style < 0.84 && TRUNK0.has(p.region)) return `+${cc} (0)${nsnGroups}`;
  if (style < 0.88 && TRUNK0.has(p.region)) return `+${cc} (0) ${nsnGroups}`;
  if (style < 0.92) return `+${cc} ${p.nsn}`;
  if (style < 0.96) return p.formatInternational.replace(/ /g, '\u00A0');
  return `+${cc} ${nsnGroups}`;
}

const FOREIGN = ['IT', 'GB', 'US', 'ES', 'DE', 'FR', 'PT', 'BR', 'AT', 'CH', 'BE', 'MX'];

/** A phone of `region` (national or international) or, `foreign`, of any country (international). */
function phone(
  region: string,
  kind: 'any' | 'national' | 'intl' | 'bare' | 'foreign' | 'landline' | 'mobile',
): string {
  const mobile = kind === 'bare' || kind === 'mobile' || (kind !== 'landline' && rand() < 0.72);
  if (kind === 'foreign') return writeInternational(makePhone(pick(FOREIGN), mobile));
  const p = makePhone(region, mobile);
  if (kind === 'bare') return p.national;
  if (kind === 'intl') return writeInternational(p);
  if (kind === 'national' || kind === 'landline' || kind === 'mobile') return writeNational(p);
  return rand() < 0.65 ? writeNational(p) : writeInternational(p);
}

// --- other labelled values (kept simple: the main corpus tests them in depth) ------------------
function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}
function card(): string {
  const body = pick(['4', '51', '55', '2221', '6011', '4']) + digits(0);
  const full = body + digits(15 - body.length);
  const pan = full + luhnCheckDigit(full);
  return group(pan, [4, 4, 4, 4], pick([' ', '', '-']));
}
function mod97(s: string): number {
  let r = 0;
  for (const ch of s) {
    const v = /[0-9]/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) r = (r * 10 + Number(d)) % 97;
  }
  return r;
}
function ibanOf(cc: string, bban: string): string {
  return cc + String(98 - mod97(bban + cc + '00')).padStart(2, '0') + bban;
}
const BBAN: Record<string, () => string> = {
  IT: () => pick(['X', 'A', 'K']) + digits(22),
  DE: () => digits(18),
  ES: () => digits(20),
  FR: () => digits(23),
  PT: () => digits(21),
  GB: () => 'WEST' + digits(14),
  BE: () => digits(12),
  CH: () => digits(17),
  AT: () => digits(16),
};
function iban(region: string): string {
  const cc = BBAN[region] === undefined ? 'IT' : region;
  const make = BBAN[cc];
  if (make === undefined) throw new Error(cc);
  const v = ibanOf(cc, make());
  return pick([group(v, [4, 4, 4, 4, 4, 4, 4, 4], ' '), v]);
}
function email(): string {
  return `${pick(['mario.rossi', 'giulia.b', 'jsmith', 'lucia.garcia', 'hans.m', 'pierre.d', 'joao.silva'])}${pick(['', '84', '.work'])}@${pick(['gmail.com', 'libero.it', 'web.de', 'orange.fr', 'sapo.pt', 'hotmail.es', 'outlook.com'])}`;
}

// --- hard negatives (never labelled) ----------------------------------------------------------
const MONTH = (): string => String(int(1, 12)).padStart(2, '0');
const DAY = (): string => String(int(1, 28)).padStart(2, '0');
const NEG: Record<string, () => string> = {
  order: () =>
    pick([String(int(1, 9)) + digits(int(6, 9)), `${int(1, 9)}${digits(8)}`, `${int(1, 9)}${digits(9)}`]),
  amazon: () => `${int(1, 4)}0${int(1, 9)}-${digits(7)}-${digits(7)}`,
  date: () =>
    pick([
      `${DAY()}/${MONTH()}/2025`,
      `${DAY()}.${MONTH()}.2025`,
      `${DAY()}-${MONTH()}-2024`,
      `2025-${MONTH()}-${DAY()}`,
      `${DAY()}/${MONTH()}/25`,
      `${DAY()}.${MONTH()}.`,
      `${int(1, 28)}/${int(1, 12)}`,
    ]),
  time: () =>
    pick([
      `${int(8, 20)}:${pick(['00', '15', '30', '45'])}`,
      `${int(8, 20)}.${pick(['00', '30'])}`,
      `${int(8, 11)}h${pick(['00', '30'])}`,
    ]),
  hours: () =>
    pick([
      `${int(8, 10)}:00-${int(12, 13)}:00`,
      `${int(8, 10)}.00 - ${int(17, 19)}.30`,
      `${int(8, 10)}-${int(12, 13)} / ${int(14, 15)}-${int(18, 19)}`,
    ]),
  price: () =>
    pick([
      `€ ${int(1, 9)}.${digits(3)},${digits(2)}`,
      `${int(100, 999)},${digits(2)} €`,
      `${int(1, 9)} ${digits(3)},${digits(2)} €`,
      `$${int(1, 9)},${digits(3)}.${digits(2)}`,
      `£${int(10, 999)}.${digits(2)}`,
      `R$ ${int(1, 9)}.${digits(3)},${digits(2)}`,
      `${int(10, 999)} euro`,
      `CHF ${int(1, 9)}'${digits(3)}.-`,
      `${int(1, 9)}.${digits(3)}.${digits(3)} EUR`,
    ]),
  qty: () =>
    pick([
      `${int(1, 9)}.${digits(3)} pezzi`,
      `${int(1, 9)} ${digits(3)} ${digits(3)}`,
      `${int(2, 20)}x ${int(100, 999)} ml`,
      `${int(1000, 99999)} km`,
      `${int(100, 9999)} kWh`,
      `${int(1, 9)},${digits(3)},${digits(3)}`,
      `${int(1, 9)}${digits(6)} punti`,
    ]),
  cap: () => pick([`${int(10, 98)}${digits(3)}`, `00${int(100, 199)}`, `D-${int(10, 99)}${digits(3)}`]),
  cepbr: () => `${digits(5)}-${digits(3)}`,
  cppt: () => `${int(1, 9)}${digits(3)}-${digits(3)}`,
  track: () =>
    pick([
      `1Z${digits(3)}AA1${digits(7)}`,
      `RR${digits(9)}IT`,
      `JJD${digits(18)}`,
      digits(12),
      `00${digits(18)}`,
      `${int(1, 9)}${digits(9)}`,
    ]),
  ibanlike: () => pick([`IT${digits(11)}`, `${digits(5)} ${digits(5)} ${digits(12)}`, `IT001E${digits(8)}`]),
  piva: () => `0${digits(10)}`,
  cpf: () => `${digits(3)}.${digits(3)}.${digits(3)}-${digits(2)}`,
  cnpj: () => `${digits(2)}.${digits(3)}.${digits(3)}/0001-${digits(2)}`,
  nif: () => `${pick(['1', '2', '5'])}${digits(8)}`,
  siret: () => `${digits(3)} ${digits(3)} ${digits(3)} ${digits(5)}`,
  nir: () => `${int(1, 2)} ${digits(2)} ${MONTH()} ${digits(2)} ${digits(3)} ${digits(3)} ${digits(2)}`,
  steuer: () => `${int(1, 9)}${digits(1)} ${digits(3)} ${digits(3)} ${digits(3)}`,
  sortcode: () => `${digits(2)}-${digits(2)}-${digits(2)} ${digits(8)}`,
  imei: () => `35${digits(13)}`,
  otp: () => digits(6),
  ts: () => `17${digits(8)}`,
  ip: () => `${pick(['192.168', '10.0', '172.16'])}.${int(0, 254)}.${int(1, 254)}`,
  ver: () =>
    pick([
      `${int(1, 19)}.${int(0, 9)}.${int(0, 30)}`,
      `${int(1, 5)}.${int(0, 9)}.${int(0, 99)}.${digits(4)}`,
    ]),
  ean: () => `80${digits(11)}`,
  isbn: () => `978-88-${digits(2)}-${digits(5)}-${digits(1)}`,
  pdr: () => `00${digits(12)}`,
  meter: () => `${digits(7)}`,
  invoice: () =>
    pick([`2025/${digits(6)}`, `FT ${digits(4)}/${digits(3)}`, `INV-${digits(8)}`, `${digits(3)}/2025`]),
  res: () => `${int(1, 9)}${digits(7)}`,
  range: () => `${int(1, 30)}-${int(2, 31)}`,
  year: () => `${int(1990, 2010)}-${int(2011, 2025)}`,
  res2: () => `${int(1920, 3840)}x${int(1080, 2160)}`,
};

// --- templates ------------------------------------------------------------------------------
// {P} a phone of the line's region (national or international), {PN} national, {PL} a national
// landline, {PM} a national mobile, {PI} international, {PB} a bare national mobile (no separators), {PF} a foreign number written
// internationally; {CARD} {IBAN} {EMAIL} labelled; lower-case slots are negatives.
const T: Record<Lang, readonly string[]> = {
  it: [
    'chiamami al {P}',
    'Chiamami al {PN} dopo le {time}',
    'il mio numero è {P}',
    'Il mio cellulare: {PN}',
    'cell. {PN}',
    'tel. {PN} - fax {PL}',
    'Tel:{PN}',
    'mi trovate al {P} dalle {hours}',
    'mi potete richiamare al {PN}? sono libero dalle {time}',
    'scrivimi su whatsapp al {PI}',
    'contattatemi al {P} oppure a {EMAIL}',
    'il numero di mia moglie è {P}, chiamate lei',
    '{PB}',
    '{P}',
    'ecco {PN}',
    'questo è il numero: {P} grazie',
    '{PL} è il mio fisso',
    'ok allora chiamo io dal {PN}',
    'numero nuovo {PI}, quello vecchio non lo uso più',
    'sono Marco, {PB}, ordine {order}',
    'per la consegna del {date} il corriere mi può chiamare al {PN}',
    'il mio numero di telefono per la consegna dell ordine è {PN}',
    'ordine {order} del {date}: se serve chiamatemi al {PN}',
    'ho pagato {price} con la carta {CARD}, chiamatemi al {PN}',
    'per il rimborso IBAN {IBAN}, recapito {PN}',
    'Buongiorno, ho un problema con la linea fissa {PL}, non funziona dal {date}',
    'il numero {PN} risulta sempre occupato',
    'chiamate pure mio figlio, {P}',
    'se non rispondo provate al {PN} o al {PN}',
    'mandatemi un sms al {P}',
    'rispondo da questo numero ma il mio è {PI}',
    'link: wa.me/{WAME}',
    'il mio ordine {order} non è arrivato',
    'ordine n. {amazon}, consegna prevista il {date}',
    'ho pagato {price} il {date} alle {time}',
    'spedizione {track} ferma a Milano da {range} giorni',
    'CAP {cap}, via Roma 12',
    'abito in via Garibaldi 15, {cap} Torino',
    'P.IVA {piva}',
    'partita iva {piva}, codice fiscale RSSMRA80A01H501U',
    'la carta {CARD} è stata rifiutata',
    'mi avete mandato {IBAN}? no il mio è diverso',
    'codice PDR {pdr}, lettura contatore {meter}',
    'ABI CAB e conto: {ibanlike}',
    'IMEI {imei}',
    'il codice OTP è {otp} ma non funziona',
    'ne vorrei {qty}',
    'aperto {hours}, chiuso la domenica',
    'la fattura {invoice} di {price} non torna',
    'il router {ip} si blocca, firmware {ver}',
    'prenotazione {res} per il {date}',
    'siamo stati clienti dal {year}',
    'numero cliente {order}',
    'numero pratica {order} aperta il {date}',
    'il numero del mio ordine è {order}',
    'ho ricevuto il pacco {track} ma manca un pezzo, ordine {amazon}',
    'ISBN {isbn}, codice a barre {ean}',
    'risoluzione {res2}, prezzo {price}',
    'il bonifico da {price} è partito il {date}, CRO {order}',
  ],
  en: [
    'call me on {P}',
    'whatsapp me on {PI}',
    'my number is {P}',
    'my cell is {PN}, text me anytime after {time}',
    'Mobile: {PN}',
    'reach me at {P}',
    'ring me on {PN} please',
    'you can text me at {PN}',
    '{P}',
    '{PB}',
    'here it is {PN}',
    'ok {PL} is my home phone',
    'new number {PI}',
    'please call my husband, {P}',
    'Hi, I am John, order {order}, phone {PN}',
    'for the delivery on {date} the driver can call {PN}',
    'order {order} placed on {date}, my mobile number for delivery is {PN}',
    'call {PN} or email {EMAIL}',
    'paid {price} with card {CARD}, call me back on {P}',
    'my landline {PL} has been dead since {date}',
    'tel: {PL} / mob: {PM}',
    'try {PN} or {PN}',
    'my wife is on {PF}',
    "I'm abroad, use {PF}",
    'tap here tel:{PI}',
    'order {order} not delivered',
    'order no. {amazon}',
    'tracking {track} stuck since {date}',
    'I paid {price} on {date} at {time}',
    'my postcode is SW1A 1AA, flat {range}',
    'zip code {cap}',
    'the card {CARD} was declined',
    'sort code and account: {sortcode}',
    'IMEI {imei}',
    'the code is {otp}',
    'I need {qty}',
    'we are open {hours}',
    'invoice {invoice} for {price}',
    'router {ip}, firmware {ver}',
    'booking reference {res} for {date}',
    'customer since {year}',
    'account number {order}',
    'case number {order} opened on {date}',
    'screen {res2}, {price}',
    'timestamp {ts} in the log',
  ],
  es: [
    'llámame al {P}',
    'mi número es {P}',
    'mi móvil: {PN}',
    'tlf {PN}',
    'Tfno. {PN}',
    'escríbeme por whatsapp al {PI}',
    'puedes contactarme en el {P} de {hours}',
    '{P}',
    '{PB}',
    'este es mi número {PN} gracias',
    'si no contesto, llama al {PN} o al {PN}',
    'el número de mi marido es {P}',
    'pedido {order} del {date}, mi teléfono para la entrega es {PN}',
    'pagué {price} con la tarjeta {CARD}, llamadme al {PN}',
    'mi fijo {PL} no tiene línea desde el {date}',
    'número nuevo {PI}',
    'estoy fuera, llámame al {PF}',
    'el pedido {order} no ha llegado',
    'pedido n.º {amazon}',
    'envío {track} parado desde el {date}',
    'pagué {price} el {date} a las {time}',
    'código postal {cap}, Madrid',
    'la tarjeta {CARD} me da error',
    'CIF B{order}, DNI 12345678Z',
    'el código es {otp}',
    'quiero {qty}',
    'abierto de {hours}',
    'factura {invoice} por {price}',
    'número de cliente {order}',
    'referencia de reserva {res} para el {date}',
    'IMEI {imei}',
    'router {ip}, versión {ver}',
  ],
  de: [
    'meine Nummer ist {P}',
    'ruf mich an unter {PN}',
    'Rufen Sie mich bitte unter {P} zurück',
    'Handy: {PN}',
    'Tel. {PN}',
    'per WhatsApp erreichbar unter {PI}',
    'Sie erreichen mich unter {PN} ab {time}',
    '{P}',
    '{PB}',
    'hier meine Handynummer {PN}',
    'Festnetz {PL}, mobil {PM}',
    'die Nummer meiner Frau ist {P}',
    'Bestellung {order} vom {date}, für den Paketdienst bin ich unter {PN} erreichbar',
    'habe {price} mit Karte {CARD} bezahlt, bitte rufen Sie mich unter {PN} an',
    'mein Festnetzanschluss {PL} geht seit {date} nicht',
    'neue Nummer {PI}',
    'bin im Ausland: {PF}',
    'Bestellnummer {order} ist nicht angekommen',
    'Sendungsnummer {track} seit {date} unverändert',
    'ich habe {price} am {date} um {time} bezahlt',
    'PLZ {cap} Berlin',
    'die Karte {CARD} wird abgelehnt',
    'Steuer-ID {steuer}',
    'Kundennummer {order}',
    'Rechnung {invoice} über {price}',
    'Öffnungszeiten {hours}',
    'ich brauche {qty}',
    'der Code lautet {otp}',
    'IMEI {imei}',
    'Router {ip}, Firmware {ver}',
    'Vorgangsnummer {order} vom {date}',
    'Zählerstand {meter}',
  ],
  fr: [
    'appelle-moi au {P}',
    'appelez-moi au {PN} après {time}',
    'mon numéro : {P}',
    'mon portable {PN}',
    'tél. {PN}',
    'joignable sur WhatsApp au {PI}',
    'vous pouvez me joindre au {PN} de {hours}',
    '{P}',
    '{PB}',
    'voici mon numéro {PN} merci',
    'fixe {PL} / portable {PM}',
    'le numéro de ma femme est {P}',
    'commande {order} du {date}, le livreur peut m appeler au {PN}',
    "j'ai payé {price} avec la carte {CARD}, rappelez-moi au {PN}",
    'ma ligne fixe {PL} ne marche plus depuis le {date}',
    'nouveau numéro {PI}',
    'je suis à l étranger : {PF}',
    'commande n° {order} non reçue',
    'numéro de suivi {track} bloqué depuis le {date}',
    "j'ai payé {price} le {date} à {time}",
    'code postal {cap} Paris',
    'la carte {CARD} est refusée',
    'SIRET {siret}',
    'numéro de sécurité sociale {nir}',
    'numéro client {order}',
    'facture {invoice} de {price}',
    'ouvert {hours}',
    'il me faut {qty}',
    'le code est {otp}',
    'IMEI {imei}',
    'box {ip}, version {ver}',
    'dossier {order} ouvert le {date}',
  ],
  pt: [
    'liga-me para o {P}',
    'o meu número é {P}',
    'meu número é {P}',
    'telemóvel {PN}',
    'meu celular: {PN}',
    'me chama no zap {PI}',
    'manda mensagem no whatsapp {P}',
    '{P}',
    '{PB}',
    'este é o meu número {PN} obrigado',
    'se eu não atender liga para o {PN}',
    'o número da minha mulher é {P}',
    'encomenda {order} de {date}, o estafeta pode ligar para o {PN}',
    'paguei {price} com o cartão {CARD}, liguem para o {PN}',
    'o meu fixo {PL} está sem linha desde {date}',
    'número novo {PI}',
    'estou fora, liga para {PF}',
    'encomenda {order} não chegou',
    'código de rastreio {track} parado desde {date}',
    'paguei {price} no dia {date} às {time}',
    'código postal {cppt} Lisboa',
    'CEP {cepbr} São Paulo',
    'o cartão {CARD} foi recusado',
    'NIF {nif}',
    'CPF {cpf}',
    'CNPJ {cnpj}',
    'número de cliente {order}',
    'fatura {invoice} no valor de {price}',
    'aberto das {hours}',
    'preciso de {qty}',
    'o código é {otp}',
    'IMEI {imei}',
    'protocolo {order} aberto em {date}',
  ],
};

/** The second hold-out (round 2), tuned on once its errors had been read (see the header). */
const ROUND_2: Record<Lang, readonly string[]> = {
  it: [
    'se preferite sentirci a voce il mio cellulare è {P}',
    'vi lascio il mio recapito: {PN}',
    'numero fisso di casa {PL}, mobile {PM}',
    'potete inviarmi un messaggio al {P}?',
    'il tecnico mi ha chiamato dal {PN} ma non ho fatto in tempo a rispondere',
    'sono reperibile al {PI} tutto il giorno',
    'ciao! numero aggiornato: {P}',
    'ho fatto il reso {order} il {date}, per info {PN}',
    'contatto di riferimento: Luca {PN}',
    'ordine {amazon} consegnato alle {time} ma il pacco è vuoto',
    'il codice sconto {otp} non funziona sul totale di {price}',
    'vorrei disdire il contratto {order} intestato a mio padre',
    'preferisco essere contattata via whatsapp {P} piuttosto che per email',
    'n. di telefono {PN}',
  ],
  en: [
    'best number to reach me is {P}',
    'drop me a text on {PN}',
    "my partner's mobile: {PF}",
    'home {PL}, work {PL}',
    'please update my contact number to {PI}',
    'the engineer called from {PN} but I missed it',
    "I'm on {P} all day",
    'refund {order} requested on {date}, phone me if needed {PN}',
    'my order {amazon} arrived at {time} damaged',
    'promo code {otp} did not apply to {price}',
    'cancel subscription {order} please',
    'contact: Sarah {PN}',
  ],
  es: [
    'mi teléfono de contacto es {P}',
    'mándame un mensaje al {PN}',
    'el técnico me llamó desde el {PN} y no pude contestar',
    'casa {PL}, trabajo {PL}',
    'estoy disponible en el {PI} todo el día',
    'número actualizado: {P}',
    'devolución {order} del {date}, para dudas {PN}',
    'contacto: Lucía {PN}',
    'el pedido {amazon} llegó a las {time} roto',
    'el cupón {otp} no se aplica al total de {price}',
    'quiero dar de baja el contrato {order}',
    'mejor por whatsapp {P} que por correo',
  ],
  de: [
    'am besten erreichen Sie mich unter {P}',
    'schicken Sie mir eine SMS an {PN}',
    'der Techniker hat von {PN} angerufen, ich konnte nicht rangehen',
    'privat {PL}, geschäftlich {PL}',
    'bin den ganzen Tag unter {PI} zu erreichen',
    'aktualisierte Nummer: {P}',
    'Retoure {order} vom {date}, bei Fragen {PN}',
    'Ansprechpartner: Herr Müller {PN}',
    'Paket {amazon} kam um {time} beschädigt an',
    'der Gutschein {otp} gilt nicht für {price}',
    'ich möchte den Vertrag {order} kündigen',
    'lieber per WhatsApp {P} als per Mail',
  ],
  fr: [
    'le meilleur numéro pour me joindre est le {P}',
    'envoyez-moi un SMS au {PN}',
    "le technicien m'a appelé du {PN} mais j'ai raté l'appel",
    'domicile {PL}, bureau {PL}',
    'dispo toute la journée au {PI}',
    'numéro mis à jour : {P}',
    'retour {order} du {date}, pour toute question {PN}',
    'contact : Mme Dupont {PN}',
    'colis {amazon} livré à {time} abîmé',
    'le code promo {otp} ne marche pas sur {price}',
    'je veux résilier le contrat {order}',
    'plutôt par WhatsApp {P} que par mail',
  ],
  pt: [
    'o melhor número para me contactar é {P}',
    'mande-me uma SMS para o {PN}',
    'o técnico ligou-me do {PN} mas não consegui atender',
    'casa {PL}, trabalho {PL}',
    'estou disponível no {PI} o dia todo',
    'número atualizado: {P}',
    'devolução {order} de {date}, qualquer dúvida {PN}',
    'contato: Ana {PN}',
    'a encomenda {amazon} chegou às {time} danificada',
    'o cupão {otp} não funciona no total de {price}',
    'quero cancelar o contrato {order}',
    'prefiro whatsapp {P} a email',
  ],
};

/** The third hold-out (round 3), tuned on once its errors had been read (see the header). */
const ROUND_3: Record<Lang, readonly string[]> = {
  it: [
    'per qualsiasi cosa il mio numero personale è {P}',
    'rispondetemi pure su questo numero oppure al {PN}',
    'mi chiamo Anna, tel. ufficio {PL}',
    'ho perso il telefono, per ora usate il numero di mia sorella {PF}',
    "non riesco ad accedere, il numero associato all'account è {PN}",
    'fatemi uno squillo al {P} quando arriva il corriere',
    "vi scrivo dal {PI} perché l'altro è scarico",
    'la consegna è prevista tra le {time} e le {time}, citofono Rossi',
    'ho ordinato {qty} ma ne sono arrivati meno',
    'il mio numero di carta fedeltà è {order}',
    'rimborso di {price} sul conto {IBAN}?',
    'oggi {date} alle {time} nessuno ha risposto al {PN}',
  ],
  en: [
    'for anything urgent my personal number is {P}',
    'the number linked to my account is {PN}',
    "lost my phone, use my sister's number {PF} for now",
    'give me a buzz on {P} when the courier arrives',
    "I'm messaging from {PI} because my other phone died",
    'office line {PL}, ask for Tom',
    'delivery window {time} to {time}, flat {range}',
    'I ordered {qty} but got fewer',
    'my loyalty card number is {order}',
    'on {date} at {time} nobody answered at {PN}',
    'WhatsApp: {PI}',
  ],
  es: [
    'para cualquier cosa mi número personal es {P}',
    'el número asociado a la cuenta es {PN}',
    'he perdido el móvil, de momento usad el de mi hermana {PF}',
    'dadme un toque al {P} cuando llegue el repartidor',
    'os escribo desde el {PI} porque el otro no tiene batería',
    'teléfono de la oficina {PL}, preguntad por Carmen',
    'la entrega es entre las {time} y las {time}',
    'pedí {qty} y llegaron menos',
    'mi tarjeta de socio es {order}',
    'hoy {date} a las {time} nadie contestó en el {PN}',
    'WhatsApp: {PI}',
  ],
  de: [
    'für dringende Fälle meine private Nummer {P}',
    'die mit meinem Konto verknüpfte Nummer ist {PN}',
    'habe mein Handy verloren, bitte vorerst die Nummer meiner Schwester {PF}',
    'klingeln Sie kurz durch unter {P}, wenn der Fahrer da ist',
    'ich schreibe von {PI}, weil mein anderes Handy leer ist',
    'Büro {PL}, bitte nach Frau Weber fragen',
    'Lieferfenster {time} bis {time}',
    'ich habe {qty} bestellt, aber weniger bekommen',
    'meine Kundenkarte hat die Nummer {order}',
    'heute {date} um {time} ging unter {PN} niemand ran',
    'WhatsApp: {PI}',
  ],
  fr: [
    'pour toute urgence mon numéro perso est le {P}',
    'le numéro associé à mon compte est {PN}',
    "j'ai perdu mon téléphone, utilisez celui de ma sœur {PF} pour l'instant",
    'faites-moi signe au {P} quand le livreur arrive',
    "je vous écris depuis le {PI} car l'autre n'a plus de batterie",
    'ligne du bureau {PL}, demandez Claire',
    'livraison entre {time} et {time}',
    "j'ai commandé {qty} mais j'en ai reçu moins",
    'ma carte de fidélité porte le numéro {order}',
    "aujourd'hui {date} à {time} personne n'a répondu au {PN}",
    'WhatsApp : {PI}',
  ],
  pt: [
    'para qualquer urgência o meu número pessoal é {P}',
    'o número associado à minha conta é {PN}',
    'perdi o telemóvel, usem o da minha irmã {PF} por agora',
    'dá-me um toque para o {P} quando o estafeta chegar',
    'escrevo do {PI} porque o outro ficou sem bateria',
    'linha do escritório {PL}, perguntem pela Rita',
    'entrega entre as {time} e as {time}',
    'encomendei {qty} mas chegaram menos',
    'o meu cartão de cliente tem o número {order}',
    'hoje {date} às {time} ninguém atendeu no {PN}',
    'WhatsApp: {PI}',
  ],
};

/**
 * The held-out templates: written after the third round of tuning, before the detector was run
 * on them, and never used to tune it (see the header).
 */
const HELD_OUT: Record<Lang, readonly string[]> = {
  it: [
    'salve sono la signora Bianchi, mi richiami quando può al {P}',
    "il numero registrato è {PN} ma non mi arriva l'sms",
    'se il corriere non mi trova può suonare o telefonare: {PN}',
    'buonasera, volevo segnalare che il numero {PN} mi chiama di continuo per offerte',
    'mio marito ha il {PN}, io il {PM}',
    'aggiornate i miei dati: nuovo cell {P}, nuova mail {EMAIL}',
    'ho fatto una ricarica di {price} sul {PM} ma non è arrivata',
    "l'ordine {order} va consegnato in via Dante {range}, {cap} Roma",
    'ho pagato la rata {range} di {price} il {date}',
    'la bolletta n. {invoice} scade il {date}',
    'il numero seriale è {imei}',
    'vi mando il codice del buono: {otp}',
    'sono al {PI} fino a venerdì, poi torno in Italia',
    'chiamate dopo le {time} al {PN}, prima lavoro',
    'carta {CARD} scaduta, ne ho una nuova',
  ],
  en: [
    'hi this is Mrs Clarke, please ring me back when you can on {P}',
    'the registered number is {PN} but the text never arrives',
    'if the courier cannot find the house he can call {PN}',
    'I keep getting spam calls from {PN}',
    'my husband is on {PN} and I am on {PM}',
    'please update my details: new mobile {P}, new email {EMAIL}',
    'I topped up {price} on {PM} but it never arrived',
    'order {order} to be delivered to {range} Baker Street',
    'I paid instalment {range} of {price} on {date}',
    'bill no. {invoice} is due on {date}',
    'serial number {imei}',
    'voucher code {otp}',
    "I'll be on {PI} until Friday",
    'call after {time} on {PN}, I work mornings',
    'card {CARD} expired, I have a new one',
  ],
  es: [
    'hola soy la señora Gómez, llámeme cuando pueda al {P}',
    'el número registrado es el {PN} pero no me llega el SMS',
    'si el repartidor no encuentra la casa que llame al {PN}',
    'el número {PN} me llama sin parar con ofertas',
    'mi marido tiene el {PN} y yo el {PM}',
    'actualizad mis datos: móvil nuevo {P}, correo nuevo {EMAIL}',
    'hice una recarga de {price} al {PM} y no llegó',
    'el pedido {order} va a la calle Mayor {range}, {cap} Madrid',
    'pagué la cuota {range} de {price} el {date}',
    'el recibo n.º {invoice} vence el {date}',
    'número de serie {imei}',
    'código del bono: {otp}',
    'estaré en el {PI} hasta el viernes',
    'llamad después de las {time} al {PN}',
    'la tarjeta {CARD} caducó, tengo una nueva',
  ],
  de: [
    'hallo, hier Frau Schmidt, bitte rufen Sie mich zurück unter {P}',
    'die hinterlegte Nummer ist {PN}, aber die SMS kommt nicht an',
    'falls der Bote das Haus nicht findet, kann er {PN} anrufen',
    'die Nummer {PN} ruft mich ständig mit Werbung an',
    'mein Mann hat die {PN}, ich die {PM}',
    'bitte Daten aktualisieren: neues Handy {P}, neue Mail {EMAIL}',
    'ich habe {price} auf {PM} aufgeladen, kam nicht an',
    'Bestellung {order} bitte an Hauptstraße {range}, {cap} Berlin',
    'Rate {range} über {price} am {date} bezahlt',
    'Rechnung Nr. {invoice} fällig am {date}',
    'Seriennummer {imei}',
    'Gutscheincode {otp}',
    'bis Freitag bin ich unter {PI} erreichbar',
    'bitte nach {time} unter {PN} anrufen',
    'Karte {CARD} ist abgelaufen, ich habe eine neue',
  ],
  fr: [
    'bonjour, Mme Martin, rappelez-moi quand vous pouvez au {P}',
    'le numéro enregistré est le {PN} mais je ne reçois pas le SMS',
    'si le livreur ne trouve pas, il peut appeler le {PN}',
    "le {PN} m'appelle sans arrêt pour des offres",
    'mon mari a le {PN}, moi le {PM}',
    'mettez à jour mes coordonnées : nouveau portable {P}, nouvel e-mail {EMAIL}',
    "j'ai rechargé {price} sur le {PM} mais rien reçu",
    'commande {order} à livrer au {range} rue de la Paix, {cap} Paris',
    "j'ai payé l'échéance {range} de {price} le {date}",
    'facture n° {invoice} à régler avant le {date}',
    'numéro de série {imei}',
    'code du bon : {otp}',
    "je suis joignable au {PI} jusqu'à vendredi",
    'appelez après {time} au {PN}',
    "la carte {CARD} a expiré, j'en ai une nouvelle",
  ],
  pt: [
    'olá, fala a D. Sousa, liguem-me quando puderem para o {P}',
    'o número registado é o {PN} mas o SMS não chega',
    'se o estafeta não encontrar a casa pode ligar para o {PN}',
    'o número {PN} liga-me sem parar com promoções',
    'o meu marido tem o {PN} e eu o {PM}',
    'atualizem os meus dados: novo telemóvel {P}, novo email {EMAIL}',
    'carreguei {price} no {PM} mas não chegou',
    'encomenda {order} para a Rua Augusta {range}, {cppt} Lisboa',
    'paguei a prestação {range} de {price} em {date}',
    'fatura n.º {invoice} vence em {date}',
    'número de série {imei}',
    'código do vale: {otp}',
    'estou no {PI} até sexta',
    'liguem depois das {time} para o {PN}',
    'o cartão {CARD} expirou, tenho um novo',
  ],
};

const REGION: Record<Lang, readonly CountryCode[]> = {
  it: ['IT'],
  en: ['GB', 'US'],
  es: ['ES', 'ES', 'MX'],
  de: ['DE', 'DE', 'AT', 'CH'],
  fr: ['FR', 'FR', 'BE', 'CH'],
  pt: ['PT', 'BR'],
};
const REPEAT: Record<Lang, number> = { it: 10, en: 8, es: 8, de: 8, fr: 8, pt: 8 };

function expand(template: string, lang: Lang, region: CountryCode, split: Split): PhoneCorpusLine {
  let text = '';
  const spans: PhoneCorpusLine['spans'] = [];
  let at = 0;
  const slot = /\{([A-Za-z0-9_]+)\}/g;
  for (let m = slot.exec(template); m !== null; m = slot.exec(template)) {
    text += template.slice(at, m.index);
    at = m.index + m[0].length;
    const name = m[1] ?? '';
    const labelled: Record<string, [SpanType, () => string]> = {
      P: ['PHONE', () => phone(region, 'any')],
      PN: ['PHONE', () => phone(region, 'national')],
      PI: ['PHONE', () => phone(region, rand() < 0.5 ? 'intl' : 'foreign')],
      PB: ['PHONE', () => phone(region, 'bare')],
      PL: ['PHONE', () => phone(region, 'landline')],
      PM: ['PHONE', () => phone(region, 'mobile')],
      PF: ['PHONE', () => phone(region, 'foreign')],
      WAME: ['PHONE', () => CC[region] + makePhone(region, true).nsn],
      CARD: ['CREDIT_CARD', card],
      IBAN: ['IBAN', () => iban(region)],
      EMAIL: ['EMAIL', email],
    };
    const hit = labelled[name];
    if (hit !== undefined) {
      let value = hit[1]();
      // WhatsApp wraps a number copied from a contact card in bidi marks; they are not the number.
      const bidi = hit[0] === 'PHONE' && value.startsWith('+') && rand() < 0.05;
      if (bidi) text += '\u202A';
      if (hit[0] === 'PHONE' && rand() < 0.03) value = value.replace(/ /g, '  ');
      spans.push({ type: hit[0], start: text.length, end: text.length + value.length });
      text += value;
      if (bidi) text += '\u202C';
    } else {
      const neg = NEG[name];
      if (neg === undefined) throw new Error(`unknown slot ${name}`);
      text += neg();
    }
  }
  text += template.slice(at);
  return { text, lang, region, split, spans };
}

/** Builds the whole corpus (deterministic). */
export function buildPhoneCorpus(): PhoneCorpusLine[] {
  seed = 0x17_0417;
  const lines: PhoneCorpusLine[] = [];
  for (const [templates, split] of [
    [T, 'tune'],
    [ROUND_2, 'tune'],
    [ROUND_3, 'tune'],
    [HELD_OUT, 'holdout'],
  ] as const) {
    for (const lang of Object.keys(templates) as Lang[]) {
      for (let r = 0; r < REPEAT[lang]; r++) {
        for (const t of templates[lang]) {
          const regions = REGION[lang];
          const region = regions[r % regions.length] ?? 'IT';
          lines.push(expand(t, lang, region, split));
        }
      }
    }
  }
  return lines;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = fileURLToPath(new URL('../corpus/phone-chats.jsonl', import.meta.url));
  const lines = buildPhoneCorpus();
  writeFileSync(out, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  console.warn(`wrote ${lines.length} lines to ${out}`);
}
