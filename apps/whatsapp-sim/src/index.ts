/**
 * A faithful stand-in for Meta's WhatsApp Cloud API (Graph API) plus a customer phone page, for
 * the demo, the e2e tests and load tests.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  customerNameSchema,
  simulatorConfigSchema,
  type SimCustomerInput,
  type SimulatorConfig,
} from './config.ts';
import { registerControlRoutes, type SseClients } from './control-routes.ts';
import { customerMessageInputSchema, type CustomerMessageInput } from './customer-input.ts';
import { registerGraphRoutes } from './graph-routes.ts';
import { invalidParameter, MetaError } from './meta-errors.ts';
import { PHONE_PAGE_HTML } from './phone-page.ts';
import type { SimUser } from './customers.ts';
import {
  BadRequestError,
  NotFoundError,
  SimulatorCore,
  type Faults,
  type SimEvent,
  type ThreadMessage,
  type TypingIndicator,
} from './simulator-core.ts';
import { SimStateFile } from './state-file.ts';
import type { SimTemplate } from './templates.ts';
import type { DeliveryRecord } from './webhook-delivery.ts';

export type {
  SimulatorConfig,
  ResolvedSimulatorConfig,
  SimNumber,
  SimCustomer,
  SimUsernameCustomer,
  SimCustomerInput,
} from './config.ts';
export type { CustomerMessageInput, ReferralInput } from './customer-input.ts';
export { SAMPLE_AD, SAMPLE_CATALOG_ID, SAMPLE_ORDER_ITEMS } from './customer-input.ts';
export type { SimUser } from './customers.ts';
export type {
  Faults,
  SimEvent,
  ThreadMessage,
  ThreadMessageStatus,
  TypingIndicator,
} from './simulator-core.ts';
export type { DeliveryRecord } from './webhook-delivery.ts';
export type { SimTemplate } from './templates.ts';
export { SIM_TEMPLATES, SIM_MARKETING_TEMPLATE } from './templates.ts';
export { DEFAULT_CUSTOMERS } from './config.ts';
export { MEDIA_URL_TTL_MS } from './media-store.ts';
export { SERVICE_WINDOW_MS } from './simulator-core.ts';
export { STATE_SAVE_DELAY_MS } from './state-file.ts';

/** A running (or ready-to-run) simulator. */
export interface Simulator {
  /** The Fastify app (routes registered); usable with `app.inject` without listening. */
  app: FastifyInstance;
  /** Listens; resolves with the base URL (the Graph base URL and the phone page). Port 0 = free port. */
  start(port?: number, host?: string): Promise<string>;
  /** Cancels timers and deliveries, ends live streams, closes the server; writes the state file if any. */
  stop(): Promise<void>;
  /**
   * A customer sends a message (delivered to Parlo as a signed webhook). `waId` names the customer: their
   * phone number, or their BSUID / username for a customer without one.
   */
  sendFromCustomer(waId: string, input: CustomerMessageInput, phoneNumberId?: string): { wamid: string };
  /** Adds a customer: with a phone number, or a username / BSUID only. Returns them with their BSUID. */
  addCustomer(customer: SimCustomerInput): SimUser;
  /** The customer changes their profile name (what their next webhooks carry in `contacts[].profile.name`). */
  renameCustomer(id: string, name: string): SimUser;
  /** The customers, as the simulator keeps them (key, BSUID, phone number, username, name). */
  customers(): SimUser[];
  /** Every message of a customer's chat with a number (default: the first number). */
  thread(waId: string, phoneNumberId?: string): readonly ThreadMessage[];
  /** As if the customer's phone had that chat on screen; call the result to close it. */
  openChat(waId: string, phoneNumberId?: string): () => void;
  /** The customer changes phone number: `system` user_changed_number; their key becomes the new number. */
  changeNumber(id: string, newWaId: string): { wamids: string[]; customer: SimUser };
  /** The customer's BSUID changes (no phone number shared): `system` user_changed_user_id. */
  changeUserId(id: string): { wamids: string[]; customer: SimUser };
  /** The customer stops (`true`) or resumes (`false`) marketing messages: a `user_preferences` webhook. */
  setMarketingPreference(id: string, optOut: boolean, phoneNumberId?: string): void;
  /** Typing indicators the business showed, oldest first (to check they are throttled). */
  typingIndicators(filter?: { id?: string; phoneNumberId?: string }): readonly TypingIndicator[];
  /** The WABAs' templates now (what `GET /message_templates` lists). */
  templates(): readonly SimTemplate[];
  /** Adds (or replaces) a template, announced by a `message_template_status_update`. */
  addTemplate(template: SimTemplate): SimTemplate;
  /** Changes a template's status (`message_template_status_update`). */
  setTemplateStatus(
    name: string,
    change: { language?: string; status: SimTemplate['status']; reason?: string },
  ): SimTemplate;
  /** Changes a template's category (`template_category_update`). */
  setTemplateCategory(
    name: string,
    change: { language?: string; category: SimTemplate['category'] },
  ): SimTemplate;
  /** Misbehave on demand (duplicates, reordered or skipped statuses). */
  setFaults(patch: Partial<Faults>): Faults;
  /** Hold webhooks, then {@link flush} them as one batched payload. */
  hold(): void;
  flush(): Promise<void>;
  /** Deliver any payload, signed with `appSecret` (faults apply). Resolves true once acknowledged. */
  deliverRaw(payload: unknown, appSecret: string): Promise<boolean>;
  /** Every webhook delivery so far (no bodies). */
  deliveries(): readonly DeliveryRecord[];
  /** Resolves when no status timer or webhook delivery is pending. */
  idle(): Promise<void>;
  setWebhookUrl(url: string): void;
  /** Subscribes to thread changes; returns the unsubscribe function. */
  subscribe(listener: (event: SimEvent) => void): () => void;
}

/** Builds a simulator from its configuration (validated; throws on a bad one). */
export function createSimulator(config: SimulatorConfig): Simulator {
  const resolved = simulatorConfigSchema.parse(config);
  const core = new SimulatorCore(resolved, config.now ?? Date.now);
  const stateFile = persistence(
    core,
    resolved.stateFile,
    config.warn ?? ((message) => console.warn(message)),
  );
  // Stopping the stand-in ends every connection at once, as if Meta went away: nothing waits on keep-alive.
  const app = Fastify({ logger: resolved.logger, bodyLimit: 3 * 1024 * 1024, forceCloseConnections: true });
  const sseClients: SseClients = new Set();

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof MetaError) return reply.code(error.httpStatus).send(error.toBody());
    if (error instanceof NotFoundError) return reply.code(404).send({ error: { message: error.message } });
    if (error instanceof BadRequestError) return reply.code(400).send({ error: { message: error.message } });
    if (error instanceof z.ZodError) {
      return reply.code(400).send({ error: { message: 'invalid request', issues: error.issues } });
    }
    const status =
      typeof error === 'object' && error !== null && 'statusCode' in error ? Number(error.statusCode) : 500;
    // Graph routes answer Graph-shaped errors, even for a body Fastify could not parse.
    if (!request.url.startsWith('/sim/') && status >= 400 && status < 500) {
      const meta =
        status === 413
          ? new MetaError(413, 100, '(#100) Request too large')
          : invalidParameter('The request body could not be parsed.');
      return reply.code(meta.httpStatus).send(meta.toBody());
    }
    return reply
      .code(status >= 400 && status < 600 ? status : 500)
      .send({ error: { message: 'simulator error' } });
  });

  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PHONE_PAGE_HTML));
  app.get('/favicon.ico', (_request, reply) => reply.code(204).send());
  app.get('/healthz', () => ({ ok: true }));
  registerControlRoutes(app, core, sseClients);
  registerGraphRoutes(app, core);

  return {
    app,
    async start(port = 0, host = '127.0.0.1') {
      return app.listen({ port, host });
    },
    async stop() {
      core.pending.stop();
      core.delivery.abortAll();
      for (const client of sseClients) client.end();
      await app.close();
      await stateFile?.close();
    },
    sendFromCustomer: (waId, input, phoneNumberId) =>
      core.customerSends(waId, customerMessageInputSchema.parse(input), phoneNumberId),
    addCustomer: (customer) => core.addCustomer(customer),
    renameCustomer: (id, name) => core.renameCustomer(id, customerNameSchema.parse(name)),
    customers: () => [...core.customers.values()],
    thread: (waId, phoneNumberId) => core.thread(waId, phoneNumberId ?? core.defaultNumber().phoneNumberId),
    openChat: (waId, phoneNumberId) =>
      core.openChat(waId, phoneNumberId ?? core.defaultNumber().phoneNumberId),
    changeNumber: (id, newWaId) => core.changeNumber(id, newWaId),
    changeUserId: (id) => core.changeUserId(id),
    setMarketingPreference: (id, optOut, phoneNumberId) =>
      core.setMarketingPreference(id, optOut, phoneNumberId),
    typingIndicators: (filter) => core.typingIndicators(filter),
    templates: () => core.templates,
    addTemplate: (template) => core.addTemplate(template),
    setTemplateStatus: (name, change) => core.setTemplateStatus(name, change),
    setTemplateCategory: (name, change) => core.setTemplateCategory(name, change),
    setFaults: (patch) => core.setFaults(patch),
    hold: () => core.hold(),
    flush: () => core.flush(),
    deliverRaw: (payload, appSecret) => core.deliverRaw(payload, appSecret),
    deliveries: () => core.deliveries(),
    idle: () => core.pending.idle(),
    setWebhookUrl: (url) => core.setWebhookUrl(url),
    subscribe: (listener) => core.subscribe(listener),
  };
}

/** What changes the state file keeps (see state-file.ts); typing and template events are not kept. */
const KEPT: ReadonlySet<SimEvent['type']> = new Set([
  'message',
  'message.updated',
  'customer.added',
  'customer.changed',
  'preference',
]);

/** With a state file: loads it into the core now, and writes it after each change that it keeps. */
function persistence(
  core: SimulatorCore,
  path: string | undefined,
  warn: (message: string) => void,
): SimStateFile | undefined {
  if (path === undefined) return undefined;
  const file = new SimStateFile(path, () => core.exportState(), warn);
  const saved = file.load();
  if (saved !== undefined) core.importState(saved);
  core.subscribe((event) => {
    if (KEPT.has(event.type)) file.changed();
  });
  return file;
}
