/**
 * The channel's instruments: Prometheus series for `/metrics` (per instance) and the supervisors'
 * per-number channel health (ADR 8).
 */
export { metricsOf, Metrics, type RejectReason } from './metrics.ts';
export { channelHealth } from './health.ts';
export { readiness, type Readiness } from './readiness.ts';
