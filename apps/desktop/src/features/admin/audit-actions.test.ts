import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { revealRequestSchema } from '@parlo/protocol';
import { describe, expect, it } from 'vitest';
import { auditActionName, NAMED_AUDIT_ACTIONS } from './audit-actions.ts';

const SERVICES = fileURLToPath(new URL('../../../../server/src/services', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every audit action the server's services write with a literal name (and the generated ones). */
function serverActions(): Set<string> {
  const found = new Set<string>();
  const patterns = [
    /action: '([a-zA-Z]+(?:\.[a-zA-Z]+)+)'/g,
    /audit(?:Totp)?\(\s*tx,\s*[^,]+,\s*[^,]+,\s*'([a-zA-Z]+(?:\.[a-zA-Z]+)+)'/g,
  ];
  for (const file of sources(SERVICES)) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const m of text.matchAll(pattern)) if (m[1]) found.add(m[1]);
    for (const m of text.matchAll(/auditPrefix: '([a-zA-Z]+)'/g))
      for (const verb of ['create', 'update', 'delete']) found.add(`${m[1]}.${verb}`);
  }
  for (const option of revealRequestSchema.options) found.add(`reveal.${option.shape.field.value}`);
  return found;
}

describe('[issue-18] the audit log reads in words', () => {
  it('every action the server writes has words in English and Italian', () => {
    const actions = serverActions();
    expect(actions.size).toBeGreaterThan(30);
    const unnamed = [...actions].filter((a) => auditActionName(a, 'en') === undefined);
    expect(unnamed).toEqual([]);
    for (const action of actions)
      expect(auditActionName(action, 'it')).not.toBe(auditActionName(action, 'en'));
  });

  it('names no action the server does not write', () => {
    const actions = serverActions();
    expect(NAMED_AUDIT_ACTIONS.filter((a) => !actions.has(a))).toEqual([]);
  });

  it('an unknown action has no words (the code is shown alone)', () => {
    expect(auditActionName('something.new', 'en')).toBeUndefined();
    expect(auditActionName('users.resetPassword', 'it-IT')).toBe('Password reimpostata');
  });
});
