import type { Catalog, NamedItem } from '@parlo/protocol';

function fold(text: string): string {
  // Accent- and case-insensitive, so "risolto" finds "Risolto" and "cafe" finds "Café".
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

/**
 * S-25: the reasons whose name contains every word of the query, in catalog order. An empty
 * query keeps them all.
 */
export function filterReasons(reasons: readonly NamedItem[], query: string): readonly NamedItem[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return reasons;
  return reasons.filter((r) => {
    const name = fold(r.name);
    return words.every((w) => name.includes(w));
  });
}

/**
 * S-25: the reasons offered for a conversation of `queueId`: the queue's own list when the
 * administrator narrowed it, every reason otherwise (or when the queue is unknown, e.g. deleted).
 */
export function reasonsForQueue(catalog: Catalog, queueId: string): readonly NamedItem[] {
  const allowed = catalog.queues.find((q) => q.id === queueId)?.wrapUpReasonIds ?? [];
  if (allowed.length === 0) return catalog.wrapUpReasons;
  return catalog.wrapUpReasons.filter((r) => allowed.includes(r.id));
}
