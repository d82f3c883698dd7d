import type { Selectable, Transaction, Updateable } from 'kysely';
import { oneOf } from './columns.ts';
import type { MediaRepository, MediaRow, MediaStatus } from './ports/media.ts';
import type { Database, MediaTable } from './schema.ts';

/** Media files of messages over `media`. */
export class KyselyMediaRepository implements MediaRepository {
  constructor(private readonly db: Transaction<Database>) {}

  async insertMedia(media: MediaRow): Promise<void> {
    await this.db.insertInto('media').values(mediaToRow(media)).execute();
  }

  async findMedia(id: string): Promise<MediaRow | undefined> {
    const row = await this.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();
    return row && mediaFromRow(row);
  }

  async dueMedia(now: number, limit: number): Promise<MediaRow[]> {
    const rows = await this.db
      .selectFrom('media')
      .selectAll()
      .where('status', '=', 'pending')
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(mediaFromRow);
  }

  async claimMedia(id: string, dueAt: number, leaseUntil: number): Promise<boolean> {
    // Conditional on the due time read: of several fetchers that read the row, the first to move it
    // forward wins; on PostgreSQL the others' UPDATE re-checks `due_at` after it commits and misses.
    const result = await this.db
      .updateTable('media')
      .set({ due_at: leaseUntil })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('due_at', '=', dueAt)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async updateMedia(id: string, patch: MediaPatch): Promise<void> {
    const set = mediaPatchToRow(patch);
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable('media').set(set).where('id', '=', id).execute();
  }
}

// --- row mapping of `media` ---

const MEDIA_STATUSES: readonly MediaStatus[] = ['pending', 'ready', 'unavailable'];
const MEDIA_DIRECTIONS: readonly MediaRow['direction'][] = ['inbound', 'outbound'];

/** The fields `updateMedia` may change. */
type MediaPatch = Parameters<MediaRepository['updateMedia']>[1];

function mediaToRow(media: MediaRow): MediaTable {
  return {
    id: media.id,
    conversation_id: media.conversationId,
    business_number_id: media.businessNumberId,
    message_id: media.messageId,
    direction: media.direction,
    wa_media_id: media.waMediaId,
    mime_type: media.mimeType,
    file_name: media.fileName,
    sha256: media.sha256,
    status: media.status,
    attempts: media.attempts,
    due_at: media.dueAt,
    storage_key: media.storageKey,
    size: media.size,
    last_error: media.lastError,
    created_at: media.createdAt,
  };
}

/** The columns of the fields present in `patch`; none when it is empty. */
function mediaPatchToRow(patch: MediaPatch): Updateable<MediaTable> {
  const set: Updateable<MediaTable> = {};
  if (patch.messageId !== undefined) set.message_id = patch.messageId;
  if (patch.waMediaId !== undefined) set.wa_media_id = patch.waMediaId;
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.attempts !== undefined) set.attempts = patch.attempts;
  if (patch.dueAt !== undefined) set.due_at = patch.dueAt;
  if (patch.storageKey !== undefined) set.storage_key = patch.storageKey;
  if (patch.size !== undefined) set.size = patch.size;
  if (patch.lastError !== undefined) set.last_error = patch.lastError;
  return set;
}

function mediaFromRow(row: Selectable<MediaTable>): MediaRow {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    businessNumberId: row.business_number_id,
    messageId: row.message_id,
    direction: oneOf(row.direction, MEDIA_DIRECTIONS, 'media direction'),
    waMediaId: row.wa_media_id,
    mimeType: row.mime_type,
    fileName: row.file_name,
    sha256: row.sha256,
    status: oneOf(row.status, MEDIA_STATUSES, 'media status'),
    attempts: row.attempts,
    dueAt: row.due_at,
    storageKey: row.storage_key,
    size: row.size,
    lastError: row.last_error,
    createdAt: row.created_at,
  };
}
