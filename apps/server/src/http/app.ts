import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import { ApiError } from '@parlo/protocol';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import { collectRoutes } from '../openapi/index.ts';
import { apiErrorOf, type ServerContext } from '../platform/index.ts';
import {
  registerMonitorSocketRoute,
  registerSocketRoute,
  registerWallboardSocketRoute,
  type RealtimeHub,
} from '../realtime/index.ts';
import {
  registerAdminRoutes,
  registerAgentRoutes,
  registerCannedRoutes,
  registerCsatRoutes,
  registerLabelRoutes,
  registerAuthRoutes,
  registerCollaborationRoutes,
  registerConversationRoutes,
  registerDocsRoutes,
  registerHistoryRoutes,
  registerReportRoutes,
  registerSearchRoutes,
  registerWallboardRoutes,
  registerMediaRoutes,
  registerMetricsRoutes,
  registerSsoRoutes,
  registerSupervisionRoutes,
  registerTemplateRoutes,
  registerWebhookRoutes,
} from '../routes/index.ts';
import type { MediaFiles } from '../services/media/index.ts';
import type { WallboardService } from '../services/wallboard/index.ts';
import { readiness } from '../services/metrics/index.ts';
import { clientErrorHandler, closeRefusedUpgrades, frameworkErrors } from './edge-errors.ts';
import { registerRequestLog } from './request-log.ts';
import { registerOriginGuard } from './origin-guard.ts';
import { registerRateLimits } from './rate-limits.ts';
import { registerSecurityHeaders } from './security-headers.ts';

/** What the HTTP app serves besides the context: the agents' sockets and the media files. */
export interface HttpParts {
  readonly hub: RealtimeHub;
  readonly mediaFiles: MediaFiles;
  readonly wallboard: WallboardService;
}

/** Fastify's compiler factories for a server whose routes declare no JSON schema (zod checks). */
function noJsonSchemas(): () => never {
  return () => {
    throw new Error(
      'a route declares a Fastify JSON schema: parse its input with zod in the handler instead',
    );
  };
}

/** The HTTP and WebSocket edge: every route parses its input and answers errors from the catalog. */
export async function buildHttpApp(ctx: ServerContext, parts: HttpParts): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = ctx.logger;
  const app: FastifyInstance = Fastify({
    loggerInstance,
    // One debug line per request and a summary at info instead (request-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // Behind a balancer the client's address is the forwarded one (sign-in limits per address).
    trustProxy: ctx.config.TRUST_PROXY ?? false,
    frameworkErrors,
    clientErrorHandler,
    // Every route parses its input with zod and declares no Fastify JSON schema, so Fastify's
    // default compilers (ajv, fast-json-stringify) are never used: not loading them is 100 ms of
    // a start. A route that declared a body, query, params, headers or response schema would not
    // be checked by them: it fails when it is registered instead.
    schemaController: { compilersFactory: { buildValidator: noJsonSchemas, buildSerializer: noJsonSchemas } },
  });
  collectRoutes(app);
  registerRequestLog(app, loggerInstance);
  closeKeptAliveConnectionsOnClose(app);
  closeRefusedUpgrades(app);
  // JSON routes take JSON only: a `text/plain` (or form) body, which a page of another site may
  // send without asking, is a 415 (the webhook and attachment scopes read raw bytes themselves).
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    const apiError = apiErrorOf(error);
    if (apiError) return reply.status(apiError.status).send(apiError.toBody());
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

  registerSecurityHeaders(app, ctx.config);
  registerOriginGuard(app, ctx.config);
  await app.register(fastifyCookie);
  await registerRateLimits(app, ctx);
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  // The balancer's readiness check: 503 while draining or when PostgreSQL or Redis is away.
  app.get('/healthz', async (_request, reply) => {
    const state = await readiness(ctx);
    if (!state.ready) return reply.status(503).send(new ApiError('UNAVAILABLE', state.reason).toBody());
    return { ok: true as const, node: ctx.bus.nodeId };
  });

  registerAuthRoutes(app, ctx);
  registerSsoRoutes(app, ctx);
  registerAgentRoutes(app, ctx);
  registerConversationRoutes(app, ctx);
  registerHistoryRoutes(app, ctx);
  registerSearchRoutes(app, ctx);
  registerCannedRoutes(app, ctx);
  registerCsatRoutes(app, ctx);
  registerLabelRoutes(app, ctx);
  registerReportRoutes(app, ctx);
  registerCollaborationRoutes(app, ctx);
  registerMediaRoutes(app, ctx, parts.mediaFiles);
  registerTemplateRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  registerDocsRoutes(app);
  registerSupervisionRoutes(app, ctx);
  registerMetricsRoutes(app, ctx);
  registerSocketRoute(app, ctx, parts.hub);
  registerMonitorSocketRoute(app, ctx, parts.hub);
  registerWallboardRoutes(app, ctx, parts.wallboard);
  registerWallboardSocketRoute(app, ctx, parts.wallboard);

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
