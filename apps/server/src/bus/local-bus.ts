import type { ClusterBus, LatestSeqs, SharedPacer } from './port.ts';
import { SendPacer, type PacingDecision, type PacingOptions } from './pacing.ts';

/** A pacer that lives in this process: exact for one node, the default. */
export class LocalPacer implements SharedPacer {
  readonly #pacer: SendPacer;

  constructor(options: PacingOptions) {
    this.#pacer = new SendPacer(options);
  }

  reserve(
    numberId: string,
    recipient: string | undefined,
    now: number,
    maxWaitMs: number,
  ): Promise<PacingDecision> {
    return Promise.resolve(this.#pacer.reserve(numberId, recipient, now, maxWaitMs));
  }

  throttleNumber(numberId: string, now: number): Promise<void> {
    this.#pacer.throttleNumber(numberId, now);
    return Promise.resolve();
  }

  throttleRecipient(numberId: string, recipient: string, now: number): Promise<void> {
    this.#pacer.throttleRecipient(numberId, recipient, now);
    return Promise.resolve();
  }
}

/** One node, no Redis: nothing to tell anyone, presence is this process's sockets. */
export class LocalBus implements ClusterBus {
  readonly shared = false;
  readonly pacer: SharedPacer;
  readonly #present = new Set<string>();

  constructor(
    readonly nodeId: string,
    pacing: PacingOptions,
  ) {
    this.pacer = new LocalPacer(pacing);
  }

  announce(_latest: LatestSeqs): void {}
  onAnnounce(_listener: (latest: LatestSeqs) => void): void {}
  onResume(_listener: () => void): void {}

  setPresence(agentId: string, present: boolean): Promise<void> {
    if (present) this.#present.add(agentId);
    else this.#present.delete(agentId);
    return Promise.resolve();
  }

  presentAnywhere(agentIds: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(agentIds.filter((id) => this.#present.has(id))));
  }

  ping(): Promise<boolean> {
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
