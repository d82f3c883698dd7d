import { z } from 'zod';
import { newPasswordSchema } from './sign-in.ts';

/** Whether `name` is an IANA time zone this runtime knows ('Europe/Rome', 'UTC'). */
export function isTimeZone(name: string): boolean {
  if (name === '' || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Settings an administrator changes at run time. */
export const settingsSchema = z.object({
  /** S-10: mask PCI (cards, IBAN, SSN) and personal data (emails, phones) toward agents. */
  maskSensitiveData: z.boolean(),
  /**
   * S-17: what becomes of a conversation whose transfer to an agent was not accepted: back to its
   * original queue at the head (a customer is never lost), or ended.
   */
  transferNotAcceptedPolicy: z.enum(['returnToQueue', 'endConversation']),
  /** When Parlo tells WhatsApp the customer's messages were read: when an agent opens them, or never. */
  readReceipts: z.enum(['onOpen', 'never']),
  /** In a conference, prefix each agent's message to the customer with the agent's first name. */
  conferenceSignatures: z.boolean(),
  /** How long an agent whose desktop disconnected keeps their conversations before they re-queue. */
  disconnectGraceSeconds: z.number().int().min(0).max(3600),
  /**
   * The center's time zone (issue 16): an IANA name ('Europe/Rome'); reports group days and hours
   * in it and business hours use it. Default 'UTC'.
   */
  timeZone: z.string().max(64).refine(isTimeZone, { message: 'not an IANA time zone' }),
  /** Issue 16: agents see that a supervisor monitors their conversation (off: monitoring is silent). */
  showMonitoringToAgents: z.boolean(),
});
export type Settings = z.infer<typeof settingsSchema>;

export const settingsResponseSchema = z.object({ settings: settingsSchema });

/** A partial update: only the fields present change. */
export const updateSettingsRequestSchema = settingsSchema.partial().strict();
export type UpdateSettingsRequest = z.infer<typeof updateSettingsRequestSchema>;

export const adminRoutes = {
  settings: '/api/admin/settings',
  audit: '/api/admin/audit',
  reveal: '/api/reveal',
  /** GET list, POST create. */
  users: '/api/admin/users',
  /** GET one, PATCH update, DELETE (soft). */
  user: (id: string) => `/api/admin/users/${encodeURIComponent(id)}`,
  /** POST { password }: the administrator sets a new password; the user's sessions end. */
  userPassword: (id: string) => `/api/admin/users/${encodeURIComponent(id)}/password`,
  queues: '/api/admin/queues',
  queue: (id: string) => `/api/admin/queues/${encodeURIComponent(id)}`,
  businessNumbers: '/api/admin/business-numbers',
  businessNumber: (id: string) => `/api/admin/business-numbers/${encodeURIComponent(id)}`,
  wrapUpReasons: '/api/admin/wrap-up-reasons',
  wrapUpReason: (id: string) => `/api/admin/wrap-up-reasons/${encodeURIComponent(id)}`,
  idleCodes: '/api/admin/idle-codes',
  idleCode: (id: string) => `/api/admin/idle-codes/${encodeURIComponent(id)}`,
  /** GET: customer messages that arrived on a deleted business number (S-7: stored, shown to admins). */
  deletedNumberMessages: '/api/admin/deleted-number-messages',
} as const;

/** One masked value to see in clear; needs the `reveal` permission and is written to the audit log. */
export const revealRequestSchema = z.discriminatedUnion('field', [
  z.object({ field: z.literal('customerPhone'), conversationId: z.string().min(1) }),
  z.object({ field: z.literal('messageText'), messageId: z.string().min(1) }),
]);
export type RevealRequest = z.infer<typeof revealRequestSchema>;
export const revealResponseSchema = z.object({ value: z.string() });

export const auditEntryViewSchema = z.object({
  id: z.string(),
  at: z.iso.datetime({ offset: true }),
  actorUserId: z.string(),
  /** The actor's display name (also for deleted users); null if unknown. */
  actorName: z.string().nullable().optional(),
  /** e.g. `users.create`, `queues.update`, `businessNumbers.delete`, `settings.update`, `reveal.messageText`. */
  action: z.string(),
  /** The id of what was changed. */
  subject: z.string(),
  /** What changed; never a secret (tokens and app secrets show as "set"). */
  detail: z.unknown(),
});
export type AuditEntryView = z.infer<typeof auditEntryViewSchema>;
export const auditResponseSchema = z.object({
  entries: z.array(auditEntryViewSchema),
  /** Pass as `cursor` to get the next (older) page; null at the end. */
  nextCursor: z.string().nullable().optional(),
});
export type AuditResponse = z.infer<typeof auditResponseSchema>;

/** GET /api/admin/audit query: every filter optional; newest first. */
export const auditQuerySchema = z
  .object({
    /** Entries whose action starts with this, e.g. `users.` or `businessNumbers.delete`. */
    action: z.string().min(1).max(100).optional(),
    /** The acting user's id. */
    actor: z.string().min(1).max(100).optional(),
    /** Exact subject (the changed resource's id). */
    subject: z.string().min(1).max(200).optional(),
    /** Inclusive lower bound. */
    from: z.iso.datetime({ offset: true }).optional(),
    /** Exclusive upper bound. */
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** The previous page's `nextCursor`. */
    cursor: z.string().min(1).max(200).optional(),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuerySchema>;

// --- administration resources (issue #6) ---------------------------------------------------------
// Lists never include deleted resources (soft delete: history keeps their names). Every create,
// update and delete is audited. Errors: 400 VALIDATION_FAILED with `fields` keyed by field path;
// 409 ALREADY_EXISTS (fields names the clashing field); 400 UNKNOWN_REFERENCE (fields names the
// field referring to an unknown/deleted queue, reason...); 409 IN_USE when a delete would break
// another resource; 404 NOT_FOUND for unknown or deleted ids.

const adminName = z.string().trim().min(1, 'required').max(100, 'too long');
const adminId = z.string().min(1).max(100);
const userRoleSchema = z.enum(['agent', 'supervisor', 'admin']);

/** S-5 capacity profile: how many conversations an agent handles at once. */
export const capacitySchema = z.number().int().min(0).max(10);

/**
 * Explicit rights beyond a role, each use audited: `reveal` (see one masked value in clear;
 * supervisors and administrators), `customerData.export` / `customerData.erase` (a customer's data,
 * administrators), `history.readAll` (an agent reads any transcript), `transcript.export` (an agent
 * exports a transcript they may read; supervisors and administrators may by role).
 */
export const permissionSchema = z.enum([
  'reveal',
  'customerData.export',
  'customerData.erase',
  'history.readAll',
  'transcript.export',
]);
export type PermissionName = z.infer<typeof permissionSchema>;
const permissionsSchema = z.array(permissionSchema).max(permissionSchema.options.length);

export const adminUserViewSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: userRoleSchema,
  /** Queues the user takes conversations from (agents); [] for users without a routing profile. */
  queueIds: z.array(z.string()),
  /** 0..10; 0 for users without a routing profile. */
  capacity: capacitySchema,
  permissions: z.array(permissionSchema),
  createdAt: z.iso.datetime({ offset: true }),
});
export type AdminUserView = z.infer<typeof adminUserViewSchema>;
export const adminUsersResponseSchema = z.object({ users: z.array(adminUserViewSchema) });
export const adminUserResponseSchema = z.object({ user: adminUserViewSchema });

const passwordSchema = newPasswordSchema;
const usernameSchema = z
  .string()
  .trim()
  .min(1, 'required')
  .max(100, 'too long')
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore');
export const createUserRequestSchema = z
  .object({
    username: usernameSchema,
    displayName: adminName,
    role: userRoleSchema,
    password: passwordSchema,
    /** Agents (role `agent`) are routed; others ignore these. */
    queueIds: z.array(adminId).max(100).default([]),
    capacity: capacitySchema.default(1),
    permissions: permissionsSchema.default([]),
  })
  .strict();
export type CreateUserRequest = z.input<typeof createUserRequestSchema>;
/** No defaults here: a field left out stays as it is (zod would apply defaults inside `.partial()`). */
export const updateUserRequestSchema = z
  .object({
    username: usernameSchema,
    displayName: adminName,
    role: userRoleSchema,
    queueIds: z.array(adminId).max(100),
    capacity: capacitySchema,
    permissions: permissionsSchema,
  })
  .partial()
  .strict();
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;
export const resetPasswordRequestSchema = z.object({ password: passwordSchema }).strict();
export type ResetPasswordRequest = z.infer<typeof resetPasswordRequestSchema>;

export const queueStrategySchema = z.enum(['longestAvailable', 'leastBusy']);

/**
 * Window-first ordering: a waiting conversation whose customer's reply window closes within
 * `thresholdMinutes` goes first, but never ahead of one that arrived more than `maxOvertakeMinutes`
 * before it. null = arrival order.
 */
export const windowFirstSchema = z
  .object({
    thresholdMinutes: z.number().int().min(1).max(1440),
    maxOvertakeMinutes: z.number().int().min(1).max(1440),
  })
  .strict();
export type WindowFirstOption = z.infer<typeof windowFirstSchema>;

export const adminQueueViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Lower number = served first when an agent is in several queues. */
  priority: z.number().int(),
  offerTimeoutSeconds: z.number().int(),
  strategy: queueStrategySchema,
  /** A conversation waiting unoffered this long moves to `overflowQueueId`; null = no limit. */
  maxWaitSeconds: z.number().int().nullable(),
  overflowQueueId: z.string().nullable(),
  /** The wrap-up reasons offered for this queue's conversations; [] = all reasons. */
  wrapUpReasonIds: z.array(z.string()),
  defaultWrapUpReasonId: z.string().nullable(),
  /** After this long in wrap-up the default reason is submitted; null = never. */
  autoWrapUpSeconds: z.number().int().nullable(),
  windowFirst: windowFirstSchema.nullable(),
  /** A returning customer's new conversation is kept this long for their last agent; null = off. */
  stickyAgentSeconds: z.number().int().nullable(),
  /** Reports (issue 16): answered within this many seconds counts for the service level; null = 20. */
  serviceLevelSeconds: z.number().int().nullable(),
});
export type AdminQueueView = z.infer<typeof adminQueueViewSchema>;
export const adminQueuesResponseSchema = z.object({ queues: z.array(adminQueueViewSchema) });
export const adminQueueResponseSchema = z.object({ queue: adminQueueViewSchema });

const queueFields = z.object({
  name: adminName,
  priority: z.number().int().min(0).max(1000).default(1),
  offerTimeoutSeconds: z.number().int().min(5).max(600).default(30),
  strategy: queueStrategySchema.default('longestAvailable'),
  maxWaitSeconds: z.number().int().min(10).max(86_400).nullable().default(null),
  overflowQueueId: adminId.nullable().default(null),
  wrapUpReasonIds: z.array(adminId).max(100).default([]),
  defaultWrapUpReasonId: adminId.nullable().default(null),
  autoWrapUpSeconds: z.number().int().min(5).max(3600).nullable().default(null),
  windowFirst: windowFirstSchema.nullable().default(null),
  stickyAgentSeconds: z.number().int().min(5).max(3600).nullable().default(null),
  serviceLevelSeconds: z.number().int().min(1).max(3600).nullable().default(null),
});
/** Cross-field rules are checked by the server and reported on the field: a max wait needs an
 * overflow queue and vice versa; auto wrap-up needs a default reason. */
export const createQueueRequestSchema = queueFields.strict();
export type CreateQueueRequest = z.input<typeof createQueueRequestSchema>;
export const updateQueueRequestSchema = z
  .object({
    name: adminName,
    priority: z.number().int().min(0).max(1000),
    offerTimeoutSeconds: z.number().int().min(5).max(600),
    strategy: queueStrategySchema,
    maxWaitSeconds: z.number().int().min(10).max(86_400).nullable(),
    overflowQueueId: adminId.nullable(),
    wrapUpReasonIds: z.array(adminId).max(100),
    defaultWrapUpReasonId: adminId.nullable(),
    autoWrapUpSeconds: z.number().int().min(5).max(3600).nullable(),
    windowFirst: windowFirstSchema.nullable(),
    stickyAgentSeconds: z.number().int().min(5).max(3600).nullable(),
    serviceLevelSeconds: z.number().int().min(1).max(3600).nullable(),
  })
  .partial()
  .strict();
export type UpdateQueueRequest = z.infer<typeof updateQueueRequestSchema>;

/** Secrets are write-only: the view says only whether they are set and how many. */
export const adminBusinessNumberViewSchema = z.object({
  id: z.string(),
  /** Meta's id of the number; webhooks are routed on it. */
  phoneNumberId: z.string(),
  displayPhoneNumber: z.string(),
  wabaId: z.string(),
  queueId: z.string(),
  accessTokenSet: z.boolean(),
  appSecretCount: z.number().int().min(0),
  verifyTokenSet: z.boolean(),
});
export type AdminBusinessNumberView = z.infer<typeof adminBusinessNumberViewSchema>;
export const adminBusinessNumbersResponseSchema = z.object({
  businessNumbers: z.array(adminBusinessNumberViewSchema),
});
export const adminBusinessNumberResponseSchema = z.object({ businessNumber: adminBusinessNumberViewSchema });

const secret = z.string().min(1, 'required').max(1000, 'too long');
export const createBusinessNumberRequestSchema = z
  .object({
    phoneNumberId: z
      .string()
      .trim()
      .regex(/^\d{1,30}$/, 'digits only'),
    /** E.164 digits, with or without "+". */
    displayPhoneNumber: z
      .string()
      .trim()
      .regex(/^\+?\d{6,20}$/, 'a phone number in international form'),
    wabaId: z
      .string()
      .trim()
      .regex(/^\d{1,30}$/, 'digits only'),
    accessToken: secret,
    /** At least one; several are accepted at once during a rotation. */
    appSecrets: z.array(secret).min(1, 'at least one').max(5),
    verifyToken: secret,
    queueId: adminId,
  })
  .strict();
export type CreateBusinessNumberRequest = z.infer<typeof createBusinessNumberRequestSchema>;
export const updateBusinessNumberRequestSchema = z
  .object({
    phoneNumberId: z
      .string()
      .trim()
      .regex(/^\d{1,30}$/, 'digits only'),
    displayPhoneNumber: z
      .string()
      .trim()
      .regex(/^\+?\d{6,20}$/, 'a phone number in international form'),
    wabaId: z
      .string()
      .trim()
      .regex(/^\d{1,30}$/, 'digits only'),
    /** Replaces the token. */
    accessToken: secret,
    /** Replaces every app secret. */
    appSecrets: z.array(secret).min(1, 'at least one').max(5),
    /** Rotation, step 1: adds a secret; the old ones stay valid until retired. */
    addAppSecret: secret,
    /** Rotation, step 2: keeps only the most recently added secret. */
    retireOldAppSecrets: z.literal(true),
    verifyToken: secret,
    queueId: adminId,
  })
  .partial()
  .strict();
export type UpdateBusinessNumberRequest = z.infer<typeof updateBusinessNumberRequestSchema>;

/** Wrap-up reasons and idle codes share a shape. */
export const adminNamedItemViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Display order. */
  position: z.number().int(),
});
export type AdminNamedItemView = z.infer<typeof adminNamedItemViewSchema>;
export const adminWrapUpReasonsResponseSchema = z.object({
  wrapUpReasons: z.array(adminNamedItemViewSchema),
});
export const adminWrapUpReasonResponseSchema = z.object({ wrapUpReason: adminNamedItemViewSchema });
export const adminIdleCodesResponseSchema = z.object({ idleCodes: z.array(adminNamedItemViewSchema) });
export const adminIdleCodeResponseSchema = z.object({ idleCode: adminNamedItemViewSchema });
/** `position` defaults to after the last one. */
export const createNamedItemRequestSchema = z
  .object({ name: adminName, position: z.number().int().min(0).max(10_000).optional() })
  .strict();
export type CreateNamedItemRequest = z.infer<typeof createNamedItemRequestSchema>;
export const updateNamedItemRequestSchema = createNamedItemRequestSchema.partial().strict();
export type UpdateNamedItemRequest = z.infer<typeof updateNamedItemRequestSchema>;

/** S-7: a customer message that arrived on a business number after it was deleted. */
export const deletedNumberMessageViewSchema = z.object({
  messageId: z.string(),
  conversationId: z.string(),
  businessNumberId: z.string(),
  /** The deleted number as displayed (masked when masking is on). */
  businessNumber: z.string(),
  customerName: z.string(),
  customerPhone: z.string(),
  text: z.string(),
  sentAt: z.iso.datetime({ offset: true }),
  receivedAt: z.iso.datetime({ offset: true }),
});
export type DeletedNumberMessageView = z.infer<typeof deletedNumberMessageViewSchema>;
export const deletedNumberMessagesResponseSchema = z.object({
  messages: z.array(deletedNumberMessageViewSchema),
});
