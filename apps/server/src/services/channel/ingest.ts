/**
 * Webhook ingest: each delivery's raw body and everything it says (customer messages, statuses)
 * are stored in one transaction — with other deliveries that arrived meanwhile (group commit) —
 * before Meta is answered. A customer's first message routes a new conversation; later ones are
 * pushed to whoever takes part in it.
 */
import { regionOfNumber } from '@parlo/masking';
import type { RoutingEvent } from '@parlo/core';
import {
  isKnownStatus,
  SERVICE_WINDOW_MS,
  verifySignature,
  type MessageStatus,
  type TemplateCategoryEvent,
  type TemplateStatusEvent,
  type UserPreferenceEvent,
  type WebhookEvent,
  type WebhookUpdate,
} from '@parlo/whatsapp';
import {
  commit,
  MASKING_SETTING_KEY,
  timeOrderedId,
  type Outgoing,
  type ServerContext,
} from '../../platform/index.ts';
import type {
  BusinessNumberRow,
  ConversationDetails,
  CustomerRow,
  DeliveryStatus,
  InboundKeys,
  InboundLookup,
  InteractionEventRow,
  KnownCustomer,
  MessageRow,
  NewConversation,
  NewCustomer,
  StoreTx,
} from '../../store/index.ts';
import { audienceOf, Presenter } from '../../views/index.ts';
import {
  applyDeliveryStatus,
  customerMessageEvent,
  presentStored,
  pushToWatchers,
} from '../conversations/index.ts';
import { recordSurveyAnswer, surveyOf, surveyReplyOf } from '../csat/index.ts';
import { metricsOf, type Metrics } from '../metrics/index.ts';
import { decideAndApplyAll, ROUTING_SETTING_KEYS } from '../routing/index.ts';
import { GroupCommitOverloaded, GroupCommitter } from './group-commit.ts';
import { inboundMessageId, inboundParts, inboundSentAt, recordInboundMedia } from './inbound.ts';
import { INLINE_MAX_BYTES, MaskPool } from './mask-pool.ts';
import { redactedText, toRedaction, type Redaction, type RedactionResult } from './redaction.ts';

/** Thrown to roll back and retry a delivery that raced a concurrent copy of itself. */
class ConcurrentDelivery extends Error {}

/** Events of one delivery ingested between two turns of the event loop (~10 ms of work). */
const EVENTS_PER_SLICE = 32;

/** How long the list of numbers (and their secrets) is reused before it is read again. */
const NUMBERS_CACHE_MS = 1000;

/** A large delivery's redaction under way in the mask pool, and the receiver's parse of its body. */
export interface EarlyRedaction {
  readonly answer: Promise<RedactionResult>;
  readonly document: unknown;
}

/**
 * A large delivery's body parsed again, here: only when masking was switched on between its receipt
 * and its commit (the receiver parsed it once and let go of the parse).
 */
function parsedBody(raw: Buffer): unknown {
  return JSON.parse(raw.toString('utf8'));
}

/** A checked, parsed delivery waiting for its commit. */
export interface Delivery {
  readonly raw: Buffer;
  readonly events: readonly WebhookUpdate[];
  readonly secret: string;
  /** A large delivery's redaction, done in the mask pool before its commit while masking was on. */
  readonly redaction?: Redaction;
}

/** What ingesting a delivery observed; fed to the metrics only once its transaction committed. */
class IngestNotes {
  readonly updates: string[] = [];
  readonly unknownNumbers: (string | undefined)[] = [];
  readonly sentAts: number[] = [];
  /** New conversations, and waiting customers who wrote again (their window moved): routed last. */
  readonly routing: RoutingEvent[] = [];
  /** Interaction events of the customers' messages (ADR 22), appended once per transaction. */
  readonly events: InteractionEventRow[] = [];
  /** The raw delivery as stored (redacted while masking is on), inserted with the batch's others. */
  readonly raw: { id: string; receivedAt: number; body: string }[] = [];
  /** Conversations whose customer wrote: their `last_inbound_at`, written once for the transaction. */
  readonly touches: { conversationId: string; at: number }[] = [];
  duplicates = 0;

  record(metrics: Metrics, committedAt: number): void {
    for (const id of this.updates) metrics.updateReceived(id);
    for (const id of this.unknownNumbers) metrics.webhookRejected('unknown_number', id);
    for (const sentAt of this.sentAts) metrics.ingested(sentAt, committedAt);
    for (let i = 0; i < this.duplicates; i++) metrics.duplicate('message');
  }
}

/**
 * Stores the transaction's raw deliveries, interaction events and customers' last messages, each
 * kind in one statement, then routes its new conversations and moved windows. A decision takes the
 * routing lock (shared by every node) and holds it to the commit. When the batch routes, the lock is
 * taken before those writes: a command takes the lock and then writes conversation rows, so an
 * ingest that wrote such rows first and then waited for the lock could deadlock with it
 * (PostgreSQL). Otherwise the batch never waits for the lock.
 */
async function routeArrivals(
  tx: StoreTx,
  out: Outgoing,
  notes: readonly IngestNotes[],
  inbound: InboundBatch,
  now: number,
): Promise<void> {
  await inbound.write(tx);
  const routes = notes.some((n) => n.routing.length > 0);
  if (routes) await tx.routing.forDecision();
  await tx.insertWebhookDeliveries(notes.flatMap((n) => n.raw));
  await tx.interactionEvents.append(notes.flatMap((n) => n.events));
  const touches = notes.flatMap((n) => n.touches);
  if (touches.length > 0) await tx.touchLastInbound(touches);
  const events = notes.flatMap((n) => n.routing);
  if (events.length > 0) await decideAndApplyAll(tx, out, events, now);
}

/**
 * What the messages of one transaction read before they are stored, in three statements for the
 * whole batch (stored wamids, customers, their live conversations) rather than three per message;
 * kept current with what the transaction itself writes. Whatever it did not read is read as
 * before, one at a time.
 */
class InboundBatch {
  readonly #asked: ReadonlySet<string>;
  readonly #stored: Set<string>;
  readonly #customers: Map<string, Map<string, CustomerRow>>;
  readonly #askedCustomers: ReadonlyMap<string, ReadonlySet<string>>;
  /** By customer id: their live conversation, or null when they have none; absent: not known. */
  readonly #live = new Map<string, ConversationDetails | null>();
  /** `last_inbound_at` written at the end of the transaction, by conversation: applied to what is read. */
  readonly #touched = new Map<string, number>();
  /** Messages stored by `write`, in arrival order. */
  readonly #messages: MessageRow[] = [];
  /** Customers first seen in this transaction, and conversations opened in it: inserted by `write`. */
  readonly #newCustomers: NewCustomer[] = [];
  readonly #newConversations: NewConversation[] = [];
  /** Ids of the customers this transaction created: they have no earlier conversation. */
  readonly #created = new Set<string>();

  private constructor(keys: InboundKeys, lookup: InboundLookup | undefined) {
    this.#asked = new Set(keys.wamids);
    this.#stored = new Set(lookup?.storedWamids);
    const asked = new Map<string, Set<string>>();
    for (const { businessNumberId, waId } of keys.customers)
      asked.set(businessNumberId, (asked.get(businessNumberId) ?? new Set()).add(waId));
    this.#askedCustomers = asked;
    this.#customers = new Map(
      [...(lookup?.customers ?? [])].map(([number, found]) => [number, new Map(found)]),
    );
    for (const found of this.#customers.values())
      for (const customer of found.values())
        this.#live.set(customer.id, lookup?.live.get(customer.id) ?? null);
  }

  /** Reads what the deliveries' messages need; nothing when they hold none. */
  static async read(tx: StoreTx, deliveries: readonly Delivery[]): Promise<InboundBatch> {
    const keys: { wamids: string[]; customers: { businessNumberId: string; waId: string }[] } = {
      wamids: [],
      customers: [],
    };
    for (const delivery of deliveries)
      for (const event of delivery.events) {
        if (event.kind !== 'message') continue;
        keys.wamids.push(event.message.id);
        const waId = plainWaId(event);
        const number = waId === undefined ? undefined : await numberOf(tx, event.phoneNumberId);
        if (number && waId !== undefined) keys.customers.push({ businessNumberId: number.id, waId });
      }
    // With the settings every batch reads: the masking switch, and the automatic messages a new
    // conversation may send (on PostgreSQL one round trip for all, ADR 41).
    const lookup = await tx.lookupInbound({ ...keys, settings: BATCH_SETTINGS });
    return new InboundBatch(keys, keys.wamids.length > 0 ? lookup : undefined);
  }

  /**
   * Inserts what the batch kept, one statement for each kind (a few past 200): its new customers,
   * the conversations it opened, its messages. Called before anything reads them: a reply's quoted
   * message, a survey answer, a customer or conversation read again, the routing decisions at the end.
   */
  async write(tx: StoreTx): Promise<void> {
    await this.writeOpened(tx);
    if (this.#messages.length === 0) return;
    const rows = this.#messages.splice(0);
    for (let start = 0; start < rows.length; start += EVENTS_PER_SLICE) {
      // A large delivery's messages (hundreds, with their search index) in slices, the event loop
      // turning between them, as between the slices of its events.
      if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const slice = rows.slice(start, start + EVENTS_PER_SLICE);
      const inserted = await tx.insertInboundMessages(slice);
      // Another transaction (another node) stored one after the lookup: all is rolled back, and
      // the delivery runs again alone, when the lookup sees it.
      if (inserted.size < slice.length) throw new ConcurrentDelivery();
    }
  }

  /** Inserts the customers and conversations the batch created so far (`write` without messages). */
  async writeOpened(tx: StoreTx): Promise<void> {
    if (this.#newCustomers.length > 0) {
      const customers = this.#newCustomers.splice(0);
      const created = await tx.insertNewCustomers(customers);
      // Another node created one of them since the lookup: rolled back, and run again alone.
      if (created.size < customers.length) throw new ConcurrentDelivery();
    }
    if (this.#newConversations.length > 0) await tx.insertConversations(this.#newConversations.splice(0));
  }

  /** A customer found under no key: inserted with the batch's others (`write`). */
  create(customer: CustomerRow): void {
    this.#newCustomers.push(customer);
    this.#created.add(customer.id);
    this.customerIs(customer, true);
  }

  /** Whether this transaction created the customer (so they have no earlier conversation). */
  isNew(customerId: string): boolean {
    return this.#created.has(customerId);
  }

  /** Whether the customer is created but not inserted yet. */
  unwritten(customerId: string): boolean {
    return this.#newCustomers.some((c) => c.id === customerId);
  }

  async isStored(tx: StoreTx, wamid: string): Promise<boolean> {
    return this.#asked.has(wamid) ? this.#stored.has(wamid) : tx.hasWamid(wamid);
  }

  /** A message to insert with the batch's others (`write`); its wamid counts as stored. */
  store(row: MessageRow): void {
    this.#messages.push(row);
    this.#stored.add(row.wamid ?? '');
  }

  /** The customer under this key as read (null: none), or undefined when it was not read. */
  customer(businessNumberId: string, waId: string): KnownCustomer | undefined {
    if (!this.#askedCustomers.get(businessNumberId)?.has(waId)) return undefined;
    return this.#customers.get(businessNumberId)?.get(waId) ?? null;
  }

  /** The customer as the transaction wrote it; `created`: they are new, so they have no conversation. */
  customerIs(customer: CustomerRow, created: boolean): void {
    const found = this.#customers.get(customer.businessNumberId) ?? new Map<string, CustomerRow>();
    this.#customers.set(customer.businessNumberId, found.set(customer.waId, customer));
    if (created) this.#live.set(customer.id, null);
    else this.#live.delete(customer.id); // its details name the customer: read again
  }

  /** The customer changed in ways the batch does not follow (identity, preferences): read again. */
  forget(customerId: string): void {
    for (const found of this.#customers.values())
      for (const [key, customer] of found) if (customer.id === customerId) found.delete(key);
    this.#live.delete(customerId);
  }

  async liveOf(tx: StoreTx, customerId: string): Promise<ConversationDetails | undefined> {
    let live = this.#live.get(customerId);
    if (live === undefined) {
      await this.writeOpened(tx); // what the read must see
      live = (await tx.findLiveConversationOfCustomer(customerId)) ?? null;
      this.#live.set(customerId, live);
    }
    if (live === null) return undefined;
    const touched = this.#touched.get(live.id);
    return touched === undefined || (live.lastInboundAt ?? 0) >= touched
      ? live
      : { ...live, lastInboundAt: touched };
  }

  /** A conversation opened now, inserted by `write`: read again if the customer writes again. */
  open(conversation: NewConversation): void {
    this.#newConversations.push(conversation);
    this.#live.delete(conversation.customerId);
  }

  /** The customer wrote at `at`: `last_inbound_at` is written at the end, and seen meanwhile. */
  touched(conversationId: string, at: number): void {
    this.#touched.set(conversationId, Math.max(at, this.#touched.get(conversationId) ?? at));
  }
}

/** The customer's wa_id when it alone identifies them (no BSUID, no change of number). */
function plainWaId(event: MessageEvent): string | undefined {
  const who = event.customer;
  if (who.userId !== undefined && who.userId !== '') return undefined;
  if (event.details.system?.change === 'number' || event.details.system?.change === 'user_id')
    return undefined;
  return who.waId === '' ? undefined : who.waId;
}

/** The ingest of one server: signature secrets, group commit, metrics after each commit. */
export class WebhookIngest {
  private readonly committer: GroupCommitter<Delivery>;
  private readonly masker = new MaskPool();
  private numbersCache: { at: number; numbers: Promise<BusinessNumberRow[]> } | undefined;

  constructor(private readonly ctx: ServerContext) {
    const metrics = metricsOf(ctx);
    // Stored before acknowledged: each delivery's raw body and effects commit (with others that
    // arrived meanwhile: group commit), then its 200.
    this.committer = new GroupCommitter<Delivery>(
      async (deliveries) => {
        const notes = deliveries.map(() => new IngestNotes());
        await commit(ctx, async (tx, out, now) => {
          const inbound = await InboundBatch.read(tx, deliveries);
          for (const [i, delivery] of deliveries.entries()) {
            const n = notes[i] ?? new IngestNotes();
            await ingestDelivery(ctx, tx, out, delivery, now, n, this.masker, inbound);
          }
          await routeArrivals(tx, out, notes, inbound, now);
        });
        const committedAt = ctx.clock();
        for (const n of notes) n.record(metrics, committedAt);
        metrics.batchCommitted(deliveries.length);
      },
      async (delivery) => {
        for (let attempt = 1; ; attempt++) {
          const notes = new IngestNotes();
          try {
            await commit(ctx, async (tx, out, now) => {
              const inbound = await InboundBatch.read(tx, [delivery]);
              await ingestDelivery(ctx, tx, out, delivery, now, notes, this.masker, inbound);
              await routeArrivals(tx, out, [notes], inbound, now);
            });
            notes.record(metrics, ctx.clock());
            metrics.batchCommitted(1);
            return;
          } catch (err) {
            // A concurrent copy of this delivery won a race (PostgreSQL): run again, and the dedupe
            // check now sees its messages.
            if (!(err instanceof ConcurrentDelivery) || attempt >= 3) throw err;
          }
        }
      },
      {
        maxBatch: ctx.config.INGEST_MAX_BATCH,
        windowMs: ctx.config.INGEST_BATCH_WINDOW_MS,
        maxQueued: ctx.config.INGEST_MAX_QUEUED,
        maxWaitMs: ctx.config.INGEST_MAX_WAIT_MS,
      },
    );
  }

  /** Whether a delivery would be refused now (past saturation: a fast 503, never a timeout). */
  get full(): boolean {
    return this.committer.full || this.masker.full;
  }

  /** Meta's verification handshake: whether some live number has this verify token. */
  async knowsVerifyToken(token: string): Promise<boolean> {
    const numbers = await this.ctx.store.transaction((tx) => tx.listBusinessNumbers());
    return numbers.some((n) => n.verifyToken === token);
  }

  /**
   * The app secret whose signature the raw body bears, among every number's (a deleted number's
   * too: their customers' later messages are stored for admins, S-7); undefined if none.
   */
  async secretOf(raw: Buffer, signature: string | undefined): Promise<string | undefined> {
    // A number (or secret) added within the cache's second is found by reading the list again.
    return (
      matchingSecret(raw, signature, await this.businessNumbers()) ??
      matchingSecret(raw, signature, await this.businessNumbers(true))
    );
  }

  /**
   * Resolves once the delivery is committed (with others, or alone after a failed batch).
   * Rejects with GroupCommitOverloaded past saturation. `early`: its redaction, started by
   * `startRedaction` before the body was parsed, and that parse.
   */
  async submit(delivery: Delivery, early?: EarlyRedaction): Promise<void> {
    const redaction = early && toRedaction(early.document, await early.answer);
    return this.committer.submit(redaction ? { ...delivery, redaction } : delivery);
  }

  /** Lets go of the mask pool (its threads stop with the last server of the process). */
  close(): Promise<void> {
    return this.masker.close();
  }

  /**
   * While masking is on, a large delivery is redacted in the mask pool as soon as its signature is
   * checked, before this thread parses it: its cost is paid on another core, beside the parse, and
   * never inside a transaction nor on the event loop. The switch is read now, from the store, so an
   * admin's change applies to every delivery received after it; the transaction reads it again and
   * has the last word. A chat-sized delivery is redacted in its transaction, at a chat message's
   * cost. Undefined when there is nothing to start; rejects with GroupCommitOverloaded when the
   * pool is full.
   */
  async startRedaction(raw: Buffer): Promise<Pick<EarlyRedaction, 'answer'> | undefined> {
    if (raw.length < INLINE_MAX_BYTES) return undefined;
    const masking = await this.ctx.store.transaction(async (tx) => (await Presenter.load(tx)).masking);
    if (!masking) return undefined;
    if (this.masker.full) throw new GroupCommitOverloaded();
    // In an object: an async function's promise would otherwise wait for this one.
    return { answer: this.masker.start(raw) };
  }

  private businessNumbers(fresh = false): Promise<BusinessNumberRow[]> {
    const now = this.ctx.clock();
    if (fresh || !this.numbersCache || now - this.numbersCache.at > NUMBERS_CACHE_MS) {
      const numbers = this.ctx.store.transaction((tx) => tx.listBusinessNumbers({ includeDeleted: true }));
      this.numbersCache = { at: now, numbers };
      numbers.catch(() => (this.numbersCache = undefined));
    }
    return this.numbersCache.numbers;
  }
}

function matchingSecret(raw: Buffer, header: string | undefined, numbers: readonly BusinessNumberRow[]) {
  for (const number of numbers) {
    for (const secret of number.appSecrets) if (verifySignature(raw, header, [secret])) return secret;
  }
  return undefined;
}

async function ingestDelivery(
  ctx: ServerContext,
  tx: StoreTx,
  out: Outgoing,
  delivery: Delivery,
  now: number,
  notes: IngestNotes,
  masker: MaskPool,
  inbound: InboundBatch,
): Promise<void> {
  // While masking is on, payment and identity numbers are not kept in clear, not even here. A large
  // delivery came redacted; one that did not (chat-sized, or masking switched on since it was
  // received) is redacted now: inline if small, else in the pool (the event loop stays free).
  const masking = (await Presenter.of(tx)).masking;
  if (masking) masker.warm();
  const redaction = masking
    ? (delivery.redaction ?? (await masker.redact(delivery.raw, () => parsedBody(delivery.raw))))
    : undefined;
  const body = redaction?.body ?? delivery.raw.toString('utf8');
  notes.raw.push({ id: timeOrderedId('wh', now), receivedAt: now, body });
  for (const [i, event] of delivery.events.entries()) {
    // A large delivery (Meta sends up to 3 MB, hundreds of messages) lets the event loop serve
    // sockets and requests between slices of its work; its transaction goes on after (other
    // transactions wait for the connection, as they would anyway).
    if (i > 0 && i % EVENTS_PER_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    switch (event.kind) {
      case 'templateStatus':
      case 'templateCategory':
        await ingestTemplateUpdate(ctx, tx, event, delivery.secret);
        break;
      case 'malformedChange':
        ctx.logger.warn(
          { event: 'webhook.malformedChange', field: event.field, issues: event.issues.length },
          'an account update that does not parse was skipped',
        );
        break;
      case 'message':
      case 'status':
      case 'error':
      case 'preference':
        await ingestEvent(ctx, tx, out, event, delivery.secret, now, notes, redaction, inbound);
        break;
    }
  }
}

/**
 * Meta changed a template's status (approved, paused, disabled...) or category: every number of
 * that WhatsApp Business Account whose app signed the delivery updates its stored copy at once, so
 * the picker offers what Meta allows now, not at the next sync.
 */
async function ingestTemplateUpdate(
  ctx: ServerContext,
  tx: StoreTx,
  event: TemplateStatusEvent | TemplateCategoryEvent,
  secret: string,
): Promise<void> {
  const numbers = (await tx.listBusinessNumbers()).filter(
    (n) => n.wabaId === event.wabaId && n.appSecrets.includes(secret),
  );
  const change =
    event.kind === 'templateStatus'
      ? { status: event.status, category: event.category }
      : // A pending change is announced ahead: the category in force stays until it happens.
        { category: event.phase === 'changed' ? event.category : undefined };
  let matched = 0;
  for (const number of numbers)
    if (await tx.updateMessageTemplate(number.id, event.name, event.language, change)) matched++;
  ctx.logger.info(
    { event: 'template.updated', kind: event.kind, template: event.name, numbers: matched },
    'a template changed at WhatsApp',
  );
}

/** The settings a batch of deliveries reads, read with its messages' keys. */
const BATCH_SETTINGS = [MASKING_SETTING_KEY, ...ROUTING_SETTING_KEYS];

/** Business numbers read once per transaction: a batch of deliveries mostly names the same few. */
const numbersOfTx = new WeakMap<StoreTx, Map<string, Promise<BusinessNumberRow | undefined>>>();

function numberOf(tx: StoreTx, phoneNumberId: string): Promise<BusinessNumberRow | undefined> {
  let numbers = numbersOfTx.get(tx);
  if (!numbers) {
    numbers = new Map();
    numbersOfTx.set(tx, numbers);
  }
  let number = numbers.get(phoneNumberId);
  if (!number) {
    number = tx.findBusinessNumberByPhoneNumberId(phoneNumberId);
    numbers.set(phoneNumberId, number);
  }
  return number;
}

async function ingestEvent(
  ctx: ServerContext,
  tx: StoreTx,
  out: Outgoing,
  event: WebhookEvent | UserPreferenceEvent,
  secret: string,
  now: number,
  notes: IngestNotes,
  redaction: Redaction | undefined,
  inbound: InboundBatch,
): Promise<void> {
  const number = await numberOf(tx, event.phoneNumberId);
  // Unknown numbers, or a secret that belongs to another number's app, are never guessed at.
  if (!number || !number.appSecrets.includes(secret)) {
    notes.unknownNumbers.push(number?.id);
    ctx.logger.warn(
      { event: 'webhook.unknownNumber', phoneNumberId: event.phoneNumberId },
      'update for an unknown number',
    );
    return;
  }
  notes.updates.push(number.id);
  switch (event.kind) {
    case 'message':
      await ingestMessage(tx, out, number, event, now, notes, redaction, inbound);
      return;
    case 'status':
      await ingestStatus(tx, out, event.status, now);
      return;
    case 'error':
      ctx.logger.warn({ event: 'webhook.error', code: event.error.code }, 'WhatsApp reported an error');
      return;
    case 'preference':
      await ingestPreference(tx, number, event, inbound, now);
      return;
  }
}

/** The customer stopped or resumed marketing messages from this number (WhatsApp's `user_preferences`). */
async function ingestPreference(
  tx: StoreTx,
  number: BusinessNumberRow,
  event: UserPreferenceEvent,
  inbound: InboundBatch,
  now: number,
): Promise<void> {
  if (event.optedOut === undefined || event.category !== 'marketing_messages') return;
  const who = event.customer;
  if (who.userId === undefined && who.waId === undefined) return;
  await inbound.writeOpened(tx); // a customer the batch created must be stored before this reads them
  const customer = await tx.upsertCustomer({
    id: timeOrderedId('cus', now),
    businessNumberId: number.id,
    waId: who.waId,
    userId: who.userId,
    username: who.username,
    name: who.profileName ?? who.username ?? who.waId ?? 'WhatsApp user',
  });
  await tx.setMarketingOptOut(customer.id, event.optedOut ? event.timestamp * 1000 : null);
  inbound.forget(customer.id);
}

async function ingestMessage(
  tx: StoreTx,
  out: Outgoing,
  number: BusinessNumberRow,
  event: MessageEvent,
  now: number,
  notes: IngestNotes,
  redaction: Redaction | undefined,
  inbound: InboundBatch,
): Promise<void> {
  const message = event.message;
  // Meta delivers at least once: duplicates are normal.
  if (await inbound.isStored(tx, message.id)) {
    notes.duplicates++;
    return;
  }
  const customer = await customerOf(tx, number, event, inbound, now);
  const sentAt = Number(message.timestamp) * 1000 || now;
  // Issue 18: a tap on a CSAT survey's option belongs to the surveyed conversation, never routed.
  const surveyReply = surveyReplyOf(message);
  const survey = surveyReply ? await surveyOf(tx, customer.id, surveyReply) : undefined;
  let conversation = survey ? undefined : await inbound.liveOf(tx, customer.id);
  const isNew = conversation === undefined && survey === undefined;
  const conversationId = survey?.conversationId ?? conversation?.id ?? timeOrderedId('con', now);
  // S-7: a deleted number's customer is never routed (nobody could answer), but the message is
  // kept, in a conversation opened already closed, and listed for admins (ADR 0007).
  const numberDeleted = (number.deletedAt ?? null) !== null;
  if (isNew)
    inbound.open({
      id: conversationId,
      customerId: customer.id,
      businessNumberId: number.id,
      queueId: number.queueId,
      receivedAt: now,
      ...(numberDeleted ? { closedAt: now } : {}),
    });
  const parts = inboundParts(message, event.details);
  const row = {
    id: inboundMessageId(now),
    conversationId,
    direction: 'inbound' as const,
    wamid: message.id,
    kind: parts.kind,
    // Redacted while masking is on (the delivery's redaction is there exactly then).
    text: redaction
      ? redactedText(redaction, parts.text, regionOfNumber(number.displayPhoneNumber))
      : parts.text,
    content: parts.content,
    replyToWamid: parts.replyToWamid,
    authorName: customer.name,
    authorUserId: null,
    // Its place in the timeline (ADR 39); Meta's second (`sentAt`) still moves the 24-hour window.
    sentAt: inboundSentAt(message.timestamp, now),
    createdAt: now,
    status: null,
    failureReason: null,
    clientMessageId: null,
  };
  inbound.store(row);
  notes.sentAts.push(sentAt);
  if (survey && surveyReply) {
    await inbound.write(tx);
    // ADR 28: a survey's expiry is judged on Meta's timestamp, not the row's place in the timeline.
    await recordSurveyAnswer(tx, out, survey, surveyReply, { ...row, sentAt }, now);
    inbound.forget(customer.id);
    return;
  }
  await recordInboundMedia(tx, row, number.id, parts, now);
  notes.touches.push({ conversationId, at: sentAt });
  inbound.touched(conversationId, sentAt);
  if (isNew && numberDeleted) return;
  notes.events.push(
    customerMessageEvent(
      conversation ?? {
        id: conversationId,
        customerId: customer.id,
        businessNumberId: number.id,
        queueId: number.queueId,
        receivedAt: now,
      },
      now,
    ),
  );
  if (isNew) {
    // A customer first seen now was served by nobody.
    const lastAgentId = inbound.isNew(customer.id)
      ? undefined
      : await lastAgentFor(tx, number.queueId, customer.id);
    notes.routing.push({
      type: 'conversation.arrived',
      conversationId,
      queueId: number.queueId,
      receivedAt: now,
      windowClosesAt: sentAt + SERVICE_WINDOW_MS,
      // A returning customer: the core keeps it for this agent if the queue says so.
      ...(lastAgentId === undefined ? {} : { lastAgentId }),
    });
    return;
  }
  // Nothing above changed its phase or owner: the details read before stand, with the window moved
  // (one query less per message, on the ingest's hot path).
  if (!conversation) return; // not new, so found above
  const windowMoved = conversation.lastInboundAt === null || sentAt > conversation.lastInboundAt;
  conversation = { ...conversation, lastInboundAt: Math.max(conversation.lastInboundAt ?? sentAt, sentAt) };
  // Only a waiting conversation is ordered by its window (a queue's window-first option): the
  // routing world hears of it then, and of nothing else a customer writes.
  if (windowMoved && conversation.phaseKind === 'queued')
    notes.routing.push({
      type: 'conversation.customerWrote',
      conversationId,
      windowClosesAt: sentAt + SERVICE_WINDOW_MS,
    });
  // Supervisors monitoring it see every message, even while nobody holds it (issue 16).
  out.touch(conversationId);
  if (audienceOf(conversation).watchers.length > 0) {
    // A reply is shown with the message it quotes, read from the store: this one must be there.
    if (row.replyToWamid !== null) await inbound.write(tx);
    pushToWatchers(out, conversation, await presentStored(tx, row, conversation));
  }
}

type MessageEvent = Extract<WebhookEvent, { kind: 'message' }>;

/** The agent who last served the customer, read only when their queue keeps a sticky-agent time. */
async function lastAgentFor(tx: StoreTx, queueId: string, customerId: string): Promise<string | undefined> {
  const queue = await tx.findQueueById(queueId);
  if (queue?.stickyAgentMs === undefined || queue.stickyAgentMs === null) return undefined;
  return tx.findLastAgentOfCustomer(customerId);
}

/**
 * The customer who wrote, as Meta identified them: by business-scoped user id when sent, else by
 * wa_id (a customer who hides their number has no wa_id: two such customers stay two). A `system`
 * message saying the customer changed number (or user id) is theirs under the old identity, which
 * then moves to the new one: the same customer, their history kept.
 */
async function customerOf(
  tx: StoreTx,
  number: BusinessNumberRow,
  event: MessageEvent,
  inbound: InboundBatch,
  now: number,
): Promise<CustomerRow> {
  const who = event.customer;
  const change = event.details.system;
  const moved = change?.change === 'number' || change?.change === 'user_id';
  const waId = (moved ? change.previousWaId : undefined) ?? who.waId;
  const userId = (moved ? change.previousUserId : undefined) ?? who.userId;
  const plain = plainWaId(event);
  const known = plain === undefined ? undefined : inbound.customer(number.id, plain);
  const id = timeOrderedId('cus', now);
  const name = event.contactName ?? who.profileName ?? who.username ?? waId ?? 'WhatsApp user';
  if (known === null && plain !== undefined) {
    // Found under no key by the batch's lookup: created with the batch's other new customers.
    const customer: CustomerRow = {
      id,
      businessNumberId: number.id,
      waId: plain,
      name,
      userId: null,
      username: who.username ?? null,
      marketingOptedOutAt: null,
    };
    inbound.create(customer);
    return customer;
  }
  // Whatever upsertCustomer reads or writes must be stored: a customer created earlier in the batch.
  if (known === undefined || (known !== null && inbound.unwritten(known.id))) await inbound.writeOpened(tx);
  const customer = await tx.upsertCustomer(
    { id, businessNumberId: number.id, waId, userId, username: who.username, name },
    known,
  );
  if (known !== undefined && customer !== known) inbound.customerIs(customer, customer.id === id);
  if (!moved) return customer;
  inbound.forget(customer.id);
  const next = { waId: change.newWaId, userId: change.newUserId };
  if (next.waId === undefined && next.userId === undefined) return customer;
  await tx.changeCustomerIdentity(customer.id, next);
  return customer;
}

async function ingestStatus(tx: StoreTx, out: Outgoing, status: MessageStatus, now: number): Promise<void> {
  if (!isKnownStatus(status)) return;
  const next: DeliveryStatus = status.status === 'played' ? 'read' : status.status;
  const first = status.errors?.[0];
  const reason = first ? `${first.title ?? first.message ?? 'Failed'} (${first.code})` : null;
  let message = await tx.findMessageByWamid(status.id);
  const callback = status.biz_opaque_callback_data;
  if (!message && callback !== undefined) {
    // Our send put its message id here: the status names the message even when the send's own
    // commit of the wamid is late or was lost to a crash (ADR 0008).
    const sent = await tx.findMessageById(callback);
    if (sent && sent.direction === 'outbound' && sent.wamid === null) {
      await tx.setMessageWamid(sent.id, status.id);
      message = { ...sent, wamid: status.id };
    }
  }
  if (!message) {
    // Arrived before our send recorded the wamid: keep it for when it does.
    await tx.insertPendingStatus({
      wamid: status.id,
      status: next,
      at: Number(status.timestamp) * 1000 || now,
      failureReason: reason,
    });
    return;
  }
  await applyDeliveryStatus(tx, out, message, next, reason, now);
}
