/**
 * P8: masking throughput on chat text (goal >= 20 MB/s per core). Builds a ~3 MB corpus of
 * realistic customer messages (mostly ordinary sentences; 5% carry a card, IBAN, phone, email
 * or SSN and 10% order numbers, dates or prices), masks it message by message
 * as the server does, and reports the median of 3 timed runs next to a plain-regex baseline
 * measured in the same process. Figures, never pass/fail.
 *
 * Alone: `npx tsx bench/src/masking.ts`.
 */
import { fileURLToPath } from 'node:url';
import { maskText } from '@parlo/masking';

export interface MaskingBenchResult {
  name: string;
  mbPerSec: number;
  baselineMbPerSec: number;
  ratio: number;
}

const ORDINARY = [
  'Buongiorno, vorrei sapere quando arriva il mio pacco',
  'grazie mille per la risposta, siete stati gentilissimi!',
  "Ciao, ho un problema con l'app: non riesco a fare il login",
  'il prodotto è arrivato rotto, posso restituirlo?',
  'A che ora chiude il negozio sabato?',
  'Hi, I would like to change my delivery address please',
  'thanks, that worked 👍',
  'Hola, ¿cuándo llega mi pedido? Llevo una semana esperando',
  'Hallo, ich möchte meinen Vertrag kündigen',
  "Bonjour, je n'arrive pas à me connecter à mon compte",
  'Olá, a minha encomenda ainda não chegou',
  'ok perfetto, allora aspetto la mail di conferma 😊',
  'Il mio volo è stato cancellato, come posso avere il rimborso?',
  'potete richiamarmi domani mattina?',
  'Non ho ricevuto la fattura del mese scorso',
];
const WITH_NUMBERS = [
  'ordine 784512369 del 12/03/2024, totale €1.234,56',
  'il pacco 1Z999AA10123456784 è fermo a Bologna',
  'ci vediamo alle 14:30, CAP 20121',
  'fattura n. 2024-0088127 da 49,90 €',
  'app versione 2.3.1 su iOS 17.4.1',
  'Bestellnummer 4711 vom 02.04.2024',
];
const SENSITIVE = [
  'la mia carta è 4111 1111 1111 1111 scad 12/27',
  'iban IT60 X054 2811 1010 0000 0123 456',
  'chiamatemi al 347 123 4567 dopo le 18',
  'my email is melissa@gmail.com',
  'mi móvil es +34 612 34 56 78',
  'SSN 536-22-8841',
  'scrivetemi a mario.rossi@libero.it o al +39 328 614 7958',
];

// Share of messages carrying a sensitive value / other numbers (orders, dates, prices). A
// guess at busy customer-service chat; most messages are plain sentences.
const SENSITIVE_SHARE = 0.05;
const NUMBERS_SHARE = 0.1;

/** Deterministic ~`bytes` of chat messages. */
function buildMessages(bytes: number): string[] {
  let seed = 42;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const pick = (xs: readonly string[]): string => xs[Math.floor(rand() * xs.length)] ?? '';
  const out: string[] = [];
  let size = 0;
  while (size < bytes) {
    const r = rand();
    const msg =
      r < SENSITIVE_SHARE
        ? pick(SENSITIVE)
        : r < SENSITIVE_SHARE + NUMBERS_SHARE
          ? pick(WITH_NUMBERS)
          : `${pick(ORDINARY)}. ${rand() < 0.5 ? pick(ORDINARY) : ''}`;
    out.push(msg);
    size += Buffer.byteLength(msg);
  }
  return out;
}

function timeRun(messages: readonly string[], fn: (m: string) => string, seconds: number): number {
  const bytes = messages.reduce((n, m) => n + Buffer.byteLength(m), 0);
  let passes = 0;
  let sink = 0;
  const t0 = performance.now();
  let elapsed: number;
  do {
    for (const m of messages) sink += fn(m).length;
    passes++;
    elapsed = (performance.now() - t0) / 1000;
  } while (elapsed < seconds);
  if (sink < 0) throw new Error('unreachable'); // keeps the work observable
  return (bytes * passes) / elapsed / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Runs the masking benchmark and returns MB/s (UTF-8 bytes) for maskText and a regex baseline. */
export async function benchMasking(): Promise<MaskingBenchResult> {
  const messages = buildMessages(3_000_000);
  const baselineRe = /\d[\d -]{7,}\d/g;
  const baseline = (m: string): string => m.replace(baselineRe, '****');
  const mask = (m: string): string => maskText(m);
  timeRun(messages, mask, 1); // warm-up: JIT and libphonenumber metadata
  timeRun(messages, baseline, 0.5);
  const runs: number[] = [];
  const baseRuns: number[] = [];
  for (let i = 0; i < 3; i++) {
    runs.push(timeRun(messages, mask, 2.5));
    baseRuns.push(timeRun(messages, baseline, 2.5));
    await new Promise((r) => setImmediate(r));
  }
  const mbPerSec = median(runs);
  const baselineMbPerSec = median(baseRuns);
  return {
    name: 'masking: maskText on chat text',
    mbPerSec,
    baselineMbPerSec,
    ratio: mbPerSec / baselineMbPerSec,
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await benchMasking();
  console.log('| benchmark | MB/s | baseline regex MB/s | ratio | P8 goal |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(
    `| ${r.name} | ${r.mbPerSec.toFixed(1)} | ${r.baselineMbPerSec.toFixed(1)} | ${r.ratio.toFixed(2)} | >= 20 MB/s |`,
  );
}
