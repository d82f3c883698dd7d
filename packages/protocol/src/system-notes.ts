import type { SystemNote, SystemNoteKind } from './views.ts';

/**
 * The English wording of every system note, as i18next templates (`{{name}}`). The server writes it
 * as the message's `text` (for REST and history readers); the desktop's English bundle is this
 * same table, and other languages translate it key by key.
 */
export const SYSTEM_NOTES_ENGLISH = {
  agentJoined: '{{agent}} joined the chat',
  agentLeft: '{{agent}} left the chat',
  conferenceUnanswered: '{{agent}} did not answer the conference request',
  conferenceDeclined: '{{agent}} declined the conference request',
  conferenceWithdrawn: 'The conference request to {{agent}} was withdrawn',
  transferredToAgent: '{{from}} transferred the conversation to {{agent}}',
  transferredToQueue: '{{from}} transferred the conversation to the queue {{queue}}',
  transferRequeued: '{{agent}} did not accept the transfer; the conversation went back to the queue',
  transferEnded: '{{agent}} did not accept the transfer; the conversation was ended',
  ownerDisconnected: '{{agent}} disconnected; the conversation went back to the queue',
  overflowed: 'Waited too long; moved to the queue {{queue}}',
  supervisorJoined: 'Supervisor {{supervisor}} joined the chat',
  supervisorLeft: 'Supervisor {{supervisor}} left the chat',
  reassignedToAgent: 'Supervisor {{supervisor}} reassigned the conversation to {{agent}}',
  reassignedToQueue: 'Supervisor {{supervisor}} reassigned the conversation to the queue {{queue}}',
} satisfies Record<SystemNoteKind, string>;

/** A note worded from a template of its kind: each `{{name}}` becomes the note's field of that name. */
export function fillSystemNote(template: string, note: SystemNote): string {
  const fields: Readonly<Record<string, string>> = note;
  // One pass over the template only, so a name that itself contains "{{…}}" stays as written.
  return template.replace(/\{\{(\w+)\}\}/g, (slot, name: string) => fields[name] ?? slot);
}

/** The note's English wording: the text stored beside it. */
export function systemNoteInEnglish(note: SystemNote): string {
  return fillSystemNote(SYSTEM_NOTES_ENGLISH[note.kind], note);
}
