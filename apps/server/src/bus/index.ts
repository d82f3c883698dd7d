/**
 * What crosses nodes (ADR 0011): push notices, presence, shared send pacing. `LocalBus` for one
 * node; `RedisBus` when REDIS_URL is set.
 */
export type { ClusterBus, LatestSeqs, SharedPacer } from './port.ts';
export { LocalBus, LocalPacer } from './local-bus.ts';
export { PRESENCE_TTL_MS, RedisBus, type RedisBusOptions } from './redis-bus.ts';
export { RedisPacer } from './redis-pacer.ts';
export {
  SendPacer,
  THROUGHPUT_PENALTY_MS,
  TokenBucket,
  type PacingDecision,
  type PacingOptions,
} from './pacing.ts';
