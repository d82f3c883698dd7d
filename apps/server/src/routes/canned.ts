import {
  cannedListQuerySchema,
  cannedResponsesResponseSchema,
  cannedResponseViewSchema,
  cannedRoutes,
  createCannedResponseRequestSchema,
  okResponseSchema,
  renderedCannedResponseSchema,
  updateCannedResponseRequestSchema,
} from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { registerDocumented, type RouteDoc } from '../openapi/index.ts';
import { idOf, parseOr400, type ServerContext } from '../platform/index.ts';
import { requireUser } from '../services/auth/index.ts';
import {
  createCannedResponse,
  deleteCannedResponse,
  listCannedResponses,
  renderCannedResponse,
  updateCannedResponse,
} from '../services/canned/index.ts';

const ID = '{id}';
const CONVERSATION = '{conversationId}';
/** The protocol's path builders encode their argument; OpenAPI wants the template as is. */
const t = (path: string): string =>
  path.replaceAll(encodeURIComponent(ID), ID).replaceAll(encodeURIComponent(CONVERSATION), CONVERSATION);

const TAG = 'Canned responses';
const responseSchema = z.object({ response: cannedResponseViewSchema });

/** Issue 18's canned responses, described once: registered from these objects, documented too. */
const docs = {
  list: {
    method: 'GET',
    path: cannedRoutes.list,
    summary:
      "The canned responses the caller uses (an agent: their queues' and their own); `all=true`: every one (supervisors, administrators)",
    tag: TAG,
    auth: 'user',
    query: cannedListQuerySchema,
    response: cannedResponsesResponseSchema,
    errors: ['FORBIDDEN'],
  },
  create: {
    method: 'POST',
    path: cannedRoutes.list,
    summary:
      "A new canned response: the caller's own (`queueId` null), or a queue's (supervisors, administrators); audited",
    tag: TAG,
    auth: 'user',
    body: createCannedResponseRequestSchema,
    response: responseSchema,
    status: 201,
    errors: ['FORBIDDEN', 'ALREADY_EXISTS', 'UNKNOWN_REFERENCE'],
  },
  update: {
    method: 'PATCH',
    path: t(cannedRoutes.one(ID)),
    summary: 'Change a canned response the caller may keep; audited',
    tag: TAG,
    auth: 'user',
    body: updateCannedResponseRequestSchema,
    response: responseSchema,
    errors: ['FORBIDDEN', 'NOT_FOUND', 'ALREADY_EXISTS'],
  },
  remove: {
    method: 'DELETE',
    path: t(cannedRoutes.one(ID)),
    summary: 'Delete a canned response the caller may keep; audited',
    tag: TAG,
    auth: 'user',
    response: okResponseSchema,
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  },
  render: {
    method: 'POST',
    path: t(cannedRoutes.render(CONVERSATION, ID)),
    summary:
      "A canned response's text filled for a conversation the caller handles: customer, agent, queue and CAD variables, masked as the caller's views (S-12)",
    tag: TAG,
    auth: 'user',
    response: renderedCannedResponseSchema,
    errors: ['NOT_FOUND', 'NOT_CONVERSATION_OWNER'],
  },
} satisfies Record<string, RouteDoc>;

/** Issue 18's canned-response routes, for the OpenAPI document. */
export const CANNED_ROUTE_DOCS: readonly RouteDoc[] = Object.values(docs);

const renderParams = z.object({ conversationId: z.string().min(1).max(200), id: z.string().min(1).max(200) });

/** Canned responses (issue 18). */
export function registerCannedRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const user = (request: FastifyRequest) => requireUser(ctx.store, request, ctx.clock());
  registerDocumented(app, docs.list, async (request) =>
    listCannedResponses(ctx, await user(request), parseOr400(cannedListQuerySchema, request.query).all),
  );
  registerDocumented(app, docs.create, async (request) =>
    createCannedResponse(
      ctx,
      await user(request),
      parseOr400(createCannedResponseRequestSchema, request.body),
    ),
  );
  registerDocumented(app, docs.update, async (request) =>
    updateCannedResponse(
      ctx,
      await user(request),
      idOf(request),
      parseOr400(updateCannedResponseRequestSchema, request.body),
    ),
  );
  registerDocumented(app, docs.remove, async (request) =>
    deleteCannedResponse(ctx, await user(request), idOf(request)),
  );
  registerDocumented(app, docs.render, async (request) => {
    const { conversationId, id } = parseOr400(renderParams, request.params);
    return renderCannedResponse(ctx, await user(request), conversationId, id);
  });
}
