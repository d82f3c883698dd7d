import {
  MAX_TEMPLATE_BODY_LENGTH,
  MAX_TEMPLATE_HEADER_LENGTH,
  placeholderKeys,
  renderTemplateText,
  templateParameterIssues,
  type TemplateParameterIssue,
  type TemplateParameterView,
  type TemplateView,
} from '@parlo/protocol';
import { messageTemplateSchema, type MessageTemplate, type TemplateComponent } from '@parlo/whatsapp';
import { z } from 'zod';
import type { MessageTemplateRow } from '../../store/index.ts';

/**
 * Templates as Parlo understands them: Meta's listed components turned into what the agent fills
 * (one parameter per `{{n}}` of the text header and the body), and a filled template turned into
 * the `components` of a send. Pure.
 */

const componentsSchema = z.array(messageTemplateSchema.shape.components.element);

/** The row a synced template is stored as. */
export function templateRow(
  businessNumberId: string,
  template: MessageTemplate,
  at: number,
): MessageTemplateRow {
  return {
    businessNumberId,
    name: template.name,
    language: template.language,
    category: template.category,
    status: template.status,
    components: JSON.stringify(template.components),
    syncedAt: at,
  };
}

/** Whether an agent may send it: approved, and with nothing Parlo cannot fill (media headers). */
export function isSendable(template: Pick<MessageTemplate, 'status' | 'components'>): boolean {
  if (template.status.toUpperCase() !== 'APPROVED') return false;
  const header = template.components.find((c) => c.type.toUpperCase() === 'HEADER');
  // A media header needs a file the agent does not pick here: such templates are not offered.
  return header === undefined || (header.format ?? 'TEXT').toUpperCase() === 'TEXT';
}

/** The view the desktop lists, with a parameter per distinct placeholder; undefined if unreadable. */
export function templateView(row: MessageTemplateRow): TemplateView | undefined {
  let components: MessageTemplate['components'];
  try {
    const parsed = componentsSchema.safeParse(JSON.parse(row.components));
    if (!parsed.success) return undefined;
    components = parsed.data;
  } catch {
    return undefined;
  }
  const find = (type: string) => components.find((c) => c.type.toUpperCase() === type);
  const header = find('HEADER')?.text ?? null;
  const body = find('BODY')?.text ?? '';
  const buttons = (find('BUTTONS')?.buttons ?? []).flatMap((b) => (b.text === undefined ? [] : [b.text]));
  const parameters: TemplateParameterView[] = [
    ...parametersOf(header ?? '', 'header', MAX_TEMPLATE_HEADER_LENGTH),
    ...parametersOf(body, 'body', MAX_TEMPLATE_BODY_LENGTH),
  ];
  return {
    name: row.name,
    language: row.language,
    category: row.category,
    header,
    body,
    footer: find('FOOTER')?.text ?? null,
    buttons,
    parameters,
  };
}

function parametersOf(text: string, component: 'header' | 'body', limit: number): TemplateParameterView[] {
  // A value may use what the fixed text leaves of the component's limit.
  const fixed = text.replace(/\{\{\s*[A-Za-z0-9_]+\s*\}\}/g, '').length;
  const maxLength = Math.max(1, limit - fixed);
  return placeholderKeys(text).map((key) => ({ id: `${component}:${key}`, component, key, maxLength }));
}

/** A template filled in: what the send carries to Graph and what the agent's bubble shows. */
export interface FilledTemplate {
  readonly name: string;
  readonly language: string;
  readonly components: TemplateComponent[];
  readonly text: string;
}

/**
 * Fills a template with the agent's values. Returns the issues by parameter id instead when a value
 * is missing or refused, or when a value names no parameter of the template.
 */
export function fillTemplate(
  view: TemplateView,
  values: Readonly<Record<string, string>>,
):
  | { ok: true; filled: FilledTemplate }
  | { ok: false; issues: Record<string, TemplateParameterIssue | 'unknown'> } {
  const issues: Record<string, TemplateParameterIssue | 'unknown'> = templateParameterIssues(view, values);
  const known = new Set(view.parameters.map((p) => p.id));
  for (const id of Object.keys(values)) if (!known.has(id)) issues[id] = 'unknown';
  const text = renderTemplateText(view, values);
  const body = view.parameters.filter((p) => p.component === 'body');
  if (
    Object.keys(issues).length === 0 &&
    fillPlaceholdersLength(view.body, body, values) > MAX_TEMPLATE_BODY_LENGTH
  ) {
    // Each value fits alone but not all together: the last one is the one to shorten.
    const last = body.at(-1);
    if (last) issues[last.id] = 'tooLong';
  }
  if (Object.keys(issues).length > 0) return { ok: false, issues };
  const components: TemplateComponent[] = [];
  for (const component of ['header', 'body'] as const) {
    const parameters = view.parameters.filter((p) => p.component === component);
    if (parameters.length === 0) continue;
    components.push({
      type: component,
      parameters: parameters.map((p) => ({
        type: 'text',
        text: values[p.id] ?? '',
        // Named parameters ({{first_name}}) are matched by name; positional ones by order.
        ...(/^\d+$/.test(p.key) ? {} : { parameter_name: p.key }),
      })),
    });
  }
  return { ok: true, filled: { name: view.name, language: view.language, components, text } };
}

function fillPlaceholdersLength(
  text: string,
  parameters: readonly TemplateParameterView[],
  values: Readonly<Record<string, string>>,
): number {
  const fixed = text.replace(/\{\{\s*[A-Za-z0-9_]+\s*\}\}/g, '').length;
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) {
    counts.set(match[1] ?? '', (counts.get(match[1] ?? '') ?? 0) + 1);
  }
  return parameters.reduce((sum, p) => sum + (values[p.id] ?? '').length * (counts.get(p.key) ?? 0), fixed);
}
