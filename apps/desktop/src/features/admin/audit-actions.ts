/**
 * Issue 18: the audit log's actions in words, in both languages ("users.resetPassword" ->
 * "Password reset" / "Password reimpostata"). The code stays beside the words (it is what the
 * filter and the API use); an action without words here shows its code alone.
 */
const NAMES: Readonly<Record<string, readonly [en: string, it: string]>> = {
  'users.create': ['User created', 'Utente creato'],
  'users.update': ['User changed', 'Utente modificato'],
  'users.delete': ['User deleted', 'Utente eliminato'],
  'users.resetPassword': ['Password reset', 'Password reimpostata'],
  'users.sso.create': ['User created by single sign-on', 'Utente creato dall’accesso unico'],
  'users.sso.update': ['User updated by single sign-on', 'Utente aggiornato dall’accesso unico'],
  'queues.create': ['Queue created', 'Coda creata'],
  'queues.update': ['Queue changed', 'Coda modificata'],
  'queues.delete': ['Queue deleted', 'Coda eliminata'],
  'businessNumbers.create': ['Business number added', 'Numero aziendale aggiunto'],
  'businessNumbers.update': ['Business number changed', 'Numero aziendale modificato'],
  'businessNumbers.delete': ['Business number deleted', 'Numero aziendale eliminato'],
  'wrapUpReasons.create': ['Wrap-up reason created', 'Motivo di chiusura creato'],
  'wrapUpReasons.update': ['Wrap-up reason changed', 'Motivo di chiusura modificato'],
  'wrapUpReasons.delete': ['Wrap-up reason deleted', 'Motivo di chiusura eliminato'],
  'idleCodes.create': ['Idle code created', 'Codice di pausa creato'],
  'idleCodes.update': ['Idle code changed', 'Codice di pausa modificato'],
  'idleCodes.delete': ['Idle code deleted', 'Codice di pausa eliminato'],
  'settings.update': ['Settings changed', 'Impostazioni modificate'],
  'businessHours.update': ['Business hours changed', 'Orari di apertura modificati'],
  'automaticMessages.update': ['Automatic messages changed', 'Messaggi automatici modificati'],
  'retention.update': ['Retention changed', 'Conservazione modificata'],
  'csat.update': ['CSAT settings changed', 'Impostazioni CSAT modificate'],
  'reveal.customerPhone': ['Number shown in clear', 'Numero mostrato in chiaro'],
  'reveal.messageText': ['Message shown in clear', 'Messaggio mostrato in chiaro'],
  'canned.create': ['Canned response created', 'Risposta rapida creata'],
  'canned.update': ['Canned response changed', 'Risposta rapida modificata'],
  'canned.delete': ['Canned response deleted', 'Risposta rapida eliminata'],
  'label.create': ['Label created', 'Etichetta creata'],
  'label.update': ['Label changed', 'Etichetta modificata'],
  'label.delete': ['Label deleted', 'Etichetta eliminata'],
  'cadVariable.put': ['Variable described', 'Variabile descritta'],
  'cadVariable.delete': ['Variable description deleted', 'Descrizione della variabile eliminata'],
  'customer.update': ['Customer record changed', 'Scheda cliente modificata'],
  'customerData.lookup': ["Customer's data looked up", 'Dati del cliente cercati'],
  'customerData.export': ["Customer's data exported", 'Dati del cliente esportati'],
  'customerData.erase': ["Customer's data erased", 'Dati del cliente cancellati'],
  'history.transcript.read': ["Someone else's transcript read", 'Trascrizione altrui letta'],
  'history.transcript.export': ['Transcript exported', 'Trascrizione esportata'],
  'signIn.locked': ['Sign-in locked', 'Accesso bloccato'],
  'signIn.unlock': ['Sign-in unlocked', 'Accesso sbloccato'],
  'auth.totpEnabled': ['Two-step sign-in turned on', 'Accesso in due passaggi attivato'],
  'auth.totpDisabled': ['Two-step sign-in turned off', 'Accesso in due passaggi disattivato'],
  'conversation.monitored': ['Conversation monitored', 'Conversazione monitorata'],
  'conversation.whispered': ['Whisper to the agent', 'Suggerimento all’agente'],
  'conversation.bargedIn': [
    'Supervisor joined the conversation',
    'Il supervisore è entrato nella conversazione',
  ],
  'conversation.supervisorWrote': [
    'Supervisor wrote to the customer',
    'Il supervisore ha scritto al cliente',
  ],
  'conversation.supervisorLeft': [
    'Supervisor left the conversation',
    'Il supervisore ha lasciato la conversazione',
  ],
  'conversation.reassigned': ['Conversation reassigned', 'Conversazione riassegnata'],
  'agent.stateChanged': [
    "Agent's state set by a supervisor",
    'Stato dell’agente impostato da un supervisore',
  ],
  'agent.signedOut': ['Agent signed out by a supervisor', 'Agente disconnesso da un supervisore'],
};

/** The words for an audit action in `language` ('it' or else English); undefined when none. */
export function auditActionName(action: string, language: string): string | undefined {
  const names = NAMES[action];
  if (!names) return undefined;
  return language.startsWith('it') ? names[1] : names[0];
}

/** Every action with words, for the test that checks the server's actions have them. */
export const NAMED_AUDIT_ACTIONS: readonly string[] = Object.keys(NAMES);
