import { describe, expect, it } from 'vitest';
import i18next, { type TFunction } from 'i18next';
import {
  SYSTEM_NOTE_KINDS,
  systemNoteInEnglish,
  systemNoteSchema,
  type MessageView,
  type SystemNote,
  type SystemNoteKind,
} from '@parlo/protocol';
import { en } from '../../i18n/en.ts';
import { it as italian } from '../../i18n/it.ts';
import { systemMessageText, systemNoteText } from './system-note.ts';

/** A note of `kind` with a distinct name in each field it carries. */
function sampleOf(kind: SystemNoteKind): SystemNote {
  const option = systemNoteSchema.options.find((o) => o.shape.kind.value === kind)!;
  const fields = Object.keys(option.shape).filter((k) => k !== 'kind');
  return systemNoteSchema.parse(Object.fromEntries([['kind', kind], ...fields.map((f) => [f, `Name-${f}`])]));
}

/** A translator as the desktop configures it (see i18n/index.ts), in one language. */
async function translator(lng: 'en' | 'it'): Promise<TFunction> {
  const instance = i18next.createInstance();
  await instance.init({
    resources: { en: { translation: en }, it: { translation: italian } },
    lng,
    fallbackLng: false,
    interpolation: { escapeValue: false },
    showSupportNotice: false,
  });
  return instance.t;
}

function namesOf(note: SystemNote): string[] {
  const { kind: _kind, ...names } = note;
  return Object.values(names);
}

describe('system notes on the desktop', () => {
  it.each(SYSTEM_NOTE_KINDS)('[S-20] %s reads in English as the server stores it', async (kind) => {
    const t = await translator('en');
    const note = sampleOf(kind);
    expect(systemNoteText(note, t)).toBe(systemNoteInEnglish(note));
  });

  it.each(SYSTEM_NOTE_KINDS)('[S-20] %s reads in Italian, with every name it carries', async (kind) => {
    const t = await translator('it');
    const note = sampleOf(kind);
    const english = systemNoteInEnglish(note);
    const text = systemNoteText(note, t);
    // No fallback (missing keys would come back as the key itself) and nothing left uninterpolated.
    expect(text).not.toBe(`notes.${kind}`);
    expect(text).not.toBe(english);
    expect(text).not.toMatch(/\{\{|\}\}/);
    for (const name of namesOf(note)) expect(text).toContain(name);
  });

  it('words a note in Italian as a contact-center product would', async () => {
    const t = await translator('it');
    expect(systemNoteText({ kind: 'agentJoined', agent: 'Anna Rossi' }, t)).toBe(
      'Anna Rossi ha raggiunto la chat',
    );
    expect(systemNoteText({ kind: 'transferredToQueue', from: 'Marco', queue: 'Vendite' }, t)).toBe(
      'Marco ha trasferito la conversazione alla coda Vendite',
    );
  });

  it('a system message without a note (stored before notes had content) shows its text', async () => {
    const t = await translator('it');
    const message: Pick<MessageView, 'text' | 'content'> = { text: 'Anna Rossi joined the chat' };
    expect(systemMessageText(message, t)).toBe('Anna Rossi joined the chat');
    expect(systemMessageText({ ...message, content: { kind: 'text' } }, t)).toBe(
      'Anna Rossi joined the chat',
    );
    expect(
      systemMessageText(
        { ...message, content: { kind: 'note', note: { kind: 'agentJoined', agent: 'Anna Rossi' } } },
        t,
      ),
    ).toBe('Anna Rossi ha raggiunto la chat');
  });
});
