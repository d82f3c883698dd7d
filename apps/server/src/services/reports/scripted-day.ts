import type { InteractionEventKind, InteractionEventRow } from '../../store/index.ts';

/**
 * A scripted weekend in Europe/Rome across the autumn DST change (Sunday 25 October 2026: 03:00
 * CEST becomes 02:00 CET, a 25-hour day), as interaction events: the KPI unit tests compute its
 * figures by hand, the report medium tests store it on both databases. Queues: q1 (20 s service
 * level, the default) and q2 (60 s). Agents a1, a2, a3; reasons r1, r2; numbers n1, n2.
 *
 * - c1 (q1, Sat 09:00 CEST): answered by a1 in 15 s, first response 45 s, ended at 10 min,
 *   wrapped up at 11 min with r1 (handle 645 s).
 * - c2 (q1, Sat 09:30): a1 lets it lapse (RONA) at 30 s; a2 answers at 50 s, responds at 70 s,
 *   transfers it to q2 at 5 min, wraps up at 6 min with r2 (handle 310 s); a3 accepts the
 *   transfer at 5 min 10 s, ends at 20 min, wraps up at 21 min with r1 (handle 950 s).
 * - c3 (q1, Sat 23:50): the customer writes at 23:50 and 23:55; nobody answers: abandoned 24 h
 *   after 23:55 (Sunday), counted on Saturday, when it arrived.
 * - c4 (q2, Sun 00:10 CEST, just after midnight): a3 answers in 40 s (within q2's 60 s), responds
 *   at 100 s; a2 declines a conference; a1 joins as guest; a3 ends at 15 min and wraps up at
 *   16 min without a reason (handle 920 s); a1 (guest) wraps up with r1.
 * - c5 (q2, Sun 02:30 CET, the second 02:30): never answered, ended by the system at 2 min:
 *   abandoned (only because it ended: at `now` its customer has been silent less than 24 h).
 * - c6 (q1, Sun 20:00 CET): still waiting at the report's `now` (Mon 01:00 CET): neither
 *   answered nor abandoned.
 */
export const SCRIPTED_NOW = Date.parse('2026-10-26T01:00:00+01:00');

const arrivals: Record<string, { at: string; queueId: string; numberId: string }> = {
  c1: { at: '2026-10-24T09:00:00+02:00', queueId: 'q1', numberId: 'n1' },
  c2: { at: '2026-10-24T09:30:00+02:00', queueId: 'q1', numberId: 'n1' },
  c3: { at: '2026-10-24T23:50:00+02:00', queueId: 'q1', numberId: 'n2' },
  c4: { at: '2026-10-25T00:10:00+02:00', queueId: 'q2', numberId: 'n2' },
  c5: { at: '2026-10-25T02:30:00+01:00', queueId: 'q2', numberId: 'n1' },
  c6: { at: '2026-10-25T20:00:00+01:00', queueId: 'q1', numberId: 'n1' },
};

const S = 1000;
const M = 60 * S;

let counter = 0;
function ev(
  conversationId: string,
  kind: InteractionEventKind,
  afterMs: number,
  fields: Partial<
    Pick<InteractionEventRow, 'agentId' | 'durationMs' | 'reasonId' | 'detail' | 'queueId'>
  > = {},
): InteractionEventRow {
  const arrival = arrivals[conversationId];
  if (!arrival) throw new Error(conversationId);
  const startedAt = Date.parse(arrival.at);
  counter++;
  return {
    id: `ie_${String(counter).padStart(3, '0')}`,
    kind,
    at: startedAt + afterMs,
    conversationId,
    customerId: `cu_${conversationId}`,
    startedAt,
    queueId: fields.queueId ?? arrival.queueId,
    agentId: fields.agentId ?? null,
    businessNumberId: arrival.numberId,
    durationMs: fields.durationMs ?? null,
    reasonId: fields.reasonId ?? null,
    detail: fields.detail ?? null,
  };
}

/** The weekend's events, as the shell writes them. */
export function scriptedEvents(): InteractionEventRow[] {
  counter = 0;
  return [
    ev('c1', 'customer_message', 0),
    ev('c1', 'queued', 0),
    ev('c1', 'offered', 0, { agentId: 'a1', detail: 'route' }),
    ev('c1', 'answered', 15 * S, { agentId: 'a1', durationMs: 15 * S }),
    ev('c1', 'first_response', 45 * S, { agentId: 'a1', durationMs: 45 * S }),
    ev('c1', 'ended', 10 * M, { agentId: 'a1', detail: 'agent' }),
    ev('c1', 'wrapped_up', 11 * M, {
      agentId: 'a1',
      reasonId: 'r1',
      detail: 'owner',
      durationMs: 11 * M - 15 * S,
    }),

    ev('c2', 'customer_message', 0),
    ev('c2', 'queued', 0),
    ev('c2', 'offered', 0, { agentId: 'a1', detail: 'route' }),
    ev('c2', 'rona', 30 * S, { agentId: 'a1', detail: 'route' }),
    ev('c2', 'offered', 30 * S, { agentId: 'a2', detail: 'route' }),
    ev('c2', 'answered', 50 * S, { agentId: 'a2', durationMs: 50 * S }),
    ev('c2', 'first_response', 70 * S, { agentId: 'a2', durationMs: 70 * S }),
    ev('c2', 'transferred', 5 * M, { agentId: 'a2', detail: 'queue' }),
    ev('c2', 'offered', 5 * M, { agentId: 'a3', detail: 'transfer', queueId: 'q2' }),
    ev('c2', 'wrapped_up', 6 * M, {
      agentId: 'a2',
      reasonId: 'r2',
      detail: 'owner',
      durationMs: 6 * M - 50 * S,
    }),
    ev('c2', 'accepted', 5 * M + 10 * S, { agentId: 'a3', detail: 'transfer', queueId: 'q2' }),
    ev('c2', 'ended', 20 * M, { agentId: 'a3', detail: 'agent', queueId: 'q2' }),
    ev('c2', 'wrapped_up', 21 * M, {
      agentId: 'a3',
      reasonId: 'r1',
      detail: 'owner',
      durationMs: 21 * M - (5 * M + 10 * S),
      queueId: 'q2',
    }),

    ev('c3', 'customer_message', 0),
    ev('c3', 'queued', 0),
    ev('c3', 'customer_message', 5 * M),

    ev('c4', 'customer_message', 0),
    ev('c4', 'queued', 0),
    ev('c4', 'offered', 0, { agentId: 'a3', detail: 'route' }),
    ev('c4', 'answered', 40 * S, { agentId: 'a3', durationMs: 40 * S }),
    ev('c4', 'first_response', 100 * S, { agentId: 'a3', durationMs: 100 * S }),
    ev('c4', 'offered', 3 * M, { agentId: 'a2', detail: 'conference' }),
    ev('c4', 'declined', 3 * M + 5 * S, { agentId: 'a2', detail: 'conference' }),
    ev('c4', 'offered', 4 * M, { agentId: 'a1', detail: 'conference' }),
    ev('c4', 'accepted', 4 * M + 5 * S, { agentId: 'a1', detail: 'conference' }),
    ev('c4', 'conference', 4 * M + 5 * S, { agentId: 'a3', detail: 'a1' }),
    ev('c4', 'ended', 15 * M, { agentId: 'a3', detail: 'agent' }),
    ev('c4', 'wrapped_up', 15 * M + 30 * S, {
      agentId: 'a1',
      reasonId: 'r1',
      detail: 'guest',
      durationMs: 15 * M + 30 * S - (4 * M + 5 * S),
    }),
    ev('c4', 'wrapped_up', 16 * M, { agentId: 'a3', detail: 'owner', durationMs: 16 * M - 40 * S }),

    ev('c5', 'customer_message', 0),
    ev('c5', 'queued', 0),
    ev('c5', 'ended', 2 * M, { detail: 'system' }),

    ev('c6', 'customer_message', 0),
    ev('c6', 'queued', 0),
  ];
}

/** The service-level thresholds of the scripted queues. */
export function scriptedServiceLevelMs(queueId: string | null): number {
  return queueId === 'q2' ? 60_000 : 20_000;
}
