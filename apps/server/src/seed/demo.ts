import { MASKING_SETTING_KEY } from '../platform/index.ts';
import { hashPassword } from '../services/auth/index.ts';
import type { Store } from '../store/index.ts';

/** The simulator's demo number (see apps/whatsapp-sim): the same ids on both sides. */
export const DEMO_NUMBER = {
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
  wabaId: '102290129340398',
  accessToken: 'demo-access-token',
  appSecret: 'demo-app-secret',
  verifyToken: 'demo-verify-token',
} as const;

/** At least 12 characters, as every password set since issue 17; each demo user has their own salt. */
export const DEMO_PASSWORD = 'parlo-demo-2026';

export const DEMO_USERS = [
  { id: 'usr_admin', username: 'admin', displayName: 'Alex Admin', role: 'admin' as const },
  { id: 'usr_sofia', username: 'sofia', displayName: 'Sofia Neri', role: 'supervisor' as const },
  { id: 'usr_anna', username: 'anna', displayName: 'Anna Rossi', role: 'agent' as const },
  { id: 'usr_marco', username: 'marco', displayName: 'Marco Bianchi', role: 'agent' as const },
  { id: 'usr_giulia', username: 'giulia', displayName: 'Giulia Verdi', role: 'agent' as const },
];

/**
 * Fills an empty database with a small contact center: an admin, three agents, two queues,
 * wrap-up reasons, idle codes and one business number bound to the simulator. Does nothing if
 * any user exists.
 */
export async function seedDemo(store: Store, now: number): Promise<boolean> {
  // Every start but the first finds users: look before hashing (five scrypt hashes are 300 ms of a
  // start). The transaction below looks again, in case another node seeded meanwhile.
  if ((await store.transaction((tx) => tx.listUsers())).length > 0) return false;
  // One hash per user: the same password, a different salt each (scrypt runs on the thread pool).
  const users = await Promise.all(
    DEMO_USERS.map(async (user) => ({ ...user, passwordHash: await hashPassword(DEMO_PASSWORD) })),
  );
  return store.transaction(async (tx) => {
    if ((await tx.listUsers()).length > 0) return false;
    const idle = [
      { id: 'idle_break', name: 'Break' },
      { id: 'idle_lunch', name: 'Lunch' },
      { id: 'idle_meeting', name: 'Meeting' },
      { id: 'idle_training', name: 'Training' },
    ];
    for (const [position, code] of idle.entries()) await tx.insertIdleCode({ ...code, position });
    const reasons = [
      { id: 'wr_resolved', name: 'Resolved' },
      { id: 'wr_info', name: 'Information given' },
      { id: 'wr_followup', name: 'Follow-up needed' },
      { id: 'wr_escalated', name: 'Escalated' },
      { id: 'wr_sale', name: 'Sale completed' },
      { id: 'wr_wrong', name: 'Wrong number' },
    ];
    for (const [position, reason] of reasons.entries()) await tx.insertWrapUpReason({ ...reason, position });
    await tx.insertQueue({
      id: 'q_support',
      name: 'Customer Support',
      priority: 1,
      offerTimeoutMs: 30_000,
      strategy: 'longestAvailable',
    });
    await tx.insertQueue({
      id: 'q_sales',
      name: 'Sales',
      priority: 2,
      offerTimeoutMs: 30_000,
      strategy: 'longestAvailable',
    });
    for (const user of users) {
      await tx.insertUser({ ...user, createdAt: now });
      if (user.role === 'admin') {
        for (const permission of ['reveal', 'customerData.export', 'customerData.erase'] as const)
          await tx.grantPermission(user.id, permission);
      }
      if (user.role === 'agent') {
        await tx.upsertAgentProfile(
          { userId: user.id, capacity: 5, queueIds: ['q_support', 'q_sales'] },
          'idle_break',
          now,
        );
      }
    }
    // S-10: a first look at Parlo shows masking working.
    await tx.setSetting(MASKING_SETTING_KEY, 'true');
    await tx.insertBusinessNumber({
      id: 'bn_demo',
      phoneNumberId: DEMO_NUMBER.phoneNumberId,
      displayPhoneNumber: DEMO_NUMBER.displayPhoneNumber,
      wabaId: DEMO_NUMBER.wabaId,
      accessToken: DEMO_NUMBER.accessToken,
      appSecrets: [DEMO_NUMBER.appSecret],
      verifyToken: DEMO_NUMBER.verifyToken,
      queueId: 'q_support',
    });
    return true;
  });
}
