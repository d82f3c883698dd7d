import type { Translation } from '../../i18n/en.ts';

/* Search over conversations (issue 15), mounted under `search` in both locales. */

export const searchEn = {
  title: 'Search conversations',
  hint: 'Words of the messages, the customer, their number in international format, a queue or wrap-up reason, dates.',
  text: 'Words in messages',
  customerName: 'Customer name',
  number: 'Customer number',
  queue: 'Queue',
  wrapUpReason: 'Wrap-up reason',
  any: 'Any',
  from: 'From',
  to: 'To',
  submit: 'Search',
  searching: 'Searching…',
  none: 'No conversation matches.',
  results: 'Results',
  received: 'Received',
  customer: 'Customer',
  businessNumber: 'Business number',
  agent: 'Agent',
  phase: 'State',
};

export const searchIt: Translation['search'] = {
  title: 'Cerca conversazioni',
  hint: 'Parole dei messaggi, il cliente, il suo numero in formato internazionale, una coda o un motivo di chiusura, date.',
  text: 'Parole nei messaggi',
  customerName: 'Nome del cliente',
  number: 'Numero del cliente',
  queue: 'Coda',
  wrapUpReason: 'Motivo di chiusura',
  any: 'Qualsiasi',
  from: 'Dal',
  to: 'Al',
  submit: 'Cerca',
  searching: 'Ricerca in corso…',
  none: 'Nessuna conversazione corrisponde.',
  results: 'Risultati',
  received: 'Ricevuta',
  customer: 'Cliente',
  businessNumber: 'Numero aziendale',
  agent: 'Agente',
  phase: 'Stato',
};
