import type {
  AgentEvent,
  AgentView,
  ConversationView,
  DeliveryStatus,
  LabelView,
  MessageView,
  OfferView,
  ServerFrame,
} from '@parlo/protocol';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'outdated' | 'closed';

/**
 * Everything the desktop knows about the signed-in agent's work. Immutable: every change returns a
 * new object, so `useSyncExternalStore` can compare by reference.
 */
export interface DesktopState {
  /** The last event `seq` applied (or the snapshot's); sent back in `hello` to resume. */
  readonly lastSeq: number | null;
  readonly agent: AgentView | null;
  readonly offers: readonly OfferView[];
  readonly conversations: readonly ConversationView[];
  /** Messages by conversation id, in display order; missing until fetched or pushed. */
  readonly messages: Readonly<Record<string, readonly MessageView[]>>;
  /** Bumped by every snapshot: open panes refetch their messages, which a snapshot does not carry. */
  readonly snapshotEpoch: number;
  readonly connection: ConnectionStatus;
  /** Issue 16: who monitors each conversation, when the administrator lets agents see it. */
  readonly monitoredBy?: Readonly<Record<string, readonly string[]>>;
  /** Issue 18: the latest mentions of this agent in notes, newest last. */
  readonly mentions?: readonly Extract<AgentEvent, { type: 'note.mentioned' }>[];
  /** Issue 18: each open conversation's labels, by name (fetched after a snapshot, then pushed). */
  readonly labels?: Readonly<Record<string, readonly LabelView[]>>;
}

/** How many mentions a desktop keeps (it shows each once, as it arrives). */
export const MENTIONS_KEPT = 20;

export const initialDesktopState: DesktopState = {
  lastSeq: null,
  agent: null,
  offers: [],
  conversations: [],
  messages: {},
  snapshotEpoch: 0,
  connection: 'connecting',
};

/** Changes that come from this desktop (REST answers, optimistic sends), not from the socket. */
export type LocalAction =
  | { type: 'connection.changed'; status: ConnectionStatus }
  /** An agent view from a REST answer; kept only if not older than what the socket said. */
  | { type: 'agent.reported'; agent: AgentView }
  | { type: 'offer.dropped'; offerId: string }
  | { type: 'conversation.reported'; conversation: ConversationView }
  | { type: 'conversation.completed'; conversationId: string }
  /** An optimistic bubble, or the server's answer to a send. */
  | { type: 'message.reported'; message: MessageView }
  /** The result of GET messages: merged with what the socket pushed meanwhile. */
  | { type: 'messages.loaded'; conversationId: string; messages: readonly MessageView[] }
  /** An older page of the history (issue 15): goes before what we hold. */
  | { type: 'messages.olderLoaded'; conversationId: string; messages: readonly MessageView[] }
  /** Issue 18: conversations' labels from a REST answer (the task list's load, a picker's change). */
  | {
      type: 'labels.loaded';
      conversations: readonly { conversationId: string; labels: readonly LabelView[] }[];
    };

/**
 * Applies one server frame. Snapshots replace the picture; events apply in `seq` order and any
 * frame with a `seq` at or below the last applied one is a duplicate (a replay overlapping what we
 * already had) and is ignored, returning the same state object.
 */
export function applyEvent(state: DesktopState, frame: ServerFrame): DesktopState {
  switch (frame.type) {
    case 'snapshot': {
      const { agent, offers, conversations } = frame.snapshot;
      const kept = new Set(conversations.map((c) => c.id));
      const messages: Record<string, readonly MessageView[]> = {};
      for (const [id, list] of Object.entries(state.messages)) if (kept.has(id)) messages[id] = list;
      return {
        ...state,
        lastSeq: frame.seq,
        agent,
        offers,
        conversations,
        messages,
        snapshotEpoch: state.snapshotEpoch + 1,
      };
    }
    case 'event': {
      if (state.lastSeq !== null && frame.seq <= state.lastSeq) return state;
      return { ...applyAgentEvent(state, frame.event), lastSeq: frame.seq };
    }
    case 'pong':
    case 'error':
      return state;
  }
}

function applyAgentEvent(state: DesktopState, event: AgentEvent): DesktopState {
  switch (event.type) {
    case 'agent.updated':
      return { ...state, agent: event.agent };
    case 'offer.added':
      return { ...state, offers: upsertById(state.offers, event.offer) };
    case 'offer.removed':
      return { ...state, offers: state.offers.filter((o) => o.id !== event.offerId) };
    case 'conversation.upserted':
      return { ...state, conversations: upsertById(state.conversations, event.conversation) };
    case 'conversation.removed':
      return removeConversation(state, event.conversationId);
    case 'message.upserted':
      return withMessage(state, event.message);
    case 'conversation.monitoring':
      return {
        ...state,
        monitoredBy: { ...state.monitoredBy, [event.conversationId]: event.supervisors },
      };
    case 'note.mentioned':
      // The newest few, for the notice the desktop shows (issue 18).
      return { ...state, mentions: [...(state.mentions ?? []), event].slice(-MENTIONS_KEPT) };
    case 'conversation.labels':
      return { ...state, labels: { ...state.labels, [event.conversationId]: event.labels } };
  }
}

/** Applies a change made by this desktop. */
export function applyLocal(state: DesktopState, action: LocalAction): DesktopState {
  switch (action.type) {
    case 'connection.changed':
      return state.connection === action.status ? state : { ...state, connection: action.status };
    case 'agent.reported':
      // A REST answer can arrive after a newer push (e.g. RONA right after "Available").
      if (state.agent && Date.parse(action.agent.state.since) < Date.parse(state.agent.state.since))
        return state;
      return { ...state, agent: action.agent };
    case 'offer.dropped':
      return { ...state, offers: state.offers.filter((o) => o.id !== action.offerId) };
    case 'conversation.reported':
      return {
        ...state,
        conversations: upsertById(state.conversations, action.conversation),
        offers: state.offers.filter((o) => o.conversationId !== action.conversation.id),
      };
    case 'conversation.completed':
      return removeConversation(state, action.conversationId);
    case 'message.reported':
      return withMessage(state, action.message);
    case 'messages.loaded': {
      if (!state.conversations.some((c) => c.id === action.conversationId)) return state;
      const current = state.messages[action.conversationId] ?? [];
      return {
        ...state,
        messages: { ...state.messages, [action.conversationId]: mergeLoaded(action.messages, current) },
      };
    }
    case 'messages.olderLoaded': {
      if (!state.conversations.some((c) => c.id === action.conversationId)) return state;
      const current = state.messages[action.conversationId] ?? [];
      const older = action.messages.filter((m) => !current.some((c) => sameMessage(c, m)));
      if (older.length === 0) return state;
      return { ...state, messages: { ...state.messages, [action.conversationId]: [...older, ...current] } };
    }
    case 'labels.loaded': {
      if (action.conversations.length === 0) return state;
      const labels = { ...state.labels };
      for (const c of action.conversations) labels[c.conversationId] = c.labels;
      return { ...state, labels };
    }
  }
}

function removeConversation(state: DesktopState, conversationId: string): DesktopState {
  const { [conversationId]: _dropped, ...messages } = state.messages;
  return { ...state, conversations: state.conversations.filter((c) => c.id !== conversationId), messages };
}

function withMessage(state: DesktopState, message: MessageView): DesktopState {
  const list = state.messages[message.conversationId] ?? [];
  return {
    ...state,
    messages: { ...state.messages, [message.conversationId]: upsertMessage(list, message) },
  };
}

function upsertById<T extends { id: string }>(list: readonly T[], item: T): readonly T[] {
  const index = list.findIndex((x) => x.id === item.id);
  if (index === -1) return [...list, item];
  return list.map((x, i) => (i === index ? item : x));
}

const STATUS_RANK: Record<DeliveryStatus, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/**
 * Delivery status never moves backwards and `failed` is final; a REST answer (`pending`) can land
 * after the push that already said `delivered`, so the further one wins.
 */
function furthest(a: DeliveryStatus | null, b: DeliveryStatus | null): DeliveryStatus | null {
  if (a === null) return b;
  if (b === null) return a;
  return STATUS_RANK[b] > STATUS_RANK[a] ? b : a;
}

function sameMessage(a: MessageView, b: MessageView): boolean {
  return a.id === b.id || (a.clientMessageId !== null && a.clientMessageId === b.clientMessageId);
}

function mergeMessage(existing: MessageView, incoming: MessageView): MessageView {
  const status = furthest(existing.status, incoming.status);
  // A view without reactions or a quote (a status change) does not know them: keep ours.
  const kept = {
    ...(incoming.reactions === undefined && existing.reactions !== undefined
      ? { reactions: existing.reactions }
      : {}),
    ...(incoming.replyTo === undefined && existing.replyTo !== undefined
      ? { replyTo: existing.replyTo }
      : {}),
  };
  if (status === incoming.status) return { ...incoming, ...kept };
  return { ...incoming, ...kept, status, failureReason: existing.failureReason };
}

/**
 * Inserts or updates one message: matched by server id, or by `clientMessageId` so the server's
 * copy replaces the optimistic bubble in place instead of showing twice.
 */
export function upsertMessage(list: readonly MessageView[], message: MessageView): readonly MessageView[] {
  const index = list.findIndex((m) => sameMessage(m, message));
  if (index === -1) {
    // In Meta's time order, not arrival: a message written earlier but delivered late goes before
    // later ones (ties keep arrival order).
    const at = list.findIndex((m) => m.sentAt > message.sentAt);
    return at === -1 ? [...list, message] : [...list.slice(0, at), message, ...list.slice(at)];
  }
  return list.map((m, i) => (i === index ? mergeMessage(m, message) : m));
}

/**
 * The fetched page is authoritative for order; messages we hold that it lacks are kept: older
 * pages already loaded before it (issue 15), optimistic bubbles and pushes that raced the fetch
 * after it.
 */
function mergeLoaded(
  loaded: readonly MessageView[],
  current: readonly MessageView[],
): readonly MessageView[] {
  const merged: MessageView[] = loaded.map((m) => {
    const held = current.find((c) => sameMessage(c, m));
    return held ? mergeMessage(held, m) : m;
  });
  const first = loaded[0];
  const before: MessageView[] = [];
  for (const c of current) {
    if (merged.some((m) => sameMessage(m, c))) continue;
    if (first !== undefined && c.sentAt < first.sentAt) before.push(c);
    else merged.push(c);
  }
  return before.length === 0 ? merged : [...before, ...merged];
}
