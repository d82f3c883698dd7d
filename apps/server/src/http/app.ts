import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import { ApiError, type ErrorCode } from '@parlo/protocol';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { registerAdminRoutes } from '../admin/index.ts';
import { registerAuthRoutes } from '../auth/routes.ts';
import { sessionUser } from '../auth/sessions.ts';
import { registerWebhookRoutes } from '../channel/webhook.ts';
import { registerReadReceiptRoutes } from '../channel/read-receipts.ts';
import { registerTemplateRoutes } from '../templates/routes.ts';
import type { ServerContext } from '../context.ts';
import { registerConversationRoutes } from '../conversations/routes.ts';
import { registerCollaborationRoutes } from '../collaboration/routes.ts';
import { registerMediaRoutes } from '../media/routes.ts';
import { registerMetricsRoutes } from '../metrics/routes.ts';
import { collectRoutes, registerDocsRoutes } from '../openapi/index.ts';
import { registerRoutingRoutes } from '../routing/routes.ts';
import { registerSupervisorRoutes } from '../supervisor/routes.ts';

/** Fastify's own errors that are the client's fault, mapped into our catalog. */
const FASTIFY_ERRORS: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VALIDATION_FAILED',
};

/** The HTTP and WebSocket edge: every route parses its input and answers errors from the catalog. */
export async function buildHttpApp(ctx: ServerContext): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = ctx.logger;
  const app: FastifyInstance = Fastify({ loggerInstance, bodyLimit: 1024 * 1024 });
  collectRoutes(app);
  closeKeptAliveConnectionsOnClose(app);

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) return reply.status(error.status).send(error.toBody());
    const mapped =
      (error.code && FASTIFY_ERRORS[error.code]) ??
      (error instanceof SyntaxError ? 'VALIDATION_FAILED' : undefined);
    if (mapped) {
      const apiError = new ApiError(mapped, error.message);
      return reply.status(apiError.status).send(apiError.toBody());
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(new ApiError('INTERNAL', 'Internal error').toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || request.url.startsWith('/webhooks/')) {
      return reply.status(404).send(new ApiError('NOT_FOUND', 'No such route').toBody());
    }
    return desktopIndex
      ? reply.sendFile('index.html')
      : reply.status(404).send(new ApiError('NOT_FOUND', 'No such page').toBody());
  });

  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  app.get('/healthz', async () => {
    await ctx.store.transaction((tx) => tx.getSetting('schema'));
    return { ok: true as const };
  });

  registerAuthRoutes(app, ctx);
  registerRoutingRoutes(app, ctx);
  registerConversationRoutes(app, ctx);
  registerCollaborationRoutes(app, ctx);
  registerMediaRoutes(app, ctx);
  registerTemplateRoutes(app, ctx);
  registerReadReceiptRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  registerDocsRoutes(app);
  registerSupervisorRoutes(app, ctx);
  registerMetricsRoutes(app, ctx);

  // Authenticated before the upgrade, so the socket is taken over synchronously and no early
  // frame (the desktop's hello) can slip past before a listener exists.
  const socketUsers = new WeakMap<object, string>();
  app.get(
    '/api/ws',
    {
      websocket: true,
      preValidation: async (request) => {
        const user = await sessionUser(ctx.store, request, ctx.clock());
        if (!user) throw new ApiError('UNAUTHENTICATED', 'Sign in first');
        socketUsers.set(request, user.id);
      },
    },
    (socket, request) => {
      const userId = socketUsers.get(request);
      if (userId === undefined) {
        socket.close(4001, 'unauthenticated');
        return;
      }
      ctx.hub.attach(socket, userId);
    },
  );

  const dist = ctx.config.DESKTOP_DIST ? resolve(ctx.config.DESKTOP_DIST) : '';
  const desktopIndex = dist !== '' && existsSync(resolve(dist, 'index.html'));
  if (desktopIndex) await app.register(fastifyStatic, { root: dist, wildcard: false });
  return app;
}

/**
 * A graceful close waits for every open connection to end. Fastify closes the idle ones when
 * closing starts, but a request in flight at that moment (a webhook being committed) leaves its
 * connection kept alive after the answer, idle for the whole keep-alive timeout (72 s), and the
 * close waits that long. So answers sent while closing say `Connection: close`: the in-flight
 * request finishes normally and its connection ends with it.
 */
export function closeKeptAliveConnectionsOnClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) void reply.header('connection', 'close');
    return payload;
  });
}
