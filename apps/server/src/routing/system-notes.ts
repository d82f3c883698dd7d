import type { SystemNote } from '@parlo/protocol';

/**
 * The English wording of a system note: the message's `text`, read by REST/history consumers and
 * by desktops that do not know the note's kind. Desktops word the note in their own language.
 */
export function renderSystemNote(note: SystemNote): string {
  switch (note.kind) {
    case 'agentJoined':
      return `${note.agent} joined the chat`;
    case 'agentLeft':
      return `${note.agent} left the chat`;
    case 'conferenceUnanswered':
      return `${note.agent} did not answer the conference request`;
    case 'conferenceDeclined':
      return `${note.agent} declined the conference request`;
    case 'conferenceWithdrawn':
      return `The conference request to ${note.agent} was withdrawn`;
    case 'transferredToAgent':
      return `${note.from} transferred the conversation to ${note.agent}`;
    case 'transferredToQueue':
      return `${note.from} transferred the conversation to the queue ${note.queue}`;
    case 'transferRequeued':
      return `${note.agent} did not accept the transfer; the conversation went back to the queue`;
    case 'transferEnded':
      return `${note.agent} did not accept the transfer; the conversation was ended`;
    case 'ownerDisconnected':
      return `${note.agent} disconnected; the conversation went back to the queue`;
    case 'overflowed':
      return `Waited too long; moved to the queue ${note.queue}`;
  }
}

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
