import type { CannedResponseView } from '@parlo/protocol';

/**
 * What the agent is looking for when the draft is a `/` command: the text after a leading '/'
 * up to the first space or line break ('' right after the '/'); null when the draft is no command.
 */
export function cannedQueryOf(draft: string): string | null {
  const match = /^\/([^\s/]*)$/u.exec(draft);
  return match ? (match[1] ?? '') : null;
}

/** Lower case, without accents: "Café" and "cafe" match. */
const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Search as you type: shortcuts that start with the query first, then titles or texts holding
 * every word of it; each group in the list's order. At most `limit`.
 */
export function filterCanned(
  responses: readonly CannedResponseView[],
  query: string,
  limit = 8,
): CannedResponseView[] {
  const q = fold(query.trim());
  if (q === '') return responses.slice(0, limit);
  const words = q.split(/\s+/);
  const byShortcut: CannedResponseView[] = [];
  const byText: CannedResponseView[] = [];
  for (const r of responses) {
    if (fold(r.shortcut).startsWith(q)) byShortcut.push(r);
    else {
      const haystack = fold(`${r.shortcut} ${r.title} ${r.body}`);
      if (words.every((w) => haystack.includes(w))) byText.push(r);
    }
  }
  return [...byShortcut, ...byText].slice(0, limit);
}
