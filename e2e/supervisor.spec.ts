import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  setOfferTimeouts,
  customerWrites,
  agentStateOf,
  artifactsDir,
  signIn,
  startStack,
  type Stack,
} from './harness.ts';

/**
 * Issue 3, the supervisor's side: no customer waits unseen. A supervisor watches who waits in
 * which queue and for how long, whom it is offered to, and takes an agent out of RONA (S-4).
 */
const OFFER_TIMEOUT_MS = 6000;

let stack: Stack;
let anna: Page;
let sofia: Page;
let phone: Page;

/** The harness's signIn waits for the agent desktop; a supervisor lands on Administration. */
async function signInSupervisor(page: Page, username: string): Promise<void> {
  await page.goto(stack.parloUrl);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('parlo-demo-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Queues and agents' }).waitFor();
}

beforeAll(async () => {
  stack = await startStack();
  // Short deadlines, so Anna lapses into RONA in seconds rather than the demo's 30 s, yet long
  // enough for the supervisor to see the offer first.
  await setOfferTimeouts(stack, OFFER_TIMEOUT_MS);
  [anna, sofia, phone] = [await stack.newPage(), await stack.newPage(), await stack.newPage()];
  await signIn(anna, stack.parloUrl, 'anna');
  await signInSupervisor(sofia, 'sofia');
});
afterAll(async () => {
  await stack?.stop();
});

const stateOf = agentStateOf;
const waitingRow = (customer: string) =>
  sofia.getByRole('table', { name: 'Waiting customers' }).getByRole('row').filter({ hasText: customer });
const queueRow = (queue: string) =>
  sofia.getByRole('table', { name: 'Queues' }).getByRole('row').filter({ hasText: queue });
const agentRow = (name: string) =>
  sofia.getByRole('table', { name: 'Agents' }).getByRole('row').filter({ hasText: name });

/**
 * Stands in for the browser's notifications, page visibility and audio, so the test can see what
 * the desktop raised: headless Chromium shows no notification and has no tab to hide.
 */
const ALERT_PROBE = `
  window.__hidden = true;
  Object.defineProperty(Document.prototype, 'visibilityState', {
    configurable: true,
    get() { return window.__hidden ? 'hidden' : 'visible'; },
  });
  window.__notifications = [];
  window.Notification = class {
    static permission = 'granted';
    static requestPermission() { return Promise.resolve('granted'); }
    constructor(title, options) {
      Object.assign(this, { title, body: options.body, tag: options.tag, closed: false, onclick: null, onclose: null });
      window.__notifications.push(this);
    }
    close() { this.closed = true; }
  };
  window.__oscillators = 0;
  const createOscillator = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () {
    window.__oscillators += 1;
    return createOscillator.call(this);
  };
`;

interface ProbedNotification {
  title: string;
  body: string;
  tag: string;
  closed: boolean;
}

const notificationsOf = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { __notifications: ProbedNotification[] }).__notifications.map(
      ({ title, body, tag, closed }) => ({ title, body, tag, closed }),
    ),
  );
const ringsOf = (page: Page) =>
  page.evaluate(() => (window as unknown as { __oscillators: number }).__oscillators);

describe('Offers while the tab is hidden (issue 3)', () => {
  it('[issue 3] a hidden desktop raises a notification (name and queue, no number) and rings; it closes on accept', async () => {
    const giulia = await stack.newPage();
    await giulia.addInitScript(ALERT_PROBE);
    await signIn(giulia, stack.parloUrl, 'giulia');
    // A real click: browsers start audio only after a gesture.
    await giulia.mouse.click(640, 400);
    await giulia.getByLabel('Agent state').selectOption('available');
    await expect.poll(() => stateOf(giulia)).toBe('available');

    await customerWrites(phone, stack.simUrl, 'Ravi Kumar', 'Hello, I need help with my order');
    const popover = giulia.getByRole('dialog', { name: 'Contact request' });
    await popover.waitFor();
    const offerId = await popover.getAttribute('data-offer-id');
    await expect
      .poll(() => notificationsOf(giulia))
      .toEqual([
        { title: 'Contact request', body: 'Ravi Kumar · Customer Support', tag: offerId, closed: false },
      ]);
    await expect.poll(() => ringsOf(giulia)).toBeGreaterThan(0);

    // Clicking the notification brings the agent to the popover's Accept button.
    await giulia.evaluate(() => {
      const [n] = (window as unknown as { __notifications: { onclick: (() => void) | null }[] })
        .__notifications;
      n?.onclick?.();
    });
    await expect.poll(() => giulia.evaluate(() => document.activeElement?.textContent)).toBe('Accept');

    await giulia.getByRole('button', { name: 'Accept' }).click();
    await expect.poll(async () => (await notificationsOf(giulia))[0]?.closed).toBe(true);
    // Out of the way of the supervisor's tests below.
    await giulia.getByLabel('Agent state').selectOption({ label: 'Idle – Break' });
    await expect.poll(() => stateOf(giulia)).toBe('idle');
  });
});

describe('Queues and agents: the supervisor sees who waits', () => {
  it('a supervisor sees a customer waiting in their queue, with a ticking wait time', async () => {
    await anna.getByLabel('Agent state').selectOption({ label: 'Idle – Break' });
    await expect.poll(() => stateOf(anna)).toBe('idle');
    expect(await sofia.getByText('Nothing here yet for supervisors').count()).toBe(0);

    await customerWrites(phone, stack.simUrl, 'Sheena Nelson', 'Is anyone there?');
    const row = waitingRow('Sheena Nelson');
    // Picked up by the 3 s refresh, without touching the page.
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getByRole('cell').nth(0).textContent()).toBe('Customer Support');
    expect(await row.getByTestId('offered-to').textContent()).toBe('Not offered yet');
    await expect.poll(() => queueRow('Customer Support').getByRole('cell').textContent()).toBe('1');

    const waited = row.getByTestId('waited');
    const first = await waited.textContent();
    expect(first).toMatch(/^\d\d:\d\d$/);
    await expect.poll(() => waited.textContent(), { timeout: 5000 }).not.toBe(first);
  });

  it('when the agent goes Available, the row shows whom the customer is offered to', async () => {
    await anna.getByLabel('Agent state').selectOption('available');
    await anna.getByRole('dialog', { name: 'Contact request' }).waitFor();
    await sofia.getByRole('button', { name: 'Refresh' }).click();
    await expect
      .poll(() => waitingRow('Sheena Nelson').getByTestId('offered-to').textContent(), { timeout: 5000 })
      .toBe('Anna Rossi');
  });

  it('[S-4] a supervisor takes an agent out of RONA with "Make <name> available"', async () => {
    // Anna does not accept: the offer lapses and she goes to RONA.
    await expect.poll(() => stateOf(anna), { timeout: OFFER_TIMEOUT_MS + 5000 }).toBe('rona');
    const row = agentRow('Anna Rossi');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('rona');
    expect(await row.getByTestId('supervised-state').textContent()).toBe('RONA');
    await sofia.getByRole('button', { name: 'Make Anna Rossi available' }).click();
    await sofia.getByRole('status').filter({ hasText: 'Anna Rossi is Available again.' }).waitFor();
    await expect.poll(() => stateOf(anna)).toBe('available');
    await expect.poll(() => row.getAttribute('data-state')).toBe('available');
    await sofia.screenshot({ path: join(artifactsDir, 'supervisor-queues-and-agents.png'), fullPage: true });
    expect(await sofia.getByRole('button', { name: 'Make Anna Rossi available' }).count()).toBe(0);
    // Available again, Anna is offered the customer who kept their place.
    await anna.getByRole('dialog', { name: 'Contact request' }).waitFor();
  });

  it('an agent cannot read the supervisor overview', async () => {
    const status = await anna.evaluate(async () => (await fetch('/api/supervisor/overview')).status);
    expect(status).toBe(403);
  });

  it('[issue 3] the agent can mute the offer sound, and it stays muted after a reload', async () => {
    const mute = anna.getByRole('button', { name: 'Mute offer sound' });
    expect(await mute.getAttribute('aria-pressed')).toBe('false');
    await mute.click();
    expect(await mute.getAttribute('aria-pressed')).toBe('true');
    await anna.reload();
    await anna.getByLabel('Agent state').waitFor();
    expect(await anna.getByRole('button', { name: 'Mute offer sound' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
  });
});
