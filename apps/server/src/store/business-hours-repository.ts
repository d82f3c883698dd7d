import type { Selectable, Transaction } from 'kysely';
import type { StoreDialect } from './dialect.ts';
import type { BusinessHoursRepository, BusinessHoursRow } from './ports/business-hours.ts';
import { queryTemplates } from './query-template.ts';
import type { Database, QueueBusinessHoursTable } from './schema.ts';

function parsed<T>(json: string, fallback: T): T {
  try {
    return JSON.parse(json) as T;
  } catch {
    return fallback;
  }
}

const toRow = (r: Selectable<QueueBusinessHoursTable>): BusinessHoursRow => ({
  queueId: r.queue_id,
  enabled: Number(r.enabled) === 1,
  intervals: parsed<BusinessHoursRow['intervals']>(r.intervals, []),
  holidays: parsed<string[]>(r.holidays, []),
  outOfHours: r.out_of_hours === 'overflow' ? 'overflow' : 'wait',
  overflowQueueId: r.overflow_queue_id,
  replyEn: r.reply_en,
  replyIt: r.reply_it,
  updatedAt: Number(r.updated_at),
});

/** Business hours over `queue_business_hours` (migration 0025). */
export class KyselyBusinessHoursRepository implements BusinessHoursRepository {
  /**
   * What `listEnabled` read in this transaction, until `put` changes it: routing asks at every
   * decision, and a webhook batch decides for dozens of conversations.
   */
  #enabled: Promise<BusinessHoursRow[]> | undefined;

  constructor(
    private readonly db: Transaction<Database>,
    private readonly dialect: StoreDialect,
  ) {}

  listEnabled(): Promise<BusinessHoursRow[]> {
    // Compiled once: every routing transaction asks (building it was 2% of the webhook ingest).
    this.#enabled ??= queryTemplates(this.dialect)
      .run(
        this.db,
        'enabledBusinessHours',
        {},
        () => this.db.selectFrom('queue_business_hours').selectAll().where('enabled', '=', 1),
        { touches: ['queue_business_hours'] },
      )
      .then(({ rows }) => rows.map(toRow));
    return this.#enabled;
  }

  async find(queueId: string): Promise<BusinessHoursRow | undefined> {
    const row = await this.db
      .selectFrom('queue_business_hours')
      .selectAll()
      .where('queue_id', '=', queueId)
      .executeTakeFirst();
    return row ? toRow(row) : undefined;
  }

  async put(row: BusinessHoursRow): Promise<void> {
    this.#enabled = undefined;
    const values = {
      enabled: row.enabled ? 1 : 0,
      intervals: JSON.stringify(row.intervals),
      holidays: JSON.stringify(row.holidays),
      out_of_hours: row.outOfHours,
      overflow_queue_id: row.overflowQueueId,
      reply_en: row.replyEn,
      reply_it: row.replyIt,
      updated_at: row.updatedAt,
    };
    await this.db
      .insertInto('queue_business_hours')
      .values({ queue_id: row.queueId, ...values })
      .onConflict((oc) => oc.column('queue_id').doUpdateSet(values))
      .execute();
  }
}
