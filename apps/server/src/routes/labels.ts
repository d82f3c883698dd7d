import {
  assignedLabelsQuerySchema,
  assignedLabelsResponseSchema,
  conversationLabelsSchema,
  createLabelRequestSchema,
  labelReportQuerySchema,
  labelReportResponseSchema,
  labelResponseSchema,
  labelRoutes,
  labelsResponseSchema,
  okResponseSchema,
  updateLabelRequestSchema,
} from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { registerDocumented, type RouteDoc } from '../openapi/index.ts';
import { idOf, parseOr400, type ServerContext } from '../platform/index.ts';
import { requireAdmin, requireSupervisor, requireUser } from '../services/auth/index.ts';
import {
  assignedLabels,
  createLabel,
  deleteLabel,
  getConversationLabels,
  labelReport,
  listLabels,
  setConversationLabel,
  updateLabel,
} from '../services/labels/index.ts';

const ID = '{id}';
const CONVERSATION = '{conversationId}';
const LABEL = '{labelId}';
/** The protocol's path builders encode their argument; OpenAPI wants the template as is. */
const t = (path: string): string =>
  [ID, CONVERSATION, LABEL].reduce((p, name) => p.replaceAll(encodeURIComponent(name), name), path);

const TAG = 'Labels';

/** Issue 18's labels, described once: registered from these objects, documented too. */
const docs = {
  list: {
    method: 'GET',
    path: labelRoutes.list,
    summary: 'Every label the administrator defined, by name (any signed-in user)',
    tag: TAG,
    auth: 'user',
    response: labelsResponseSchema,
  },
  assigned: {
    method: 'GET',
    path: labelRoutes.assigned,
    summary:
      'The labels of several conversations (`conversationIds`, comma-separated, at most 100): those the caller may read, the others left out',
    tag: TAG,
    auth: 'user',
    query: assignedLabelsQuerySchema,
    response: assignedLabelsResponseSchema,
    errors: ['VALIDATION_FAILED'],
  },
  create: {
    method: 'POST',
    path: labelRoutes.admin,
    summary:
      'A new label: a name unique ignoring case (1-40 characters), a palette color, a description; audited',
    tag: TAG,
    auth: 'admin',
    body: createLabelRequestSchema,
    response: labelResponseSchema,
    status: 201,
    errors: ['VALIDATION_FAILED', 'ALREADY_EXISTS'],
  },
  update: {
    method: 'PATCH',
    path: t(labelRoutes.adminOne(ID)),
    summary: 'Rename, recolor or describe a label; audited',
    tag: TAG,
    auth: 'admin',
    body: updateLabelRequestSchema,
    response: labelResponseSchema,
    errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'ALREADY_EXISTS'],
  },
  remove: {
    method: 'DELETE',
    path: t(labelRoutes.adminOne(ID)),
    summary: 'Delete a label: it is taken off every conversation (and out of the labels report); audited',
    tag: TAG,
    auth: 'admin',
    response: okResponseSchema,
    errors: ['NOT_FOUND'],
  },
  ofConversation: {
    method: 'GET',
    path: t(labelRoutes.conversation(CONVERSATION)),
    summary: "A conversation's labels: its participants, supervisors, administrators and `history.readAll`",
    tag: TAG,
    auth: 'user',
    response: conversationLabelsSchema,
    errors: ['NOT_FOUND', 'NOT_CONVERSATION_OWNER'],
  },
  set: {
    method: 'PUT',
    path: t(labelRoutes.conversationLabel(CONVERSATION, LABEL)),
    summary:
      'Set a label on a conversation: its owner or conference guest, supervisors, administrators; pushed to its participants',
    tag: TAG,
    auth: 'user',
    response: conversationLabelsSchema,
    errors: ['NOT_FOUND', 'NOT_CONVERSATION_OWNER'],
  },
  unset: {
    method: 'DELETE',
    path: t(labelRoutes.conversationLabel(CONVERSATION, LABEL)),
    summary: 'Take a label off a conversation (who may set it); pushed to its participants',
    tag: TAG,
    auth: 'user',
    response: conversationLabelsSchema,
    errors: ['NOT_FOUND', 'NOT_CONVERSATION_OWNER'],
  },
  report: {
    method: 'GET',
    path: labelRoutes.report,
    summary:
      "Per day (or in total) in the center's time zone and per label, the conversations that arrived then and carry the label; supervisors and administrators",
    tag: 'Reports',
    auth: 'user',
    query: labelReportQuerySchema,
    response: labelReportResponseSchema,
    errors: ['VALIDATION_FAILED', 'FORBIDDEN'],
  },
} satisfies Record<string, RouteDoc>;

/** Issue 18's label routes, for the OpenAPI document. */
export const LABEL_ROUTE_DOCS: readonly RouteDoc[] = Object.values(docs);

const id = z.string().min(1).max(200);
const conversationParams = z.object({ conversationId: id });
const labelParams = z.object({ conversationId: id, labelId: id });

/** Labels on conversations (issue 18). */
export function registerLabelRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const user = (request: FastifyRequest) => requireUser(ctx.store, request, ctx.clock());
  const admin = (request: FastifyRequest) => requireAdmin(ctx.store, request, ctx.clock());
  registerDocumented(app, docs.list, async (request) => {
    await user(request);
    return listLabels(ctx);
  });
  registerDocumented(app, docs.assigned, async (request) =>
    assignedLabels(
      ctx,
      await user(request),
      parseOr400(assignedLabelsQuerySchema, request.query).conversationIds,
    ),
  );
  registerDocumented(app, docs.create, async (request) =>
    createLabel(ctx, await admin(request), parseOr400(createLabelRequestSchema, request.body)),
  );
  registerDocumented(app, docs.update, async (request) =>
    updateLabel(ctx, await admin(request), idOf(request), parseOr400(updateLabelRequestSchema, request.body)),
  );
  registerDocumented(app, docs.remove, async (request) =>
    deleteLabel(ctx, await admin(request), idOf(request)),
  );
  registerDocumented(app, docs.ofConversation, async (request) =>
    getConversationLabels(
      ctx,
      await user(request),
      parseOr400(conversationParams, request.params).conversationId,
    ),
  );
  for (const [doc, on] of [
    [docs.set, true],
    [docs.unset, false],
  ] as const)
    registerDocumented(app, doc, async (request) => {
      const { conversationId, labelId } = parseOr400(labelParams, request.params);
      return setConversationLabel(ctx, await user(request), conversationId, labelId, on);
    });
  registerDocumented(app, docs.report, async (request) => {
    await requireSupervisor(ctx.store, request, ctx.clock());
    return labelReport(ctx, parseOr400(labelReportQuerySchema, request.query));
  });
}
