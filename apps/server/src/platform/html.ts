import { createHash } from 'node:crypto';

/** Text made safe to place in HTML, in an element or a quoted attribute. */
export const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** A CSP source allowing exactly this inline style sheet (and no other inline style). */
export const styleHashSource = (css: string): string =>
  `'sha256-${createHash('sha256').update(css).digest('base64')}'`;
