import { systemNoteInEnglish, type SystemNote } from '@parlo/protocol';

/**
 * The English wording of a system note: the message's `text`, read by REST/history consumers and
 * by desktops that do not know the note's kind. Desktops word the note in their own language.
 */
export const renderSystemNote = systemNoteInEnglish;

/** The note a dropped conference request leaves for the owner. */
export function conferenceDroppedNote(
  reason: 'lapsed' | 'declined' | 'withdrawn',
  agent: string,
): SystemNote {
  switch (reason) {
    case 'lapsed':
      return { kind: 'conferenceUnanswered', agent };
    case 'declined':
      return { kind: 'conferenceDeclined', agent };
    case 'withdrawn':
      return { kind: 'conferenceWithdrawn', agent };
  }
}
