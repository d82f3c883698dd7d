import { z } from 'zod';
import { csatResultViewSchema } from './csat.ts';
import { labelViewSchema } from './labels.ts';
import { instantSchema, messageViewSchema } from './views.ts';

/**
 * Issue 15: the customer as a record, the CAD variables of a conversation (call-associated data),
 * and the interaction history (the customer's past conversations, an agent's recent ones, a
 * read-only transcript). Every customer-data field is masked by the server when masking is on
 * (S-12): what is described here is what an agent's browser receives.
 */
const seg = encodeURIComponent;
export const historyRoutes = {
  /** GET: the customer of a conversation the caller may read. */
  conversationCustomer: (conversationId: string) => `/api/conversations/${seg(conversationId)}/customer`,
  /** GET, PATCH: a customer's record. */
  customer: (customerId: string) => `/api/customers/${seg(customerId)}`,
  /** GET (`?cursor=&limit=`): a customer's closed conversations, newest first. */
  customerConversations: (customerId: string) => `/api/customers/${seg(customerId)}/conversations`,
  /** GET (`?cursor=&limit=`): the caller's own closed conversations, newest first (task bricks). */
  recent: '/api/history/recent',
  /** GET: a closed conversation's read-only transcript (audited when the reader took no part). */
  transcript: (conversationId: string) => `/api/history/conversations/${seg(conversationId)}`,
  /** GET (`?format=json|html`): the transcript exported (permission `transcript.export`; always audited). */
  transcriptExport: (conversationId: string) => `/api/history/conversations/${seg(conversationId)}/export`,
  /** GET, PUT: a conversation's CAD variables (system-reserved and custom). */
  variables: (conversationId: string) => `/api/conversations/${seg(conversationId)}/variables`,
  /** GET: the custom variables the admin described; PUT/DELETE `/{key}` (admin). */
  cadDefinitions: '/api/admin/cad-variables',
  cadDefinition: (key: string) => `/api/admin/cad-variables/${seg(key)}`,
} as const;

/** A customer's record, as the caller may see it. */
export const customerViewSchema = z.object({
  id: z.string(),
  /** WhatsApp's profile name (a name that is a number is masked, S-13). */
  name: z.string(),
  /** The name an agent gave the customer; null: none. */
  displayName: z.string().nullable(),
  /** E.164, masked when masking is on; '' when the customer hides their number. */
  phone: z.string(),
  username: z.string().nullable(),
  /** The business number they write to (masked when masking is on). */
  businessNumber: z.string(),
  language: z.string().nullable(),
  /** Free-form notes; cards, IBANs, emails and numbers in them are masked when masking is on. */
  notes: z.string().nullable(),
  firstSeenAt: instantSchema.nullable(),
  lastSeenAt: instantSchema.nullable(),
  conversationCount: z.number().int().nonnegative(),
  marketingOptedOut: z.boolean(),
});
export type CustomerView = z.infer<typeof customerViewSchema>;

/** A BCP 47 language tag, loosely: `it`, `en-GB`, `pt-BR`. */
const languageTagSchema = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as en-GB');

/** What an agent may change of a customer; absent: unchanged, null: cleared. */
export const updateCustomerRequestSchema = z
  .object({
    displayName: z.string().trim().min(1).max(200).nullable().optional(),
    language: languageTagSchema.nullable().optional(),
    notes: z.string().max(4000).nullable().optional(),
  })
  .strict();
export type UpdateCustomerRequest = z.infer<typeof updateCustomerRequestSchema>;

/** The key of a custom variable: letters, digits, `_`, `.`, `-`; `parlo.` is reserved for the system's. */
export const cadVariableKeySchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'a letter, then up to 63 letters, digits, _ . -')
  .refine((key) => !key.toLowerCase().startsWith('parlo.'), 'keys starting with parlo. are reserved');

/** Prefix of the system-reserved variables, which Parlo sets. */
export const SYSTEM_VARIABLE_PREFIX = 'parlo.';

export const cadVariableViewSchema = z.object({
  key: z.string(),
  value: z.string(),
  /** Set by Parlo (`parlo.*`), read-only. */
  system: z.boolean(),
  /** The caller may change it. */
  editable: z.boolean(),
});
export type CadVariableView = z.infer<typeof cadVariableViewSchema>;

export const cadVariablesResponseSchema = z.object({ variables: z.array(cadVariableViewSchema) });
export type CadVariablesResponse = z.infer<typeof cadVariablesResponseSchema>;

/** Sets custom variables (merged into what is there); null removes one. */
export const setCadVariablesRequestSchema = z
  .object({
    variables: z
      .record(cadVariableKeySchema, z.string().max(1000).nullable())
      .refine((v) => Object.keys(v).length <= 50, 'at most 50 variables at once'),
  })
  .strict();
export type SetCadVariablesRequest = z.infer<typeof setCadVariablesRequestSchema>;

export const cadVariableDefinitionSchema = z.object({ key: z.string(), agentEditable: z.boolean() });
export type CadVariableDefinition = z.infer<typeof cadVariableDefinitionSchema>;
export const cadVariableDefinitionsResponseSchema = z.object({
  definitions: z.array(cadVariableDefinitionSchema),
});
export const putCadVariableDefinitionRequestSchema = z.object({ agentEditable: z.boolean() }).strict();

/** One conversation in a history list: a task brick (S-12: title, contact source, inbound masked). */
export const historyEntryViewSchema = z.object({
  conversationId: z.string(),
  customerId: z.string(),
  /** The customer's name (as an agent set it, else WhatsApp's), masked like every title. */
  title: z.string(),
  /** Contact source: the customer's number (masked), '' when hidden. */
  contactSource: z.string(),
  /** Inbound: the business number the customer wrote to (masked). */
  inbound: z.string(),
  queueName: z.string(),
  receivedAt: instantSchema,
  endedAt: instantSchema.nullable(),
  closedAt: instantSchema.nullable(),
  /** From acceptance (else arrival) to the end; null while it has none. */
  durationMs: z.number().int().nonnegative().nullable(),
  /** Display names of the agents who took part. */
  agents: z.array(z.string()),
  wrapUpReason: z.string().nullable(),
  /** The first lines of the conversation, masked like any message. */
  firstLines: z.array(z.object({ direction: z.string(), authorName: z.string(), text: z.string() })),
  /** Issue 18: the customer's recorded CSAT answer; absent or null: none. */
  csat: csatResultViewSchema.nullable().optional(),
  /** Issue 18: the conversation's labels, by name. */
  labels: z.array(labelViewSchema).optional(),
});
export type HistoryEntryView = z.infer<typeof historyEntryViewSchema>;

export const historyListQuerySchema = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type HistoryListQuery = z.infer<typeof historyListQuerySchema>;

export const historyListResponseSchema = z.object({
  entries: z.array(historyEntryViewSchema),
  nextCursor: z.string().nullable(),
});
export type HistoryListResponse = z.infer<typeof historyListResponseSchema>;

export const transcriptResponseSchema = z.object({
  conversation: historyEntryViewSchema,
  messages: z.array(messageViewSchema),
  /** Whether the caller may export this transcript (the desktop shows the buttons only then). */
  mayExport: z.boolean(),
});
export type TranscriptResponse = z.infer<typeof transcriptResponseSchema>;

/** `json`: a download of the masked transcript; `html`: a self-contained print view (print to PDF). */
export const transcriptExportQuerySchema = z.object({
  format: z.enum(['json', 'html']).default('json'),
  /** The print view's language (labels and dates). */
  lang: z.enum(['en', 'it']).default('en'),
});
export type TranscriptExportQuery = z.infer<typeof transcriptExportQuerySchema>;

/** The JSON export: the transcript as the caller may see it, with who exported it and when. */
export const transcriptExportSchema = z.object({
  conversation: historyEntryViewSchema,
  messages: z.array(messageViewSchema),
  exportedAt: instantSchema,
  exportedBy: z.string(),
});
export type TranscriptExport = z.infer<typeof transcriptExportSchema>;
