import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { simCustomerSchema } from './config.ts';
import { customerMessageInputSchema } from './customer-input.ts';
import { NotFoundError, type SimEvent, type SimulatorCore } from './simulator-core.ts';

const faultsSchema = z
  .object({
    duplicates: z.number().int().min(0).max(100),
    concurrentDuplicates: z.boolean(),
    reorderStatuses: z.boolean(),
    skipDelivered: z.boolean(),
  })
  .partial();

const numberQuery = z.object({ phoneNumberId: z.string().optional() });
const eventsQuery = z.object({ waId: z.string().optional(), phoneNumberId: z.string().optional() });

/** Open SSE streams, so stop() can end them (Fastify's close waits for open connections). */
export type SseClients = Set<ServerResponse>;

/** The simulator's own API under `/sim`: customers, their messages, live events, faults. */
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
    const customer = simCustomerSchema.parse(request.body);
    core.addCustomer(customer);
    return reply.code(201).send(customer);
  });

  app.post<{ Params: { waId: string } }>('/sim/customers/:waId/messages', (request) => {
    const { phoneNumberId } = numberQuery.parse(request.body ?? {});
    const input = customerMessageInputSchema.parse(request.body);
    return core.customerSends(request.params.waId, input, phoneNumberId);
  });

  app.get<{ Params: { waId: string } }>('/sim/customers/:waId/thread', (request) => {
    if (!core.customers.has(request.params.waId)) throw new NotFoundError('unknown customer');
    const phoneNumberId = numberOf(numberQuery.parse(request.query).phoneNumberId);
    return {
      inWindow: core.inWindow(phoneNumberId, request.params.waId),
      messages: core.thread(request.params.waId, phoneNumberId),
    };
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
