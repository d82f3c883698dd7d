/**
 * The administration (admin role only, but the audited reveal): users, queues, business numbers,
 * wrap-up reasons, idle codes, settings, the audit log; soft delete and S-7's blocked
 * conversations. Every change is audited in the transaction that makes it.
 */
export { createUser, deleteUser, getUser, listUsers, resetPassword, updateUser } from './users.ts';
export { createQueue, deleteQueue, getQueue, listQueues, updateQueue } from './queues.ts';
export {
  createBusinessNumber,
  deleteBusinessNumber,
  getBusinessNumber,
  listBusinessNumbers,
  updateBusinessNumber,
} from './business-numbers.ts';
export { IDLE_CODES, namedItems, WRAP_UP_REASONS, type NamedKind } from './named-items.ts';
export { browseAudit, getSettings, reveal, updateSettings } from './settings.ts';
export { deletedNumberMessages } from './deleted-numbers.ts';
export { listSignInLocks, unlockSignIn } from './sign-in-locks.ts';
export { changes } from './common.ts';
export {
  getAutomaticMessages,
  getBusinessHours,
  updateAutomaticMessages,
  updateBusinessHours,
} from './business-hours.ts';
