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
import { metricsOf, type Metrics } from '../metrics/index.ts';
import { decideAndApply, type Outgoing } from '../routing/engine.ts';
import type { BusinessNumberRow, DeliveryStatus, StoreTx } from '../store/index.ts';
import { regionOfNumber } from '@parlo/masking';
import { GroupCommitOverloaded, GroupCommitter } from './group-commit.ts';
import { inboundMessageId, inboundParts, presentStored, recordInboundMedia } from './inbound.ts';
import { redactPci, redactPciInJson } from './redaction.ts';
import { applyDeliveryStatus } from './statuses.ts';
import { messageAudience } from '../views/index.ts';

export const WEBHOOK_PATH = '/webhooks/whatsapp';
/** Meta's payloads are at most 3 MB. */
const MAX_WEBHOOK_BYTES = 3 * 1024 * 1024;

/** Thrown to roll back and retry a delivery that raced a concurrent copy of itself. */
class ConcurrentDelivery extends Error {}

/** How long the list of numbers (and their secrets) is reused before it is read again. */
const NUMBERS_CACHE_MS = 1000;

/** A checked, parsed delivery waiting for its commit. */
interface Delivery {
  readonly raw: Buffer;
  readonly events: readonly WebhookEvent[];
  readonly secret: string;
}

/** What ingesting a delivery observed; fed to the metrics only once its transaction committed. */
class IngestNotes {
  readonly updates: string[] = [];
  readonly unknownNumbers: (string | undefined)[] = [];
  readonly sentAts: number[] = [];
  duplicates = 0;

  record(metrics: Metrics, committedAt: number): void {
    for (const id of this.updates) metrics.updateReceived(id);
    for (const id of this.unknownNumbers) metrics.webhookRejected('unknown_number', id);
    for (const sentAt of this.sentAts) metrics.ingested(sentAt, committedAt);
    for (let i = 0; i < this.duplicates; i++) metrics.duplicate('message');
  }
}

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

    const metrics = metricsOf(ctx);
    let numbersCache: { at: number; numbers: Promise<BusinessNumberRow[]> } | undefined;
    const businessNumbers = (fresh = false): Promise<BusinessNumberRow[]> => {
      const now = ctx.clock();
      if (fresh || !numbersCache || now - numbersCache.at > NUMBERS_CACHE_MS) {
        // Deleted numbers too: their customers' later messages are stored for admins (S-7).
        const numbers = ctx.store.transaction((tx) => tx.listBusinessNumbers({ includeDeleted: true }));
        numbersCache = { at: now, numbers };
        numbers.catch(() => (numbersCache = undefined));
      }
      return numbersCache.numbers;
    };

    // Stored before acknowledged: each delivery's raw body and effects commit (with others that
    // arrived meanwhile: group commit), then its 200.
    const committer = new GroupCommitter<Delivery>(
      async (deliveries) => {
        const notes = deliveries.map(() => new IngestNotes());
        await commit(ctx, async (tx, out, now) => {
          for (const [i, delivery] of deliveries.entries()) {
            await ingestDelivery(ctx, tx, out, delivery, now, notes[i] ?? new IngestNotes());
          }
        });
        const committedAt = ctx.clock();
        for (const n of notes) n.record(metrics, committedAt);
        metrics.batchCommitted(deliveries.length);
      },
      async (delivery) => {
        for (let attempt = 1; ; attempt++) {
          const notes = new IngestNotes();
          try {
            await commit(ctx, (tx, out, now) => ingestDelivery(ctx, tx, out, delivery, now, notes));
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

    scope.addHook('onRequest', (request, _reply, done) => {
      if (request.method !== 'POST') return done();
      metrics.webhookReceived();
      // Past saturation: a fast 503 (Meta retries) before reading the body, never a timeout.
      if (committer.full) {
        metrics.webhookRejected('overloaded');
        return done(new ApiError('UNAVAILABLE', 'Too many deliveries waiting; retry later'));
      }
      done();
    });
    scope.addHook('onResponse', (request, reply, done) => {
      if (request.method === 'POST') {
        metrics.acked(reply.elapsedTime / 1000);
        // Refused by the body parser before the handler ran.
        if (reply.statusCode === 413) metrics.webhookRejected('too_large');
      }
      done();
    });

    scope.post(WEBHOOK_PATH, async (request) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = request.headers[SIGNATURE_HEADER];
      const signature = typeof header === 'string' ? header : undefined;
      // A number (or secret) added within the cache's second is found by reading the list again.
      const secret =
        matchingSecret(raw, signature, await businessNumbers()) ??
        matchingSecret(raw, signature, await businessNumbers(true));
      if (secret === undefined) {
        metrics.webhookRejected('bad_signature');
        ctx.logger.warn({ event: 'webhook.rejected', reason: 'signature' }, 'webhook with a bad signature');
        throw new ApiError('BAD_SIGNATURE', 'Signature does not match the payload');
      }
      const payload = parsePayload(raw);
      if (!payload) {
        metrics.webhookRejected('malformed');
        ctx.logger.warn({ event: 'webhook.rejected', reason: 'malformed' }, 'malformed webhook');
        throw new ApiError('MALFORMED_WEBHOOK', 'Payload is not a WhatsApp Business Account webhook');
      }
      try {
        await committer.submit({ raw, events: flattenWebhook(payload), secret });
      } catch (err) {
        if (!(err instanceof GroupCommitOverloaded)) throw err;
        // Past saturation: a fast 503 that Meta retries, rather than a timeout.
        metrics.webhookRejected('overloaded');
        throw new ApiError('UNAVAILABLE', 'Too many deliveries waiting; retry later');
      }
      return { ok: true as const };
    });
    done();
  });
}

async function ingestDelivery(
  ctx: ServerContext,
  tx: StoreTx,
  out: Outgoing,
  delivery: Delivery,
  now: number,
  notes: IngestNotes,
): Promise<void> {
  // While masking is on, payment and identity numbers are not kept in clear, not even here.
  const masking = (await out.presenter()).masking;
  const text = delivery.raw.toString('utf8');
  const body = masking ? redactPciInJson(text, undefined) : text;
  await tx.insertWebhookDelivery({ id: `wh_${randomUUID()}`, receivedAt: now, body });
  for (const event of delivery.events) await ingestEvent(ctx, tx, out, event, delivery.secret, now, notes);
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
  event: WebhookEvent,
  secret: string,
  now: number,
  notes: IngestNotes,
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
      await ingestMessage(tx, out, number, event.message, event.contactName, now, notes);
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
  notes: IngestNotes,
): Promise<void> {
  // Meta delivers at least once: duplicates are normal.
  if (await tx.hasWamid(message.id)) {
    notes.duplicates++;
    return;
  }
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
  // S-7: a deleted number's customer is never routed (nobody could answer), but the message is
  // kept, in a conversation opened already closed, and listed for admins (ADR 0007).
  const numberDeleted = (number.deletedAt ?? null) !== null;
  if (!conversation) {
    await tx.insertConversation({
      id: conversationId,
      customerId: customer.id,
      businessNumberId: number.id,
      queueId: number.queueId,
      receivedAt: now,
      ...(numberDeleted ? { closedAt: now } : {}),
    });
  }
  const parts = inboundParts(message);
  const row = {
    id: inboundMessageId(now),
    conversationId,
    direction: 'inbound' as const,
    wamid: message.id,
    kind: parts.kind,
    text: (await out.presenter()).masking
      ? redactPci(parts.text, regionOf(number.displayPhoneNumber))
      : parts.text,
    content: parts.content,
    replyToWamid: parts.replyToWamid,
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
    notes.duplicates++;
    return;
  }
  notes.sentAts.push(sentAt);
  await recordInboundMedia(tx, row, number.id, parts, now);
  await tx.touchLastInbound(conversationId, sentAt);
  if (isNew && numberDeleted) return;
  if (isNew) {
    await decideAndApply(
      tx,
      out,
      { type: 'conversation.arrived', conversationId, queueId: number.queueId, receivedAt: now },
      now,
    );
    return;
  }
  // Nothing above changed its phase or owner: the details read before stand, with the window moved
  // (one query less per message, on the ingest's hot path).
  if (!conversation) return; // not new, so found above
  conversation = { ...conversation, lastInboundAt: Math.max(conversation.lastInboundAt ?? sentAt, sentAt) };
  const audience = messageAudience(conversation);
  if (conversation && audience.length > 0) {
    const message = await presentStored(tx, await out.presenter(), row, conversation);
    for (const agentId of audience) await out.emit(agentId, { type: 'message.upserted', message });
  }
}

/**
 * A business number's region, parsed once: libphonenumber's parse cost ~50 us per inbound message
 * (5% of the ingest's CPU in the profile), always for the same few numbers.
 */
const regions = new Map<string, ReturnType<typeof regionOfNumber>>();
function regionOf(displayPhoneNumber: string): ReturnType<typeof regionOfNumber> {
  if (regions.has(displayPhoneNumber)) return regions.get(displayPhoneNumber);
  const region = regionOfNumber(displayPhoneNumber);
  // Bounded: numbers are a handful, but a long-lived server should not grow without limit.
  if (regions.size >= 1000) regions.clear();
  regions.set(displayPhoneNumber, region);
  return region;
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
