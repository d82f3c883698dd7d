/**
 * Send pacing, so Parlo does not provoke WhatsApp's throughput errors (CLOUD-API.md, "Throughput
 * and errors that change behaviour"): 130429 when a business number goes over its messages per
 * second (80 by default), 131056 when one recipient gets too many messages in a short time. Pure:
 * every method takes the instant it runs at.
 */

/**
 * A (rate, burst) bucket in GCRA terms: a token every `intervalMs`, and a slot may run up to
 * `toleranceMs` ahead of the theoretical arrival time (that is the burst). One definition, so the
 * in-process bucket and the Redis one (`RedisPacer`) read the options alike.
 */
export function gcraParameters(
  ratePerSecond: number,
  burst: number,
): { readonly intervalMs: number; readonly toleranceMs: number } {
  if (!(ratePerSecond > 0) || !(burst >= 1)) throw new RangeError('rate must be > 0 and burst >= 1');
  const intervalMs = 1000 / ratePerSecond;
  return { intervalMs, toleranceMs: (Math.floor(burst) - 1) * intervalMs };
}

/**
 * A token bucket kept as the time its next token is due (GCRA, "virtual scheduling"): `ratePerSecond`
 * tokens a second, at most `burst` saved up. A slot can be looked at without being taken, so a
 * caller that will not wait that long loses nothing.
 */
export class TokenBucket {
  readonly #intervalMs: number;
  readonly #toleranceMs: number;
  /** When the bucket would be empty again if every saved token were spent (the "theoretical arrival time"). */
  #tat = Number.NEGATIVE_INFINITY;

  constructor(ratePerSecond: number, burst: number) {
    ({ intervalMs: this.#intervalMs, toleranceMs: this.#toleranceMs } = gcraParameters(ratePerSecond, burst));
  }

  /** The earliest instant at or after `at` at which a token is available. */
  peek(at: number): number {
    return Math.max(at, this.#tat - this.#toleranceMs);
  }

  /** Takes the token of {@link peek}(at) and returns its instant. */
  take(at: number): number {
    const slot = this.peek(at);
    this.#tat = Math.max(this.#tat, slot) + this.#intervalMs;
    return slot;
  }

  /** Whether the bucket is full again at `now` (so forgetting it changes nothing). */
  isFull(now: number): boolean {
    return this.#tat <= now;
  }

  /** Empties the bucket until `until`: no token before then, and none saved up. */
  drainUntil(until: number): void {
    this.#tat = Math.max(this.#tat, until + this.#toleranceMs);
  }
}

export interface PacingOptions {
  /** Per business number (Meta's default tier: 80). */
  readonly numberRatePerSecond: number;
  readonly numberBurst: number;
  /** Per recipient ("pair rate"): one message per this many ms on average... */
  readonly recipientIntervalMs: number;
  /** ...with at most this many in a burst. */
  readonly recipientBurst: number;
}

/** Where a send stands with the pacer: go at `at` (its slots are taken), or come back at `retryAt`. */
export type PacingDecision =
  { readonly go: true; readonly at: number } | { readonly go: false; readonly retryAt: number };

/** How long to slow down after WhatsApp said 130429 (number) or 131056 (recipient). */
export const THROUGHPUT_PENALTY_MS = 1000;

/**
 * One bucket per business number and one per (number, recipient). A send takes a slot of both, or
 * neither: one that would wait longer than `maxWaitMs` is told when to come back instead.
 */
export class SendPacer {
  readonly #numbers = new Map<string, TokenBucket>();
  readonly #recipients = new Map<string, TokenBucket>();
  #reserves = 0;

  constructor(private readonly options: PacingOptions) {}

  /** A message to `recipient` from `numberId`; `recipient` undefined for a read receipt (not a message to a person's quota). */
  reserve(numberId: string, recipient: string | undefined, now: number, maxWaitMs: number): PacingDecision {
    // Forget full recipient buckets now and then: one per customer ever written to would only grow.
    if (++this.#reserves % 1024 === 0) {
      for (const [key, bucket] of this.#recipients) if (bucket.isFull(now)) this.#recipients.delete(key);
    }
    const numberBucket = this.#number(numberId);
    const recipientBucket = recipient === undefined ? undefined : this.#recipient(numberId, recipient);
    // A recipient out of tokens waits outside (seconds): a number slot taken that far ahead would
    // hold back every other customer of the number until then.
    const recipientSlot = recipientBucket?.peek(now) ?? now;
    if (recipientSlot > now) return { go: false, retryAt: recipientSlot };
    const slot = numberBucket.peek(now);
    if (slot - now > maxWaitMs) return { go: false, retryAt: slot };
    recipientBucket?.take(now);
    numberBucket.take(now);
    return { go: true, at: slot };
  }

  /** WhatsApp answered 130429: nothing more from this number for a while. */
  throttleNumber(numberId: string, now: number, ms = THROUGHPUT_PENALTY_MS): void {
    this.#number(numberId).drainUntil(now + ms);
  }

  /** WhatsApp answered 131056: slow down for that contact. */
  throttleRecipient(numberId: string, recipient: string, now: number): void {
    this.#recipient(numberId, recipient).drainUntil(now + this.options.recipientIntervalMs);
  }

  #number(numberId: string): TokenBucket {
    let bucket = this.#numbers.get(numberId);
    if (!bucket) {
      bucket = new TokenBucket(this.options.numberRatePerSecond, this.options.numberBurst);
      this.#numbers.set(numberId, bucket);
    }
    return bucket;
  }

  #recipient(numberId: string, recipient: string): TokenBucket {
    const key = `${numberId}:${recipient}`;
    let bucket = this.#recipients.get(key);
    if (!bucket) {
      bucket = new TokenBucket(1000 / this.options.recipientIntervalMs, this.options.recipientBurst);
      this.#recipients.set(key, bucket);
    }
    return bucket;
  }
}
