import type {
  AdminNamedItemView,
  createNamedItemRequestSchema,
  updateNamedItemRequestSchema,
} from '@parlo/protocol';
import type { z } from 'zod';
import { commit, type ServerContext } from '../../platform/index.ts';
import type { NamedRow, StoreTx, UserRow } from '../../store/index.ts';
import { alreadyExists, audit, changes, inUse, newId, notFound, sameName } from './common.ts';

/** Wrap-up reasons and idle codes: the same shape, the same routes, different references. */
export interface NamedKind {
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

export const WRAP_UP_REASONS: NamedKind = {
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

export const IDLE_CODES: NamedKind = {
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

const toView = (row: NamedRow): AdminNamedItemView => ({
  id: row.id,
  name: row.name,
  position: row.position,
});

/** The administration of one kind of named item: list, read, create, rename or move, delete. */
export function namedItems(ctx: ServerContext, kind: NamedKind) {
  const live = async (tx: StoreTx, id: string): Promise<NamedRow> => {
    const row = (await kind.list(tx)).find((r) => r.id === id);
    if (!row) throw notFound(kind.what);
    return row;
  };
  const nameFree = (rows: readonly NamedRow[], name: string, self?: string): void => {
    if (rows.some((r) => r.id !== self && sameName(r.name, name)))
      throw alreadyExists('name', `A ${kind.what} with this name exists`);
  };
  return {
    async list(): Promise<Record<string, AdminNamedItemView[]>> {
      return { [kind.listKey]: (await ctx.store.transaction((tx) => kind.list(tx))).map(toView) };
    },
    async get(id: string): Promise<Record<string, AdminNamedItemView>> {
      return { [kind.oneKey]: toView(await ctx.store.transaction((tx) => live(tx, id))) };
    },
    create(
      admin: UserRow,
      body: z.output<typeof createNamedItemRequestSchema>,
    ): Promise<Record<string, AdminNamedItemView>> {
      return commit(ctx, async (tx, _out, now) => {
        const rows = await kind.list(tx);
        nameFree(rows, body.name);
        const position = body.position ?? rows.reduce((max, r) => Math.max(max, r.position + 1), 0);
        const row: NamedRow = { id: newId(kind.idPrefix), name: body.name, position };
        await kind.insert(tx, row);
        await audit(tx, admin, now, `${kind.auditPrefix}.create`, row.id, toView(row));
        return { [kind.oneKey]: toView(row) };
      });
    },
    update(
      admin: UserRow,
      id: string,
      body: z.output<typeof updateNamedItemRequestSchema>,
    ): Promise<Record<string, AdminNamedItemView>> {
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
    },
    remove(admin: UserRow, id: string): Promise<{ ok: true }> {
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
    },
  };
}
