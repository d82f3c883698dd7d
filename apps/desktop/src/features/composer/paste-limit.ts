/** The text after a paste that had to be cut to fit the message limit. */
export interface LimitedPaste {
  readonly value: string;
  /** Where the caret goes: after what was pasted. */
  readonly caret: number;
  /** The pasted text's length, before it was cut. */
  readonly pastedLength: number;
}

/**
 * A paste of `pasted` over the selection [start, end) of `value`, or null when it fits within
 * `max`. When it does not, only its first characters go in (never half a surrogate pair), so the
 * composer can say so instead of the textarea's maxlength cutting it silently (issue 18).
 */
export function limitPaste(
  value: string,
  start: number,
  end: number,
  pasted: string,
  max: number,
): LimitedPaste | null {
  const kept = value.length - (end - start);
  if (kept + pasted.length <= max) return null;
  let room = Math.max(0, max - kept);
  const code = pasted.charCodeAt(room - 1);
  if (room > 0 && code >= 0xd800 && code <= 0xdbff) room -= 1;
  const inserted = pasted.slice(0, room);
  return {
    value: value.slice(0, start) + inserted + value.slice(end),
    caret: start + inserted.length,
    pastedLength: pasted.length,
  };
}
