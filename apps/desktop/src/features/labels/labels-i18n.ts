import type { Widen } from '../../i18n/widen.ts';

/* Labels on conversations (issue 18), mounted under `labels` in both locales. */

export const labelsEn = {
  title: 'Labels',
  /** The header button that opens the picker. */
  edit: 'Labels',
  pickerTitle: 'Labels of this conversation',
  noneDefined: 'No labels yet: an administrator adds them in the console.',
  name: 'Name',
  color: 'Color',
  description: 'Description',
  newLabel: 'New label',
  deleteIntro: 'The label “{{name}}” will be taken off every conversation and out of the labels report.',
  filter: 'Label',
  colors: {
    gray: 'Gray',
    red: 'Red',
    orange: 'Orange',
    yellow: 'Yellow',
    green: 'Green',
    teal: 'Teal',
    blue: 'Blue',
    purple: 'Purple',
  },
  report: {
    title: 'Labels',
    hint: 'Conversations that arrived in each period and carry the label now.',
    none: 'No labelled conversations in this period.',
    period: 'Period',
    label: 'Label',
    conversations: 'Conversations',
  },
};

export const labelsIt: Widen<typeof labelsEn> = {
  title: 'Etichette',
  edit: 'Etichette',
  pickerTitle: 'Etichette di questa conversazione',
  noneDefined: 'Nessuna etichetta: un amministratore le aggiunge nella console.',
  name: 'Nome',
  color: 'Colore',
  description: 'Descrizione',
  newLabel: 'Nuova etichetta',
  deleteIntro: 'L’etichetta “{{name}}” sarà tolta da ogni conversazione e dal report delle etichette.',
  filter: 'Etichetta',
  colors: {
    gray: 'Grigio',
    red: 'Rosso',
    orange: 'Arancione',
    yellow: 'Giallo',
    green: 'Verde',
    teal: 'Verde acqua',
    blue: 'Blu',
    purple: 'Viola',
  },
  report: {
    title: 'Etichette',
    hint: 'Conversazioni arrivate in ogni periodo che hanno ora l’etichetta.',
    none: 'Nessuna conversazione con etichetta in questo periodo.',
    period: 'Periodo',
    label: 'Etichetta',
    conversations: 'Conversazioni',
  },
};
