import {
  createBusinessNumberRequestSchema,
  createNamedItemRequestSchema,
  createQueueRequestSchema,
  createUserRequestSchema,
  resetPasswordRequestSchema,
  updateBusinessNumberRequestSchema,
  updateNamedItemRequestSchema,
  updateQueueRequestSchema,
  updateUserRequestSchema,
  type AdminBusinessNumberView,
  type AdminNamedItemView,
  type AdminQueueView,
  type AdminUserView,
  type CreateBusinessNumberRequest,
  type CreateNamedItemRequest,
  type CreateQueueRequest,
  type CreateUserRequest,
  type PermissionName,
  type ResetPasswordRequest,
  type Role,
  type UpdateBusinessNumberRequest,
  type UpdateNamedItemRequest,
  type UpdateQueueRequest,
  type UpdateUserRequest,
} from '@parlo/protocol';
import {
  changedFields,
  numberInput,
  validate,
  withProblems,
  type FieldErrors,
  type FieldProblem,
  type Validation,
} from './form-model.ts';

/*
 * Form drafts: what the inputs hold (text for numbers, '' for "none"), turned into protocol
 * requests and validated with the protocol's schemas, so the client says exactly what the server
 * would, next to the field, before anything is sent.
 */

// --- users ---------------------------------------------------------------------------------------

export interface UserDraft {
  username: string;
  displayName: string;
  role: Role;
  /** Only on create; an existing user's password is reset on its own. */
  password: string;
  queueIds: string[];
  capacity: string;
  permissions: PermissionName[];
}

export const USER_FIELDS = [
  'username',
  'displayName',
  'role',
  'password',
  'queueIds',
  'capacity',
  'permissions',
] as const;

export const EMPTY_USER_DRAFT: UserDraft = {
  username: '',
  displayName: '',
  role: 'agent',
  password: '',
  queueIds: [],
  capacity: '1',
  permissions: [],
};

export function userDraftOf(user: AdminUserView): UserDraft {
  return {
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    password: '',
    queueIds: [...user.queueIds],
    capacity: String(user.capacity),
    permissions: [...user.permissions],
  };
}

function userFields(draft: UserDraft) {
  return {
    username: draft.username,
    displayName: draft.displayName,
    role: draft.role,
    queueIds: draft.queueIds,
    capacity: numberInput(draft.capacity, undefined),
    permissions: draft.permissions,
  };
}

export function createUserRequest(draft: UserDraft): Validation<CreateUserRequest> {
  return validate(createUserRequestSchema, { ...userFields(draft), password: draft.password });
}

/** Only what changed goes to the server (and so to the audit log). */
export function updateUserRequest(user: AdminUserView, draft: UserDraft): Validation<UpdateUserRequest> {
  const result = validate(updateUserRequestSchema, userFields(draft));
  if (!result.ok) return result;
  return { ok: true, value: changedFields<UpdateUserRequest>(user, result.value) };
}

export function resetPasswordRequest(password: string): Validation<ResetPasswordRequest> {
  return validate(resetPasswordRequestSchema, { password });
}

// --- queues --------------------------------------------------------------------------------------

export interface QueueDraft {
  name: string;
  priority: string;
  offerTimeoutSeconds: string;
  strategy: 'longestAvailable' | 'leastBusy';
  maxWaitSeconds: string;
  /** '' = none. */
  overflowQueueId: string;
  wrapUpReasonIds: string[];
  /** '' = none. */
  defaultWrapUpReasonId: string;
  autoWrapUpSeconds: string;
  /** Window-first ordering: both blank = off. */
  windowFirstThresholdMinutes: string;
  windowFirstMaxOvertakeMinutes: string;
  /** '' = off. */
  stickyAgentSeconds: string;
  /** Reports (issue 16): '' = the default, 20 s. */
  serviceLevelSeconds: string;
}

export const QUEUE_FIELDS = [
  'name',
  'priority',
  'offerTimeoutSeconds',
  'strategy',
  'maxWaitSeconds',
  'overflowQueueId',
  'wrapUpReasonIds',
  'defaultWrapUpReasonId',
  'autoWrapUpSeconds',
  'windowFirst',
  'stickyAgentSeconds',
  'serviceLevelSeconds',
] as const;

export const EMPTY_QUEUE_DRAFT: QueueDraft = {
  name: '',
  priority: '1',
  offerTimeoutSeconds: '30',
  strategy: 'longestAvailable',
  maxWaitSeconds: '',
  overflowQueueId: '',
  wrapUpReasonIds: [],
  defaultWrapUpReasonId: '',
  autoWrapUpSeconds: '',
  windowFirstThresholdMinutes: '',
  windowFirstMaxOvertakeMinutes: '',
  stickyAgentSeconds: '',
  serviceLevelSeconds: '',
};

export function queueDraftOf(queue: AdminQueueView): QueueDraft {
  return {
    name: queue.name,
    priority: String(queue.priority),
    offerTimeoutSeconds: String(queue.offerTimeoutSeconds),
    strategy: queue.strategy,
    maxWaitSeconds: queue.maxWaitSeconds === null ? '' : String(queue.maxWaitSeconds),
    overflowQueueId: queue.overflowQueueId ?? '',
    wrapUpReasonIds: [...queue.wrapUpReasonIds],
    defaultWrapUpReasonId: queue.defaultWrapUpReasonId ?? '',
    autoWrapUpSeconds: queue.autoWrapUpSeconds === null ? '' : String(queue.autoWrapUpSeconds),
    windowFirstThresholdMinutes: queue.windowFirst === null ? '' : String(queue.windowFirst.thresholdMinutes),
    windowFirstMaxOvertakeMinutes:
      queue.windowFirst === null ? '' : String(queue.windowFirst.maxOvertakeMinutes),
    stickyAgentSeconds: queue.stickyAgentSeconds === null ? '' : String(queue.stickyAgentSeconds),
    serviceLevelSeconds: queue.serviceLevelSeconds === null ? '' : String(queue.serviceLevelSeconds),
  };
}

function queueFields(draft: QueueDraft) {
  return {
    name: draft.name,
    priority: numberInput(draft.priority, undefined),
    offerTimeoutSeconds: numberInput(draft.offerTimeoutSeconds, undefined),
    strategy: draft.strategy,
    maxWaitSeconds: numberInput(draft.maxWaitSeconds, null),
    overflowQueueId: draft.overflowQueueId === '' ? null : draft.overflowQueueId,
    wrapUpReasonIds: draft.wrapUpReasonIds,
    defaultWrapUpReasonId: draft.defaultWrapUpReasonId === '' ? null : draft.defaultWrapUpReasonId,
    autoWrapUpSeconds: numberInput(draft.autoWrapUpSeconds, null),
    windowFirst:
      draft.windowFirstThresholdMinutes.trim() === '' && draft.windowFirstMaxOvertakeMinutes.trim() === ''
        ? null
        : {
            thresholdMinutes: numberInput(draft.windowFirstThresholdMinutes, undefined),
            maxOvertakeMinutes: numberInput(draft.windowFirstMaxOvertakeMinutes, undefined),
          },
    stickyAgentSeconds: numberInput(draft.stickyAgentSeconds, null),
    serviceLevelSeconds: numberInput(draft.serviceLevelSeconds, null),
  };
}

/**
 * The rules that span fields (the server checks them too): a max wait and an overflow queue come
 * together; auto wrap-up submits the default reason, which must be one the queue offers.
 */
export function queueCrossFieldProblems(draft: QueueDraft, queueId: string | null): FieldErrors {
  const problems: Record<string, FieldProblem> = {};
  const hasMaxWait = draft.maxWaitSeconds.trim() !== '';
  if (hasMaxWait && draft.overflowQueueId === '') problems.overflowQueueId = { kind: 'needsOverflowQueue' };
  if (!hasMaxWait && draft.overflowQueueId !== '') problems.maxWaitSeconds = { kind: 'needsMaxWait' };
  if (queueId !== null && draft.overflowQueueId === queueId) problems.overflowQueueId = { kind: 'invalid' };
  // Window-first needs both its threshold and its bound.
  if (
    (draft.windowFirstThresholdMinutes.trim() === '') !==
    (draft.windowFirstMaxOvertakeMinutes.trim() === '')
  )
    problems.windowFirst = { kind: 'required' };
  if (draft.autoWrapUpSeconds.trim() !== '' && draft.defaultWrapUpReasonId === '')
    problems.defaultWrapUpReasonId = { kind: 'needsDefaultReason' };
  if (
    draft.defaultWrapUpReasonId !== '' &&
    draft.wrapUpReasonIds.length > 0 &&
    !draft.wrapUpReasonIds.includes(draft.defaultWrapUpReasonId)
  )
    problems.defaultWrapUpReasonId = { kind: 'invalid' };
  return problems;
}

export function createQueueRequest(draft: QueueDraft): Validation<CreateQueueRequest> {
  return withProblems(
    validate(createQueueRequestSchema, queueFields(draft)),
    queueCrossFieldProblems(draft, null),
  );
}

export function updateQueueRequest(queue: AdminQueueView, draft: QueueDraft): Validation<UpdateQueueRequest> {
  const result = withProblems(
    validate(updateQueueRequestSchema, queueFields(draft)),
    queueCrossFieldProblems(draft, queue.id),
  );
  if (!result.ok) return result;
  return { ok: true, value: changedFields<UpdateQueueRequest>(queue, result.value) };
}

// --- business numbers ----------------------------------------------------------------------------

export interface BusinessNumberDraft {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  /** Secrets: write-only. On edit, blank keeps what is stored. */
  accessToken: string;
  /** Separated by spaces or commas (several during a rotation). */
  appSecrets: string;
  verifyToken: string;
  queueId: string;
  /** Rotation, step 1 (edit only): a secret accepted alongside the old ones. */
  addAppSecret: string;
  /** Rotation, step 2 (edit only): keep only the most recently added secret. */
  retireOldAppSecrets: boolean;
}

export const BUSINESS_NUMBER_FIELDS = [
  'phoneNumberId',
  'displayPhoneNumber',
  'wabaId',
  'accessToken',
  'appSecrets',
  'verifyToken',
  'queueId',
  'addAppSecret',
  'retireOldAppSecrets',
] as const;

export const EMPTY_BUSINESS_NUMBER_DRAFT: BusinessNumberDraft = {
  phoneNumberId: '',
  displayPhoneNumber: '',
  wabaId: '',
  accessToken: '',
  appSecrets: '',
  verifyToken: '',
  queueId: '',
  addAppSecret: '',
  retireOldAppSecrets: false,
};

export function businessNumberDraftOf(number: AdminBusinessNumberView): BusinessNumberDraft {
  return {
    phoneNumberId: number.phoneNumberId,
    displayPhoneNumber: number.displayPhoneNumber,
    wabaId: number.wabaId,
    accessToken: '',
    appSecrets: '',
    verifyToken: '',
    queueId: number.queueId,
    addAppSecret: '',
    retireOldAppSecrets: false,
  };
}

/** Several app secrets (during a rotation) are typed separated by spaces or commas. */
function secretLines(text: string): string[] {
  return text.split(/[\s,]+/).filter((secret) => secret !== '');
}

export function createBusinessNumberRequest(
  draft: BusinessNumberDraft,
): Validation<CreateBusinessNumberRequest> {
  return validate(createBusinessNumberRequestSchema, {
    phoneNumberId: draft.phoneNumberId,
    displayPhoneNumber: draft.displayPhoneNumber,
    wabaId: draft.wabaId,
    accessToken: draft.accessToken,
    appSecrets: secretLines(draft.appSecrets),
    verifyToken: draft.verifyToken,
    queueId: draft.queueId,
  });
}

/** Secrets left blank are not sent: the stored ones stay. Changed plain fields only. */
export function updateBusinessNumberRequest(
  number: AdminBusinessNumberView,
  draft: BusinessNumberDraft,
): Validation<UpdateBusinessNumberRequest> {
  const secrets = secretLines(draft.appSecrets);
  const result = validate(updateBusinessNumberRequestSchema, {
    phoneNumberId: draft.phoneNumberId,
    displayPhoneNumber: draft.displayPhoneNumber,
    wabaId: draft.wabaId,
    queueId: draft.queueId,
    ...(draft.accessToken.trim() === '' ? {} : { accessToken: draft.accessToken }),
    ...(secrets.length === 0 ? {} : { appSecrets: secrets }),
    ...(draft.verifyToken.trim() === '' ? {} : { verifyToken: draft.verifyToken }),
    ...(draft.addAppSecret.trim() === '' ? {} : { addAppSecret: draft.addAppSecret.trim() }),
    ...(draft.retireOldAppSecrets ? { retireOldAppSecrets: true } : {}),
  });
  if (!result.ok) return result;
  return { ok: true, value: changedFields<UpdateBusinessNumberRequest>(number, result.value) };
}

// --- wrap-up reasons and idle codes ---------------------------------------------------------------

export interface NamedItemDraft {
  name: string;
  /** '' = after the last one. */
  position: string;
}

export const NAMED_ITEM_FIELDS = ['name', 'position'] as const;
export const EMPTY_NAMED_ITEM_DRAFT: NamedItemDraft = { name: '', position: '' };

export function namedItemDraftOf(item: AdminNamedItemView): NamedItemDraft {
  return { name: item.name, position: String(item.position) };
}

export function createNamedItemRequest(draft: NamedItemDraft): Validation<CreateNamedItemRequest> {
  return validate(createNamedItemRequestSchema, {
    name: draft.name,
    position: numberInput(draft.position, undefined),
  });
}

export function updateNamedItemRequest(
  item: AdminNamedItemView,
  draft: NamedItemDraft,
): Validation<UpdateNamedItemRequest> {
  const result = validate(updateNamedItemRequestSchema, {
    name: draft.name,
    position: numberInput(draft.position, undefined),
  });
  if (!result.ok) return result;
  return { ok: true, value: changedFields<UpdateNamedItemRequest>(item, result.value) };
}

// --- what depends on what (delete confirmations) --------------------------------------------------

export interface AdminData {
  users: readonly AdminUserView[];
  queues: readonly AdminQueueView[];
  businessNumbers: readonly AdminBusinessNumberView[];
  wrapUpReasons: readonly AdminNamedItemView[];
  idleCodes: readonly AdminNamedItemView[];
}

export const EMPTY_ADMIN_DATA: AdminData = {
  users: [],
  queues: [],
  businessNumbers: [],
  wrapUpReasons: [],
  idleCodes: [],
};

/** What refers to a resource, by kind, named for the confirmation: "Agents: Anna, Marco". */
export interface Dependents {
  agents: string[];
  businessNumbers: string[];
  /** Queues that overflow into it, or offer (or default to) a wrap-up reason. */
  queues: string[];
}

export function queueDependents(data: AdminData, queueId: string): Dependents {
  return {
    agents: data.users.filter((u) => u.queueIds.includes(queueId)).map((u) => u.displayName),
    businessNumbers: data.businessNumbers
      .filter((n) => n.queueId === queueId)
      .map((n) => n.displayPhoneNumber),
    queues: data.queues.filter((q) => q.id !== queueId && q.overflowQueueId === queueId).map((q) => q.name),
  };
}

/**
 * S-7 (issue 18): why the server would refuse to delete a queue — business numbers send their
 * customers to it, or queues overflow into it — so the console says so before the click; null
 * when it may go.
 */
export function queueDeleteRefusal(
  data: AdminData,
  queueId: string,
): { businessNumbers: string[]; queues: string[] } | null {
  const { businessNumbers, queues } = queueDependents(data, queueId);
  return businessNumbers.length + queues.length === 0 ? null : { businessNumbers, queues };
}

export function wrapUpReasonDependents(data: AdminData, reasonId: string): Dependents {
  return {
    agents: [],
    businessNumbers: [],
    queues: data.queues
      .filter((q) => q.wrapUpReasonIds.includes(reasonId) || q.defaultWrapUpReasonId === reasonId)
      .map((q) => q.name),
  };
}

export function hasDependents(dependents: Dependents): boolean {
  return dependents.agents.length + dependents.businessNumbers.length + dependents.queues.length > 0;
}
