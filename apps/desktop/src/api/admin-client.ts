import {
  adminBusinessNumberResponseSchema,
  adminBusinessNumbersResponseSchema,
  adminIdleCodeResponseSchema,
  adminIdleCodesResponseSchema,
  adminQueueResponseSchema,
  adminQueuesResponseSchema,
  adminRoutes,
  adminUserResponseSchema,
  adminUsersResponseSchema,
  adminWrapUpReasonResponseSchema,
  adminWrapUpReasonsResponseSchema,
  auditResponseSchema,
  deletedNumberMessagesResponseSchema,
  okResponseSchema,
  type AdminBusinessNumberView,
  type AdminNamedItemView,
  type AdminQueueView,
  type AdminUserView,
  type AuditQuery,
  type AuditResponse,
  type CreateBusinessNumberRequest,
  type CreateNamedItemRequest,
  type CreateQueueRequest,
  type CreateUserRequest,
  type DeletedNumberMessageView,
  type ResetPasswordRequest,
  type UpdateBusinessNumberRequest,
  type UpdateNamedItemRequest,
  type UpdateQueueRequest,
  type UpdateUserRequest,
  signInLockRoutes,
  signInLocksResponseSchema,
  totpEnrollResponseSchema,
  totpRoutes,
  totpStatusResponseSchema,
  type SignInLockView,
  type TotpEnrollResponse,
  type TotpStatusResponse,
} from '@parlo/protocol';
import { call } from './client.ts';

/*
 * The administration API (issue 6). Every answer is parsed with the protocol's schema; failures
 * throw a RequestError whose `fields` (VALIDATION_FAILED, ALREADY_EXISTS, UNKNOWN_REFERENCE,
 * IN_USE) the forms show next to the fields they name.
 */

export async function fetchAdminUsers(signal?: AbortSignal): Promise<AdminUserView[]> {
  return (await call(adminRoutes.users, adminUsersResponseSchema, { signal })).users;
}
export async function createAdminUser(request: CreateUserRequest): Promise<AdminUserView> {
  return (await call(adminRoutes.users, adminUserResponseSchema, { method: 'POST', body: request })).user;
}
export async function updateAdminUser(id: string, request: UpdateUserRequest): Promise<AdminUserView> {
  return (await call(adminRoutes.user(id), adminUserResponseSchema, { method: 'PATCH', body: request })).user;
}
export async function deleteAdminUser(id: string): Promise<void> {
  await call(adminRoutes.user(id), okResponseSchema, { method: 'DELETE' });
}
/** The user's sessions end on the server; they sign in again with the new password. */
export async function resetAdminUserPassword(id: string, request: ResetPasswordRequest): Promise<void> {
  await call(adminRoutes.userPassword(id), okResponseSchema, { method: 'POST', body: request });
}

export async function fetchAdminQueues(signal?: AbortSignal): Promise<AdminQueueView[]> {
  return (await call(adminRoutes.queues, adminQueuesResponseSchema, { signal })).queues;
}
export async function createAdminQueue(request: CreateQueueRequest): Promise<AdminQueueView> {
  return (await call(adminRoutes.queues, adminQueueResponseSchema, { method: 'POST', body: request })).queue;
}
export async function updateAdminQueue(id: string, request: UpdateQueueRequest): Promise<AdminQueueView> {
  return (await call(adminRoutes.queue(id), adminQueueResponseSchema, { method: 'PATCH', body: request }))
    .queue;
}
export async function deleteAdminQueue(id: string): Promise<void> {
  await call(adminRoutes.queue(id), okResponseSchema, { method: 'DELETE' });
}

export async function fetchAdminBusinessNumbers(signal?: AbortSignal): Promise<AdminBusinessNumberView[]> {
  return (await call(adminRoutes.businessNumbers, adminBusinessNumbersResponseSchema, { signal }))
    .businessNumbers;
}
export async function createAdminBusinessNumber(
  request: CreateBusinessNumberRequest,
): Promise<AdminBusinessNumberView> {
  return (
    await call(adminRoutes.businessNumbers, adminBusinessNumberResponseSchema, {
      method: 'POST',
      body: request,
    })
  ).businessNumber;
}
export async function updateAdminBusinessNumber(
  id: string,
  request: UpdateBusinessNumberRequest,
): Promise<AdminBusinessNumberView> {
  return (
    await call(adminRoutes.businessNumber(id), adminBusinessNumberResponseSchema, {
      method: 'PATCH',
      body: request,
    })
  ).businessNumber;
}
/** S-7: live conversations on the number stop; their agents can only end them. */
export async function deleteAdminBusinessNumber(id: string): Promise<void> {
  await call(adminRoutes.businessNumber(id), okResponseSchema, { method: 'DELETE' });
}

export async function fetchAdminWrapUpReasons(signal?: AbortSignal): Promise<AdminNamedItemView[]> {
  return (await call(adminRoutes.wrapUpReasons, adminWrapUpReasonsResponseSchema, { signal })).wrapUpReasons;
}
export async function createAdminWrapUpReason(request: CreateNamedItemRequest): Promise<AdminNamedItemView> {
  return (
    await call(adminRoutes.wrapUpReasons, adminWrapUpReasonResponseSchema, { method: 'POST', body: request })
  ).wrapUpReason;
}
export async function updateAdminWrapUpReason(
  id: string,
  request: UpdateNamedItemRequest,
): Promise<AdminNamedItemView> {
  return (
    await call(adminRoutes.wrapUpReason(id), adminWrapUpReasonResponseSchema, {
      method: 'PATCH',
      body: request,
    })
  ).wrapUpReason;
}
export async function deleteAdminWrapUpReason(id: string): Promise<void> {
  await call(adminRoutes.wrapUpReason(id), okResponseSchema, { method: 'DELETE' });
}

export async function fetchAdminIdleCodes(signal?: AbortSignal): Promise<AdminNamedItemView[]> {
  return (await call(adminRoutes.idleCodes, adminIdleCodesResponseSchema, { signal })).idleCodes;
}
export async function createAdminIdleCode(request: CreateNamedItemRequest): Promise<AdminNamedItemView> {
  return (await call(adminRoutes.idleCodes, adminIdleCodeResponseSchema, { method: 'POST', body: request }))
    .idleCode;
}
export async function updateAdminIdleCode(
  id: string,
  request: UpdateNamedItemRequest,
): Promise<AdminNamedItemView> {
  return (
    await call(adminRoutes.idleCode(id), adminIdleCodeResponseSchema, { method: 'PATCH', body: request })
  ).idleCode;
}
export async function deleteAdminIdleCode(id: string): Promise<void> {
  await call(adminRoutes.idleCode(id), okResponseSchema, { method: 'DELETE' });
}

/** Newest first; pass the previous answer's `nextCursor` as `cursor` for the next (older) page. */
export function fetchAuditLog(query: Partial<AuditQuery>, signal?: AbortSignal): Promise<AuditResponse> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return call(`${adminRoutes.audit}${search ? `?${search}` : ''}`, auditResponseSchema, { signal });
}

/** S-7: customer messages that arrived on deleted business numbers, kept for administrators. */
export async function fetchDeletedNumberMessages(signal?: AbortSignal): Promise<DeletedNumberMessageView[]> {
  return (await call(adminRoutes.deletedNumberMessages, deletedNumberMessagesResponseSchema, { signal }))
    .messages;
}

// --- sign-in protection (issue 17) ---

export async function fetchSignInLocks(signal?: AbortSignal): Promise<SignInLockView[]> {
  return (await call(signInLockRoutes.list, signInLocksResponseSchema, { signal })).locks;
}
/** Forgets the failures of one username or address: the lock is lifted at once. */
export async function unlockSignIn(key: string): Promise<void> {
  await call(signInLockRoutes.one(key), okResponseSchema, { method: 'DELETE' });
}
export async function fetchTotpStatus(signal?: AbortSignal): Promise<TotpStatusResponse> {
  return call(totpRoutes.status, totpStatusResponseSchema, { signal });
}
/** A new secret, shown once; the second factor is on only after `confirmTotp`. */
export async function enrollTotp(): Promise<TotpEnrollResponse> {
  return call(totpRoutes.enroll, totpEnrollResponseSchema, { method: 'POST' });
}
export async function confirmTotp(code: string): Promise<TotpStatusResponse> {
  return call(totpRoutes.confirm, totpStatusResponseSchema, { method: 'POST', body: { code } });
}
export async function disableTotp(code: string): Promise<TotpStatusResponse> {
  return call(totpRoutes.disable, totpStatusResponseSchema, { method: 'POST', body: { code } });
}
