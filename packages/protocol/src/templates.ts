import { z } from 'zod';
import { instantSchema } from './views.ts';

/**
 * WhatsApp message templates: the only messages allowed outside the 24-hour customer-service
 * window. The server syncs each business number's approved templates from its WhatsApp Business
 * Account; the agent picks one, fills its `{{n}}` parameters and sends it.
 */
export const templateRoutes = {
  /** GET: the approved templates of the conversation's business number. */
  list: (conversationId: string) => `/api/conversations/${encodeURIComponent(conversationId)}/templates`,
  /** POST {@link SendTemplateRequest}: sends one (owner or conference guest) -> messageResponseSchema. */
  send: (conversationId: string) => `/api/conversations/${encodeURIComponent(conversationId)}/templates/send`,
  /** POST: the agent opened the conversation; marks the latest customer message read (per policy). */
  markRead: (conversationId: string) => `/api/conversations/${encodeURIComponent(conversationId)}/read`,
  /**
   * POST: the agent is typing a reply; the customer sees WhatsApp's typing indicator (it also marks
   * their latest message read) -> markReadResponseSchema. At most one per conversation per 20 s.
   */
  typing: (conversationId: string) => `/api/conversations/${encodeURIComponent(conversationId)}/typing`,
  /** POST (admin): syncs every business number's templates now. */
  sync: '/api/admin/templates/sync',
} as const;

/** WhatsApp's limit on a template's header text, parameters included. */
export const MAX_TEMPLATE_HEADER_LENGTH = 60;
/** WhatsApp's limit on a template's body text, parameters included. */
export const MAX_TEMPLATE_BODY_LENGTH = 1024;

/** One `{{n}}` (or `{{name}}`) of a template; `id` is `<component>:<key>`, e.g. `body:1`. */
export const templateParameterViewSchema = z.object({
  id: z.string(),
  component: z.enum(['header', 'body']),
  /** What is between the braces: `1`, `2`... or a named parameter. */
  key: z.string(),
  maxLength: z.number().int().positive(),
});
export type TemplateParameterView = z.infer<typeof templateParameterViewSchema>;

export const templateViewSchema = z.object({
  name: z.string(),
  language: z.string(),
  category: z.string(),
  /** Header text with its `{{n}}` as written; null when the template has no text header. */
  header: z.string().nullable(),
  body: z.string(),
  footer: z.string().nullable(),
  /** Labels of its buttons (quick replies, links), shown in the preview. */
  buttons: z.array(z.string()),
  parameters: z.array(templateParameterViewSchema),
});
export type TemplateView = z.infer<typeof templateViewSchema>;

export const templatesResponseSchema = z.object({
  templates: z.array(templateViewSchema),
  /** When the number's templates were last synced from WhatsApp; null if never. */
  syncedAt: instantSchema.nullable(),
});
export type TemplatesResponse = z.infer<typeof templatesResponseSchema>;

export const sendTemplateRequestSchema = z
  .object({
    /** Idempotency key, as for a text send. */
    clientMessageId: z.string().min(8).max(64),
    name: z.string().min(1).max(512),
    language: z.string().min(1).max(20),
    /** Values by parameter id (`body:1`, `header:1`...). */
    values: z.record(z.string().max(100), z.string().max(MAX_TEMPLATE_BODY_LENGTH)),
  })
  .strict();
export type SendTemplateRequest = z.infer<typeof sendTemplateRequestSchema>;

export const markReadResponseSchema = z.object({
  /** Whether a read receipt was queued (false: policy `never`, or no customer message yet). */
  queued: z.boolean(),
});
export type MarkReadResponse = z.infer<typeof markReadResponseSchema>;

export const templateSyncResponseSchema = z.object({
  numbers: z.array(
    z.object({ businessNumberId: z.string(), templates: z.number().int(), error: z.string().nullable() }),
  ),
});
export type TemplateSyncResponse = z.infer<typeof templateSyncResponseSchema>;

/** Why a parameter value is refused (shown next to its field). */
export type TemplateParameterIssue = 'required' | 'tooLong' | 'invalidWhitespace';

/**
 * Checks every parameter of a template: each filled, within its length, and without what WhatsApp
 * refuses in a parameter (new lines, tabs, more than four spaces in a row). Empty when all is well.
 */
export function templateParameterIssues(
  template: Pick<TemplateView, 'parameters'>,
  values: Readonly<Record<string, string>>,
): Record<string, TemplateParameterIssue> {
  const issues: Record<string, TemplateParameterIssue> = {};
  for (const parameter of template.parameters) {
    const value = values[parameter.id] ?? '';
    if (value.trim().length === 0) issues[parameter.id] = 'required';
    else if (value.length > parameter.maxLength) issues[parameter.id] = 'tooLong';
    else if (/[\n\r\t]| {5,}/.test(value)) issues[parameter.id] = 'invalidWhitespace';
  }
  return issues;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The distinct placeholder keys of a template text, in order of first appearance. */
export function placeholderKeys(text: string): string[] {
  const keys: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const key = match[1] ?? '';
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

/** A component's text with its placeholders filled (a missing value shows as its placeholder). */
export function fillPlaceholders(
  text: string,
  component: 'header' | 'body',
  values: Readonly<Record<string, string>>,
): string {
  return text.replace(PLACEHOLDER, (whole, key: string) => values[`${component}:${key}`] ?? whole);
}

/** What the customer reads: header, body and footer, filled in, one per line. */
export function renderTemplateText(
  template: Pick<TemplateView, 'header' | 'body' | 'footer'>,
  values: Readonly<Record<string, string>>,
): string {
  return [
    template.header === null ? null : fillPlaceholders(template.header, 'header', values),
    fillPlaceholders(template.body, 'body', values),
    template.footer,
  ]
    .filter((part): part is string => part !== null && part.length > 0)
    .join('\n');
}
