import { ApiError } from '@parlo/protocol';
import { flattenWebhook, SIGNATURE_HEADER, webhookPayloadSchema } from '@parlo/whatsapp';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerContext } from '../platform/index.ts';
import { GroupCommitOverloaded, WebhookIngest } from '../services/channel/index.ts';
import { metricsOf } from '../services/metrics/index.ts';

export const WEBHOOK_PATH = '/webhooks/whatsapp';
/** Meta's payloads are at most 3 MB. */
const MAX_WEBHOOK_BYTES = 3 * 1024 * 1024;

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
    const ingest = new WebhookIngest(ctx);
    const metrics = metricsOf(ctx);

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
      const payload = parsePayload(raw);
      if (!payload) {
        metrics.webhookRejected('malformed');
        ctx.logger.warn({ event: 'webhook.rejected', reason: 'malformed' }, 'malformed webhook');
        throw new ApiError('MALFORMED_WEBHOOK', 'Payload is not a WhatsApp Business Account webhook');
      }
      try {
        // Stored before acknowledged: the 200 waits for the delivery's commit.
        await ingest.submit({ raw, events: flattenWebhook(payload), secret });
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
