/**
 * The mask pool's task, run in a worker thread (loaded by mask-worker.cjs): redacts one large
 * delivery off the event loop. Imports the pure redaction only, so a worker loads little.
 */
import { redactDelivery, type RedactionJob, type RedactionResult } from './redaction.ts';

/** Redacts `job` (in the worker thread that runs it). */
export default function maskTask(job: RedactionJob): RedactionResult {
  return redactDelivery(job);
}
