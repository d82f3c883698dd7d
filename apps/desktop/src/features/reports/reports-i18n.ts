/*
 * Historical reports (issue 16): the `reports` namespace of both locales (registered in
 * `i18n/index.ts`; `useTranslation('reports')`).
 */

/** The same keys, any wording. */
type Widen<T> = { readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export const reportsEn = {
  title: 'Reports',
  hint: 'Figures of the conversations that arrived in each period, in the center’s time zone ({{zone}}).',
  from: 'From',
  to: 'To',
  bucket: 'Per',
  buckets: { day: 'Day', hour: 'Hour', total: 'Whole period' },
  groupBy: 'By',
  groups: {
    none: 'Nothing',
    queue: 'Queue',
    agent: 'Agent',
    number: 'Business number',
    reason: 'Wrap-up reason',
  },
  show: 'Show',
  loading: 'Loading…',
  none: 'No conversations in this period.',
  downloadCsv: 'Download CSV',
  chart: 'Offered, answered and abandoned per period',
  noKey: '(none)',
  noReason: 'no reason',
  csatCell: '{{average}} ({{count}})',
  columns: {
    bucket: 'Period',
    key: 'Name',
    offered: 'Offered',
    answered: 'Answered',
    abandoned: 'Abandoned',
    serviceLevel: 'Service level',
    asa: 'ASA',
    aht: 'AHT',
    firstResponse: 'First response',
    rona: 'RONA',
    declined: 'Declined',
    transfers: 'Transfers',
    conferences: 'Conferences',
    csat: 'CSAT (1-5)',
    wrapUps: 'Wrap-ups',
  },
  definitions:
    'Abandoned: never answered, and ended or the customer silent for 24 hours. Service level: answered within the queue’s threshold ÷ (answered + abandoned). ASA: arrival to answer; AHT: answer to wrap-up; first response: arrival to the first agent message. CSAT: the average survey score (answers).',
};

export const reportsIt: Widen<typeof reportsEn> = {
  title: 'Report',
  hint: 'Dati delle conversazioni arrivate in ogni periodo, nel fuso orario del centro ({{zone}}).',
  from: 'Dal',
  to: 'Al',
  bucket: 'Per',
  buckets: { day: 'Giorno', hour: 'Ora', total: 'Intero periodo' },
  groupBy: 'Suddivisi per',
  groups: {
    none: 'Niente',
    queue: 'Coda',
    agent: 'Agente',
    number: 'Numero aziendale',
    reason: 'Motivo di chiusura',
  },
  show: 'Mostra',
  loading: 'Caricamento…',
  none: 'Nessuna conversazione in questo periodo.',
  downloadCsv: 'Scarica CSV',
  chart: 'Offerte, risposte e abbandonate per periodo',
  noKey: '(nessuno)',
  noReason: 'nessun motivo',
  csatCell: '{{average}} ({{count}})',
  columns: {
    bucket: 'Periodo',
    key: 'Nome',
    offered: 'Offerte',
    answered: 'Risposte',
    abandoned: 'Abbandonate',
    serviceLevel: 'Livello di servizio',
    asa: 'ASA',
    aht: 'AHT',
    firstResponse: 'Prima risposta',
    rona: 'RONA',
    declined: 'Rifiutate',
    transfers: 'Trasferimenti',
    conferences: 'Conferenze',
    csat: 'CSAT (1-5)',
    wrapUps: 'Chiusure',
  },
  definitions:
    'Abbandonate: mai risposte, e chiuse o con il cliente in silenzio da 24 ore. Livello di servizio: risposte entro la soglia della coda ÷ (risposte + abbandonate). ASA: dall’arrivo alla risposta; AHT: dalla risposta alla chiusura; prima risposta: dall’arrivo al primo messaggio dell’agente. CSAT: il voto medio del sondaggio (risposte).',
};
