import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from './demo.ts';

// `npm start` prints who can sign in (scripts/start.mjs, plain Node: it cannot import the seed).
const START_SCRIPT = new URL('../../../../scripts/start.mjs', import.meta.url);

/** The banner `npm start` prints once both processes run. */
function startBanner(): string {
  const banner = /Parlo is running\.[\s\S]*?Press Ctrl\+C/.exec(readFileSync(START_SCRIPT, 'utf8'));
  if (banner === null) throw new Error('scripts/start.mjs prints no "Parlo is running." banner');
  return banner[0];
}

describe('the npm start banner', () => {
  it('lists exactly the demo users, each with their role, and their password', () => {
    const banner = startBanner();
    const listed = [...banner.matchAll(/\b([a-z0-9._-]+) \((admin|supervisor|agent)\)/g)].map(
      ([, username, role]) => ({ username, role }),
    );
    expect(listed).toEqual(DEMO_USERS.map(({ username, role }) => ({ username, role })));
    expect(banner).toContain(`"${DEMO_PASSWORD}"`);
  });
});
