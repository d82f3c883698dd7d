import type { Insertable, Selectable, Transaction } from 'kysely';
import { fromJson, oneOf, toJson } from './columns.ts';
import type {
  ChannelHealthRow,
  ChannelRepository,
  OutboxKind,
  OutboxRow,
  PendingStatusRow,
} from './ports/channel.ts';
import type { StoreDialect } from './port.ts';
import { queryTemplates, type QueryTemplates } from './query-template.ts';
import type { Database, OutboxTable, PendingStatusesTable, WebhookDeliveriesTable } from './schema.ts';

/** The channel's records over `webhook_deliveries`, `pending_statuses` and `outbox`. */
export class KyselyChannelRepository implements ChannelRepository {
  readonly #templates: QueryTemplates;

  constructor(
    private readonly db: Transaction<Database>,
    dialect: StoreDialect,
  ) {
    this.#templates = queryTemplates(dialect);
  }

  // --- webhook inbox ---

  async insertWebhookDeliveries(deliveries: readonly WebhookDelivery[]): Promise<void> {
    // 3 parameters a row: 500 rows stay far below either database's parameter limit.
    for (let start = 0; start < deliveries.length; start += 500) {
      const rows = deliveries.slice(start, start + 500).map(webhookDeliveryToRow);
      await this.#templates.runRows(
        this.db,
        'insertWebhookDeliveries',
        rows,
        (r) => this.db.insertInto('webhook_deliveries').values(r),
        { writes: 'webhook_deliveries' },
      );
    }
  }

  // --- statuses that arrived early ---

  async insertPendingStatus(status: PendingStatusRow): Promise<void> {
    await this.db
      .insertInto('pending_statuses')
      .values(pendingStatusToRow(status))
      .onConflict((oc) => oc.columns(['wamid', 'status']).doNothing())
      .execute();
  }

  async takePendingStatuses(wamid: string): Promise<PendingStatusRow[]> {
    // DELETE ... RETURNING: two concurrent takers cannot both get the same rows.
    const rows = await this.db
      .deleteFrom('pending_statuses')
      .where('wamid', '=', wamid)
      .returningAll()
      .execute();
    return rows
      .map(pendingStatusFromRow)
      .sort((a, b) => a.at - b.at || STATUS_RANK[a.status] - STATUS_RANK[b.status]);
  }

  // --- outbox ---

  async enqueueOutbox(row: OutboxRow): Promise<void> {
    await this.db.insertInto('outbox').values(outboxToRow(row)).execute();
  }

  async dueOutbox(now: number, limit: number): Promise<OutboxRow[]> {
    // Each conversation's head row (no smaller id in that conversation), if it is due. A head that
    // waits for a retry holds back the rows behind it, which keeps a conversation in order.
    const rows = await this.db
      .selectFrom('outbox as o')
      .selectAll('o')
      .where('o.due_at', '<=', now)
      // A head handed to Graph and not settled yet (ADR 0008) holds its conversation back.
      .where('o.sending_at', 'is', null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('outbox as earlier')
              .select('earlier.id')
              .whereRef('earlier.conversation_id', '=', 'o.conversation_id')
              .whereRef('earlier.id', '<', 'o.id'),
          ),
        ),
      )
      .orderBy('o.created_at')
      .orderBy('o.id')
      .limit(limit)
      .execute();
    return rows.map(outboxFromRow);
  }

  async deleteOutbox(id: string): Promise<boolean> {
    // On PostgreSQL a concurrent DELETE of the same row waits for this one to commit, then finds
    // nothing: exactly one deleter is told it deleted.
    const result = await this.db.deleteFrom('outbox').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async rescheduleOutbox(id: string, dueAt: number, attempts: number, lastError: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ due_at: dueAt, attempts, last_error: lastError, sending_at: null })
      .where('id', '=', id)
      .execute();
  }

  async claimOutbox(row: Pick<OutboxRow, 'id' | 'dueAt' | 'attempts'>, at: number): Promise<boolean> {
    // Conditional on the row being as the claimant read it: unmarked, same due time and attempts.
    // On PostgreSQL (READ COMMITTED) a concurrent UPDATE of the row waits for the first to commit
    // and re-checks these conditions on the new version, which no longer match: one claimant wins.
    const result = await this.db
      .updateTable('outbox')
      .set({ sending_at: at })
      .where('id', '=', row.id)
      .where('sending_at', 'is', null)
      .where('due_at', '=', row.dueAt)
      .where('attempts', '=', row.attempts)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async releaseStrandedOutbox(
    id: string,
    sendingAt: number,
    dueAt: number,
    lastError: string,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('outbox')
      .set({ sending_at: null, due_at: dueAt, last_error: lastError })
      .where('id', '=', id)
      .where('sending_at', '=', sendingAt)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async strandedOutbox(before: number, limit: number): Promise<OutboxRow[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('sending_at', 'is not', null)
      .where('sending_at', '<=', before)
      .orderBy('sending_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(outboxFromRow);
  }

  async channelHealth(): Promise<ChannelHealthRow> {
    const numbers = await this.db
      .selectFrom('business_numbers as b')
      .leftJoin('conversations as c', 'c.business_number_id', 'b.id')
      .select(['b.id as id', (eb) => eb.fn.max('c.last_inbound_at').as('last_inbound_at')])
      .groupBy('b.id')
      .orderBy('b.id')
      .execute();
    const outbox = await this.db
      .selectFrom('outbox as o')
      .innerJoin('conversations as c', 'c.id', 'o.conversation_id')
      .select([
        'c.business_number_id as id',
        (eb) => eb.fn.countAll().as('depth'),
        (eb) => eb.fn.min('o.created_at').as('oldest'),
      ])
      .groupBy('c.business_number_id')
      .execute();
    const pending = await this.db
      .selectFrom('pending_statuses')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const byNumber = new Map(outbox.map((row) => [row.id, row]));
    return {
      numbers: numbers.map((row) => {
        const queued = byNumber.get(row.id);
        return {
          businessNumberId: row.id,
          lastInboundAt: row.last_inbound_at === null ? null : Number(row.last_inbound_at),
          outboxDepth: queued ? Number(queued.depth) : 0,
          outboxOldestAt: queued && queued.oldest !== null ? Number(queued.oldest) : null,
        };
      }),
      pendingStatuses: Number(pending.n),
    };
  }
}

// --- row mappings of `webhook_deliveries`, `pending_statuses` and `outbox` ---

type WebhookDelivery = Parameters<ChannelRepository['insertWebhookDeliveries']>[0][number];
type SettledStatus = PendingStatusRow['status'];
const SETTLED_STATUSES: readonly SettledStatus[] = ['sent', 'delivered', 'read', 'failed'];
/** Order of statuses that share an instant, as WhatsApp moves through them. */
const STATUS_RANK: Readonly<Record<SettledStatus, number>> = { sent: 0, delivered: 1, read: 2, failed: 3 };
const OUTBOX_KINDS: readonly OutboxKind[] = ['whatsapp.send', 'whatsapp.markRead'];

function webhookDeliveryToRow(delivery: WebhookDelivery): Insertable<WebhookDeliveriesTable> {
  return { id: delivery.id, received_at: delivery.receivedAt, body: delivery.body };
}

function pendingStatusToRow(status: PendingStatusRow): Insertable<PendingStatusesTable> {
  return {
    wamid: status.wamid,
    status: status.status,
    at: status.at,
    failure_reason: status.failureReason,
  };
}

function pendingStatusFromRow(row: Selectable<PendingStatusesTable>): PendingStatusRow {
  return {
    wamid: row.wamid,
    status: oneOf(row.status, SETTLED_STATUSES, 'pending status'),
    at: row.at,
    failureReason: row.failure_reason,
  };
}

/** A new outbox row: not marked sending (only `claimOutbox` sets that, in its own commit). */
function outboxToRow(row: OutboxRow): Insertable<OutboxTable> {
  return {
    id: row.id,
    kind: row.kind,
    conversation_id: row.conversationId,
    payload: toJson(row.payload),
    created_at: row.createdAt,
    due_at: row.dueAt,
    attempts: row.attempts,
    last_error: row.lastError,
  };
}

function outboxFromRow(row: Selectable<OutboxTable>): OutboxRow {
  return {
    id: row.id,
    kind: oneOf(row.kind, OUTBOX_KINDS, 'outbox kind'),
    conversationId: row.conversation_id,
    payload: fromJson(row.payload),
    createdAt: row.created_at,
    dueAt: row.due_at,
    attempts: row.attempts,
    lastError: row.last_error,
    // Absent unless marked, so rows read back equal the rows written.
    ...(row.sending_at === null ? {} : { sendingAt: Number(row.sending_at) }),
  };
}
