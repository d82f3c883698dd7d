/**
 * Leases on background work that every node would otherwise do (a number's periodic template
 * sync): one holder at a time, until the lease's end; then anyone may take it over, so the work
 * of a node that died is picked up by another.
 */

/** Leases on named work. Every method runs inside its transaction. */
export interface LeasesRepository {
  /**
   * Takes the lease `name` for `holder` until `until` (epoch ms) if it is free: never taken, or
   * expired (its end at or before `now`). Held, it is refused to everyone, its own holder included:
   * work claimed for a period is done once in it. Atomic on both adapters: of several concurrent
   * claimants of a free lease, exactly one gets true.
   */
  claimLease(name: string, holder: string, now: number, until: number): Promise<boolean>;
  /** Holds `name` for `holder` until `until` whoever held it: a holder renewing its own lease (a node's heartbeat). */
  renewLease(name: string, holder: string, until: number): Promise<void>;
  /** The leases whose name starts with `prefix` and which are held past `now`. */
  liveLeases(prefix: string, now: number): Promise<HeldLease[]>;
  /** Gives `name` up if `holder` holds it (a node stopping). */
  releaseLease(name: string, holder: string): Promise<void>;
  /** Forgets leases of `prefix` that ended before `before` (nodes long gone). */
  pruneLeases(prefix: string, before: number): Promise<number>;
}

/** A lease someone holds. */
export interface HeldLease {
  readonly name: string;
  readonly holder: string;
  readonly heldUntil: number;
}
