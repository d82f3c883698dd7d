import type { Selectable, Transaction } from 'kysely';
import type {
  CannedResponsePatch,
  CannedResponseRow,
  CannedResponseScope,
  CannedResponsesRepository,
} from './ports/canned-responses.ts';
import type { CannedResponsesTable, Database } from './schema.ts';

const toRow = (r: Selectable<CannedResponsesTable>): CannedResponseRow => ({
  id: r.id,
  queueId: r.queue_id,
  ownerUserId: r.owner_user_id,
  shortcut: r.shortcut,
  title: r.title,
  body: r.body,
  language: r.language,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** Canned responses over `canned_responses` (migration 0021). */
export class KyselyCannedResponsesRepository implements CannedResponsesRepository {
  constructor(private readonly db: Transaction<Database>) {}

  async list(scope: CannedResponseScope): Promise<CannedResponseRow[]> {
    let query = this.db.selectFrom('canned_responses').selectAll();
    if (scope.kind === 'forAgent') {
      const { userId, queueIds } = scope;
      query = query.where((eb) =>
        eb.or([
          eb('owner_user_id', '=', userId),
          ...(queueIds.length > 0 ? [eb('queue_id', 'in', [...queueIds])] : []),
        ]),
      );
    }
    const rows = await query.orderBy('shortcut').orderBy('title').orderBy('id').execute();
    return rows.map(toRow);
  }

  async find(id: string): Promise<CannedResponseRow | undefined> {
    const row = await this.db
      .selectFrom('canned_responses')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toRow(row);
  }

  async insert(row: CannedResponseRow): Promise<void> {
    await this.db
      .insertInto('canned_responses')
      .values({
        id: row.id,
        queue_id: row.queueId,
        owner_user_id: row.ownerUserId,
        shortcut: row.shortcut,
        title: row.title,
        body: row.body,
        language: row.language,
        created_at: row.createdAt,
        updated_at: row.updatedAt,
      })
      .execute();
  }

  async update(id: string, patch: CannedResponsePatch): Promise<boolean> {
    const values = {
      ...(patch.shortcut === undefined ? {} : { shortcut: patch.shortcut }),
      ...(patch.title === undefined ? {} : { title: patch.title }),
      ...(patch.body === undefined ? {} : { body: patch.body }),
      ...(patch.language === undefined ? {} : { language: patch.language }),
      ...(patch.updatedAt === undefined ? {} : { updated_at: patch.updatedAt }),
    };
    if (Object.keys(values).length === 0) return (await this.find(id)) !== undefined;
    const result = await this.db
      .updateTable('canned_responses')
      .set(values)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('canned_responses').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
