import type { Widen } from '../../i18n/widen.ts';

/* Canned responses (issue 18), mounted under `canned` in both locales. */

export const cannedEn = {
  title: 'Canned responses',
  none: 'No canned response matches.',
  mine: 'mine',
  new: 'New reply…',
  shortcut: 'Shortcut',
  body: 'Text',
  placeholdersHint: 'Filled in when used (a variable of the conversation too, by its key):',
  fillIn: 'Fill in: {{names}}',
  cancel: 'Cancel',
  save: 'Save',
  personal: 'Personal',
  queue: 'Queue',
  language: 'Language',
  anyLanguage: 'Any',
  newResponse: 'New canned response',
  titleField: 'Title',
  deleteIntro: 'The response /{{shortcut}} will no longer be offered to agents.',
};

export const cannedIt: Widen<typeof cannedEn> = {
  title: 'Risposte rapide',
  none: 'Nessuna risposta rapida corrisponde.',
  mine: 'mia',
  new: 'Nuova risposta…',
  shortcut: 'Scorciatoia',
  body: 'Testo',
  placeholdersHint: 'Completati all’uso (anche una variabile della conversazione, con la sua chiave):',
  fillIn: 'Da completare: {{names}}',
  cancel: 'Annulla',
  save: 'Salva',
  personal: 'Personale',
  queue: 'Coda',
  language: 'Lingua',
  anyLanguage: 'Qualsiasi',
  newResponse: 'Nuova risposta rapida',
  titleField: 'Titolo',
  deleteIntro: 'La risposta /{{shortcut}} non sarà più proposta agli agenti.',
};
