/** `{{ name }}`: letters, digits, '.', '_' and '-' between double braces, spaces around allowed. */
const PLACEHOLDER = /\{\{\s*([\p{L}\p{N}._-]{1,64})\s*\}\}/gu;

/**
 * Fills a canned response's placeholders from `values` in one pass (linear in the text; a value
 * is never read again as a template, so a customer's name holding `{{...}}` stays text). Unknown
 * or empty ones are left empty and listed, so the agent sees what to complete.
 */
export function fillPlaceholders(
  body: string,
  values: ReadonlyMap<string, string>,
): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const text = body.replace(PLACEHOLDER, (_all, name: string) => {
    const value = values.get(name) ?? values.get(name.toLowerCase());
    if (value === undefined || value === '') {
      missing.add(name);
      return '';
    }
    return value;
  });
  return { text, missing: [...missing] };
}

/** The first word of a name ("María José López" -> "María"); the whole name when it has one word. */
export function firstNameOf(name: string): string {
  const trimmed = name.trim();
  const space = trimmed.search(/\s/);
  return space < 0 ? trimmed : trimmed.slice(0, space);
}
