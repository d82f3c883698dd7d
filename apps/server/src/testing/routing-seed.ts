import type { Parlo } from '../index.ts';

/** A store transaction, as the server's entry exposes it (testing reaches the store only through it). */
type StoreTx = Parameters<Parameters<Parlo['store']['transaction']>[0]>[0];

export interface RoutingSeed {
  /** Queues, longest-available; the business number routes to the first. */
  readonly queues: readonly {
    readonly id: string;
    readonly name?: string;
    readonly priority: number;
    readonly offerTimeoutMs: number;
  }[];
  /** Agents (users with a profile), idle. */
  readonly agents: readonly {
    readonly id: string;
    readonly capacity: number;
    readonly queueIds: readonly string[];
  }[];
}

/**
 * A routing test's world, written through the store: the queues, the business number `bn`
 * (phone_number_id `pn`) and the agents, named after their ids.
 */
export async function seedRoutingWorld(tx: StoreTx, seed: RoutingSeed): Promise<void> {
  for (const queue of seed.queues) {
    await tx.insertQueue({
      id: queue.id,
      name: queue.name ?? queue.id,
      priority: queue.priority,
      offerTimeoutMs: queue.offerTimeoutMs,
      strategy: 'longestAvailable',
    });
  }
  await tx.insertBusinessNumber({
    id: 'bn',
    phoneNumberId: 'pn',
    displayPhoneNumber: '15550000000',
    wabaId: 'w',
    accessToken: 't',
    appSecrets: ['s'],
    verifyToken: 'v',
    queueId: seed.queues[0]?.id ?? '',
  });
  for (const agent of seed.agents) {
    await tx.insertUser({
      id: agent.id,
      username: agent.id,
      displayName: agent.id,
      role: 'agent',
      passwordHash: 'x',
      createdAt: 0,
    });
    await tx.upsertAgentProfile(
      { userId: agent.id, capacity: agent.capacity, queueIds: [...agent.queueIds] },
      'idle',
      0,
    );
  }
}
