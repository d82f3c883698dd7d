import { randomUUID } from 'node:crypto';
import { ApiError } from '@parlo/protocol';
import {
  flattenWebhook,
  isKnownStatus,
  SIGNATURE_HEADER,
  verifySignature,
  webhookPayloadSchema,
  type InboundMessage,
  type MessageStatus,
  type WebhookEvent,
} from '@parlo/whatsapp';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { commit, type ServerContext } from '../context.ts';
import { decideAndApply, type Outgoing } from '../routing/engine.ts';
import type { BusinessNumberRow, DeliveryStatus, StoreTx } from '../store/index.ts';
import { regionOfNumber } from '@parlo/masking';
import { describeInbound } from './inbound.ts';
import { redactPci, redactPciInJson } from './redaction.ts';
import { applyDeliveryStatus } from './statuses.ts';

export const WEBHOOK_PATH = '/webhooks/whatsapp';
/** Meta's payloads are at most 3 MB. */
const MAX_WEBHOOK_BYTES = 3 * 1024 * 1024;

/** Thrown to roll back and retry a delivery that raced a concurrent copy of itself. */
class ConcurrentDelivery extends Error {}

const verifyQuerySchema = z.object({
  'hub.mode': z.literal('subscribe'),
  'hub.verify_token': z.string().min(1),
  'hub.challenge': z.string().min(1).max(1000),
});

/** The webhook endpoint: Meta's verification handshake and signed deliveries. */
export function registerWebhookRoutes(app: FastifyInstance, ctx: ServerContext): void {
  void app.register((scope, _opts, done) => {
    // The signature covers the raw bytes, so this scope keeps them: parsing happens after the check.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_WEBHOOK_BYTES }, (_req, body, next) =>
      next(null, body),
    );

    scope.get(WEBHOOK_PATH, async (request, reply) => {
      const query = verifyQuerySchema.safeParse(request.query);
      if (!query.success) throw new ApiError('VALIDATION_FAILED', 'Not a verification request');
      const numbers = await ctx.store.transaction((tx) => tx.listBusinessNumbers());
      if (!numbers.some((n) => n.verifyToken === query.data['hub.verify_token'])) {
        throw new ApiError('VERIFY_TOKEN_MISMATCH', 'Verify token does not match');
      }
      return reply.type('text/plain').send(query.data['hub.challenge']);
    });

    scope.post(WEBHOOK_PATH, async (request) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = request.headers[SIGNATURE_HEADER];
      const numbers = await ctx.store.transaction((tx) => tx.listBusinessNumbers());
      const secret = matchingSecret(raw, typeof header === 'string' ? header : undefined, numbers);
      if (secret === undefined) {
        ctx.logger.warn({ event: 'webhook.rejected', reason: 'signature' }, 'webhook with a bad signature');
        throw new ApiError('BAD_SIGNATURE', 'Signature does not match the payload');
      }
      const payload = parsePayload(raw);
      if (!payload) {
        ctx.logger.warn({ event: 'webhook.rejected', reason: 'malformed' }, 'malformed webhook');
        throw new ApiError('MALFORMED_WEBHOOK', 'Payload is not a WhatsApp Business Account webhook');
      }
      const events = flattenWebhook(payload);
      // Stored before acknowledged: the raw delivery and its effects commit together, then the 200.
      for (let attempt = 1; ; attempt++) {
        try {
          await commit(ctx, async (tx, out, now) => {
            // While masking is on, payment and identity numbers are not kept in clear, not even here.
            const masking = (await out.presenter()).masking;
            const body = masking ? redactPciInJson(raw.toString('utf8'), undefined) : raw.toString('utf8');
            await tx.insertWebhookDelivery({ id: `wh_${randomUUID()}`, receivedAt: now, body });
            for (const event of events) await ingestEvent(ctx, tx, out, event, secret, now);
          });
          return { ok: true as const };
        } catch (err) {
          // A concurrent copy of this delivery won a race (PostgreSQL): run again, and the dedupe
          // check now sees its messages.
          if (!(err instanceof ConcurrentDelivery) || attempt >= 3) throw err;
        }
      }
    });
    done();
  });
}

function matchingSecret(raw: Buffer, header: string | undefined, numbers: readonly BusinessNumberRow[]) {
  for (const number of numbers) {
    for (const secret of number.appSecrets) if (verifySignature(raw, header, [secret])) return secret;
  }
  return undefined;
}

function parsePayload(raw: Buffer) {
  try {
    const result = webhookPayloadSchema.safeParse(JSON.parse(raw.toString('utf8')));
    if (!result.success) return undefined;
    flattenWebhook(result.data); // a change whose value does not parse makes the payload malformed
    return result.data;
  } catch {
    return undefined;
  }
}

async function ingestEvent(
  ctx: ServerContext,
  tx: StoreTx,
  out: Outgoing,
  event: WebhookEvent,
  secret: string,
  now: number,
): Promise<void> {
  const number = await tx.findBusinessNumberByPhoneNumberId(event.phoneNumberId);
  // Unknown numbers, or a secret that belongs to another number's app, are never guessed at.
  if (!number || !number.appSecrets.includes(secret)) {
    ctx.logger.warn(
      { event: 'webhook.unknownNumber', phoneNumberId: event.phoneNumberId },
      'update for an unknown number',
    );
    return;
  }
  switch (event.kind) {
    case 'message':
      await ingestMessage(tx, out, number, event.message, event.contactName, now);
      return;
    case 'status':
      await ingestStatus(tx, out, event.status, now);
      return;
    case 'error':
      ctx.logger.warn({ event: 'webhook.error', code: event.error.code }, 'WhatsApp reported an error');
      return;
  }
}

async function ingestMessage(
  tx: StoreTx,
  out: Outgoing,
  number: BusinessNumberRow,
  message: InboundMessage,
  contactName: string | undefined,
  now: number,
): Promise<void> {
  if (await tx.hasWamid(message.id)) return; // Meta delivers at least once: duplicates are normal
  const customer = await tx.upsertCustomer({
    id: `cus_${randomUUID()}`,
    businessNumberId: number.id,
    waId: message.from,
    name: contactName ?? message.from,
  });
  const sentAt = Number(message.timestamp) * 1000 || now;
  let conversation = await tx.findLiveConversationOfCustomer(customer.id);
  const isNew = conversation === undefined;
  const conversationId = conversation?.id ?? `con_${randomUUID()}`;
  if (!conversation) {
    await tx.insertConversation({
      id: conversationId,
      customerId: customer.id,
      businessNumberId: number.id,
      queueId: number.queueId,
      receivedAt: now,
    });
  }
  const row = {
    id: `msg_${randomUUID()}`,
    conversationId,
    direction: 'inbound' as const,
    wamid: message.id,
    kind: message.type,
    text: (await out.presenter()).masking
      ? redactPci(describeInbound(message), regionOfNumber(number.displayPhoneNumber))
      : describeInbound(message),
    authorName: customer.name,
    authorUserId: null,
    sentAt,
    createdAt: now,
    status: null,
    failureReason: null,
    clientMessageId: null,
  };
  if ((await tx.insertInboundMessage(row)) === 'duplicate') {
    // Another transaction stored this wamid after our check: roll back the conversation we opened.
    if (isNew) throw new ConcurrentDelivery();
    return;
  }
  await tx.touchLastInbound(conversationId, sentAt);
  if (isNew) {
    await decideAndApply(
      tx,
      out,
      { type: 'conversation.arrived', conversationId, queueId: number.queueId, receivedAt: now },
      now,
    );
    return;
  }
  conversation = (await tx.getConversationDetails([conversationId]))[0];
  if (conversation?.agentId && (conversation.phaseKind === 'active' || conversation.phaseKind === 'wrapUp')) {
    await out.emit(conversation.agentId, {
      type: 'message.upserted',
      message: (await out.presenter()).message(row, conversation),
    });
  }
}

async function ingestStatus(tx: StoreTx, out: Outgoing, status: MessageStatus, now: number): Promise<void> {
  if (!isKnownStatus(status)) return;
  const next: DeliveryStatus = status.status === 'played' ? 'read' : status.status;
  const first = status.errors?.[0];
  const reason = first ? `${first.title ?? first.message ?? 'Failed'} (${first.code})` : null;
  const message = await tx.findMessageByWamid(status.id);
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
