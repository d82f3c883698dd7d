import type { Widen } from '../../i18n/widen.ts';

/*
 * The template picker's strings (issue 4), mounted under `templates` in both locales
 * (`i18n/en.ts`, `i18n/it.ts`).
 */

export const templatesEn = {
  title: 'Send a template',
  intro:
    'Outside the 24-hour window only an approved template can be sent. The customer’s reply reopens the window.',
  loading: 'Loading templates…',
  loadFailed: 'Could not load the templates: {{reason}}',
  retry: 'Try again',
  none: 'This number has no approved templates.',
  choose: 'Template',
  choosePlaceholder: 'Choose a template…',
  option: '{{name}} ({{language}})',
  parameters: 'Parameters',
  parameterHeader: 'Header {{key}}',
  parameterBody: 'Body {{key}}',
  preview: 'Preview',
  send: 'Send template',
  issues: {
    required: 'Fill in this parameter.',
    tooLong: 'At most {{max}} characters.',
    invalidWhitespace: 'No line breaks, tabs or more than four spaces in a row.',
  },
};

export const templatesIt: Widen<typeof templatesEn> = {
  title: 'Invia un modello',
  intro:
    'Fuori dalla finestra di 24 ore si può inviare solo un modello approvato. La risposta del cliente riapre la finestra.',
  loading: 'Caricamento dei modelli…',
  loadFailed: 'Impossibile caricare i modelli: {{reason}}',
  retry: 'Riprova',
  none: 'Questo numero non ha modelli approvati.',
  choose: 'Modello',
  choosePlaceholder: 'Scegli un modello…',
  option: '{{name}} ({{language}})',
  parameters: 'Parametri',
  parameterHeader: 'Intestazione {{key}}',
  parameterBody: 'Corpo {{key}}',
  preview: 'Anteprima',
  send: 'Invia modello',
  issues: {
    required: 'Compila questo parametro.',
    tooLong: 'Al massimo {{max}} caratteri.',
    invalidWhitespace: 'Niente a capo, tabulazioni o più di quattro spazi di fila.',
  },
};
