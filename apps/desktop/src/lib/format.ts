/**
 * Elapsed time as `mm:ss` below an hour and `h:mm:ss` from then on. Negative input (a server clock
 * slightly ahead of ours) shows as 00:00 rather than a confusing minus sign.
 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const mm = String(minutes).padStart(2, '0');
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Milliseconds from an ISO instant to `now`. */
export function elapsedSince(iso: string, now: number): number {
  return now - Date.parse(iso);
}

/** The avatar glyph of a name that has no initials to show. */
export const NO_INITIALS = '#';

/** User-perceived characters: "É" written as E + accent, or a flag, is one. */
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const firstGrapheme = (text: string): string =>
  graphemes.segment(text)[Symbol.iterator]().next().value?.segment ?? '';

/**
 * Up to two initials for the avatar of a customer's bubbles (S-6): "Maria Rossi" -> "MR". Each is
 * a whole character as the reader sees it (a decomposed accent stays on its letter), in any script
 * ("محمد علي" -> "مع", shown right to left by the avatar's `dir="auto"`). A name with no letters
 * but an emoji ("🌸🌸") gets its first emoji. A name with neither (a phone number, S-13) gets "#"
 * rather than digits, and so does a name the server masked (it starts with "*", S-10..S-13):
 * initials of what is left of it would be meaningless or, worse, a hint at what was hidden.
 */
export function initialsOf(name: string): string {
  const trimmed = name.trim();
  if (trimmed.startsWith('*')) return NO_INITIALS;
  const words = trimmed.split(/\s+/).filter((w) => /\p{L}/u.test(w));
  const letters = words.map((w) => firstGrapheme(w.slice(w.search(/\p{L}/u))));
  if (letters.length === 0) {
    const emoji = /[\p{Extended_Pictographic}\p{Regional_Indicator}]/u.exec(trimmed);
    return emoji ? firstGrapheme(trimmed.slice(emoji.index)) : NO_INITIALS;
  }
  const first = letters[0] ?? '';
  const last = letters.length > 1 ? (letters[letters.length - 1] ?? '') : '';
  return (first + last).toLocaleUpperCase();
}

/** Short clock time of a message, in the UI language. */
export function formatTime(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}
