/*
 * Issue 18: the CSAT strings (the console's settings section, the score shown on a conversation),
 * mounted under `csat` in both locales.
 */

export const csatEn = {
  title: 'Customer satisfaction (CSAT)',
  hint: 'After an agent wraps a conversation up, Parlo can ask the customer one question on WhatsApp. It is sent only while the customer’s 24-hour window is open; the first answer before the answer window ends is recorded on the conversation.',
  enabled: 'Ask customers for a rating after wrap-up',
  scale: 'Scale',
  scales: { three: 'Three faces (😞 😐 😀)', five: '1 to 5 (a list)' },
  questionEn: 'Question (English)',
  questionIt: 'Question (Italian)',
  windowHours: 'Answer window (hours, 1 to 24)',
  thanksEn: 'Thank-you message (English, optional)',
  thanksIt: 'Thank-you message (Italian, optional)',
  save: 'Save',
  saved: 'Saved.',
  loading: 'Loading…',
  failed: 'It did not work: {{reason}}',
  /** The recorded answer on a conversation, e.g. "CSAT 4/5". */
  score: 'CSAT {{score}}/5',
  scoreTitle: 'The customer rated this conversation {{score}} out of 5',
  /** The options listed under an automatic question. */
  options: 'Options',
};

export const csatIt: typeof csatEn = {
  title: 'Soddisfazione del cliente (CSAT)',
  hint: 'Dopo la chiusura di una conversazione da parte dell’agente, Parlo può fare al cliente una domanda su WhatsApp. Viene inviata solo mentre la finestra di 24 ore del cliente è aperta; la prima risposta entro la finestra di risposta viene registrata sulla conversazione.',
  enabled: 'Chiedi ai clienti una valutazione dopo la chiusura',
  scale: 'Scala',
  scales: { three: 'Tre faccine (😞 😐 😀)', five: 'Da 1 a 5 (un elenco)' },
  questionEn: 'Domanda (inglese)',
  questionIt: 'Domanda (italiano)',
  windowHours: 'Finestra di risposta (ore, da 1 a 24)',
  thanksEn: 'Messaggio di ringraziamento (inglese, facoltativo)',
  thanksIt: 'Messaggio di ringraziamento (italiano, facoltativo)',
  save: 'Salva',
  saved: 'Salvato.',
  loading: 'Caricamento…',
  failed: 'Non ha funzionato: {{reason}}',
  score: 'CSAT {{score}}/5',
  scoreTitle: 'Il cliente ha valutato questa conversazione {{score}} su 5',
  options: 'Opzioni',
};
