import type { Readable } from 'node:stream';
import { ApiError } from '@parlo/protocol';
import { flattenWebhookUpdates, SIGNATURE_HEADER, webhookPayloadSchema } from '@parlo/whatsapp';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerContext } from '../platform/index.ts';
import { GroupCommitOverloaded, WebhookIngest } from '../services/channel/index.ts';
import { metricsOf } from '../services/metrics/index.ts';

export const WEBHOOK_PATH = '/webhooks/whatsapp';
/** Meta's payloads are at most 3 MB. */
const MAX_WEBHOOK_BYTES = 3 * 1024 * 1024;
/**
 * How much of an oversized upload is read (and thrown away) before its 413 is sent. A sender
 * still writing when the connection closes sees EPIPE, not the answer; reading to the end of its
 * upload lets it read the 413. Past either bound the 413 goes at once and the connection closes.
 */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
const DRAIN_MAX_MS = 10_000;

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
    scope.addContentTypeParser('*', (request, payload, done) =>
      readBody(payload, Number(request.headers['content-length']), done),
    );
    const ingest = new WebhookIngest(ctx);
    const metrics = metricsOf(ctx);
    // The masking threads stop with the last server of the process.
    scope.addHook('onClose', () => ingest.close());

    scope.get(WEBHOOK_PATH, async (request, reply) => {
      const query = verifyQuerySchema.safeParse(request.query);
      if (!query.success) throw new ApiError('VALIDATION_FAILED', 'Not a verification request');
      if (!(await ingest.knowsVerifyToken(query.data['hub.verify_token']))) {
        throw new ApiError('VERIFY_TOKEN_MISMATCH', 'Verify token does not match');
      }
      return reply.type('text/plain').send(query.data['hub.challenge']);
    });

    scope.addHook('onRequest', (request, _reply, done) => {
      if (request.method !== 'POST') return done();
      metrics.webhookReceived();
      // Past saturation: a fast 503 (Meta retries) before reading the body, never a timeout.
      if (ingest.full) {
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
      const secret = await ingest.secretOf(raw, typeof header === 'string' ? header : undefined);
      if (secret === undefined) {
        metrics.webhookRejected('bad_signature');
        ctx.logger.warn({ event: 'webhook.rejected', reason: 'signature' }, 'webhook with a bad signature');
        throw new ApiError('BAD_SIGNATURE', 'Signature does not match the payload');
      }
      try {
        // A large delivery's redaction starts before its parse: the mask pool's thread works beside it.
        const started = await ingest.startRedaction(raw);
        const parsed = updatesOf(raw);
        if (!parsed) {
          metrics.webhookRejected('malformed');
          ctx.logger.warn({ event: 'webhook.rejected', reason: 'malformed' }, 'malformed webhook');
          throw new ApiError('MALFORMED_WEBHOOK', 'Payload is not a WhatsApp Business Account webhook');
        }
        // Stored before acknowledged: the 200 waits for the delivery's commit.
        await ingest.submit(
          { raw, events: parsed.events, secret },
          started && { answer: started.answer, document: parsed.document },
        );
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

/**
 * Reads a webhook's raw bytes, up to MAX_WEBHOOK_BYTES. An oversized body is a 413 answered only
 * once the upload is over (read to its end and discarded, within the drain bounds), so that the
 * sender, done writing, reads it. Fastify's own limit answers as soon as the limit is crossed and
 * closes the connection under a sender still writing (it sees EPIPE).
 */
function readBody(
  payload: Readable,
  declared: number,
  done: (err: Error | null, body?: Buffer) => void,
): void {
  const tooLarge = (): ApiError => new ApiError('PAYLOAD_TOO_LARGE', 'Webhook payloads are at most 3 MB');
  if (declared > DRAIN_MAX_BYTES) return done(tooLarge());
  let chunks: Buffer[] = [];
  let received = 0;
  let settled = false;
  const finish = (err: Error | null, body?: Buffer): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', finish);
    done(err, body);
  };
  const onData = (chunk: Buffer): void => {
    received += chunk.length;
    if (received > DRAIN_MAX_BYTES) return finish(tooLarge());
    if (received > MAX_WEBHOOK_BYTES) chunks = [];
    else chunks.push(chunk);
  };
  const onEnd = (): void => {
    if (received > MAX_WEBHOOK_BYTES) return finish(tooLarge());
    if (!Number.isNaN(declared) && received !== declared)
      return finish(new ApiError('VALIDATION_FAILED', 'Body length differs from Content-Length'));
    finish(null, Buffer.concat(chunks, received));
  };
  // Draining an oversized upload ends after DRAIN_MAX_MS whatever the sender does.
  const timer = setTimeout(() => {
    if (received > MAX_WEBHOOK_BYTES || declared > MAX_WEBHOOK_BYTES) finish(tooLarge());
  }, DRAIN_MAX_MS);
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', finish);
  payload.resume();
}

/**
 * A delivery's updates and its parsed body, or undefined when its body is not a WhatsApp Business
 * Account webhook (a messages change whose value does not parse, too). Flattened once: the same list
 * is ingested.
 */
function updatesOf(raw: Buffer) {
  try {
    const document: unknown = JSON.parse(raw.toString('utf8'));
    const result = webhookPayloadSchema.safeParse(document);
    return result.success ? { events: flattenWebhookUpdates(result.data), document } : undefined;
  } catch {
    return undefined;
  }
}
