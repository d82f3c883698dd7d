import { sql, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import type {
  ConversationLabelRow,
  LabelBucket,
  LabelCount,
  LabelPatch,
  LabelRow,
  LabelsRepository,
} from './ports/labels.ts';
import type { Database, LabelsTable } from './schema.ts';

const toRow = (r: Selectable<LabelsTable>): LabelRow => ({
  id: r.id,
  name: r.name,
  color: r.color,
  description: r.description,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** The unique key of a name: lower-cased (the service trimmed it). */
export const nameKeyOf = (name: string): string => name.normalize('NFKC').toLowerCase();

/** An integer inlined in SQL (never user text): VALUES lists need typed literals on PostgreSQL. */
function int(n: number): RawBuilder<number> {
  if (!Number.isSafeInteger(n)) throw new Error('not a safe integer');
  return sql.lit(n);
}

/** At most this many conversation ids in one IN list. */
const IN_CHUNK = 500;

/** Labels and the conversations carrying them (migration 0024). */
export class KyselyLabelsRepository implements LabelsRepository {
  constructor(private readonly db: Transaction<Database>) {}

  async list(): Promise<LabelRow[]> {
    const rows = await this.db.selectFrom('labels').selectAll().orderBy('name_key').orderBy('id').execute();
    return rows.map(toRow);
  }

  async find(id: string): Promise<LabelRow | undefined> {
    const row = await this.db.selectFrom('labels').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRow(row);
  }

  async findByName(name: string): Promise<LabelRow | undefined> {
    const row = await this.db
      .selectFrom('labels')
      .selectAll()
      .where('name_key', '=', nameKeyOf(name))
      .executeTakeFirst();
    return row && toRow(row);
  }

  async insert(row: LabelRow): Promise<void> {
    await this.db
      .insertInto('labels')
      .values({
        id: row.id,
        name: row.name,
        name_key: nameKeyOf(row.name),
        color: row.color,
        description: row.description,
        created_at: row.createdAt,
        updated_at: row.updatedAt,
      })
      .execute();
  }

  async update(id: string, patch: LabelPatch): Promise<boolean> {
    const values = {
      ...(patch.name === undefined ? {} : { name: patch.name, name_key: nameKeyOf(patch.name) }),
      ...(patch.color === undefined ? {} : { color: patch.color }),
      ...(patch.description === undefined ? {} : { description: patch.description }),
      ...(patch.updatedAt === undefined ? {} : { updated_at: patch.updatedAt }),
    };
    if (Object.keys(values).length === 0) return (await this.find(id)) !== undefined;
    const result = await this.db.updateTable('labels').set(values).where('id', '=', id).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(id: string): Promise<boolean> {
    await this.db.deleteFrom('conversation_labels').where('label_id', '=', id).execute();
    const result = await this.db.deleteFrom('labels').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async labelsOf(
    conversationIds: readonly string[],
  ): Promise<{ readonly conversationId: string; readonly label: LabelRow }[]> {
    const found: { conversationId: string; label: LabelRow }[] = [];
    const ids = [...new Set(conversationIds)];
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const rows = await this.db
        .selectFrom('conversation_labels as cl')
        .innerJoin('labels as l', 'l.id', 'cl.label_id')
        .selectAll('l')
        .select('cl.conversation_id')
        .where('cl.conversation_id', 'in', ids.slice(i, i + IN_CHUNK))
        .orderBy('cl.conversation_id')
        .orderBy('l.name_key')
        .orderBy('l.id')
        .execute();
      for (const r of rows) found.push({ conversationId: r.conversation_id, label: toRow(r) });
    }
    return found;
  }

  async assign(row: ConversationLabelRow): Promise<boolean> {
    const result = await this.db
      .insertInto('conversation_labels')
      .values({
        conversation_id: row.conversationId,
        label_id: row.labelId,
        started_at: row.startedAt,
        set_at: row.setAt,
        set_by: row.setBy,
      })
      .onConflict((oc) => oc.columns(['conversation_id', 'label_id']).doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async unassign(conversationId: string, labelId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('conversation_labels')
      .where('conversation_id', '=', conversationId)
      .where('label_id', '=', labelId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /**
   * The buckets as an inline table `b(i, lo, hi)` driving one index range scan each (the report
   * queries' shape, ADR 22): time zones stay out of SQL, a DST day is a 23- or 25-hour range.
   */
  async countByArrival(buckets: readonly LabelBucket[]): Promise<LabelCount[]> {
    const first = buckets[0];
    const last = buckets.at(-1);
    if (!first || !last) return [];
    const values = buckets.map((b, i) => sql`(${int(i)}, ${int(b.start)}, ${int(b.end)})`);
    const result = await sql<Record<string, unknown>>`
      with b(i, lo, hi) as (values ${sql.join(values)})
      select b.i as bucket, cl.label_id as label_id, count(*) as n
      from b
      cross join conversation_labels cl
      where cl.started_at >= b.lo and cl.started_at < b.hi
        and cl.started_at >= ${int(first.start)} and cl.started_at < ${int(last.end)}
      group by b.i, cl.label_id
      order by b.i, cl.label_id`.execute(this.db);
    return result.rows.map((r) => ({
      bucket: Number(r.bucket),
      labelId: String(r.label_id),
      count: Number(r.n),
    }));
  }
}
