/**
 * Issue 16: historical reports — KPI definitions as pure functions over the interaction events
 * (`kpis.ts`), buckets of days and hours in the center's time zone (`time-buckets.ts`), the report
 * over the store's queries, and its CSV (ADR 22).
 */
export { kpiReport } from './reports.ts';
export { csvCell, reportCsv } from './csv.ts';
export {
  ABANDON_AFTER_MS,
  DEFAULT_SERVICE_LEVEL_MS,
  emptySums,
  figuresOf,
  isAbandoned,
  sortCells,
  sumEvents,
  type Figures,
  type KpiQuery,
  type Mutable,
} from './kpis.ts';
export { offsetAt, parseLocalDate, timeBuckets, zonedInstant, type TimeBucket } from './time-buckets.ts';
/** Issue 18: the labels report (services/labels) buckets its days the same way. */
export { daysBetween } from './time-buckets.ts';
/** The scripted weekend the KPI tests compute by hand; the wallboard's tests count it too. */
export { SCRIPTED_NOW, scriptedEvents, scriptedServiceLevelMs } from './scripted-day.ts';
