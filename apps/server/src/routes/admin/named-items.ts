import {
  adminIdleCodeResponseSchema,
  adminIdleCodesResponseSchema,
  adminRoutes,
  adminWrapUpReasonResponseSchema,
  adminWrapUpReasonsResponseSchema,
  createNamedItemRequestSchema,
  okResponseSchema,
  updateNamedItemRequestSchema,
} from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerDocumented, type RouteDoc } from '../../openapi/index.ts';
import { idOf, parseOr400, type ServerContext } from '../../platform/index.ts';
import { IDLE_CODES, namedItems, WRAP_UP_REASONS, type NamedKind } from '../../services/admin/index.ts';
import { requireAdmin } from '../../services/auth/index.ts';

/** Wrap-up reasons and idle codes: the same shape, the same routes, different references. */

function docsOf(
  kind: { readonly tag: string; readonly what: string },
  base: string,
  listSchema: RouteDoc['response'],
  oneSchema: RouteDoc['response'],
) {
  const one = `${base}/{id}`;
  return {
    list: {
      method: 'GET',
      path: base,
      summary: `${kind.tag} (not deleted), in display order`,
      tag: kind.tag,
      auth: 'admin',
      response: listSchema,
    },
    create: {
      method: 'POST',
      path: base,
      summary: `Create a ${kind.what}`,
      tag: kind.tag,
      auth: 'admin',
      body: createNamedItemRequestSchema,
      response: oneSchema,
      status: 201,
      errors: ['ALREADY_EXISTS'],
    },
    get: {
      method: 'GET',
      path: one,
      summary: `One ${kind.what}`,
      tag: kind.tag,
      auth: 'admin',
      response: oneSchema,
    },
    update: {
      method: 'PATCH',
      path: one,
      summary: `Rename or move a ${kind.what}`,
      tag: kind.tag,
      auth: 'admin',
      body: updateNamedItemRequestSchema,
      response: oneSchema,
      errors: ['ALREADY_EXISTS'],
    },
    remove: {
      method: 'DELETE',
      path: one,
      summary: `Delete a ${kind.what} (soft: history keeps its name)`,
      tag: kind.tag,
      auth: 'admin',
      response: okResponseSchema,
      errors: ['IN_USE'],
    },
  } as const satisfies Record<string, RouteDoc>;
}

export const WRAP_UP_REASON_DOCS = docsOf(
  { tag: 'Wrap-up reasons', what: WRAP_UP_REASONS.what },
  adminRoutes.wrapUpReasons,
  adminWrapUpReasonsResponseSchema,
  adminWrapUpReasonResponseSchema,
);
export const IDLE_CODE_DOCS = docsOf(
  { tag: 'Idle codes', what: IDLE_CODES.what },
  adminRoutes.idleCodes,
  adminIdleCodesResponseSchema,
  adminIdleCodeResponseSchema,
);

function registerNamed(
  app: FastifyInstance,
  ctx: ServerContext,
  kind: NamedKind,
  docs: ReturnType<typeof docsOf>,
): void {
  const admin = (request: FastifyRequest) => requireAdmin(ctx.store, request, ctx.clock());
  const items = namedItems(ctx, kind);

  registerDocumented(app, docs.list, async (request) => {
    await admin(request);
    return items.list();
  });

  registerDocumented(app, docs.get, async (request) => {
    await admin(request);
    return items.get(idOf(request));
  });

  registerDocumented(app, docs.create, async (request) => {
    const by = await admin(request);
    return items.create(by, parseOr400(createNamedItemRequestSchema, request.body));
  });

  registerDocumented(app, docs.update, async (request) => {
    const by = await admin(request);
    const id = idOf(request);
    return items.update(by, id, parseOr400(updateNamedItemRequestSchema, request.body));
  });

  registerDocumented(app, docs.remove, async (request) => {
    const by = await admin(request);
    return items.remove(by, idOf(request));
  });
}

export function registerNamedItemRoutes(app: FastifyInstance, ctx: ServerContext): void {
  registerNamed(app, ctx, WRAP_UP_REASONS, WRAP_UP_REASON_DOCS);
  registerNamed(app, ctx, IDLE_CODES, IDLE_CODE_DOCS);
}
