import { TYPING_INDICATOR_MS } from '@parlo/whatsapp';
import type { ResolvedSimulatorConfig, SimCustomerInput, SimNumber } from './config.ts';
import type { ParsedCustomerMessageInput } from './customer-input.ts';
import { CustomerBook, toSimUser, type SimUser } from './customers.ts';
import { bsuidFor, newWamid } from './ids.ts';
import { inboundContent } from './inbound-content.ts';
import { MediaStore } from './media-store.ts';
import { invalidParameter, rateLimitHit, statusError, type StatusError } from './meta-errors.ts';
import { buildPayload, type Update } from './payload.ts';
import { PendingWork } from './pending.ts';
import type { InteractiveChoices, MessagesRequest, SendAddress } from './send-request.ts';
import type { SimState, SimStateMessage } from './state-file.ts';
import type { SimTemplate } from './templates.ts';
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
  /** The customer's key (see `SimUser.key`): the phone number, else the BSUID. */
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
  /** An interactive message's options (reply buttons or a list): the phone lets the customer tap one. */
  choices?: InteractiveChoices;
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
  /**
   * For customers without a phone number, send `from: ""` instead of leaving `from` out (both have
   * been seen; Meta's reference says omitted).
   */
  emptyFrom: boolean;
}

/** A typing indicator the business showed (a mark-as-read call with `typing_indicator`). */
export interface TypingIndicator {
  phoneNumberId: string;
  /** The customer's key. */
  waId: string;
  /** The wamid marked read. */
  messageId: string;
  /** When it was asked for (simulator clock, ms). */
  at: number;
  /** When WhatsApp drops it unless a reply comes first (25 s later). */
  until: number;
}

/** What the phone page (SSE) and tests are told. */
export type SimEvent =
  | { type: 'message'; message: ThreadMessage }
  | { type: 'message.updated'; message: ThreadMessage }
  | { type: 'customer.added'; customer: SimUser }
  /** The customer's phone number or BSUID changed; their key may have too. */
  | { type: 'customer.changed'; previousKey: string; customer: SimUser }
  | { type: 'typing'; indicator: TypingIndicator }
  | { type: 'preference'; waId: string; phoneNumberId: string; optedOut: boolean }
  | { type: 'template.updated'; template: SimTemplate };

/** How a business message was addressed, for its status webhooks. */
interface Addressing {
  address: SendAddress;
  /** The customer as they were when the message was sent (undefined: nobody on WhatsApp). */
  customer: SimUser | undefined;
}

/** A status the simulator reports for a business message. */
type OutboundStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** What a status webhook is built from besides the message: the send request and any failure. */
interface StatusContext {
  request: Extract<MessagesRequest, { kind: 'send' }> | undefined;
  failure: StatusError | undefined;
}

/** A not-found for the control API. */
export class NotFoundError extends Error {}

/** A request the control API cannot carry out as asked (400). */
export class BadRequestError extends Error {}

const threadKey = (phoneNumberId: string, waId: string): string => `${phoneNumberId}:${waId}`;

/**
 * The simulator's state and behaviour, free of HTTP: customers and threads, sends and their status
 * webhooks, the 24-hour window, rate limits, media, and webhook delivery with faults.
 */
export class SimulatorCore {
  readonly media = new MediaStore();
  readonly pending = new PendingWork();
  readonly delivery: WebhookDelivery;
  readonly customers: CustomerBook;
  /** The templates of every simulated WABA (one list: the demo has one WABA). */
  readonly templates: SimTemplate[];
  readonly #threads = new Map<string, ThreadMessage[]>();
  readonly #messages = new Map<string, ThreadMessage>();
  readonly #lastInboundAt = new Map<string, number>();
  readonly #openChats = new Map<string, number>();
  readonly #sendTimes = new Map<string, number[]>();
  readonly #listeners = new Set<(event: SimEvent) => void>();
  readonly #addressing = new WeakMap<ThreadMessage, Addressing>();
  /** Thread keys (number + customer) whose customer stopped marketing messages. */
  readonly #optedOut = new Set<string>();
  readonly #typing: TypingIndicator[] = [];
  #held: Update[] | undefined;
  #webhookUrl: string;
  faults: Faults = {
    duplicates: 0,
    concurrentDuplicates: false,
    reorderStatuses: false,
    skipDelivered: false,
    emptyFrom: false,
  };

  constructor(
    readonly config: ResolvedSimulatorConfig,
    readonly now: () => number,
  ) {
    this.#webhookUrl = config.webhookUrl;
    this.delivery = new WebhookDelivery(config.delivery, () => this.#webhookUrl, this.pending);
    this.customers = new CustomerBook(config.customers);
    this.templates = config.templates.map((t) => structuredClone(t));
  }

  /** Changes some faults, keeping the others; returns them all. */
  setFaults(patch: { [K in keyof Faults]?: Faults[K] | undefined }): Faults {
    this.faults = {
      duplicates: patch.duplicates ?? this.faults.duplicates,
      concurrentDuplicates: patch.concurrentDuplicates ?? this.faults.concurrentDuplicates,
      reorderStatuses: patch.reorderStatuses ?? this.faults.reorderStatuses,
      skipDelivered: patch.skipDelivered ?? this.faults.skipDelivered,
      emptyFrom: patch.emptyFrom ?? this.faults.emptyFrom,
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

  /** Adds a customer (a missing BSUID is derived); returns them as the simulator keeps them. */
  addCustomer(customer: SimCustomerInput): SimUser {
    const user = toSimUser(customer);
    this.customers.add(user);
    this.#publish({ type: 'customer.added', customer: user });
    return user;
  }

  /**
   * The customer changes their profile name: nothing is sent (Meta sends no webhook for it), but
   * their next messages carry it in `contacts[].profile.name`. The phone page hears `customer.changed`.
   */
  renameCustomer(id: string, name: string): SimUser {
    const customer = this.customer(id);
    const updated: SimUser = { ...customer, name };
    this.customers.update(updated);
    this.#publish({ type: 'customer.changed', previousKey: customer.key, customer: updated });
    return updated;
  }

  /** What a restart must keep (see state-file.ts): customers, threads, windows, opt-outs. */
  exportState(): SimState {
    const messages: SimStateMessage[] = [];
    for (const thread of this.#threads.values()) {
      for (const message of thread) {
        const to = message.direction === 'out' ? this.#addressing.get(message)?.address : undefined;
        messages.push({ ...message, ...(to === undefined ? {} : { to }) });
      }
    }
    const split = (key: string): { phoneNumberId: string; waId: string } => {
      const at = key.indexOf(':');
      return { phoneNumberId: key.slice(0, at), waId: key.slice(at + 1) };
    };
    return {
      version: 1,
      savedAt: this.now(),
      customers: [...this.customers.values()].map((c) => ({
        key: c.key,
        ...(c.waId === undefined ? {} : { waId: c.waId }),
        userId: c.userId,
        ...(c.username === undefined ? {} : { username: c.username }),
        name: c.name,
      })),
      messages,
      windows: [...this.#lastInboundAt].map(([key, lastInboundAt]) => ({ ...split(key), lastInboundAt })),
      optedOut: [...this.#optedOut].map(split),
    };
  }

  /**
   * Replaces customers, threads, windows and opt-outs with saved ones (before any traffic). Business
   * messages keep the status they had: statuses still to come when the state was saved never come.
   */
  importState(state: SimState): void {
    this.customers.clear();
    for (const c of state.customers) {
      this.customers.add({ key: c.key, waId: c.waId, userId: c.userId, username: c.username, name: c.name });
    }
    this.#threads.clear();
    this.#messages.clear();
    for (const { to, ...saved } of state.messages) {
      const message: ThreadMessage = { ...saved };
      const key = threadKey(message.phoneNumberId, message.waId);
      const thread = this.#threads.get(key) ?? [];
      thread.push(message);
      this.#threads.set(key, thread);
      this.#messages.set(message.wamid, message);
      if (to !== undefined) {
        const customer =
          to.by === 'phone' ? this.customers.byWaId(to.waId) : this.customers.byUserId(to.userId);
        this.#addressing.set(message, { address: to, customer });
      }
    }
    this.#lastInboundAt.clear();
    for (const w of state.windows)
      this.#lastInboundAt.set(threadKey(w.phoneNumberId, w.waId), w.lastInboundAt);
    this.#optedOut.clear();
    for (const o of state.optedOut) this.#optedOut.add(threadKey(o.phoneNumberId, o.waId));
  }

  /** A customer by key, BSUID, phone number or username; 404 when unknown. */
  customer(id: string): SimUser {
    const user = this.customers.get(id);
    if (user === undefined) throw new NotFoundError('unknown customer');
    return user;
  }

  /** A customer's chat with a number; `id` is their key, BSUID, phone number or username. */
  thread(id: string, phoneNumberId: string): readonly ThreadMessage[] {
    const key = this.customers.get(id)?.key ?? id;
    return this.#threads.get(threadKey(phoneNumberId, key)) ?? [];
  }

  /** Typing indicators shown so far, oldest first; optionally of one customer and/or number. */
  typingIndicators(filter: { id?: string; phoneNumberId?: string } = {}): readonly TypingIndicator[] {
    const key = filter.id === undefined ? undefined : (this.customers.get(filter.id)?.key ?? filter.id);
    return this.#typing.filter(
      (t) =>
        (key === undefined || t.waId === key) &&
        (filter.phoneNumberId === undefined || t.phoneNumberId === filter.phoneNumberId),
    );
  }

  /** Whether the customer stopped marketing messages from this number. */
  optedOut(phoneNumberId: string, id: string): boolean {
    const key = this.customers.get(id)?.key ?? id;
    return this.#optedOut.has(threadKey(phoneNumberId, key));
  }

  message(wamid: string): ThreadMessage | undefined {
    return this.#messages.get(wamid);
  }

  deliveries(): readonly DeliveryRecord[] {
    return this.delivery.records();
  }

  /** Whether a free-form message to this customer would be inside the 24-hour window now. */
  inWindow(phoneNumberId: string, id: string): boolean {
    const key = this.customers.get(id)?.key ?? id;
    const last = this.#lastInboundAt.get(threadKey(phoneNumberId, key));
    return last !== undefined && this.now() - last < SERVICE_WINDOW_MS;
  }

  /**
   * The customer has this chat on screen: delivered business messages turn read now, and new ones
   * as they arrive. Returns the function that closes the chat.
   */
  openChat(id: string, phoneNumberId: string): () => void {
    const waId = this.customers.get(id)?.key ?? id;
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
  customerSends(id: string, input: ParsedCustomerMessageInput, phoneNumberId?: string): { wamid: string } {
    const customer = this.customer(id);
    const number = this.#number(phoneNumberId);
    const wamid = newWamid(customer.waId ?? customer.userId);
    const timestamp = Math.floor(this.now() / 1000);
    const { wire, context, text, mediaId, replyTo } = inboundContent(this.media, number, input);
    const messageObject = {
      ...this.#sender(customer),
      id: wamid,
      timestamp: String(timestamp),
      ...(context === undefined ? {} : { context }),
      ...wire,
    };
    const message: ThreadMessage = {
      wamid,
      direction: 'in',
      phoneNumberId: number.phoneNumberId,
      waId: customer.key,
      type: typeof wire.type === 'string' ? wire.type : 'unknown',
      text,
      timestamp,
      status: 'sent',
      ...(replyTo === undefined ? {} : { replyTo }),
      ...(mediaId === undefined ? {} : { mediaId }),
    };
    this.#addMessage(message);
    this.#lastInboundAt.set(threadKey(number.phoneNumberId, customer.key), this.now());
    this.#emit({
      number,
      label: 'message',
      contacts: [contactOf(customer, { name: true, username: true })],
      messages: [messageObject],
      onAcked: () => this.#setStatus(message, 'delivered'),
    });
    return { wamid };
  }

  /**
   * The customer changes their phone number. Meta sends a `system` message `user_changed_number`
   * (no contacts array) with the new number and the new BSUID it generates, to each business number
   * the customer talks to; from then on the old number is nobody's.
   */
  changeNumber(id: string, newWaId: string): { wamids: string[]; customer: SimUser } {
    const customer = this.customer(id);
    if (customer.waId === undefined) {
      throw new BadRequestError('this customer shares no phone number: change their BSUID instead');
    }
    if (newWaId === customer.waId) throw new BadRequestError('that is already their number');
    if (this.customers.byWaId(newWaId) !== undefined)
      throw new BadRequestError("that number is another customer's");
    const updated: SimUser = { ...customer, key: newWaId, waId: newWaId, userId: bsuidFor(newWaId, newWaId) };
    const system = {
      body: `User ${customer.name} changed from ${customer.waId} to ${newWaId}`,
      wa_id: newWaId,
      user_id: updated.userId,
      previous_user_id: customer.userId,
      type: 'user_changed_number',
    };
    const wamids = this.#identityChanged(customer, updated, { from: customer.waId }, system);
    return { wamids, customer: updated };
  }

  /**
   * The customer's BSUID changes while no phone number can be shared: Meta sends a `system` message
   * `user_changed_user_id` with the previous and new BSUID.
   */
  changeUserId(id: string): { wamids: string[]; customer: SimUser } {
    const customer = this.customer(id);
    const userId = bsuidFor(`${customer.userId}:next`, customer.waId);
    const updated: SimUser = { ...customer, userId, key: customer.waId ?? userId };
    const system = {
      body: `User ${customer.name} changed their business-scoped user ID`,
      user_id: userId,
      previous_user_id: customer.userId,
      type: 'user_changed_user_id',
    };
    const sender: Record<string, string> =
      customer.waId === undefined ? { from_user_id: customer.userId } : { from: customer.waId };
    const wamids = this.#identityChanged(customer, updated, sender, system);
    return { wamids, customer: updated };
  }

  /** The customer stops (`optOut: true`) or resumes marketing messages from a business number. */
  setMarketingPreference(id: string, optOut: boolean, phoneNumberId?: string): void {
    const customer = this.customer(id);
    const number = this.#number(phoneNumberId);
    const key = threadKey(number.phoneNumberId, customer.key);
    if (optOut) this.#optedOut.add(key);
    else this.#optedOut.delete(key);
    this.#emit({
      number,
      label: 'user_preferences',
      field: 'user_preferences',
      contacts: [contactOf(customer, { name: true, username: false })],
      userPreferences: [
        {
          ...(customer.waId === undefined ? {} : { wa_id: customer.waId }),
          user_id: customer.userId,
          detail: optOut
            ? 'User requested to stop marketing messages'
            : 'User requested to resume marketing messages',
          category: 'marketing_messages',
          value: optOut ? 'stop' : 'resume',
          timestamp: Math.floor(this.now() / 1000),
        },
      ],
    });
    this.#publish({
      type: 'preference',
      waId: customer.key,
      phoneNumberId: number.phoneNumberId,
      optedOut: optOut,
    });
  }

  /**
   * A template's status changes (Meta reviewed, paused or disabled it): the list changes at once and
   * every WABA gets a `message_template_status_update` webhook.
   */
  setTemplateStatus(
    name: string,
    change: { language?: string | undefined; status: SimTemplate['status']; reason?: string | undefined },
  ): SimTemplate {
    const template = this.#template(name, change.language);
    template.status = change.status;
    this.#templateChanged(template, 'template_status', {
      field: 'message_template_status_update',
      value: {
        event: change.status,
        message_template_id: templateIdValue(template.id),
        message_template_name: template.name,
        message_template_language: template.language,
        reason: change.reason ?? 'NONE',
        message_template_category: template.category,
      },
    });
    return template;
  }

  /** A template's category changes (completed change): `template_category_update` to every WABA. */
  setTemplateCategory(
    name: string,
    change: { language?: string | undefined; category: SimTemplate['category'] },
  ): SimTemplate {
    const template = this.#template(name, change.language);
    const previous = template.category;
    template.category = change.category;
    this.#templateChanged(template, 'template_category', {
      field: 'template_category_update',
      value: {
        message_template_id: templateIdValue(template.id),
        message_template_name: template.name,
        message_template_language: template.language,
        previous_category: previous,
        new_category: change.category,
      },
    });
    return template;
  }

  /** Adds (or replaces) a template; its status is announced as a `message_template_status_update`. */
  addTemplate(template: SimTemplate): SimTemplate {
    const copy = structuredClone(template);
    const index = this.templates.findIndex((t) => t.name === copy.name && t.language === copy.language);
    if (index === -1) this.templates.push(copy);
    else this.templates[index] = copy;
    return this.setTemplateStatus(copy.name, { language: copy.language, status: copy.status });
  }

  /**
   * Handles a validated `POST /{phone_number_id}/messages` (after the token check). A send returns
   * its wamid at once; whether it arrives is told later by status webhooks, as with Meta: outside
   * the 24-hour window a free-form message is *accepted* and then fails with 131047.
   */
  handleMessagesRequest(
    number: SimNumber,
    request: MessagesRequest,
  ): { wamid: string; contact: { input: string; wa_id?: string; user_id?: string } } | { read: true } {
    switch (request.kind) {
      case 'read':
        this.#markRead(number, request.messageId, request.typing);
        return { read: true };
      case 'send':
        return this.#businessSends(number, request);
    }
  }

  #businessSends(
    number: SimNumber,
    request: Extract<MessagesRequest, { kind: 'send' }>,
  ): { wamid: string; contact: { input: string; wa_id?: string; user_id?: string } } {
    this.#takeRateSlot(number.phoneNumberId);
    const { address } = request;
    const customer =
      address.by === 'phone' ? this.customers.byWaId(address.waId) : this.customers.byUserId(address.userId);
    const key = customer?.key ?? (address.by === 'phone' ? address.waId : address.userId);
    const wamid = newWamid(key);
    const message: ThreadMessage = {
      wamid,
      direction: 'out',
      phoneNumberId: number.phoneNumberId,
      waId: key,
      type: request.type,
      text: request.preview,
      timestamp: Math.floor(this.now() / 1000),
      status: 'accepted',
      ...(request.replyTo === undefined ? {} : { replyTo: request.replyTo }),
      ...(request.mediaId === undefined ? {} : { mediaId: request.mediaId }),
      ...(request.choices === undefined ? {} : { choices: request.choices }),
    };
    this.#addMessage(message);
    this.#addressing.set(message, { address, customer });
    let failure: StatusError | undefined;
    if (customer === undefined) {
      failure = statusError(131026, 'Message undeliverable', 'Message Undeliverable.');
    } else if (request.template?.category === 'MARKETING' && this.optedOut(number.phoneNumberId, key)) {
      failure = statusError(
        131050,
        'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
        'The user has stopped marketing messages from this business.',
      );
    } else if (!request.isTemplate && !this.inWindow(number.phoneNumberId, key)) {
      failure = statusError(
        131047,
        'Re-engagement message',
        'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      );
    }
    this.#scheduleStatuses(number, message, request, failure);
    // Meta answers `wa_id` for a send to a phone number, `user_id` for one to a BSUID.
    const contact =
      address.by === 'phone'
        ? { input: address.input, wa_id: address.waId }
        : { input: address.input, user_id: address.userId };
    return { wamid, contact };
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

  #markRead(number: SimNumber, messageId: string, typing: boolean): void {
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
    if (typing) {
      const at = this.now();
      const indicator: TypingIndicator = {
        phoneNumberId: number.phoneNumberId,
        waId: target.waId,
        messageId,
        at,
        until: at + TYPING_INDICATOR_MS,
      };
      this.#typing.push(indicator);
      this.#publish({ type: 'typing', indicator });
    }
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

  /**
   * A status webhook as Meta documents it since BSUIDs: `recipient_id` only for a send to a phone
   * number; `recipient_user_id` always, except on a `failed` status of a send to a phone number; the
   * recipient's contact (BSUID, phone number if shared, username on delivered/read) except on `failed`.
   */
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
              ? {
                  billable: true,
                  pricing_model: 'PMP',
                  category: extra.request?.template?.category.toLowerCase() ?? 'utility',
                  type: 'regular',
                }
              : { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' },
          }
        : {};
    const callback = extra.request?.callbackData;
    const addressing = this.#addressing.get(message);
    const address = addressing?.address;
    const customer = addressing?.customer;
    const toPhone = address?.by !== 'bsuid';
    const userId = customer?.userId ?? (address?.by === 'bsuid' ? address.userId : undefined);
    const recipientId = address?.by === 'phone' ? address.waId : toPhone ? message.waId : undefined;
    const contact =
      status === 'failed' || customer === undefined
        ? undefined
        : {
            ...(status !== 'sent' && customer.username !== undefined
              ? { profile: { username: customer.username } }
              : {}),
            ...(customer.waId === undefined ? {} : { wa_id: customer.waId }),
            user_id: customer.userId,
          };
    return {
      number,
      label: `status:${status}`,
      ...(contact === undefined ? {} : { contacts: [contact] }),
      statuses: [
        {
          id: message.wamid,
          status,
          timestamp: String(Math.floor(this.now() / 1000)),
          ...(recipientId === undefined ? {} : { recipient_id: recipientId }),
          ...(userId === undefined || (status === 'failed' && toPhone) ? {} : { recipient_user_id: userId }),
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

  // --- identity changes and templates ---

  #number(phoneNumberId: string | undefined): SimNumber {
    const number = phoneNumberId === undefined ? this.defaultNumber() : this.numberById(phoneNumberId);
    if (number === undefined) throw new NotFoundError('unknown phone number id');
    return number;
  }

  /** Meta's sender fields: `from` only for a shared phone number, `from_user_id` always. */
  #sender(customer: SimUser): Record<string, string> {
    if (customer.waId !== undefined) return { from: customer.waId, from_user_id: customer.userId };
    return this.faults.emptyFrom
      ? { from: '', from_user_id: customer.userId }
      : { from_user_id: customer.userId };
  }

  /**
   * Tells each business number the customer talks to (the first number if none) about an identity
   * change, and moves their chats, window and preferences to their new key.
   */
  #identityChanged(
    before: SimUser,
    after: SimUser,
    sender: Record<string, string>,
    system: Record<string, string>,
  ): string[] {
    const numbers = this.config.numbers.filter((n) => this.thread(before.key, n.phoneNumberId).length > 0);
    const targets = numbers.length > 0 ? numbers : [this.defaultNumber()];
    const wamids: string[] = [];
    const timestamp = Math.floor(this.now() / 1000);
    for (const number of targets) {
      this.#rekey(number.phoneNumberId, before.key, after.key);
      const wamid = newWamid(before.waId ?? before.userId);
      wamids.push(wamid);
      const message: ThreadMessage = {
        wamid,
        direction: 'in',
        phoneNumberId: number.phoneNumberId,
        waId: after.key,
        type: 'system',
        text: system.body ?? '',
        timestamp,
        status: 'sent',
      };
      this.#addMessage(message);
      // System messages carry no contacts array (Meta's system messages reference).
      this.#emit({
        number,
        label: 'system',
        messages: [{ ...sender, id: wamid, timestamp: String(timestamp), type: 'system', system }],
        onAcked: () => this.#setStatus(message, 'delivered'),
      });
    }
    this.customers.replace(before.key, after);
    this.#publish({ type: 'customer.changed', previousKey: before.key, customer: after });
    return wamids;
  }

  #rekey(phoneNumberId: string, from: string, to: string): void {
    if (from === to) return;
    const old = threadKey(phoneNumberId, from);
    const next = threadKey(phoneNumberId, to);
    const thread = this.#threads.get(old);
    if (thread !== undefined) {
      for (const message of thread) message.waId = to;
      this.#threads.set(next, [...(this.#threads.get(next) ?? []), ...thread]);
      this.#threads.delete(old);
    }
    const last = this.#lastInboundAt.get(old);
    if (last !== undefined) {
      this.#lastInboundAt.set(next, last);
      this.#lastInboundAt.delete(old);
    }
    if (this.#optedOut.delete(old)) this.#optedOut.add(next);
  }

  #template(name: string, language: string | undefined): SimTemplate {
    const matches = this.templates.filter(
      (t) => t.name === name && (language === undefined || t.language === language),
    );
    const [template] = matches;
    if (template === undefined) throw new NotFoundError('unknown template');
    if (matches.length > 1) throw new BadRequestError('several templates have that name: give the language');
    return template;
  }

  /** Announces a WABA-level template change to each WABA (signed with one of its numbers' secrets). */
  #templateChanged(template: SimTemplate, label: string, change: { field: string; value: unknown }): void {
    const seen = new Set<string>();
    for (const number of this.config.numbers) {
      if (seen.has(number.wabaId)) continue;
      seen.add(number.wabaId);
      this.#emit({ number, label, wabaChange: change });
    }
    this.#publish({ type: 'template.updated', template });
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
    const body = JSON.stringify(buildPayload(updates, Math.floor(this.now() / 1000)));
    const ok = await this.#deliverBody(body, first.number.appSecret, label);
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

/** A user as Meta lists them in `value.contacts[]`. */
function contactOf(customer: SimUser, with_: { name: boolean; username: boolean }): Record<string, unknown> {
  const profile = {
    ...(with_.name ? { name: customer.name } : {}),
    ...(with_.username && customer.username !== undefined ? { username: customer.username } : {}),
  };
  return {
    ...(Object.keys(profile).length > 0 ? { profile } : {}),
    ...(customer.waId === undefined ? {} : { wa_id: customer.waId }),
    user_id: customer.userId,
  };
}

/** Meta writes template ids as JSON numbers; ours are strings that fit (else stay strings). */
function templateIdValue(id: string): number | string {
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : id;
}
