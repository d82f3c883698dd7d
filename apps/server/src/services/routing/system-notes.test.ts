import { describe, expect, it } from 'vitest';
import { SYSTEM_NOTE_KINDS, type SystemNote, type SystemNoteKind } from '@parlo/protocol';
import { contentOf } from '../../views/index.ts';
import { conferenceDroppedNote, renderSystemNote } from './system-notes.ts';

/** One note of every kind and its English wording, exactly as the server wrote it before notes were structured. */
const EXPECTED: { [K in SystemNoteKind]: [Extract<SystemNote, { kind: K }>, string] } = {
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
    { kind: 'transferredToQueue', from: 'Marco Bianchi', queue: 'Billing' },
    'Marco Bianchi transferred the conversation to the queue Billing',
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
  overflowed: [{ kind: 'overflowed', queue: 'Overflow' }, 'Waited too long; moved to the queue Overflow'],
  supervisorJoined: [
    { kind: 'supervisorJoined', supervisor: 'Sofia Neri' },
    'Supervisor Sofia Neri joined the chat',
  ],
  supervisorLeft: [
    { kind: 'supervisorLeft', supervisor: 'Sofia Neri' },
    'Supervisor Sofia Neri left the chat',
  ],
  reassignedToAgent: [
    { kind: 'reassignedToAgent', supervisor: 'Sofia Neri', agent: 'Anna Rossi' },
    'Supervisor Sofia Neri reassigned the conversation to Anna Rossi',
  ],
  reassignedToQueue: [
    { kind: 'reassignedToQueue', supervisor: 'Sofia Neri', queue: 'Billing' },
    'Supervisor Sofia Neri reassigned the conversation to the queue Billing',
  ],
};

describe('system notes', () => {
  it('cover every kind of the protocol', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...SYSTEM_NOTE_KINDS].sort());
  });

  it.each(SYSTEM_NOTE_KINDS)('[S-20] %s keeps its English wording as the message text', (kind) => {
    const [note, text] = EXPECTED[kind];
    expect(renderSystemNote(note)).toBe(text);
  });

  it.each(SYSTEM_NOTE_KINDS)('%s survives storage as the message content', (kind) => {
    const [note] = EXPECTED[kind];
    expect(contentOf({ content: JSON.stringify({ kind: 'note', note }) })).toEqual({ kind: 'note', note });
  });

  it('a note of an unknown kind reads as an unsupported content, not a crash', () => {
    expect(contentOf({ content: JSON.stringify({ kind: 'note', note: { kind: 'nope' } }) })).toEqual({
      kind: 'unsupported',
      type: 'unknown',
    });
  });

  it('a dropped conference request says why', () => {
    expect(renderSystemNote(conferenceDroppedNote('lapsed', 'Anna'))).toBe(
      'Anna did not answer the conference request',
    );
    expect(renderSystemNote(conferenceDroppedNote('declined', 'Anna'))).toBe(
      'Anna declined the conference request',
    );
    expect(renderSystemNote(conferenceDroppedNote('withdrawn', 'Anna'))).toBe(
      'The conference request to Anna was withdrawn',
    );
  });
});
