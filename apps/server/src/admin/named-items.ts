import {
  adminIdleCodeResponseSchema,
  adminIdleCodesResponseSchema,
  adminRoutes,
  adminWrapUpReasonResponseSchema,
  adminWrapUpReasonsResponseSchema,
  createNamedItemRequestSchema,
  okResponseSchema,
  updateNamedItemRequestSchema,
  type AdminNamedItemView,
} from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { commit, type ServerContext } from '../context.ts';
import { parseOr400 } from '../http/errors.ts';
import { registerDocumented, type RouteDoc } from '../openapi/registry.ts';
import type { NamedRow, StoreTx } from '../store/index.ts';
import {
  alreadyExists,
  audit,
  changes,
  idOf,
  inUse,
  newId,
  notFound,
  requireAdmin,
  sameName,
} from './common.ts';

/** Wrap-up reasons and idle codes: the same shape, the same routes, different references. */
interface NamedKind {
  readonly tag: string;
  readonly what: string;
  readonly idPrefix: string;
  readonly auditPrefix: string;
  readonly listKey: string;
  readonly oneKey: string;
  readonly list: (tx: StoreTx) => Promise<NamedRow[]>;
  readonly insert: (tx: StoreTx, row: NamedRow) => Promise<void>;
  readonly update: (tx: StoreTx, row: NamedRow) => Promise<boolean>;
  readonly softDelete: (tx: StoreTx, id: string, at: number) => Promise<boolean>;
  /** Refuses or repairs what refers to the item before it is deleted. */
  readonly beforeDelete: (tx: StoreTx, id: string, remaining: readonly NamedRow[]) => Promise<void>;
}

const WRAP_UP: NamedKind = {
  tag: 'Wrap-up reasons',
  what: 'wrap-up reason',
  idPrefix: 'wr',
  auditPrefix: 'wrapUpReasons',
  listKey: 'wrapUpReasons',
  oneKey: 'wrapUpReason',
  list: (tx) => tx.listWrapUpReasons(),
  insert: (tx, row) => tx.insertWrapUpReason(row),
  update: (tx, row) => tx.updateWrapUpReason(row),
  softDelete: (tx, id, at) => tx.softDeleteWrapUpReason(id, at),
  async beforeDelete(tx, id) {
    const queues = await tx.listQueues();
    const defaulting = queues.find((q) => q.defaultWrapUpReasonId === id);
    if (defaulting)
      throw inUse('defaultWrapUpReasonId', `It is the default reason of the queue ${defaulting.name}`);
    // Queues that offered it simply stop offering it.
    for (const queue of queues) {
      if (!queue.wrapUpReasonIds?.includes(id)) continue;
      await tx.updateQueue({ ...queue, wrapUpReasonIds: queue.wrapUpReasonIds.filter((r) => r !== id) });
    }
  },
};

const IDLE: NamedKind = {
  tag: 'Idle codes',
  what: 'idle code',
  idPrefix: 'idle',
  auditPrefix: 'idleCodes',
  listKey: 'idleCodes',
  oneKey: 'idleCode',
  list: (tx) => tx.listIdleCodes(),
  insert: (tx, row) => tx.insertIdleCode(row),
  update: (tx, row) => tx.updateIdleCode(row),
  softDelete: (tx, id, at) => tx.softDeleteIdleCode(id, at),
  // Agents idle with it stay so (history); but an agent must always have a code to go Idle with.
  beforeDelete(_tx, _id, remaining) {
    if (remaining.length === 0) return Promise.reject(inUse('id', 'Agents need at least one idle code'));
    return Promise.resolve();
  },
};

function docsOf(
  kind: NamedKind,
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
  WRAP_UP,
  adminRoutes.wrapUpReasons,
  adminWrapUpReasonsResponseSchema,
  adminWrapUpReasonResponseSchema,
);
export const IDLE_CODE_DOCS = docsOf(
  IDLE,
  adminRoutes.idleCodes,
  adminIdleCodesResponseSchema,
  adminIdleCodeResponseSchema,
);

const toView = (row: NamedRow): AdminNamedItemView => ({
  id: row.id,
  name: row.name,
  position: row.position,
});

function registerNamed(
  app: FastifyInstance,
  ctx: ServerContext,
  kind: NamedKind,
  docs: ReturnType<typeof docsOf>,
): void {
  const live = async (tx: StoreTx, id: string): Promise<NamedRow> => {
    const row = (await kind.list(tx)).find((r) => r.id === id);
    if (!row) throw notFound(kind.what);
    return row;
  };
  const nameFree = (rows: readonly NamedRow[], name: string, self?: string): void => {
    if (rows.some((r) => r.id !== self && sameName(r.name, name)))
      throw alreadyExists('name', `A ${kind.what} with this name exists`);
  };

  registerDocumented(app, docs.list, async (request) => {
    await requireAdmin(ctx, request);
    return { [kind.listKey]: (await ctx.store.transaction((tx) => kind.list(tx))).map(toView) };
  });

  registerDocumented(app, docs.get, async (request) => {
    await requireAdmin(ctx, request);
    const id = idOf(request);
    return { [kind.oneKey]: toView(await ctx.store.transaction((tx) => live(tx, id))) };
  });

  registerDocumented(app, docs.create, async (request) => {
    const admin = await requireAdmin(ctx, request);
    const body = parseOr400(createNamedItemRequestSchema, request.body);
    return commit(ctx, async (tx, _out, now) => {
      const rows = await kind.list(tx);
      nameFree(rows, body.name);
      const position = body.position ?? rows.reduce((max, r) => Math.max(max, r.position + 1), 0);
      const row: NamedRow = { id: newId(kind.idPrefix), name: body.name, position };
      await kind.insert(tx, row);
      await audit(tx, admin, now, `${kind.auditPrefix}.create`, row.id, toView(row));
      return { [kind.oneKey]: toView(row) };
    });
  });

  registerDocumented(app, docs.update, async (request) => {
    const admin = await requireAdmin(ctx, request);
    const id = idOf(request);
    const body = parseOr400(updateNamedItemRequestSchema, request.body);
    return commit(ctx, async (tx, _out, now) => {
      const before = await live(tx, id);
      if (body.name !== undefined) nameFree(await kind.list(tx), body.name, id);
      const after: NamedRow = {
        id,
        name: body.name ?? before.name,
        position: body.position ?? before.position,
      };
      await kind.update(tx, after);
      await audit(tx, admin, now, `${kind.auditPrefix}.update`, id, changes(toView(before), toView(after)));
      return { [kind.oneKey]: toView(after) };
    });
  });

  registerDocumented(app, docs.remove, async (request) => {
    const admin = await requireAdmin(ctx, request);
    const id = idOf(request);
    return commit(ctx, async (tx, _out, now) => {
      const row = await live(tx, id);
      await kind.beforeDelete(
        tx,
        id,
        (await kind.list(tx)).filter((r) => r.id !== id),
      );
      await kind.softDelete(tx, id, now);
      await audit(tx, admin, now, `${kind.auditPrefix}.delete`, id, { name: row.name });
      return { ok: true as const };
    });
  });
}

export function registerNamedItemRoutes(app: FastifyInstance, ctx: ServerContext): void {
  registerNamed(app, ctx, WRAP_UP, WRAP_UP_REASON_DOCS);
  registerNamed(app, ctx, IDLE, IDLE_CODE_DOCS);
}
