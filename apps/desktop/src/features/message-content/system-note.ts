import type { TFunction } from 'i18next';
import type { MessageView, SystemNote } from '@parlo/protocol';

/** A system note in the reader's language: `notes.<kind>` with the names the note carries. */
export function systemNoteText(note: SystemNote, t: TFunction): string {
  const { kind, ...names } = note;
  return t(`notes.${kind}`, names);
}

/**
 * What a system bubble says: a structured note in the reader's language, or the stored (English)
 * text for notes written before notes were structured (no content).
 */
export function systemMessageText(message: Pick<MessageView, 'text' | 'content'>, t: TFunction): string {
  return message.content?.kind === 'note' ? systemNoteText(message.content.note, t) : message.text;
}
