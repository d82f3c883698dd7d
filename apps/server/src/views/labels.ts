import { labelColorSchema, type LabelView } from '@parlo/protocol';
import type { LabelRow } from '../store/index.ts';

/**
 * Issue 18: a label as every view shows it (task list, search, history). A stored color outside
 * today's palette (never written by Parlo) shows as gray.
 */
export function toLabelView(row: LabelRow): LabelView {
  const color = labelColorSchema.safeParse(row.color);
  return {
    id: row.id,
    name: row.name,
    color: color.success ? color.data : 'gray',
    description: row.description,
  };
}

/** Each conversation's labels as views, from `tx.labels.labelsOf` (already ordered by name). */
export function labelsByConversation(
  found: readonly { readonly conversationId: string; readonly label: LabelRow }[],
): Map<string, LabelView[]> {
  const byConversation = new Map<string, LabelView[]>();
  for (const { conversationId, label } of found) {
    const list = byConversation.get(conversationId);
    if (list) list.push(toLabelView(label));
    else byConversation.set(conversationId, [toLabelView(label)]);
  }
  return byConversation;
}
