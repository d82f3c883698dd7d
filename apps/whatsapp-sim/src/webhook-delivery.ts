import { signPayload } from '@parlo/whatsapp';
import type { PendingWork } from './pending.ts';

/** Retry policy of webhook deliveries. */
export interface DeliveryPolicy {
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
  maxQueued: number;
}

/** One delivery (of one payload copy) and how it went. Bodies are not kept here: they hold PII. */
export interface DeliveryRecord {
  id: number;
  /** What the payload held, e.g. `message`, `status:sent`, `batch(3)`. */
  label: string;
  attempts: number;
  /** HTTP status of the last attempt; undefined when it got no answer. */
  lastStatus: number | undefined;
  outcome: 'pending' | 'delivered' | 'gave_up' | 'dropped';
}

/**
 * Delivers signed webhook payloads to one callback URL, as Meta does: POST with
 * `X-Hub-Signature-256` over the exact bytes sent; anything but 200 is retried at once, then with
 * doubling delays, up to `maxAttempts`. Deliveries run concurrently (Meta gives no ordering).
 */
export class WebhookDelivery {
  readonly #records: DeliveryRecord[] = [];
  #inFlight = 0;
  readonly #aborts = new Set<AbortController>();

  constructor(
    private readonly policy: DeliveryPolicy,
    private readonly url: () => string,
    private readonly pending: PendingWork,
  ) {}

  /**
   * Delivers one payload, resolving once it was acknowledged (true) or given up / dropped (false).
   * Never rejects.
   */
  deliver(rawBody: string, appSecret: string, label: string): Promise<boolean> {
    const record: DeliveryRecord = {
      id: this.#records.length + 1,
      label,
      attempts: 0,
      lastStatus: undefined,
      outcome: 'pending',
    };
    this.#records.push(record);
    if (this.#inFlight >= this.policy.maxQueued || this.pending.stopped) {
      record.outcome = 'dropped';
      return Promise.resolve(false);
    }
    this.#inFlight++;
    return this.pending.track(this.#run(record, rawBody, signPayload(rawBody, appSecret))).finally(() => {
      this.#inFlight--;
    });
  }

  /** Every delivery so far, oldest first. */
  records(): readonly DeliveryRecord[] {
    return this.#records;
  }

  /** Aborts requests in flight (used by stop). */
  abortAll(): void {
    for (const controller of this.#aborts) controller.abort();
  }

  async #run(record: DeliveryRecord, rawBody: string, signature: string): Promise<boolean> {
    for (let attempt = 1; attempt <= this.policy.maxAttempts; attempt++) {
      if (this.pending.stopped) break;
      record.attempts = attempt;
      record.lastStatus = await this.#post(rawBody, signature);
      if (record.lastStatus === 200) {
        record.outcome = 'delivered';
        return true;
      }
      if (attempt < this.policy.maxAttempts) await this.#sleep(this.#backoff(attempt));
    }
    record.outcome = 'gave_up';
    return false;
  }

  // Attempt 2 goes at once (Meta retries immediately first), then delays double up to the cap.
  #backoff(attempt: number): number {
    if (attempt === 1) return 0;
    return Math.min(this.policy.maxBackoffMs, this.policy.initialBackoffMs * 2 ** (attempt - 2));
  }

  async #post(rawBody: string, signature: string): Promise<number | undefined> {
    const controller = new AbortController();
    this.#aborts.add(controller);
    const timer = setTimeout(() => controller.abort(), this.policy.timeoutMs);
    try {
      const response = await fetch(this.url(), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signature,
          'user-agent': 'facebookexternalua',
        },
        body: rawBody,
        signal: controller.signal,
      });
      // Drain so the connection can be reused; the body itself is ignored, as Meta does.
      await response.arrayBuffer().catch(() => undefined);
      return response.status;
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
      this.#aborts.delete(controller);
    }
  }

  // A backoff that stop() can cut short, so stopping never waits out a long delay.
  #sleep(ms: number): Promise<void> {
    if (ms === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const controller = new AbortController();
      const finish = (): void => {
        clearTimeout(timer);
        this.#aborts.delete(controller);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      controller.signal.addEventListener('abort', finish, { once: true });
      this.#aborts.add(controller);
    });
  }
}
