import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { customerNameSchema, simCustomerInputSchema } from './config.ts';
import { customerMessageInputSchema } from './customer-input.ts';
import { NotFoundError, type SimEvent, type SimulatorCore } from './simulator-core.ts';
import { simTemplateSchema } from './templates.ts';

const faultsSchema = z
  .object({
    duplicates: z.number().int().min(0).max(100),
    concurrentDuplicates: z.boolean(),
    reorderStatuses: z.boolean(),
    skipDelivered: z.boolean(),
    emptyFrom: z.boolean(),
  })
  .partial();

const changeNumberBody = z.object({
  newWaId: z.string().regex(/^\d{6,15}$/, 'digits of an E.164 number, without +'),
});
const renameBody = z.object({ name: z.string().trim().pipe(customerNameSchema) });
const marketingBody = z.object({ optOut: z.boolean(), phoneNumberId: z.string().optional() });
const typingQuery = z.object({ id: z.string().optional(), phoneNumberId: z.string().optional() });
const templateStatusBody = z.object({
  language: z.string().optional(),
  status: simTemplateSchema.shape.status,
  reason: z.string().optional(),
});
const templateCategoryBody = z.object({
  language: z.string().optional(),
  category: simTemplateSchema.shape.category,
});

const numberQuery = z.object({ phoneNumberId: z.string().optional() });
const eventsQuery = z.object({ waId: z.string().optional(), phoneNumberId: z.string().optional() });

/** Open SSE streams, so stop() can end them (Fastify's close waits for open connections). */
export type SseClients = Set<ServerResponse>;

/**
 * The simulator's own API under `/sim`: customers (`:id` is their key, BSUID, phone number or
 * username), their messages and identity changes, marketing preferences, templates, typing
 * indicators seen, live events, faults.
 */
export function registerControlRoutes(
  app: FastifyInstance,
  core: SimulatorCore,
  sseClients: SseClients,
): void {
  const numberOf = (phoneNumberId: string | undefined): string => {
    if (phoneNumberId === undefined) return core.defaultNumber().phoneNumberId;
    if (core.numberById(phoneNumberId) === undefined) throw new NotFoundError('unknown phone number id');
    return phoneNumberId;
  };

  app.get('/sim/customers', () => ({
    customers: [...core.customers.values()],
    numbers: core.config.numbers.map((n) => ({
      phoneNumberId: n.phoneNumberId,
      displayPhoneNumber: n.displayPhoneNumber,
      verifiedName: n.verifiedName ?? null,
    })),
  }));

  app.post('/sim/customers', async (request, reply) => {
    const customer = core.addCustomer(simCustomerInputSchema.parse(request.body));
    return reply.code(201).send(customer);
  });

  // The customer changes their profile name: their next messages carry it (contacts[].profile.name).
  app.patch<{ Params: { id: string } }>('/sim/customers/:id', (request) => {
    return core.renameCustomer(request.params.id, renameBody.parse(request.body).name);
  });

  app.post<{ Params: { id: string } }>('/sim/customers/:id/messages', (request) => {
    const { phoneNumberId } = numberQuery.parse(request.body ?? {});
    const input = customerMessageInputSchema.parse(request.body);
    return core.customerSends(request.params.id, input, phoneNumberId);
  });

  app.get<{ Params: { id: string } }>('/sim/customers/:id/thread', (request) => {
    const customer = core.customer(request.params.id);
    const phoneNumberId = numberOf(numberQuery.parse(request.query).phoneNumberId);
    return {
      customer,
      inWindow: core.inWindow(phoneNumberId, customer.key),
      optedOut: core.optedOut(phoneNumberId, customer.key),
      messages: core.thread(customer.key, phoneNumberId),
    };
  });

  // The customer changes number: a `system` message user_changed_number; their key becomes the new number.
  app.post<{ Params: { id: string } }>('/sim/customers/:id/change-number', (request) => {
    return core.changeNumber(request.params.id, changeNumberBody.parse(request.body).newWaId);
  });

  // The customer's BSUID changes (no phone number shared): a `system` message user_changed_user_id.
  app.post<{ Params: { id: string } }>('/sim/customers/:id/change-user-id', (request) => {
    return core.changeUserId(request.params.id);
  });

  // The customer stops or resumes marketing messages: a `user_preferences` webhook.
  app.post<{ Params: { id: string } }>('/sim/customers/:id/marketing', (request) => {
    const { optOut, phoneNumberId } = marketingBody.parse(request.body);
    core.setMarketingPreference(
      request.params.id,
      optOut,
      phoneNumberId === undefined ? undefined : numberOf(phoneNumberId),
    );
    return { optedOut: optOut };
  });

  // Every typing indicator the business showed (mark-as-read with typing_indicator), oldest first.
  app.get('/sim/typing', (request) => {
    const { id, phoneNumberId } = typingQuery.parse(request.query);
    return {
      indicators: core.typingIndicators({
        ...(id === undefined ? {} : { id }),
        ...(phoneNumberId === undefined ? {} : { phoneNumberId }),
      }),
    };
  });

  app.get('/sim/templates', () => ({ templates: core.templates }));
  app.post('/sim/templates', async (request, reply) => {
    return reply.code(201).send(core.addTemplate(simTemplateSchema.parse(request.body)));
  });
  // Meta reviewed, paused or disabled a template: message_template_status_update.
  app.post<{ Params: { name: string } }>('/sim/templates/:name/status', (request) => {
    return core.setTemplateStatus(request.params.name, templateStatusBody.parse(request.body));
  });
  // Meta recategorised a template: template_category_update.
  app.post<{ Params: { name: string } }>('/sim/templates/:name/category', (request) => {
    return core.setTemplateCategory(request.params.name, templateCategoryBody.parse(request.body));
  });

  app.get('/sim/faults', () => core.faults);
  app.put('/sim/faults', (request) => {
    return core.setFaults(faultsSchema.parse(request.body));
  });

  app.post('/sim/webhooks/hold', () => {
    core.hold();
    return { holding: true };
  });
  app.post('/sim/webhooks/flush', async () => {
    await core.flush();
    return { holding: false };
  });
  app.get('/sim/deliveries', () => ({ deliveries: core.deliveries() }));

  // Server-Sent Events: every thread change, live. Opening it with ?waId= means "this chat is on
  // screen", which is what turns business messages read.
  app.get('/sim/events', (request, reply) => {
    const query = eventsQuery.parse(request.query);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    raw.write('retry: 1000\n\n');
    sseClients.add(raw);
    const send = (event: SimEvent): void => {
      raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    };
    const unsubscribe = core.subscribe(send);
    const closeChat =
      query.waId !== undefined && core.customers.has(query.waId)
        ? core.openChat(query.waId, numberOf(query.phoneNumberId))
        : undefined;
    // Proxies drop silent streams; a comment line every 15 s keeps it open.
    const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
    raw.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
      closeChat?.();
      sseClients.delete(raw);
    });
  });
}
