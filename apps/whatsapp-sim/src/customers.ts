import type { SimCustomerInput } from './config.ts';
import { bsuidFor } from './ids.ts';

/**
 * A customer as the simulator keeps them: every WhatsApp user has a business-scoped user ID (BSUID);
 * the phone number and username are optional, as in 2026.
 */
export interface SimUser {
  /**
   * The simulator's handle on the customer (the `:id` of `/sim/customers/:id/...`, the `waId` of their
   * thread messages): the phone number, else the BSUID. It changes when the phone number does.
   */
  key: string;
  /** The phone number (digits), or undefined for a user who shares none. */
  waId: string | undefined;
  userId: string;
  username: string | undefined;
  name: string;
}

/** Completes a configured customer: a missing BSUID is derived from the phone number or username. */
export function toSimUser(customer: SimCustomerInput): SimUser {
  const waId = 'waId' in customer ? customer.waId : undefined;
  const seed = waId ?? customer.username ?? customer.userId ?? customer.name;
  const userId = customer.userId ?? bsuidFor(seed, waId);
  return {
    key: waId ?? userId,
    waId,
    userId,
    username: customer.username,
    name: customer.name,
  };
}

/** The simulator's customers, found by key, BSUID, phone number or username. */
export class CustomerBook {
  readonly #byKey = new Map<string, SimUser>();

  constructor(customers: readonly SimCustomerInput[] = []) {
    for (const customer of customers) this.add(toSimUser(customer));
  }

  /** Adds (or replaces) a customer; one with the same BSUID or phone number is replaced too. */
  add(user: SimUser): void {
    for (const [key, existing] of this.#byKey) {
      if (existing.userId === user.userId || (user.waId !== undefined && existing.waId === user.waId)) {
        this.#byKey.delete(key);
      }
    }
    this.#byKey.set(user.key, user);
  }

  /** Replaces the customer with the same key, keeping their place in the list. */
  update(user: SimUser): void {
    if (!this.#byKey.has(user.key)) throw new Error('update: unknown customer key');
    this.#byKey.set(user.key, user);
  }

  /** Forgets every customer. */
  clear(): void {
    this.#byKey.clear();
  }

  /** Replaces the customer under `oldKey` with `user` (whose key may differ). */
  replace(oldKey: string, user: SimUser): void {
    this.#byKey.delete(oldKey);
    this.add(user);
  }

  /** By key, then BSUID, then phone number, then username (with or without `@`). */
  get(id: string): SimUser | undefined {
    const direct = this.#byKey.get(id);
    if (direct !== undefined) return direct;
    const username = id.replace(/^@/, '');
    for (const user of this.#byKey.values()) {
      if (user.userId === id || user.waId === id || user.username === username) return user;
    }
    return undefined;
  }

  byWaId(waId: string): SimUser | undefined {
    for (const user of this.#byKey.values()) if (user.waId === waId) return user;
    return undefined;
  }

  byUserId(userId: string): SimUser | undefined {
    for (const user of this.#byKey.values()) if (user.userId === userId) return user;
    return undefined;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  values(): IterableIterator<SimUser> {
    return this.#byKey.values();
  }
}
