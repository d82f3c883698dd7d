import type { Agent, Conversation, Offer, RoutingState } from '@parlo/core';
import { afterEach, beforeEach } from 'vitest';
import type { MessageRow, OutboxRow, Store, StoreTx, UserRow } from '../port.ts';

/**
 * What the repository contracts share: a fresh store per test, the rows they write, the seeds
 * several of them start from, and helpers for routing worlds built by hand.
 */

/** Opens a fresh, empty, migrated store (each call a new one). */
export type OpenStore = () => Promise<Store>;

/** The store of the running test, from `freshStorePerTest`. */
export interface FreshStore {
  /** Runs `work` in one transaction on the test's store. */
  readonly run: <T>(work: (tx: StoreTx) => Promise<T>) => Promise<T>;
  /** The test's store; throws outside a test. */
  readonly current: () => Store;
}

/**
 * Opens a fresh store before each test of the calling `describe`, and closes it after. Call it at
 * the top of the `describe`: `run` runs one transaction on the test's store; `current` is that store.
 */
export function freshStorePerTest(open: OpenStore): FreshStore {
  let store: Store | undefined;

  beforeEach(async () => {
    store = await open();
  });

  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  const current = (): Store => {
    if (!store) throw new Error('no store outside a test');
    return store;
  };
  return { run: (work) => current().transaction(work), current };
}

// --- seeds ---

/** A queue and two business numbers (bn1, bn2): what customers and conversations hang on. */
export async function seedCatalog(tx: StoreTx): Promise<void> {
  await tx.insertQueue(queueRow('q1', 'Support'));
  await tx.insertBusinessNumber(businessNumber('bn1', 'pn1'));
  await tx.insertBusinessNumber(businessNumber('bn2', 'pn2'));
}

/** Two queued conversations (k1 of customer c1, k2 of c2) on bn1, and agent a1 to write in them. */
export async function seedConversations(tx: StoreTx): Promise<void> {
  await tx.insertQueue(queueRow('q1'));
  await tx.insertBusinessNumber(businessNumber('bn1', 'pn1'));
  await tx.insertUser(user('a1', 'ann'));
  await tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' });
  await tx.upsertCustomer({ id: 'c2', businessNumberId: 'bn1', waId: '392222', name: 'Bob' });
  await tx.insertConversation(newConversation('k1', 'c1'));
  await tx.insertConversation(newConversation('k2', 'c2'));
}

/** One conversation (k1) on business number bn1, phone number id 1001: what soft delete acts on. */
export async function seedOneConversation(tx: StoreTx): Promise<void> {
  await tx.insertQueue(queueRow('q1'));
  await tx.insertBusinessNumber(businessNumber('bn1', '1001'));
  await tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' });
  await tx.insertConversation(newConversation('k1', 'c1'));
}

// --- rows ---

/** A live user; its display name and password hash derive from the username and id. */
export function user(id: string, username: string, role: UserRow['role'] = 'agent'): UserRow {
  return {
    id,
    username,
    displayName: `Name of ${username}`,
    role,
    passwordHash: `hash-${id}`,
    createdAt: 1_000,
  };
}

/** A queue with default routing settings and no policies. */
export function queueRow(id: string, name = `Queue ${id}`) {
  return { id, name, priority: 1, offerTimeoutMs: 30_000, strategy: 'longestAvailable' as const };
}

/** A business number of queue q1, with two app secrets (rotation). */
export function businessNumber(id: string, phoneNumberId: string) {
  return {
    id,
    phoneNumberId,
    displayPhoneNumber: '+1 555 0100',
    wabaId: `waba-${id}`,
    accessToken: `token-${id}`,
    appSecrets: ['secret-a', 'secret-b'],
    verifyToken: `verify-${id}`,
    queueId: 'q1',
  };
}

/** A conversation on bn1 and q1, received at 1_000. */
export function newConversation(id: string, customerId: string) {
  return { id, customerId, businessNumberId: 'bn1', queueId: 'q1', receivedAt: 1_000 };
}

/** A customer's text in k1, with Meta's id `wamid`. */
export function inbound(id: string, wamid: string): MessageRow {
  return {
    id,
    conversationId: 'k1',
    direction: 'inbound',
    wamid,
    kind: 'text',
    text: 'hello',
    authorName: 'Ann',
    authorUserId: null,
    sentAt: 1_000,
    createdAt: 1_001,
    status: null,
    failureReason: null,
    clientMessageId: null,
  };
}

/** Agent a1's pending text in k1, with the composer's idempotency key. */
export function outbound(id: string, clientMessageId: string | null): MessageRow {
  return {
    id,
    conversationId: 'k1',
    direction: 'outbound',
    wamid: null,
    kind: 'text',
    text: 'hi, how can I help?',
    authorName: 'Ann Agent',
    authorUserId: 'a1',
    sentAt: 2_000,
    createdAt: 2_000,
    status: 'pending',
    failureReason: null,
    clientMessageId,
  };
}

/** A send not yet tried. */
export function outboxRow(id: string, conversationId: string, createdAt: number, dueAt: number): OutboxRow {
  return {
    id,
    kind: 'whatsapp.send',
    conversationId,
    payload: { messageId: `m-${id}` },
    createdAt,
    dueAt,
    attempts: 0,
    lastError: null,
  };
}

/** An offer made at 2_000 that expires at 32_000. */
export function offer(id: string, conversationId: string, agentId: string, status: Offer['status']): Offer {
  return { id, conversationId, agentId, createdAt: 2_000, expiresAt: 32_000, status };
}

/** `state` with `agent` put in (a new object: saves compare by identity). */
export function withAgent(state: RoutingState, agent: Agent): RoutingState {
  return { ...state, agents: { ...state.agents, [agent.id]: agent } };
}

/** `state` with `conversation` put in (a new object: saves compare by identity). */
export function withConversation(state: RoutingState, conversation: Conversation): RoutingState {
  return { ...state, conversations: { ...state.conversations, [conversation.id]: conversation } };
}

/** `state` with `item` put in (a new object: saves compare by identity). */
export function withOffer(state: RoutingState, item: Offer): RoutingState {
  return { ...state, offers: { ...state.offers, [item.id]: item } };
}

/** The value; throws when a fixture expected to be there is not. */
export function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('fixture missing');
  return value;
}

/** Writes what differs between two hand-made states (by identity), as a decision would report it. */
export async function saveRoutingChanges(
  tx: StoreTx,
  before: RoutingState,
  after: RoutingState,
): Promise<void> {
  await tx.routing.forDecision();
  const changed = <V>(b: Readonly<Record<string, V>>, a: Readonly<Record<string, V>>): V[] =>
    Object.keys(a)
      .filter((id) => b[id] !== a[id])
      .sort()
      .map((id) => a[id] as V);
  await tx.routing.save(after, {
    agents: changed(before.agents, after.agents),
    conversations: changed(before.conversations, after.conversations),
    offers: changed(before.offers, after.offers),
  });
}
