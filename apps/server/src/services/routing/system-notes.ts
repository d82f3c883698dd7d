import { systemNoteInEnglish, type SystemNote } from '@parlo/protocol';
import type { MessageRow } from '../../store/index.ts';

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

/**
 * The stored row of a system note (direction `system`, never sent): its content is the structured
 * note each desktop words in its language, `text` its English wording.
 */
export function systemNoteRow(conversationId: string, note: SystemNote, now: number, id: string): MessageRow {
  return {
    id,
    conversationId,
    direction: 'system',
    wamid: null,
    kind: 'system',
    text: renderSystemNote(note),
    content: JSON.stringify({ kind: 'note', note }),
    authorName: '',
    authorUserId: null,
    sentAt: now,
    createdAt: now,
    status: null,
    failureReason: null,
    clientMessageId: null,
  };
}
