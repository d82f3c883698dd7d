/**
 * A count of the work done by the library's own loops and regex scans: characters scanned,
 * windows read, spans examined. Tests read it to prove that the cost of `findSensitive` grows
 * linearly with the text (P8) without timing anything; a pairwise check between findings, or a
 * scan that restarts inside text it already read, shows up as a count that grows faster than the
 * text. Charged once per candidate, window or span (never per character), so it costs nothing
 * measurable.
 */
export const meter = {
  steps: 0,
  /**
   * Readings of a run by libphonenumber (one per call, 10-30 us each): the cost that dominates
   * masking chat-sized messages, counted so a test can prove a run is not read needlessly.
   */
  phoneReadings: 0,
};

/** Adds `n` steps to the meter. */
export function charge(n: number): void {
  meter.steps += n;
}
