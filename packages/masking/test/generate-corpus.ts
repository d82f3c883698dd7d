/**
 * Generates packages/masking/corpus/corpus.jsonl: labelled chat messages (it/en/es/de/fr/pt)
 * that customers send to a shop, a bank, a telco, an airline. Run it again after editing the
 * templates: `npx tsx packages/masking/test/generate-corpus.ts`.
 *
 * Templates carry slots: `{CARD}` etc. are sensitive values and become labelled spans;
 * lower-case slots (`{order}`, `{badcard}` ...) are hard negatives and are not labelled. Every
 * value is built to be valid on its own terms (Luhn, mod-97, a VALID phone for its region
 * under libphonenumber's full metadata), so a label is never a typo. Deterministic: seeded.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';

type Lang = 'it' | 'en' | 'es' | 'de' | 'fr' | 'pt';
type SpanType = 'CREDIT_CARD' | 'IBAN' | 'SSN' | 'EMAIL' | 'PHONE';

/** One corpus line. `region` is the business number's country (the `defaultRegion`). */
export interface CorpusLine {
  text: string;
  lang: Lang;
  region: CountryCode;
  spans: { type: SpanType; start: number; end: number }[];
}

// --- seeded PRNG (mulberry32) ---------------------------------------------------------------
let seed = 0x5eed1234;
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

// --- cards ----------------------------------------------------------------------------------
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
function group(s: string, sizes: readonly number[], sep: string): string {
  const out: string[] = [];
  let at = 0;
  for (const n of sizes) {
    out.push(s.slice(at, at + n));
    at += n;
  }
  if (at < s.length) out.push(s.slice(at));
  return out.filter((p) => p !== '').join(sep);
}
const FIXED_CARDS = [
  '4111111111111111',
  '5555555555554444',
  '378282246310005',
  '2221000000000009',
  '4222222222222',
  '6011000990139424',
  '3530111333300000',
  '5105105105105100',
  '4012888888881881',
  '30569309025904',
  '6200000000000005',
  '2223003122003222',
];
function randomCard(): string {
  const prefix = pick([
    '4',
    '4',
    '51',
    '53',
    '55',
    '2221',
    '2720',
    '34',
    '37',
    '6011',
    '65',
    '3528',
    '62',
    '36',
  ]);
  const len =
    prefix.startsWith('34') || prefix.startsWith('37')
      ? 15
      : prefix === '36'
        ? 14
        : prefix === '4'
          ? pick([16, 16, 19, 13])
          : prefix === '62'
            ? pick([16, 19])
            : 16;
  const body = prefix + digits(len - prefix.length - 1);
  return body + luhnCheckDigit(body);
}
function formatCard(pan: string): string {
  const sizes = pan.length === 15 ? [4, 6, 5] : pan.length === 14 ? [4, 6, 4] : [4, 4, 4, 4, 4];
  return pick([
    () => group(pan, sizes, ' '),
    () => group(pan, sizes, ' '),
    () => group(pan, sizes, '-'),
    () => pan,
    () => group(pan, sizes, '.'),
    () => group(pan, sizes, '  '),
    () => fullWidth(group(pan, sizes, ' ')),
    () => group(pan, sizes, '\u200B'),
    () => group(pan, sizes, '\u00A0'),
    () => group(pan, sizes, ' \u2013 '.trim()),
    () => group(pan, sizes, ' \u200B'),
  ])();
}
function card(): string {
  return formatCard(rand() < 0.5 ? pick(FIXED_CARDS) : randomCard());
}
/** A 16-digit number that looks like a card and fails Luhn. */
function badCard(): string {
  const pan = randomCard().slice(0, 15);
  const good = luhnCheckDigit(pan);
  const bad = String((Number(good) + 1 + Math.floor(rand() * 8)) % 10);
  return group(pan + bad, [4, 4, 4, 4], pick([' ', '-', '']));
}

// --- IBANs ----------------------------------------------------------------------------------
function mod97(s: string): number {
  let r = 0;
  for (const ch of s) {
    const v = /[0-9]/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) r = (r * 10 + Number(d)) % 97;
  }
  return r;
}
function ibanFor(cc: string, bban: string): string {
  const check = 98 - mod97(bban + cc + '00');
  return cc + String(check).padStart(2, '0') + bban;
}
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
function letters(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += LETTERS[Math.floor(rand() * 26)];
  return s;
}
const BBAN: Record<string, () => string> = {
  IT: () => letters(1) + digits(10) + digits(12),
  SM: () => letters(1) + digits(10) + digits(12),
  DE: () => digits(18),
  GB: () => letters(4) + digits(14),
  IE: () => letters(4) + digits(14),
  FR: () => digits(10) + digits(11) + digits(2),
  ES: () => digits(20),
  PT: () => digits(21),
  NL: () => letters(4) + digits(10),
  BE: () => digits(12),
  AT: () => digits(16),
  CH: () => digits(17),
  PL: () => digits(24),
  LU: () => digits(16),
  SE: () => digits(20),
  NO: () => digits(11),
  MT: () => letters(4) + digits(5) + digits(18),
  GR: () => digits(23),
  HR: () => digits(17),
  RO: () => letters(4) + digits(16),
  BR: () => digits(8) + digits(5) + digits(10) + letters(1) + digits(1),
};
const FIXED_IBANS = [
  'IT60X0542811101000000123456',
  'DE89370400440532013000',
  'GB82WEST12345698765432',
  'FR1420041010050500013M02606',
  'ES9121000418450200051332',
  'NL91ABNA0417164300',
  'PT50000201231234567890154',
  'BE68539007547034',
];
function ibanCompact(cc?: string): string {
  if (cc === undefined && rand() < 0.25) return pick(FIXED_IBANS);
  const country = cc ?? pick(Object.keys(BBAN));
  const make = BBAN[country];
  if (make === undefined) throw new Error(country);
  return ibanFor(country, make());
}
function formatIban(iban: string): string {
  return pick([
    () => group(iban, [4, 4, 4, 4, 4, 4, 4, 4], ' '),
    () => group(iban, [4, 4, 4, 4, 4, 4, 4, 4], ' '),
    () => iban,
    () => iban.toLowerCase(),
    () => group(iban, [4, 4, 4, 4, 4, 4, 4, 4], ' ').toLowerCase(),
    () => group(iban, [4, 4, 4, 4, 4, 4, 4, 4], '\u00A0'),
    () => group(iban, [4, 4, 4, 4, 4, 4, 4, 4], '-'),
    () =>
      iban.startsWith('IT') ? group(iban, [4, 1, 5, 5, 12], ' ') : group(iban, [4, 4, 4, 4, 4, 4, 4], ' '),
    () => group(iban, [4, 4, 4, 4, 4, 4, 4, 4], '\u200B'),
  ])();
}
function iban(cc?: string): string {
  return formatIban(ibanCompact(cc));
}
function badIban(): string {
  const good = ibanCompact();
  const check = (Number(good.slice(2, 4)) + 1 + Math.floor(rand() * 9)) % 100;
  const bad =
    good.slice(0, 2) + String(check === 0 || check === 1 ? 42 : check).padStart(2, '0') + good.slice(4);
  return mod97(bad.slice(4) + bad.slice(0, 4)) === 1
    ? badIban()
    : group(bad, [4, 4, 4, 4, 4, 4, 4, 4], pick([' ', '']));
}

// --- SSN ------------------------------------------------------------------------------------
function ssnDigits(): [string, string, string] {
  let area = digits(3);
  while (area === '000' || area === '666' || area.startsWith('9')) area = digits(3);
  let grp = digits(2);
  while (grp === '00') grp = digits(2);
  let serial = digits(4);
  while (serial === '0000') serial = digits(4);
  return [area, grp, serial];
}
function ssn(): string {
  const [a, g, s] = ssnDigits();
  const sep = pick(['-', '-', '-', ' ', '.', '\u2011']);
  return `${a}${sep}${g}${sep}${s}`;
}
function ssnBare(): string {
  return ssnDigits().join('');
}

// --- emails ---------------------------------------------------------------------------------
const FIRST = [
  'mario',
  'giulia',
  'luca',
  'francesca',
  'melissa',
  'john',
  'sarah',
  'carlos',
  'lucía',
  'jürgen',
  'anne',
  'joão',
  'maria',
  'pierre',
  'élodie',
  'hans',
  'ana',
  'chiara',
  'tom',
  'sofía',
];
const LAST = [
  'rossi',
  'bianchi',
  'esposito',
  'smith',
  'garcía',
  'müller',
  'dupont',
  'silva',
  'santos',
  'ferrari',
  'schmidt',
  'martin',
  'costa',
  'romano',
  'brown',
];
const DOMAINS = [
  'gmail.com',
  'libero.it',
  'yahoo.it',
  'hotmail.com',
  'outlook.com',
  'web.de',
  'gmx.de',
  'orange.fr',
  'free.fr',
  'sapo.pt',
  'telefonica.es',
  'mail.azienda.it',
  'pec.studiolegale.it',
  'icloud.com',
  'uol.com.br',
  'example.co.uk',
];
function email(): string {
  const f = pick(FIRST);
  const l = pick(LAST);
  const local = pick([
    `${f}.${l}`,
    `${f}${l}`,
    `${f}_${l}${digits(2)}`,
    `${f[0] ?? 'x'}${l}`,
    `${f}.${l}+ordini`,
    `${f}-${l}`,
    `${l}${digits(4)}`,
  ]);
  const domain = pick(DOMAINS);
  return pick([
    () => `${local}@${domain}`,
    () => `${local}@${domain}`,
    () => `${local}@${domain}`,
    () => `${local.toUpperCase()}@${domain.toUpperCase()}`,
    () => `${local}\u200B@${domain}`,
    () => `${local}\uFF20${domain}`,
  ])();
}

// --- phones ---------------------------------------------------------------------------------
/** National-format patterns per region; `#` is a random digit. */
const NATIONAL: Record<string, readonly string[]> = {
  IT: [
    '3## ### ####',
    '3## ### ####',
    '3##-#######',
    '3#########',
    '3##.###.##.##',
    '3## #######',
    '02 #### ####',
    '06 ########',
    '011 ### ####',
    '0## ### ####',
  ],
  ES: ['6## ### ###', '6## ## ## ##', '7## ### ###', '91 ### ## ##', '93 ### ####', '6########'],
  DE: ['015# ########', '017# #######', '030 #######', '089 ########', '0171/#######', '040 ### ####'],
  FR: [
    '06 ## ## ## ##',
    '07 ## ## ## ##',
    '01 ## ## ## ##',
    '06.##.##.##.##',
    '04 ## ## ## ##',
    '06########',
  ],
  PT: ['91# ### ###', '93# ### ###', '96# ### ###', '21# ### ###', '22# ### ###'],
  GB: ['07### ######', '07### ### ###', '020 #### ####', '0161 ### ####', '07#########'],
  US: ['(###) ###-####', '###-###-####', '###.###.####', '(###) ### ####'],
  BR: ['(##) 9####-####', '(##) ####-####', '## 9####-####', '(##) 9 ####-####'],
};
function fill(pattern: string): string {
  return pattern.replace(/#/g, () => String(Math.floor(rand() * 10)));
}
function onlyDigits(s: string): string {
  return s.replace(/[^0-9]/g, '');
}
/** A VALID national-format number for `region`, written with the prefix the region uses. */
function nationalPhone(region: string, bare = false): string {
  const patterns = (NATIONAL[region] ?? []).filter((p) => !bare || !/[^#0-9]/.test(p));
  for (let i = 0; i < 500; i++) {
    const s = fill(pick(patterns));
    const n = parsePhoneNumberFromString(s, region as CountryCode);
    if (n?.isValid() === true && n.country === region && onlyDigits(n.formatNational()) === onlyDigits(s)) {
      const type = n.getType();
      if (bare && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') continue;
      return s;
    }
  }
  throw new Error(`no valid number for ${region}`);
}
function intlPhone(region?: string): string {
  const r = region ?? pick(['IT', 'IT', 'ES', 'DE', 'FR', 'PT', 'GB', 'US', 'BR']);
  const national = nationalPhone(r);
  const n = parsePhoneNumberFromString(national, r as CountryCode);
  if (n === undefined) throw new Error(national);
  const intl = n.formatInternational();
  return pick([
    () => intl,
    () => intl,
    () => n.number,
    () => intl.replace('+', '00'),
    () => intl.replace(/ /g, '\u00A0'),
    () => intl.replace(/ /g, '-'),
    () => fullWidth(intl),
    () => intl.replace(/ /g, '\u200B'),
    // "+49 (0) 30 ..." is how Germans, Britons and the French often write it; nobody else does.
    () => (['DE', 'GB', 'FR'].includes(r) ? `+${n.countryCallingCode} (0) ${n.nationalNumber}` : intl),
  ])();
}
function fullWidth(s: string): string {
  return s.replace(/[0-9+]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

// --- hard negatives -------------------------------------------------------------------------
const NEG: Record<string, () => string> = {
  order: () => digits(1).replace('0', '1') + digits(5 + Math.floor(rand() * 5)),
  date: () =>
    pick([
      `${1 + Math.floor(rand() * 28)}/0${1 + Math.floor(rand() * 9)}/2024`,
      `0${1 + Math.floor(rand() * 9)}.0${1 + Math.floor(rand() * 9)}.2025`,
      `2024-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`,
      '12/03/2024',
      '31-12-2023',
    ]),
  time: () => pick(['14:30', '09:15', '18.45', '8:00', '23:59:59']),
  price: () =>
    pick([
      '€1.234,56',
      '1.234.567,89 €',
      '€ 49,90',
      '$1,299.99',
      '£ 12.50',
      'R$ 1.250,00',
      '249,00 EUR',
      '19,99€',
    ]),
  cap: () => pick(['20121', '00184', '10115', '75008', '28013', '1000-001', 'SW1A 1AA', '90210']),
  ip: () => `192.168.${Math.floor(rand() * 255)}.${1 + Math.floor(rand() * 254)}`,
  version: () => pick(['1.2.3', '2.0.14.3317', '10.0.19045.3570', '17.4.1', '3.12.0']),
  track: () =>
    pick([
      '1Z999AA10123456784',
      'RR123456789IT',
      'JD014600003828311480',
      '00340434161094042557',
      'LX123456789CN',
      'TBA123456789000',
    ]),
  badcard: badCard,
  badiban: badIban,
  invoice: () =>
    pick([
      `FT ${digits(4)}/${digits(3)}`,
      `2024-00${digits(5)}`,
      `INV-${digits(7)}`,
      `${digits(3)}/2024`,
      `A-${digits(8)}`,
    ]),
  piva: () => pick(['IT12345678903', '01234567890', 'DE123456789', 'ESB12345678', 'FR40303265045']),
  imei: () => pick(['356938035643809', '490154203237518', '353918057227436']),
  pnr: () => letters(6),
  flight: () => pick(['AZ 1234', 'FR8345', 'LH 2034', 'IB3170', 'TP 1351', 'BA 2491']),
  ticket: () => digits(10).replace(/^0/, '4'),
};

// --- templates ------------------------------------------------------------------------------
const T: Record<Lang, readonly string[]> = {
  it: [
    'Buongiorno, vorrei pagare con la carta {CARD}, scadenza 08/27',
    'ecco il numero della carta: {CARD} cvv lo mando dopo',
    'Salve, il pagamento con {CARD} non è andato a buon fine, potete controllare?',
    'la mia carta è {CARD} ma mi dice transazione rifiutata',
    'Per il rimborso usate questo IBAN: {IBAN_IT}',
    'iban {IBAN_IT} intestato a Mario Rossi',
    "vi giro l'iban della mia azienda {IBAN} così fate il bonifico",
    'Coordinate bancarie: {IBAN_IT} (Banca Intesa)',
    'Il mio cellulare è {PHONE}, chiamatemi dopo le 18',
    'chiamami al {PHONE} grazie',
    'mi potete richiamare al {PHONE}?',
    'Numero di telefono: {PHONE}',
    'il mio numero nuovo è {INTL}',
    'Scrivetemi su whatsapp al {INTL} per favore',
    'se non rispondo provate al fisso {PHONE}',
    'mia moglie ha il numero {PHONE} contattate lei',
    'Potete mandarmi la fattura a {EMAIL}?',
    'la mia mail è {EMAIL}',
    'Ho cambiato indirizzo email: {EMAIL} grazie mille',
    'scrivete a {EMAIL} oppure chiamate il {PHONE}',
    'Mi chiamo Giulia, cell {PHONE}, mail {EMAIL}',
    'Il mio codice SSN americano è {SSN}, lavoro negli USA',
    'numero di previdenza sociale (USA): {SSNBARE}',
    'per la pratica americana vi serve il social security number {SSN}?',
    'Carta {CARD} e IBAN {IBAN_IT}, quale preferite?',
    'pagato con carta {CARD}, ordine n. {order} del {date}',
    'Il mio ordine {order} non è ancora arrivato',
    'ordine #{order} effettuato il {date} alle {time}',
    'Fattura n. {invoice} del {date}, importo {price}',
    'Il totale era {price} ma mi avete addebitato {price}',
    'abito a Milano, CAP {cap}',
    'La spedizione con codice {track} è ferma da giorni',
    'codice tracciamento {track}',
    'ho provato con {badcard} ma non funziona, è giusto il numero?',
    'il numero {badcard} è della carta fedeltà',
    "l'iban che mi avete dato {badiban} risulta errato",
    'P.IVA {piva}, ragione sociale Rossi Srl',
    'IMEI del telefono {imei}, è in garanzia?',
    'il router ha IP {ip}, ho aggiornato alla versione {version}',
    'app versione {version} su Android, crasha sempre',
    'volo {flight} del {date}, codice prenotazione {pnr}',
    'il ticket {ticket} è ancora aperto',
    'numero pratica {order}, aperta il {date}',
    'codice cliente {order}, contratto luce',
    'ci vediamo domani alle {time} in negozio',
    'Vorrei 3 pezzi da {price} ciascuno, consegna il {date}',
    'buonasera, la bolletta di {price} del {date} è sbagliata',
    'Ok grazie mille, a presto!',
    'non ricevo il codice OTP, il mio numero è {PHONE}',
    'confermo il recapito {PHONE} e la mail {EMAIL}',
    'Il conto corrente è {IBAN_IT}, la carta invece {CARD}',
    'mandatemi il link di pagamento su {EMAIL}, la carta {CARD} è bloccata',
    'ho la tessera n. {order}, posso usarla online?',
    'il pacco doveva arrivare il {date} tra le {time} e le {time}',
    'chiamatemi al {INTL} oppure scrivetemi a {EMAIL}',
    "L'importo di {price} è stato addebitato due volte sulla carta {CARD}",
  ],
  en: [
    'Hi, my card number is {CARD}, expiry 09/26',
    'I paid with {CARD} and got charged twice',
    'Please refund to IBAN {IBAN}',
    'my bank details: {IBAN} (account holder John Smith)',
    'You can reach me on {PHONE} after 6pm',
    'call me at {PHONE} please',
    'my mobile is {INTL}',
    'Text me on WhatsApp {INTL}',
    'My email is {EMAIL}',
    'send the invoice to {EMAIL} thanks',
    'My SSN is {SSN}',
    'social security number: {SSNBARE}',
    'SSN {SSNBARE} for the tax form',
    'here is my social: {SSN}',
    'Order {order} still not delivered, placed on {date}',
    'order #{order} - total {price}',
    'Invoice {invoice} dated {date}',
    'tracking number {track} shows no update since {date}',
    'I tried {badcard} but it was declined',
    'the IBAN {badiban} you sent is not valid',
    'app version {version}, iOS {version}',
    'the router IP is {ip}',
    'booking ref {pnr}, flight {flight} at {time}',
    'my postcode is {cap}',
    'Thanks, that sorted it!',
    'case number {ticket}, opened {date}',
    'call me on {PHONE} or email {EMAIL}',
  ],
  es: [
    'Hola, mi tarjeta es {CARD}, caduca en 10/27',
    'pagué con la tarjeta {CARD} y no llegó el pedido',
    'Mi IBAN es {IBAN_ES} para el reembolso',
    'cuenta bancaria: {IBAN}',
    'Llámame al {PHONE} por favor',
    'mi móvil es {PHONE}',
    'mi número de teléfono {INTL}',
    'escríbeme por whatsapp al {INTL}',
    'mi correo es {EMAIL}',
    'enviad la factura a {EMAIL}',
    'mi número de seguro social de EEUU es {SSN}',
    'seguro social (USA) {SSNBARE}',
    'el pedido {order} no ha llegado',
    'número de pedido {order} del {date}',
    'factura {invoice} por {price}',
    'el envío {track} está parado desde el {date}',
    'la tarjeta {badcard} me da error',
    'este IBAN {badiban} no funciona',
    'código postal {cap}, Madrid',
    'la app versión {version} se cierra sola',
    'vuelo {flight} a las {time}, localizador {pnr}',
    'Gracias, ya está resuelto',
    'llámame al {PHONE} o escribe a {EMAIL}',
  ],
  de: [
    'Hallo, meine Kreditkarte ist {CARD}, gültig bis 11/26',
    'ich habe mit {CARD} bezahlt, aber die Bestellung ist storniert',
    'Bitte überweisen Sie auf IBAN {IBAN_DE}',
    'meine Bankverbindung: {IBAN}',
    'Rufen Sie mich unter {PHONE} an',
    'meine Handynummer ist {PHONE}',
    'Telefon: {INTL}',
    'per WhatsApp erreichbar unter {INTL}',
    'meine E-Mail: {EMAIL}',
    'Rechnung bitte an {EMAIL} senden',
    'meine US-Sozialversicherungsnummer (SSN) ist {SSN}',
    'Bestellnummer {order} vom {date}',
    'Rechnung {invoice} über {price}',
    'Sendungsnummer {track}, seit {date} keine Bewegung',
    'die Karte {badcard} wird abgelehnt',
    'die IBAN {badiban} ist falsch',
    'PLZ {cap} Berlin',
    'App Version {version}, Router IP {ip}',
    'Flug {flight} um {time}, Buchung {pnr}',
    'Kundennummer {order}, Vertrag Mobilfunk',
    'Danke, hat geklappt!',
    'ruf mich an: {PHONE} oder schreib an {EMAIL}',
  ],
  fr: [
    'Bonjour, ma carte bancaire est {CARD}, expire 12/26',
    "j'ai payé avec {CARD} et la commande est annulée",
    'Voici mon IBAN pour le remboursement : {IBAN_FR}',
    'RIB : {IBAN}',
    'Appelez-moi au {PHONE}',
    'mon portable : {PHONE}',
    'mon numéro de téléphone est {INTL}',
    'joignable sur WhatsApp au {INTL}',
    'mon adresse mail : {EMAIL}',
    'envoyez la facture à {EMAIL} svp',
    'mon numéro de sécurité sociale américain (SSN) : {SSN}',
    'commande n° {order} du {date}',
    'facture {invoice} de {price}',
    'numéro de suivi {track}, colis bloqué depuis le {date}',
    'la carte {badcard} est refusée',
    "l'IBAN {badiban} est invalide",
    'code postal {cap} Paris',
    "version de l'appli {version}",
    'vol {flight} à {time}, réservation {pnr}',
    'dossier {ticket} ouvert le {date}',
    "Merci beaucoup, c'est réglé",
    'rappelez-moi au {PHONE} ou écrivez à {EMAIL}',
  ],
  pt: [
    'Olá, o meu cartão é {CARD}, validade 07/27',
    'paguei com o cartão {CARD} e a encomenda não chegou',
    'O meu IBAN é {IBAN_PT}',
    'dados bancários: {IBAN}',
    'Liguem-me para o {PHONE}',
    'o meu telemóvel é {PHONE}',
    'meu celular é {BR}',
    'me liga no {BR} por favor',
    'manda mensagem no whatsapp {INTL}',
    'o meu email é {EMAIL}',
    'enviem a fatura para {EMAIL}',
    'o meu número de segurança social dos EUA é {SSN}',
    'encomenda {order} de {date}',
    'fatura {invoice} no valor de {price}',
    'código de rastreio {track}',
    'o cartão {badcard} foi recusado',
    'o IBAN {badiban} está errado',
    'código postal {cap} Lisboa',
    'versão da app {version}',
    'voo {flight} às {time}, reserva {pnr}',
    'NIF {piva}, fatura em nome da empresa',
    'Obrigado, já está resolvido',
    'liga para {PHONE} ou escreve para {EMAIL}',
  ],
};

const REGION: Record<Lang, readonly CountryCode[]> = {
  it: ['IT'],
  en: ['GB', 'US'],
  es: ['ES'],
  de: ['DE'],
  fr: ['FR'],
  pt: ['PT', 'BR'],
};
const REPEAT: Record<Lang, number> = { it: 4, en: 3, es: 3, de: 3, fr: 3, pt: 3 };

function expand(template: string, lang: Lang, region: CountryCode): CorpusLine {
  let text = '';
  const spans: CorpusLine['spans'] = [];
  let at = 0;
  const slot = /\{([A-Za-z_]+)\}/g;
  for (let m = slot.exec(template); m !== null; m = slot.exec(template)) {
    text += template.slice(at, m.index);
    at = m.index + m[0].length;
    const name = m[1] ?? '';
    const labelled: Record<string, [SpanType, () => string]> = {
      CARD: ['CREDIT_CARD', card],
      IBAN: ['IBAN', () => iban()],
      IBAN_IT: ['IBAN', () => iban('IT')],
      IBAN_ES: ['IBAN', () => iban('ES')],
      IBAN_DE: ['IBAN', () => iban('DE')],
      IBAN_FR: ['IBAN', () => iban('FR')],
      IBAN_PT: ['IBAN', () => iban('PT')],
      SSN: ['SSN', ssn],
      SSNBARE: ['SSN', ssnBare],
      EMAIL: ['EMAIL', email],
      PHONE: ['PHONE', () => (rand() < 0.2 ? intlPhone(region) : nationalPhone(region))],
      INTL: ['PHONE', () => intlPhone()],
      BR: ['PHONE', () => nationalPhone('BR')],
    };
    const hit = labelled[name];
    if (hit !== undefined) {
      const value = hit[1]();
      spans.push({ type: hit[0], start: text.length, end: text.length + value.length });
      text += value;
    } else {
      const neg = NEG[name];
      if (neg === undefined) throw new Error(`unknown slot ${name}`);
      text += neg();
    }
  }
  text += template.slice(at);
  return { text, lang, region, spans };
}

/** Builds the whole corpus (deterministic). */
export function buildCorpus(): CorpusLine[] {
  seed = 0x5eed1234;
  const lines: CorpusLine[] = [];
  for (const lang of Object.keys(T) as Lang[]) {
    for (let r = 0; r < REPEAT[lang]; r++) {
      for (const t of T[lang]) {
        const regions = REGION[lang];
        const region = t.includes('{BR}') ? 'BR' : (regions[r % regions.length] ?? 'IT');
        lines.push(expand(t, lang, region));
      }
    }
  }
  return lines;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = fileURLToPath(new URL('../corpus/corpus.jsonl', import.meta.url));
  const lines = buildCorpus();
  writeFileSync(out, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  console.warn(`wrote ${lines.length} lines to ${out}`);
}
