import type { TranscriptExport } from '@parlo/protocol';
import { escapeHtml, styleHashSource } from '../../platform/index.ts';

/** The print view's one style sheet, inline: the page is self-contained (no script, no fetch). */
const PRINT_STYLE = `body{font:14px/1.45 system-ui,sans-serif;max-width:46rem;margin:1.5rem auto;padding:0 1rem;color:#111}
h1{font-size:1.25rem;margin:0 0 .25rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.75rem 0 1rem}
dt{color:#555}dd{margin:0}ol{list-style:none;padding:0;margin:0}li{border-top:1px solid #ddd;padding:.4rem 0;break-inside:avoid}
.who{font-weight:600}.when{color:#555;margin-left:.5rem;font-size:.85em}.inbound .who{color:#0b5394}.system{color:#555;font-style:italic}
p{margin:.15rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere}footer{margin-top:1rem;color:#555;font-size:.85em}
@media print{body{margin:0;max-width:none}}`;

/**
 * The print view's Content-Security-Policy (helmet's directive names): nothing but its own style
 * sheet, allowed by hash; no script, image, frame or form: a transcript's text cannot run.
 */
export const TRANSCRIPT_PRINT_CSP = {
  defaultSrc: ["'none'"],
  styleSrc: [styleHashSource(PRINT_STYLE)],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'self'"],
};

const LABELS = {
  en: {
    title: 'Transcript',
    customer: 'Customer',
    contactSource: 'Contact source',
    inbound: 'Inbound number',
    queue: 'Queue',
    agents: 'Agents',
    received: 'Received',
    ended: 'Ended',
    reason: 'Wrap-up reason',
    csat: 'Customer satisfaction',
    exported: 'Exported by {who} on {when}',
    attachment: 'attachment',
  },
  it: {
    title: 'Trascrizione',
    customer: 'Cliente',
    contactSource: 'Origine del contatto',
    inbound: 'Numero in entrata',
    queue: 'Coda',
    agents: 'Agenti',
    received: 'Ricevuta',
    ended: 'Terminata',
    reason: 'Motivo di chiusura',
    csat: 'Soddisfazione del cliente',
    exported: 'Esportata da {who} il {when}',
    attachment: 'allegato',
  },
} as const;

export type PrintLanguage = keyof typeof LABELS;

/**
 * A transcript as a self-contained HTML page to print (or save as PDF from the browser's print
 * dialog). Everything in it comes from the export, already masked; every value is escaped.
 */
export function renderTranscriptHtml(data: TranscriptExport, language: PrintLanguage): string {
  const l = LABELS[language];
  const when = (iso: string | null): string =>
    iso === null
      ? '—'
      : new Date(iso).toLocaleString(language === 'it' ? 'it-IT' : 'en-GB', { timeZone: 'UTC' }) + ' UTC';
  const c = data.conversation;
  const rows: [string, string][] = [
    [l.customer, c.title],
    [l.contactSource, c.contactSource],
    [l.inbound, c.inbound],
    [l.queue, c.queueName],
    [l.agents, c.agents.join(', ')],
    [l.received, when(c.receivedAt)],
    [l.ended, when(c.endedAt)],
    [l.reason, c.wrapUpReason ?? '—'],
    // Issue 18: the customer's recorded CSAT answer.
    ...(c.csat ? [[l.csat, `${c.csat.score}/5`] as [string, string]] : []),
  ];
  const meta = rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('');
  const lines = data.messages
    .map((m) => {
      const kind = m.content?.kind;
      const text = m.text !== '' ? m.text : kind && kind !== 'text' ? `[${l.attachment}: ${kind}]` : '';
      return `<li class="${m.direction}"><span class="who">${escapeHtml(m.authorName)}</span><time class="when" datetime="${escapeHtml(m.sentAt)}">${escapeHtml(when(m.sentAt))}</time><p>${escapeHtml(text)}</p></li>`;
    })
    .join('');
  const footer = l.exported.replace('{who}', data.exportedBy).replace('{when}', when(data.exportedAt));
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${escapeHtml(
    `${l.title}: ${c.title}`,
  )}</title><style>${PRINT_STYLE}</style></head><body><h1>${escapeHtml(`${l.title}: ${c.title}`)}</h1><dl>${meta}</dl><ol>${lines}</ol><footer>${escapeHtml(footer)}</footer></body></html>`;
}
