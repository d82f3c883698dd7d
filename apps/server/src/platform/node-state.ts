/**
 * Whether this node should get traffic, as far as the node itself decides: it is draining (a
 * SIGTERM), or it found itself misconfigured (another live node shares its database but no bus
 * joins them). `/healthz` adds what it checks each time: the database and the bus answering.
 */
export class NodeState {
  #draining = false;
  #misconfiguration: string | undefined;

  get draining(): boolean {
    return this.#draining;
  }

  /** Why this node must not serve, if it found out; undefined when nothing is wrong. */
  get misconfiguration(): string | undefined {
    return this.#misconfiguration;
  }

  /** From now on the balancer is told not to send anything here. */
  drain(): void {
    this.#draining = true;
  }

  /** Records (or, with undefined, clears) why this node must not serve. */
  setMisconfiguration(reason: string | undefined): void {
    this.#misconfiguration = reason;
  }
}
