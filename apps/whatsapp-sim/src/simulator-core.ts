import type { WebhookPayloadInput } from '@parlo/whatsapp';
import type { ResolvedSimulatorConfig, SimCustomer, SimNumber } from './config.ts';
import { PLACEHOLDER_MEDIA, type ParsedCustomerMessageInput } from './customer-input.ts';
import { newWamid } from './ids.ts';
import { MediaStore } from './media-store.ts';
import { invalidParameter, rateLimitHit, statusError, type StatusError } from './meta-errors.ts';
import { PendingWork } from './pending.ts';
import type { MessagesRequest } from './send-request.ts';
import { WebhookDelivery, type DeliveryRecord } from './webhook-delivery.ts';

/** The customer-service window: a customer's message allows free-form replies for 24 hours. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60_000;

/** Where a message stands, from the sender's side. `failed` is final; the rest only move forward. */
export type ThreadMessageStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';
const RANK: Record<ThreadMessageStatus, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/** One message of a customer's chat with a business number, as the simulator keeps it. */
export interface ThreadMessage {
  wamid: string;
  /** `in`: customer to business; `out`: business to customer. */
  direction: 'in' | 'out';
  phoneNumberId: string;
  waId: string;
  type: string;
  /** What the phone shows. */
  text: string;
  /** Unix seconds. */
  timestamp: number;
  /** For `in`: sent -> delivered (webhook acknowledged) -> read (business marked it read). */
  status: ThreadMessageStatus;
  error?: { code: number; title: string };
  replyTo?: string;
  mediaId?: string;
}

/** Misbehaviour on demand, to prove the receiver copes with what Meta really does. */
export interface Faults {
  /** Extra copies of every payload (0 = none). */
  duplicates: number;
  /** Send the copies at the same time rather than one after another. */
  concurrentDuplicates: boolean;
  /** Deliver each sent message's statuses newest first (read, delivered, sent), one after another. */
  reorderStatuses: boolean;
  /** Never send `delivered` (Meta may skip it). */
  skipDelivered: boolean;
}

/** What the phone page (SSE) and tests are told. */
export type SimEvent =
  | { type: 'message'; message: ThreadMessage }
  | { type: 'message.updated'; message: ThreadMessage }
  | { type: 'customer.added'; customer: SimCustomer };

interface Update {
  number: SimNumber;
  label: string;
  contacts?: unknown[];
  messages?: unknown[];
  statuses?: unknown[];
  onAcked?: () => void;
}

/** A not-found for the control API. */
/** A status the simulator reports for a business message. */
type OutboundStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** What a status webhook is built from besides the message: the send request and any failure. */
interface StatusContext {
  request: Extract<MessagesRequest, { kind: 'send' }> | undefined;
  failure: StatusError | undefined;
}

export class NotFoundError extends Error {}

const threadKey = (phoneNumberId: string, waId: string): string => `${phoneNumberId}:${waId}`;

/**
 * The simulator's state and behaviour, free of HTTP: customers and threads, sends and their status
 * webhooks, the 24-hour window, rate limits, media, and webhook delivery with faults.
 */
export class SimulatorCore {
  readonly media = new MediaStore();
  readonly pending = new PendingWork();
  readonly delivery: WebhookDelivery;
  readonly customers = new Map<string, SimCustomer>();
  readonly #threads = new Map<string, ThreadMessage[]>();
  readonly #messages = new Map<string, ThreadMessage>();
  readonly #lastInboundAt = new Map<string, number>();
  readonly #openChats = new Map<string, number>();
  readonly #sendTimes = new Map<string, number[]>();
  readonly #listeners = new Set<(event: SimEvent) => void>();
  #held: Update[] | undefined;
  #webhookUrl: string;
  faults: Faults = {
    duplicates: 0,
    concurrentDuplicates: false,
    reorderStatuses: false,
    skipDelivered: false,
  };

  constructor(
    readonly config: ResolvedSimulatorConfig,
    readonly now: () => number,
  ) {
    this.#webhookUrl = config.webhookUrl;
    this.delivery = new WebhookDelivery(config.delivery, () => this.#webhookUrl, this.pending);
    for (const customer of config.customers) this.customers.set(customer.waId, customer);
  }

  /** Changes some faults, keeping the others; returns them all. */
  setFaults(patch: { [K in keyof Faults]?: Faults[K] | undefined }): Faults {
    this.faults = {
      duplicates: patch.duplicates ?? this.faults.duplicates,
      concurrentDuplicates: patch.concurrentDuplicates ?? this.faults.concurrentDuplicates,
      reorderStatuses: patch.reorderStatuses ?? this.faults.reorderStatuses,
      skipDelivered: patch.skipDelivered ?? this.faults.skipDelivered,
    };
    return this.faults;
  }

  setWebhookUrl(url: string): void {
    this.#webhookUrl = url;
  }

  numberById(phoneNumberId: string): SimNumber | undefined {
    return this.config.numbers.find((n) => n.phoneNumberId === phoneNumberId);
  }

  numberByToken(token: string | undefined): SimNumber | undefined {
    return token === undefined ? undefined : this.config.numbers.find((n) => n.accessToken === token);
  }

  defaultNumber(): SimNumber {
    const first = this.config.numbers[0];
    if (first === undefined) throw new Error('the simulator needs at least one number');
    return first;
  }

  subscribe(listener: (event: SimEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  addCustomer(customer: SimCustomer): void {
    this.customers.set(customer.waId, customer);
    this.#publish({ type: 'customer.added', customer });
  }

  thread(waId: string, phoneNumberId: string): readonly ThreadMessage[] {
    return this.#threads.get(threadKey(phoneNumberId, waId)) ?? [];
  }

  message(wamid: string): ThreadMessage | undefined {
    return this.#messages.get(wamid);
  }

  deliveries(): readonly DeliveryRecord[] {
    return this.delivery.records();
  }

  /** Whether a free-form message to this customer would be inside the 24-hour window now. */
  inWindow(phoneNumberId: string, waId: string): boolean {
    const last = this.#lastInboundAt.get(threadKey(phoneNumberId, waId));
    return last !== undefined && this.now() - last < SERVICE_WINDOW_MS;
  }

  /**
   * The customer has this chat on screen: delivered business messages turn read now, and new ones
   * as they arrive. Returns the function that closes the chat.
   */
  openChat(waId: string, phoneNumberId: string): () => void {
    const key = threadKey(phoneNumberId, waId);
    this.#openChats.set(key, (this.#openChats.get(key) ?? 0) + 1);
    for (const message of this.thread(waId, phoneNumberId)) {
      if (message.direction === 'out' && message.status === 'delivered') this.#scheduleRead(message, 0);
    }
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      const count = (this.#openChats.get(key) ?? 1) - 1;
      if (count <= 0) this.#openChats.delete(key);
      else this.#openChats.set(key, count);
    };
  }

  /** A customer sends a message to a business number; it reaches Parlo as a signed webhook. */
  customerSends(waId: string, input: ParsedCustomerMessageInput, phoneNumberId?: string): { wamid: string } {
    const customer = this.customers.get(waId);
    if (customer === undefined) throw new NotFoundError(`unknown customer`);
    const number = phoneNumberId === undefined ? this.defaultNumber() : this.numberById(phoneNumberId);
    if (number === undefined) throw new NotFoundError(`unknown phone number id`);
    const wamid = newWamid(waId);
    const timestamp = Math.floor(this.now() / 1000);
    const { wire, text, mediaId, replyTo } = this.#inboundContent(number, input);
    const context =
      replyTo === undefined ? {} : { context: { from: number.displayPhoneNumber, id: replyTo } };
    const messageObject = { from: waId, id: wamid, timestamp: String(timestamp), ...context, ...wire };
    const message: ThreadMessage = {
      wamid,
      direction: 'in',
      phoneNumberId: number.phoneNumberId,
      waId,
      type: typeof wire.type === 'string' ? wire.type : 'unknown',
      text,
      timestamp,
      status: 'sent',
      ...(replyTo === undefined ? {} : { replyTo }),
      ...(mediaId === undefined ? {} : { mediaId }),
    };
    this.#addMessage(message);
    this.#lastInboundAt.set(threadKey(number.phoneNumberId, waId), this.now());
    this.#emit({
      number,
      label: 'message',
      contacts: [{ profile: { name: customer.name }, wa_id: waId }],
      messages: [messageObject],
      onAcked: () => this.#setStatus(message, 'delivered'),
    });
    return { wamid };
  }

  /**
   * Handles a validated `POST /{phone_number_id}/messages` (after the token check). A send returns
   * its wamid at once; whether it arrives is told later by status webhooks, as with Meta: outside
   * the 24-hour window a free-form message is *accepted* and then fails with 131047.
   */
  handleMessagesRequest(
    number: SimNumber,
    request: MessagesRequest,
  ): { wamid: string; waId: string } | { read: true } {
    switch (request.kind) {
      case 'read':
        this.#markRead(number, request.messageId);
        return { read: true };
      case 'send':
        return this.#businessSends(number, request);
    }
  }

  #businessSends(
    number: SimNumber,
    request: Extract<MessagesRequest, { kind: 'send' }>,
  ): { wamid: string; waId: string } {
    this.#takeRateSlot(number.phoneNumberId);
    const wamid = newWamid(request.waId);
    const message: ThreadMessage = {
      wamid,
      direction: 'out',
      phoneNumberId: number.phoneNumberId,
      waId: request.waId,
      type: request.type,
      text: request.preview,
      timestamp: Math.floor(this.now() / 1000),
      status: 'accepted',
      ...(request.replyTo === undefined ? {} : { replyTo: request.replyTo }),
      ...(request.mediaId === undefined ? {} : { mediaId: request.mediaId }),
    };
    this.#addMessage(message);
    let failure: StatusError | undefined;
    if (!this.customers.has(request.waId)) {
      failure = statusError(131026, 'Message undeliverable', 'Message Undeliverable.');
    } else if (!request.isTemplate && !this.inWindow(number.phoneNumberId, request.waId)) {
      failure = statusError(
        131047,
        'Re-engagement message',
        'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      );
    }
    this.#scheduleStatuses(number, message, request, failure);
    return { wamid, waId: request.waId };
  }

  // Meta's default throughput is per business number, over a one-second window.
  #takeRateSlot(phoneNumberId: string): void {
    const now = performance.now();
    const recent = (this.#sendTimes.get(phoneNumberId) ?? []).filter((t) => now - t < 1000);
    if (recent.length >= this.config.rateLimitPerSecond) {
      this.#sendTimes.set(phoneNumberId, recent);
      throw rateLimitHit();
    }
    recent.push(now);
    this.#sendTimes.set(phoneNumberId, recent);
  }

  #markRead(number: SimNumber, messageId: string): void {
    const target = this.#messages.get(messageId);
    if (target === undefined || target.direction !== 'in' || target.phoneNumberId !== number.phoneNumberId) {
      throw invalidParameter('Param message_id is not a valid message id for this phone number.');
    }
    // Reading one message reads every earlier one of that chat, as in the app.
    for (const message of this.thread(target.waId, target.phoneNumberId)) {
      if (message.direction === 'in' && message.timestamp <= target.timestamp)
        this.#setStatus(message, 'read');
    }
    this.#setStatus(target, 'read');
  }

  #scheduleStatuses(
    number: SimNumber,
    message: ThreadMessage,
    request: Extract<MessagesRequest, { kind: 'send' }>,
    failure: StatusError | undefined,
  ): void {
    const delays = this.config.statusDelaysMs;
    const extra = { request, failure };
    if (failure !== undefined) {
      this.pending.after(delays.sent, () => this.#advance(number, message, 'failed', extra));
      return;
    }
    const steps: Array<'sent' | 'delivered'> = this.faults.skipDelivered ? ['sent'] : ['sent', 'delivered'];
    if (this.faults.reorderStatuses) {
      const readToo = this.config.autoRead || this.#isOpen(message);
      this.pending.after(delays.delivered + (readToo ? delays.read : 0), async () => {
        const statuses = readToo ? [...steps, 'read' as const] : steps;
        for (const status of statuses) this.#setStatus(message, status);
        for (const status of statuses.reverse()) {
          await this.#deliver([this.#statusUpdate(number, message, status, extra)]);
        }
      });
      return;
    }
    this.pending.after(delays.sent, () => this.#advance(number, message, 'sent', extra));
    if (!this.faults.skipDelivered) {
      this.pending.after(delays.delivered, () => {
        this.#advance(number, message, 'delivered', extra);
        if (this.config.autoRead || this.#isOpen(message)) this.#scheduleRead(message, delays.read);
      });
    }
  }

  #scheduleRead(message: ThreadMessage, delayMs: number): void {
    const number = this.numberById(message.phoneNumberId);
    if (number === undefined) return;
    this.pending.after(delayMs, () => {
      if (message.status === 'delivered')
        this.#advance(number, message, 'read', { request: undefined, failure: undefined });
    });
  }

  #isOpen(message: ThreadMessage): boolean {
    return (this.#openChats.get(threadKey(message.phoneNumberId, message.waId)) ?? 0) > 0;
  }

  #advance(number: SimNumber, message: ThreadMessage, status: OutboundStatus, extra: StatusContext): void {
    if (!this.#setStatus(message, status, extra.failure)) return;
    const update = this.#statusUpdate(number, message, status, extra);
    if (this.#held !== undefined) {
      this.#held.push(update);
      return;
    }
    // One message's statuses go out one after another, in the order they happened: concurrent
    // posts could overtake each other on a busy machine (only the reorder fault reorders them).
    const next = (this.#statusChains.get(message) ?? Promise.resolve()).then(() => this.#deliver([update]));
    this.#statusChains.set(message, next);
    void this.pending.track(next);
  }

  #statusUpdate(
    number: SimNumber,
    message: ThreadMessage,
    status: OutboundStatus,
    extra: StatusContext,
  ): Update {
    const template = extra.request?.isTemplate === true;
    const pricing =
      status === 'sent' || status === 'delivered'
        ? {
            pricing: template
              ? { billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' }
              : { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' },
          }
        : {};
    const callback = extra.request?.callbackData;
    return {
      number,
      label: `status:${status}`,
      statuses: [
        {
          id: message.wamid,
          status,
          timestamp: String(Math.floor(this.now() / 1000)),
          recipient_id: message.waId,
          ...pricing,
          ...(callback === undefined ? {} : { biz_opaque_callback_data: callback }),
          ...(status === 'failed' && extra.failure !== undefined ? { errors: [extra.failure] } : {}),
        },
      ],
    };
  }

  /** Moves a message forward (never back; failed is final). Returns whether it moved. */
  #setStatus(message: ThreadMessage, status: ThreadMessageStatus, failure?: StatusError): boolean {
    if (message.status === 'failed' || RANK[status] <= RANK[message.status]) return false;
    message.status = status;
    if (failure !== undefined) message.error = { code: failure.code, title: failure.title };
    this.#publish({ type: 'message.updated', message });
    return true;
  }

  #addMessage(message: ThreadMessage): void {
    const key = threadKey(message.phoneNumberId, message.waId);
    const thread = this.#threads.get(key) ?? [];
    thread.push(message);
    this.#threads.set(key, thread);
    this.#messages.set(message.wamid, message);
    this.#publish({ type: 'message', message });
  }

  #inboundContent(
    number: SimNumber,
    input: ParsedCustomerMessageInput,
  ): { wire: Record<string, unknown>; text: string; mediaId?: string; replyTo?: string } {
    switch (input.type) {
      case 'text':
        return {
          wire: { type: 'text', text: { body: input.text } },
          text: input.text,
          ...opt('replyTo', input.replyTo),
        };
      case 'image':
      case 'audio':
      case 'video':
      case 'document':
      case 'sticker': {
        const placeholder = PLACEHOLDER_MEDIA[input.type];
        const data =
          input.dataBase64 === undefined ? placeholder.data : Buffer.from(input.dataBase64, 'base64');
        const mimeType = input.mimeType ?? placeholder.mimeType;
        const stored = this.media.add(number.phoneNumberId, data, mimeType, input.filename);
        const voice = input.type === 'audio' && input.voice === true;
        const media = {
          id: stored.id,
          mime_type: voice ? 'audio/ogg; codecs=opus' : mimeType,
          sha256: stored.sha256,
          ...(input.caption === undefined ? {} : { caption: input.caption }),
          ...(input.filename === undefined ? {} : { filename: input.filename }),
          ...(input.type === 'audio' ? { voice } : {}),
          ...(input.type === 'sticker' ? { animated: false } : {}),
        };
        return {
          wire: { type: input.type, [input.type]: media },
          text: `[${input.type}]${input.caption === undefined ? '' : ` ${input.caption}`}`,
          mediaId: stored.id,
          ...opt('replyTo', input.replyTo),
        };
      }
      case 'location': {
        const { type: _type, ...location } = input;
        return {
          wire: { type: 'location', location },
          text: `📍 ${input.name ?? `${input.latitude}, ${input.longitude}`}`,
        };
      }
      case 'reaction':
        return {
          wire: { type: 'reaction', reaction: { message_id: input.messageId, emoji: input.emoji } },
          text: input.emoji,
        };
      case 'contacts':
        return {
          wire: {
            type: 'contacts',
            contacts: input.contacts.map((c) => ({
              name: { formatted_name: c.name, first_name: c.name },
              phones: c.phones.map((phone) => ({ phone, type: 'CELL' })),
            })),
          },
          text: `👤 ${input.contacts.map((c) => c.name).join(', ')}`,
          ...opt('replyTo', input.replyTo),
        };
      case 'unsupported':
        return {
          wire: {
            type: 'unsupported',
            unsupported: { type: 'edit' },
            errors: [
              {
                code: 131051,
                title: 'Message type unknown',
                message: 'Message type unknown',
                error_data: { details: 'Message type is currently not supported.' },
              },
            ],
          },
          text: '[unsupported]',
        };
      case 'button':
        return {
          wire: { type: 'button', button: { payload: input.payload, text: input.text } },
          text: input.text,
          ...opt('replyTo', input.replyTo),
        };
      case 'interactive': {
        const reply =
          input.reply === 'list_reply'
            ? {
                type: 'list_reply',
                list_reply: { id: input.id, title: input.title, ...opt('description', input.description) },
              }
            : { type: 'button_reply', button_reply: { id: input.id, title: input.title } };
        return {
          wire: { type: 'interactive', interactive: reply },
          text: input.title,
          ...opt('replyTo', input.replyTo),
        };
      }
      case 'custom': {
        // Only the envelope (from/id/timestamp) is the simulator's; the rest is sent as given.
        const { from: _from, id: _id, timestamp: _ts, ...rest } = input.message;
        return { wire: rest, text: `[${input.message.type}]` };
      }
    }
  }

  // --- webhook emission, holding (batching) and faults ---

  /** Holds webhook updates until {@link flush}, to produce batched payloads. */
  hold(): void {
    this.#held ??= [];
  }

  /**
   * Delivers every held update as one payload: one entry per WABA, one change per number, all
   * messages/statuses of a number in one value. Updates of numbers with different app secrets go
   * in separate payloads (each is signed with one secret).
   */
  async flush(): Promise<void> {
    const held = this.#held ?? [];
    this.#held = undefined;
    const bySecret = new Map<string, Update[]>();
    for (const update of held) {
      const group = bySecret.get(update.number.appSecret) ?? [];
      group.push(update);
      bySecret.set(update.number.appSecret, group);
    }
    await Promise.all([...bySecret.values()].map((updates) => this.#deliver(updates)));
  }

  /** Delivers a payload exactly as given, signed with `appSecret` (faults apply). */
  deliverRaw(payload: unknown, appSecret: string, label = 'raw'): Promise<boolean> {
    return this.#deliverBody(JSON.stringify(payload), appSecret, label);
  }

  /** The last status delivery of each message, which the next one waits for. */
  readonly #statusChains = new WeakMap<ThreadMessage, Promise<unknown>>();

  #emit(update: Update): void {
    if (this.#held !== undefined) {
      this.#held.push(update);
      return;
    }
    // Tracked as a whole (not only each HTTP attempt) so idle() also waits for onAcked and for
    // sequential duplicates.
    void this.pending.track(this.#deliver([update]));
  }

  async #deliver(updates: Update[]): Promise<boolean> {
    const first = updates[0];
    if (first === undefined) return true;
    const label = updates.length === 1 ? first.label : `batch(${updates.length})`;
    const ok = await this.#deliverBody(JSON.stringify(buildPayload(updates)), first.number.appSecret, label);
    if (ok) for (const update of updates) update.onAcked?.();
    return ok;
  }

  async #deliverBody(body: string, secret: string, label: string): Promise<boolean> {
    const copies = 1 + this.faults.duplicates;
    if (this.faults.concurrentDuplicates) {
      const results = await Promise.all(
        Array.from({ length: copies }, () => this.delivery.deliver(body, secret, label)),
      );
      return results.some(Boolean);
    }
    let ok = false;
    for (let i = 0; i < copies; i++) ok = (await this.delivery.deliver(body, secret, label)) || ok;
    return ok;
  }

  #publish(event: SimEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Groups updates into Meta's shape: entry per WABA, change per number, arrays merged in order. */
export function buildPayload(updates: readonly Update[]): WebhookPayloadInput {
  interface ChangeParts {
    number: SimNumber;
    contacts: unknown[];
    messages: unknown[];
    statuses: unknown[];
  }
  const entries = new Map<string, Map<string, ChangeParts>>();
  for (const update of updates) {
    const changes = entries.get(update.number.wabaId) ?? new Map<string, ChangeParts>();
    entries.set(update.number.wabaId, changes);
    const change: ChangeParts = changes.get(update.number.phoneNumberId) ?? {
      number: update.number,
      contacts: [],
      messages: [],
      statuses: [],
    };
    changes.set(update.number.phoneNumberId, change);
    for (const contact of update.contacts ?? []) {
      const waId = (contact as { wa_id?: string }).wa_id;
      if (!change.contacts.some((c) => (c as { wa_id?: string }).wa_id === waId))
        change.contacts.push(contact);
    }
    change.messages.push(...(update.messages ?? []));
    change.statuses.push(...(update.statuses ?? []));
  }
  return {
    object: 'whatsapp_business_account',
    entry: [...entries].map(([wabaId, changes]) => ({
      id: wabaId,
      changes: [...changes.values()].map(({ number, contacts, messages, statuses }) => ({
        value: {
          messaging_product: 'whatsapp' as const,
          metadata: {
            display_phone_number: number.displayPhoneNumber,
            phone_number_id: number.phoneNumberId,
          },
          ...(contacts.length > 0 ? { contacts } : {}),
          ...(messages.length > 0 ? { messages } : {}),
          ...(statuses.length > 0 ? { statuses } : {}),
        },
        field: 'messages' as const,
      })),
    })),
  };
}
