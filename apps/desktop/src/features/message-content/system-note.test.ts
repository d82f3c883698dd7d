import { describe, expect, it } from 'vitest';
import i18next, { type TFunction } from 'i18next';
import { SYSTEM_NOTE_KINDS, type MessageView, type SystemNote, type SystemNoteKind } from '@parlo/protocol';
import { en } from '../../i18n/en.ts';
import { it as italian } from '../../i18n/it.ts';
import { systemMessageText, systemNoteText } from './system-note.ts';

/** One note of every kind, with the English text the server stores beside it. */
const SAMPLES: { [K in SystemNoteKind]: [Extract<SystemNote, { kind: K }>, string] } = {
  agentJoined: [{ kind: 'agentJoined', agent: 'Anna Rossi' }, 'Anna Rossi joined the chat'],
  agentLeft: [{ kind: 'agentLeft', agent: 'Anna Rossi' }, 'Anna Rossi left the chat'],
  conferenceUnanswered: [
    { kind: 'conferenceUnanswered', agent: 'Anna Rossi' },
    'Anna Rossi did not answer the conference request',
  ],
  conferenceDeclined: [
    { kind: 'conferenceDeclined', agent: 'Anna Rossi' },
    'Anna Rossi declined the conference request',
  ],
  conferenceWithdrawn: [
    { kind: 'conferenceWithdrawn', agent: 'Anna Rossi' },
    'The conference request to Anna Rossi was withdrawn',
  ],
  transferredToAgent: [
    { kind: 'transferredToAgent', from: 'Marco Bianchi', agent: 'Anna Rossi' },
    'Marco Bianchi transferred the conversation to Anna Rossi',
  ],
  transferredToQueue: [
    { kind: 'transferredToQueue', from: 'Marco Bianchi', queue: 'Fatture & Pagamenti' },
    'Marco Bianchi transferred the conversation to the queue Fatture & Pagamenti',
  ],
  transferRequeued: [
    { kind: 'transferRequeued', agent: 'Anna Rossi' },
    'Anna Rossi did not accept the transfer; the conversation went back to the queue',
  ],
  transferEnded: [
    { kind: 'transferEnded', agent: 'Anna Rossi' },
    'Anna Rossi did not accept the transfer; the conversation was ended',
  ],
  ownerDisconnected: [
    { kind: 'ownerDisconnected', agent: 'Marco Bianchi' },
    'Marco Bianchi disconnected; the conversation went back to the queue',
  ],
  overflowed: [
    { kind: 'overflowed', queue: 'Fatture & Pagamenti' },
    'Waited too long; moved to the queue Fatture & Pagamenti',
  ],
};

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
  it('have a sample of every kind', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...SYSTEM_NOTE_KINDS].sort());
  });

  it.each(SYSTEM_NOTE_KINDS)('[S-20] %s reads in English as the server words it', async (kind) => {
    const t = await translator('en');
    const [note, english] = SAMPLES[kind];
    expect(systemNoteText(note, t)).toBe(english);
  });

  it.each(SYSTEM_NOTE_KINDS)('[S-20] %s reads in Italian, with every name it carries', async (kind) => {
    const t = await translator('it');
    const [note, english] = SAMPLES[kind];
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
