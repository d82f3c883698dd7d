import { compareWait, WaitList, type WaitEntry } from './wait-list.ts';
import type {
  Agent,
  AgentId,
  Conversation,
  ConversationId,
  Offer,
  OfferId,
  Queue,
  QueueId,
  RoutingState,
} from './model.ts';
import { holdersOf, waitAt } from './participants.ts';
import { PMap } from './pmap.ts';

/**
 * The indexed form of a `RoutingState` that `decide` works on. It is derived data only: it can
 * always be rebuilt from the four records (`buildWorld`), so `RoutingState` stays the plain data
 * the store persists, and a state that went through JSON or the database is simply re-indexed.
 *
 * Everything here is persistent (never mutated once built), so an old state stays valid and can
 * be decided on again.
 */
export interface World {
  readonly agents: PMap<Agent>;
  readonly queues: Readonly<Record<QueueId, Queue>>;
  readonly conversations: PMap<Conversation>;
  readonly offers: PMap<Offer>;
  /** Per queue, its queued conversations in FIFO order: (waitAt, id). */
  readonly waiting: PMap<WaitList>;
  /** Per queue, its queued conversations with a known reply window, soonest closing first: (windowClosesAt, id). */
  readonly closing: PMap<WaitList>;
  /** Per agent, the conversations it takes part in (see `holdersOf`): its load. */
  readonly held: PMap<readonly ConversationId[]>;
  /** Ids, sorted, of agents that may get an offer now: Available, connected, with spare capacity. */
  readonly free: readonly AgentId[];
}

/** The records one decision (or patch) changed, as they are after it; removed ones are absent. */
export interface RoutingChanges {
  readonly agents: readonly Agent[];
  readonly conversations: readonly Conversation[];
  readonly offers: readonly Offer[];
}

export { compareWait, WaitList, type WaitEntry } from './wait-list.ts';

/** A lazily materialised record, shared by every state whose map is the same. */
interface Cell<V> {
  readonly map: PMap<V>;
  record: Readonly<Record<string, V>> | undefined;
}

interface Indexed {
  readonly world: World;
  readonly agents: Cell<Agent>;
  readonly conversations: Cell<Conversation>;
  readonly offers: Cell<Offer>;
}

// A memo of a pure function of the state (its index): it changes speed, never results. States are
// immutable by contract, which is what makes caching by identity sound.
const indexes = new WeakMap<RoutingState, Indexed>();

/** The held conversation's agent: the recipient of its pending offer, or its owner until closed. */
export function holderOf(conversation: Conversation | undefined): AgentId | null {
  const phase = conversation?.phase;
  if (!phase) return null;
  switch (phase.kind) {
    case 'offered':
      return phase.agentId;
    case 'active':
    case 'wrapUp':
      return phase.ownerId;
    case 'queued':
    case 'closed':
      return null;
  }
}

export function isFree(agent: Agent, load: number): boolean {
  return agent.state.kind === 'available' && agent.disconnectedAt === undefined && load < agent.capacity;
}

/** Index of `entry` in a list sorted by `compare`, or where it would be inserted. */
export function search<T>(list: readonly T[], entry: T, compare: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid] as T, entry) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Builds the index of a plain state: O(records). */
export function buildWorld(state: RoutingState): World {
  const conversations = PMap.fromRecord(state.conversations);
  const waitingLists = new Map<QueueId, WaitEntry[]>();
  const closingLists = new Map<QueueId, WaitEntry[]>();
  const heldLists = new Map<AgentId, ConversationId[]>();
  for (const conversation of Object.values(state.conversations)) {
    if (conversation.phase.kind === 'queued') {
      let list = waitingLists.get(conversation.queueId);
      if (!list) waitingLists.set(conversation.queueId, (list = []));
      list.push({ id: conversation.id, at: waitAt(conversation) });
      if (conversation.windowClosesAt !== undefined) {
        let closing = closingLists.get(conversation.queueId);
        if (!closing) closingLists.set(conversation.queueId, (closing = []));
        closing.push({ id: conversation.id, at: conversation.windowClosesAt });
      }
    }
    for (const holder of holdersOf(conversation)) {
      let list = heldLists.get(holder);
      if (!list) heldLists.set(holder, (list = []));
      list.push(conversation.id);
    }
  }
  const waiting: Record<QueueId, WaitList> = {};
  for (const [queueId, list] of waitingLists) waiting[queueId] = WaitList.fromSorted(list.sort(compareWait));
  const closing: Record<QueueId, WaitList> = {};
  for (const [queueId, list] of closingLists) closing[queueId] = WaitList.fromSorted(list.sort(compareWait));
  const held: Record<AgentId, readonly ConversationId[]> = {};
  for (const [agentId, list] of heldLists) held[agentId] = list.sort(compareIds);
  const free: AgentId[] = [];
  for (const agent of Object.values(state.agents)) {
    if (isFree(agent, heldLists.get(agent.id)?.length ?? 0)) free.push(agent.id);
  }
  return {
    agents: PMap.fromRecord(state.agents),
    queues: state.queues,
    conversations,
    offers: PMap.fromRecord(state.offers),
    waiting: PMap.fromRecord(waiting),
    closing: PMap.fromRecord(closing),
    held: PMap.fromRecord(held),
    free: free.sort(compareIds),
  };
}

/** The index of a state: remembered for states `decide` made, built (O(n)) for others. */
export function worldOf(state: RoutingState): { world: World; built: boolean } {
  const known = indexes.get(state);
  if (known) return { world: known.world, built: false };
  const world = buildWorld(state);
  indexes.set(state, {
    world,
    agents: { map: world.agents, record: state.agents },
    conversations: { map: world.conversations, record: state.conversations },
    offers: { map: world.offers, record: state.offers },
  });
  return { world, built: true };
}

/**
 * Offered, active and wrapping-up conversations count against capacity until wrap-up is submitted,
 * for every participant: owner, guest (asked or joined) and departed agents alike.
 * O(1) on a state that `decide` returned (or already indexed); a scan otherwise.
 */
export function agentLoad(state: RoutingState, agentId: AgentId): number {
  const indexed = indexedLoad(state, agentId);
  if (indexed !== undefined) return indexed;
  let load = 0;
  for (const conversation of Object.values(state.conversations)) {
    if (holdersOf(conversation).includes(agentId)) load += 1;
  }
  return load;
}

/** Load from the index, if the state has one; `undefined` otherwise. */
export function indexedLoad(state: RoutingState, agentId: AgentId): number | undefined {
  const known = indexes.get(state);
  return known ? (known.world.held.get(agentId)?.length ?? 0) : undefined;
}

/** What an agent takes part in (offered, active, guest, wrap-up), from the index, building it if needed. */
export function heldBy(state: RoutingState, agentId: AgentId): readonly ConversationId[] {
  return worldOf(state).world.held.get(agentId) ?? [];
}

function cellFor<V>(map: PMap<V>, parent: Cell<V>): Cell<V> {
  return map === parent.map ? parent : { map, record: undefined };
}

function materialise<V>(cell: Cell<V>): Readonly<Record<string, V>> {
  return (cell.record ??= cell.map.toRecord());
}

/**
 * The `RoutingState` of a world derived from `parent`. Its records are read lazily: a record is
 * built (O(n)) on first read, or is the parent's very object when unchanged. A chain of decisions
 * that nobody reads costs only the changes; the shell reading a record pays for it once.
 * Enumerable getters: JSON, spread and structured clone see plain records.
 */
export function stateOfWorld(world: World, parent: RoutingState): RoutingState {
  const parentIndex = indexes.get(parent);
  if (!parentIndex) throw new Error('stateOfWorld: parent state is not indexed');
  const agents = cellFor(world.agents, parentIndex.agents);
  const conversations = cellFor(world.conversations, parentIndex.conversations);
  const offers = cellFor(world.offers, parentIndex.offers);
  const state = {} as RoutingState;
  Object.defineProperties(state, {
    agents: { enumerable: true, get: () => materialise(agents) },
    queues: { enumerable: true, value: world.queues },
    conversations: { enumerable: true, get: () => materialise(conversations) },
    offers: { enumerable: true, get: () => materialise(offers) },
  });
  indexes.set(state, { world, agents, conversations, offers });
  return state;
}

/**
 * A world being changed inside one decision. Every record update goes through `put*`, which keeps
 * the indexes in step and notes which queues routing must look at again.
 */
export class Draft {
  agents: PMap<Agent>;
  queues: Readonly<Record<QueueId, Queue>>;
  conversations: PMap<Conversation>;
  offers: PMap<Offer>;
  waiting: PMap<WaitList>;
  closing: PMap<WaitList>;
  held: PMap<readonly ConversationId[]>;
  free: readonly AgentId[];
  /** Queues where a conversation started waiting or a member became free. */
  readonly touchedQueues = new Set<QueueId>();
  /** Ids of the records put (or removed) in this draft: what the shell writes. */
  readonly changed = {
    agents: new Set<AgentId>(),
    conversations: new Set<ConversationId>(),
    offers: new Set<OfferId>(),
  };

  constructor(readonly base: World) {
    this.agents = base.agents;
    this.queues = base.queues;
    this.conversations = base.conversations;
    this.offers = base.offers;
    this.waiting = base.waiting;
    this.closing = base.closing;
    this.held = base.held;
    this.free = base.free;
  }

  world(): World {
    if (
      this.agents === this.base.agents &&
      this.queues === this.base.queues &&
      this.conversations === this.base.conversations &&
      this.offers === this.base.offers
    ) {
      return this.base;
    }
    return {
      agents: this.agents,
      queues: this.queues,
      conversations: this.conversations,
      offers: this.offers,
      waiting: this.waiting,
      closing: this.closing,
      held: this.held,
      free: this.free,
    };
  }

  /** The records this draft changed, as they are now (removed ones are absent). Sorted by id. */
  changes(): RoutingChanges {
    const pick = <V>(ids: ReadonlySet<string>, map: PMap<V>): V[] =>
      [...ids]
        .sort(compareIds)
        .map((id) => map.get(id))
        .filter((v): v is V => v !== undefined);
    return {
      agents: pick(this.changed.agents, this.agents),
      conversations: pick(this.changed.conversations, this.conversations),
      offers: pick(this.changed.offers, this.offers),
    };
  }

  load(agentId: AgentId): number {
    return this.held.get(agentId)?.length ?? 0;
  }

  putOffer(offer: Offer): void {
    this.offers = this.offers.set(offer.id, offer);
    this.changed.offers.add(offer.id);
  }

  removeOffer(offerId: OfferId): void {
    this.offers = this.offers.delete(offerId);
    this.changed.offers.add(offerId);
  }

  putAgent(agent: Agent): void {
    this.agents = this.agents.set(agent.id, agent);
    this.changed.agents.add(agent.id);
    this.refreshFree(agent.id);
  }

  removeAgent(agentId: AgentId): void {
    this.agents = this.agents.delete(agentId);
    this.changed.agents.add(agentId);
    this.refreshFree(agentId);
  }

  putQueue(queue: Queue): void {
    this.queues = { ...this.queues, [queue.id]: queue };
  }

  /** Forgets a conversation: out of its queue's waiting list and its holders' loads. */
  removeConversation(conversationId: ConversationId): void {
    const prev = this.conversations.get(conversationId);
    if (!prev) return;
    if (prev.phase.kind === 'queued') this.unqueue(prev);
    for (const agentId of holdersOf(prev)) {
      const list = this.held.get(agentId) ?? [];
      const next = list.filter((id) => id !== conversationId);
      this.held = next.length > 0 ? this.held.set(agentId, next) : this.held.delete(agentId);
      this.refreshFree(agentId);
    }
    this.conversations = this.conversations.delete(conversationId);
    this.changed.conversations.add(conversationId);
  }

  putConversation(next: Conversation): void {
    const prev = this.conversations.get(next.id);
    this.conversations = this.conversations.set(next.id, next);
    this.changed.conversations.add(next.id);
    const wasQueued = prev?.phase.kind === 'queued';
    const isQueued = next.phase.kind === 'queued';
    const sameQueue = wasQueued && isQueued && prev.queueId === next.queueId;
    // A customer who writes while waiting moves only the reply window: the conversation keeps its
    // place in the waiting list and is filed again in the closing one alone.
    const sameWait = sameQueue && waitAt(prev) === waitAt(next);
    const sameWindow = sameQueue && prev.windowClosesAt === next.windowClosesAt;
    if (wasQueued) this.unqueue(prev, !sameWait, !sameWindow);
    if (isQueued && !(sameWait && sameWindow)) {
      this.enqueue(next, !sameWait, !sameWindow);
      this.touchedQueues.add(next.queueId);
    }
    const before = holdersOf(prev);
    const after = holdersOf(next);
    for (const agentId of before) {
      if (after.includes(agentId)) continue;
      const list = this.held.get(agentId) ?? [];
      this.held = this.held.set(
        agentId,
        list.filter((id) => id !== next.id),
      );
      this.refreshFree(agentId);
      // A departed agent is never offered the conversation they left; once they are out of it,
      // a free agent may be offered it (or others behind it), so their queues are routed again.
      const agent = this.agents.get(agentId);
      if (agent && isFree(agent, this.load(agentId)))
        for (const q of agent.queueIds) this.touchedQueues.add(q);
    }
    for (const agentId of after) {
      if (before.includes(agentId)) continue;
      const list = this.held.get(agentId) ?? [];
      const i = search(list, next.id, compareIds);
      this.held = this.held.set(agentId, [...list.slice(0, i), next.id, ...list.slice(i)]);
      this.refreshFree(agentId);
    }
  }

  private enqueue(conversation: Conversation, waiting = true, closing = true): void {
    this.refile(conversation, insertEntry, waiting, closing);
  }

  private unqueue(conversation: Conversation, waiting = true, closing = true): void {
    this.refile(conversation, removeEntry, waiting, closing);
  }

  /** Puts the conversation in (or takes it out of) its queue's waiting list, closing list, or both. */
  private refile(
    conversation: Conversation,
    edit: typeof insertEntry,
    waiting: boolean,
    closing: boolean,
  ): void {
    if (waiting)
      this.waiting = edit(this.waiting, conversation.queueId, {
        id: conversation.id,
        at: waitAt(conversation),
      });
    if (closing && conversation.windowClosesAt !== undefined)
      this.closing = edit(this.closing, conversation.queueId, {
        id: conversation.id,
        at: conversation.windowClosesAt,
      });
  }

  /** Keeps `free` in step with an agent's state, connection and load. */
  private refreshFree(agentId: AgentId): void {
    const agent = this.agents.get(agentId);
    const shouldBe = agent !== undefined && isFree(agent, this.load(agentId));
    const i = search(this.free, agentId, compareIds);
    const is = this.free[i] === agentId;
    if (shouldBe === is) return;
    const next = this.free.slice();
    if (shouldBe) {
      next.splice(i, 0, agentId);
      for (const queueId of agent.queueIds) this.touchedQueues.add(queueId);
    } else {
      next.splice(i, 1);
    }
    this.free = next;
  }
}

function insertEntry(lists: PMap<WaitList>, queueId: QueueId, entry: WaitEntry): PMap<WaitList> {
  return lists.set(queueId, (lists.get(queueId) ?? WaitList.EMPTY).insert(entry));
}

function removeEntry(lists: PMap<WaitList>, queueId: QueueId, entry: WaitEntry): PMap<WaitList> {
  const list = lists.get(queueId);
  if (!list) return lists;
  const next = list.remove(entry);
  if (next === list) return lists;
  return next.length > 0 ? lists.set(queueId, next) : lists.delete(queueId);
}

/** Records to put into (or take out of) a state: what another process changed, or what to forget. */
export interface RoutingPatch {
  readonly agents?: readonly Agent[];
  readonly removedAgentIds?: readonly AgentId[];
  readonly queues?: readonly Queue[];
  readonly conversations?: readonly Conversation[];
  readonly removedConversationIds?: readonly ConversationId[];
  readonly offers?: readonly Offer[];
  readonly removedOfferIds?: readonly OfferId[];
}

/**
 * The state with the patch's records put in or taken out, indexes kept in step: O(patch), never
 * O(world). No routing happens: a patch brings in what was decided elsewhere (already routed), or
 * forgets records that no longer take part in routing (closed conversations, ended offers).
 */
export function patchState(state: RoutingState, patch: RoutingPatch): RoutingState {
  const { world } = worldOf(state);
  const draft = new Draft(world);
  for (const queue of patch.queues ?? []) draft.putQueue(queue);
  for (const agent of patch.agents ?? []) draft.putAgent(agent);
  for (const id of patch.removedAgentIds ?? []) draft.removeAgent(id);
  for (const conversation of patch.conversations ?? []) draft.putConversation(conversation);
  for (const id of patch.removedConversationIds ?? []) draft.removeConversation(id);
  for (const offer of patch.offers ?? []) draft.putOffer(offer);
  for (const id of patch.removedOfferIds ?? []) draft.removeOffer(id);
  const next = draft.world();
  return next === world ? state : stateOfWorld(next, state);
}

/**
 * One record of a state, read through its index: O(1), and it never materialises the state's
 * records (reading `state.conversations[id]` on a state `decide` made builds the whole record).
 */
export function lookup(state: RoutingState): RoutingLookup {
  const { world } = worldOf(state);
  return {
    agent: (id) => world.agents.get(id),
    queue: (id) => world.queues[id],
    conversation: (id) => world.conversations.get(id),
    offer: (id) => world.offers.get(id),
    heldBy: (agentId) => world.held.get(agentId) ?? [],
    waiting: (queueId) => world.waiting.get(queueId) ?? WaitList.EMPTY,
    closing: (queueId) => world.closing.get(queueId) ?? WaitList.EMPTY,
    agents: () => world.agents.values(),
    conversations: () => world.conversations.values(),
    offers: () => world.offers.values(),
    counts: () => ({
      agents: world.agents.size,
      conversations: world.conversations.size,
      offers: world.offers.size,
    }),
  };
}

/** Index-backed reads of one routing state (see `lookup`). */
export interface RoutingLookup {
  agent(id: AgentId): Agent | undefined;
  queue(id: QueueId): Queue | undefined;
  conversation(id: ConversationId): Conversation | undefined;
  offer(id: OfferId): Offer | undefined;
  /** What the agent takes part in (offered, active, guest, departed), sorted by id: their load. */
  heldBy(agentId: AgentId): readonly ConversationId[];
  /** The queue's waiting conversations in the order they are served. */
  waiting(queueId: QueueId): WaitList;
  /** The queue's waiting conversations with a known reply window, soonest closing first. */
  closing(queueId: QueueId): WaitList;
  agents(): IterableIterator<Agent>;
  conversations(): IterableIterator<Conversation>;
  offers(): IterableIterator<Offer>;
  counts(): { agents: number; conversations: number; offers: number };
}
