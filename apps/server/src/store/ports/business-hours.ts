/**
 * Issue 18: each queue's business hours and out-of-hours reply (migration 0025). Staff-written
 * text only; no customer data is stored here.
 */
export interface BusinessHoursRow {
  readonly queueId: string;
  /** Off: the queue is always open. */
  readonly enabled: boolean;
  readonly intervals: readonly { readonly day: number; readonly from: string; readonly to: string }[];
  /** Local dates, `YYYY-MM-DD`. */
  readonly holidays: readonly string[];
  readonly outOfHours: 'wait' | 'overflow';
  readonly overflowQueueId: string | null;
  readonly replyEn: string;
  readonly replyIt: string;
  readonly updatedAt: number;
}

export interface BusinessHoursRepository {
  /** Every queue's row that has its hours on: what routing reads per decision (a few rows). */
  listEnabled(): Promise<BusinessHoursRow[]>;
  find(queueId: string): Promise<BusinessHoursRow | undefined>;
  /** Inserts or replaces the queue's row. */
  put(row: BusinessHoursRow): Promise<void>;
}
