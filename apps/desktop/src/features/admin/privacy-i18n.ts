/*
 * The Data protection section's strings (issue 17), mounted under `console.dataProtection` in both
 * locales by `console-i18n.ts`.
 */

export const privacyEn = {
  title: 'Data protection',
  retentionTitle: 'Retention',
  retentionHint:
    'Parlo deletes what is older than these periods, a little at a time. Leave a period empty to keep that data.',
  messagesDays: 'Messages and media files (days, at least 7)',
  webhookBodyHours: 'Raw webhook bodies (hours)',
  auditLogDays: 'Audit log (days, at least 30)',
  agentEventsDays: 'Agents’ event logs (days)',
  saveRetention: 'Save retention',
  saved: 'Saved.',
  customerTitle: 'A customer’s data',
  customerHint:
    'Find a customer by their WhatsApp number (digits, with country code) or user id, then export their data or erase them. Both are written to the audit log.',
  identity: 'Number or user id',
  find: 'Find',
  none: 'No customer has that number or user id.',
  conversations: '{{count}} conversations, {{live}} not closed',
  export: 'Export (JSON)',
  erase: 'Erase…',
  confirmErase:
    'Erase {{name}}? Their messages, media files, profile and variables are deleted for good; reports keep anonymous counts.',
  erased: 'Erased: {{messages}} messages and {{files}} media files.',
  failed: 'It did not work: {{reason}}',
};

export const privacyIt: typeof privacyEn = {
  title: 'Protezione dei dati',
  retentionTitle: 'Conservazione',
  retentionHint:
    'Parlo elimina, poco alla volta, ciò che è più vecchio di questi periodi. Lascia vuoto un periodo per conservare quei dati.',
  messagesDays: 'Messaggi e file multimediali (giorni, almeno 7)',
  webhookBodyHours: 'Contenuti grezzi dei webhook (ore)',
  auditLogDays: 'Registro di controllo (giorni, almeno 30)',
  agentEventsDays: 'Registri eventi degli agenti (giorni)',
  saveRetention: 'Salva conservazione',
  saved: 'Salvato.',
  customerTitle: 'I dati di un cliente',
  customerHint:
    'Cerca un cliente per numero WhatsApp (cifre, con prefisso internazionale) o user id, poi esporta i suoi dati o cancellalo. Entrambe le azioni sono registrate.',
  identity: 'Numero o user id',
  find: 'Cerca',
  none: 'Nessun cliente ha quel numero o user id.',
  conversations: '{{count}} conversazioni, {{live}} non chiuse',
  export: 'Esporta (JSON)',
  erase: 'Cancella…',
  confirmErase:
    'Cancellare {{name}}? Messaggi, file multimediali, profilo e variabili vengono eliminati per sempre; i report conservano conteggi anonimi.',
  erased: 'Cancellato: {{messages}} messaggi e {{files}} file multimediali.',
  failed: 'Non è riuscito: {{reason}}',
};
