import type { Widen } from '../../i18n/widen.ts';

/*
 * The desktop on every screen and the agents' small things (issue 18): theme switch, task drawer,
 * End confirmation, paste warning, the wrap-up hint and keyboard shortcuts. Mounted under `desktop`
 * in both locales (`i18n/en.ts`, `i18n/it.ts`).
 */

export const desktopEn = {
  darkMode: 'Dark mode',
  openTasks: 'Conversations',
  closeTasks: 'Close the conversation list',
  endConfirmTitle: 'End the conversation?',
  endConfirmBody:
    'The conversation with {{name}} ends for you and the customer; you then choose a wrap-up reason.',
  endConfirm: 'End conversation',
  cancel: 'Cancel',
  pasteTooLong:
    'Only the first {{max}} characters were pasted: a message holds at most {{max}} and the pasted text had {{length}}.',
  wrapUpPending_one: 'Available — finish {{count}} wrap-up to receive contacts',
  wrapUpPending_other: 'Available — finish {{count}} wrap-ups to receive contacts',
  shortcutsTitle: 'Keyboard shortcuts',
  shortcutsHint: 'Press ? for keyboard shortcuts',
  shortcutAccept: 'Accept the contact request',
  shortcutNext: 'Next conversation',
  shortcutEnd: 'End the conversation (asks first)',
  shortcutHelp: 'Show or hide this help',
  close: 'Close',
};

export const desktopIt: Widen<typeof desktopEn> = {
  darkMode: 'Modalità scura',
  openTasks: 'Conversazioni',
  closeTasks: 'Chiudi l’elenco delle conversazioni',
  endConfirmTitle: 'Terminare la conversazione?',
  endConfirmBody:
    'La conversazione con {{name}} termina per te e per il cliente; poi scegli un motivo di riepilogo.',
  endConfirm: 'Termina conversazione',
  cancel: 'Annulla',
  pasteTooLong:
    'Incollati solo i primi {{max}} caratteri: un messaggio ne contiene al massimo {{max}} e il testo incollato ne aveva {{length}}.',
  wrapUpPending_one: 'Disponibile — completa {{count}} riepilogo per ricevere contatti',
  wrapUpPending_other: 'Disponibile — completa {{count}} riepiloghi per ricevere contatti',
  shortcutsTitle: 'Scorciatoie da tastiera',
  shortcutsHint: 'Premi ? per le scorciatoie da tastiera',
  shortcutAccept: 'Accetta la richiesta di contatto',
  shortcutNext: 'Conversazione successiva',
  shortcutEnd: 'Termina la conversazione (chiede conferma)',
  shortcutHelp: 'Mostra o nascondi questo aiuto',
  close: 'Chiudi',
};
