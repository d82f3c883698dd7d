import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createParlo, loadConfig, type Parlo } from '@parlo/server';
import { createSimulator, type SimNumber, type Simulator } from '@parlo/whatsapp-sim';
import { DEMO_NUMBER } from '@parlo/server';
import { freePort } from '../cluster/processes.ts';

// One picker of free ports for every tier that starts servers (distinct ports within a run).
export { freePort };

const root = fileURLToPath(new URL('..', import.meta.url));
export const artifactsDir = join(root, 'e2e/artifacts');
/** Screenshots go to the ignored artifacts folder; PARLO_UPDATE_SCREENSHOTS=1 refreshes the README's. */
export const screenshotsDir =
  process.env.PARLO_UPDATE_SCREENSHOTS === '1' ? join(root, 'docs/screenshots') : artifactsDir;

export interface Stack {
  readonly parloUrl: string;
  readonly simUrl: string;
  /** The simulator itself: a customer may write to any number it hosts. */
  readonly sim: Simulator;
  readonly parlo: Parlo;
  readonly browser: Browser;
  /** A fresh browser context (its own cookies), in English, at desktop size. */
  newPage(): Promise<Page>;
  /** Stops and starts Parlo on the same database and port (a restart, as after a crash). */
  restartParlo(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  readonly env?: Record<string, string>;
  /** The simulator's clock (its 24-hour window, message timestamps); default Date.now. */
  readonly simNow?: () => number;
  /** Parlo's port, when a test must know its URL first (an identity provider's redirect URL); default a free one. */
  readonly parloPort?: number;
  /** More business numbers the simulator hosts besides the demo one (Parlo knows them once an admin adds them). */
  readonly extraNumbers?: readonly SimNumber[];
}

/** Starts the simulator, Parlo on a fresh SQLite file with demo data, and Chromium. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parlo-e2e-'));
  // The simulator takes a port the kernel hands it while it listens (no window for another
  // listener); it learns Parlo's webhook URL once Parlo listens.
  const simOptions = {
    webhookUrl: 'http://127.0.0.1:1/webhooks/whatsapp',
    numbers: [
      {
        phoneNumberId: DEMO_NUMBER.phoneNumberId,
        displayPhoneNumber: DEMO_NUMBER.displayPhoneNumber,
        wabaId: DEMO_NUMBER.wabaId,
        accessToken: DEMO_NUMBER.accessToken,
        appSecret: DEMO_NUMBER.appSecret,
      },
      ...(options.extraNumbers ?? []),
    ],
    ...(options.simNow ? { now: options.simNow } : {}),
  };
  let sim = createSimulator(simOptions);
  let simUrl = await sim.start(0, '127.0.0.1');
  // A port a test chose for Parlo is free, so the kernel may hand it to the simulator.
  while (options.parloPort !== undefined && new URL(simUrl).port === String(options.parloPort)) {
    await sim.stop();
    sim = createSimulator(simOptions);
    simUrl = await sim.start(0, '127.0.0.1');
  }

  const configFor = (parloPort: number) =>
    loadConfig({
      PORT: String(parloPort),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${join(dataDir, 'parlo.db')}`,
      PARLO_DEMO: 'true',
      // The suite signs in many times from 127.0.0.1: limits on, but far off (issue 17's tests set their own).
      RATE_LIMIT_API_PER_MINUTE: '100000',
      RATE_LIMIT_SIGN_IN_PER_MINUTE: '100000',
      SIGN_IN_ADDRESS_FREE_FAILURES: '100000',
      GRAPH_API_BASE_URL: simUrl,
      DESKTOP_DIST: join(root, 'apps/desktop/dist'),
      LOG_LEVEL: process.env.PARLO_E2E_LOG ?? 'warn',
      OUTBOX_POLL_MS: '50',
      TIMER_POLL_MS: '50',
      ...options.env,
    });
  // Parlo's URL must be known before it listens (its config carries it), so its port is picked
  // free and may be taken by someone else before Parlo binds it: then another one is picked.
  let config = configFor(options.parloPort ?? (await freePort()));
  let parlo = await createParlo(config);
  for (let attempt = 1; ; attempt++) {
    try {
      await parlo.listen();
      break;
    } catch (err) {
      await parlo.close();
      const taken = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!taken || options.parloPort !== undefined || attempt === 5) throw err;
      config = configFor(await freePort());
      parlo = await createParlo(config);
    }
  }
  const parloUrl = `http://127.0.0.1:${config.PORT}`;
  sim.setWebhookUrl(`${parloUrl}/webhooks/whatsapp`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
  const contexts: BrowserContext[] = [];

  return {
    parloUrl,
    simUrl,
    get sim() {
      return sim;
    },
    get parlo() {
      return parlo;
    },
    browser,
    async newPage() {
      const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
      contexts.push(context);
      return context.newPage();
    },
    async restartParlo() {
      await parlo.close();
      parlo = await createParlo(config);
      await parlo.listen();
    },
    async stop() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await parlo.close();
      await sim.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in on the desktop as a demo user. */
export async function signIn(page: Page, parloUrl: string, username: string): Promise<void> {
  await page.goto(parloUrl);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('parlo-demo-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Agent state').waitFor();
}

/**
 * Signs in an administrator (or supervisor): they land on Administration, not the agent desktop.
 * With `tab`, opens that console tab ('Users', 'Queues', 'Audit log'...).
 */
export async function signInAdmin(
  page: Page,
  parloUrl: string,
  username = 'admin',
  tab?: string,
): Promise<void> {
  await page.goto(parloUrl);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('parlo-demo-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  // A supervisor's page is titled Supervision (issue 16), an administrator's Administration.
  await page.getByRole('heading', { name: /^(Administration|Supervision)$/, level: 1 }).waitFor();
  if (tab !== undefined) await openAdminTab(page, tab);
}

/** Opens a tab of the admin console and waits for its panel. */
export async function openAdminTab(page: Page, tab: string): Promise<void> {
  await page.getByRole('tab', { name: tab, exact: true }).click();
  await page.getByRole('tabpanel', { name: tab }).waitFor();
}

/** A customer writes on the simulator's phone page, as a person would. */
export async function customerWrites(
  phone: Page,
  simUrl: string,
  customer: string,
  text: string,
): Promise<void> {
  await phone.goto(simUrl);
  await phone.getByLabel('Customer').selectOption({ label: customer });
  await phone.getByLabel('Message').fill(text);
  await phone.getByRole('button', { name: 'Send' }).click();
}

/** Short offer deadlines on every queue, so a test waits seconds rather than the demo's 30 s. */
export async function setOfferTimeouts(stack: Stack, offerTimeoutMs: number): Promise<void> {
  await stack.parlo.store.transaction(async (tx) => {
    for (const queue of await tx.listQueues()) await tx.updateQueue({ ...queue, offerTimeoutMs });
  });
}

/** The agent's state as the desktop shows it: available, idle or rona. */
export function agentStateOf(page: Page): Promise<string | null> {
  return page.getByTestId('agent-state').getAttribute('data-state');
}

/**
 * Calls the REST API as a demo user from the test process (not a page): signs in, then sends one
 * request with the session cookie. For set-up an administrator would do in the admin console.
 */
export async function apiAs(
  stack: Stack,
  username: string,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const login = await fetch(`${stack.parloUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: new URL(stack.parloUrl).origin },
    body: JSON.stringify({ username, password: 'parlo-demo-2026' }),
  });
  if (!login.ok) throw new Error(`sign-in of ${username} failed: HTTP ${login.status}`);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const response = await fetch(`${stack.parloUrl}${path}`, {
    method,
    headers: {
      Cookie: cookie,
      // A page of Parlo's own origin: a state-changing request without it is refused (issue 17).
      Origin: new URL(stack.parloUrl).origin,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

/** The agent picks a state in the top bar: 'available', or an idle code's name ('Break'). */
export async function chooseAgentState(page: Page, state: string): Promise<void> {
  const select = page.getByLabel('Agent state');
  if (state === 'available') await select.selectOption('available');
  else await select.selectOption({ label: `Idle – ${state}` });
  const expected = state === 'available' ? 'available' : 'idle';
  for (let i = 0; i < 100 && (await agentStateOf(page)) !== expected; i++) await page.waitForTimeout(100);
  if ((await agentStateOf(page)) !== expected) throw new Error(`agent state did not become ${expected}`);
}

/** Accepts the (single) contact request on the page and waits for the conversation to open. */
export async function acceptContactRequest(page: Page): Promise<void> {
  const popover = page.getByRole('dialog', { name: 'Contact request' });
  await popover.getByRole('button', { name: 'Accept' }).click();
  await popover.waitFor({ state: 'detached' });
  await page.getByLabel('Message').waitFor();
}

/** Ends the open conversation: End, then End conversation in the question it asks (issue 18). */
export async function endConversation(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'End', exact: true }).click();
  await page
    .getByRole('alertdialog', { name: 'End the conversation?' })
    .getByRole('button', { name: 'End conversation' })
    .click();
}

/** Picks a reason in the open Wrap-up reasons dialog and submits it. */
export async function submitWrapUp(page: Page, reason = 'Resolved'): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Wrap-up reasons' });
  await dialog.waitFor();
  await dialog.getByRole('radio', { name: reason }).check();
  await dialog.getByRole('button', { name: 'Submit wrap-up' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** A page reacts to a push within a few seconds even on a busy CI machine. */
export const eventually = { timeout: 10_000 } as const;

/** The contact-request popover (S-1) on a page. */
export const offerPopover = (page: Page) => page.getByRole('dialog', { name: 'Contact request' });

/** Three agents signed in (Idle, as at every sign-in) and the customer's phone, on one stack. */
export interface Team {
  readonly stack: Stack;
  readonly anna: Page;
  readonly marco: Page;
  readonly giulia: Page;
  readonly phone: Page;
}

/** Starts a stack with short offer deadlines (a lapse takes seconds) and signs the three agents in. */
export async function startTeam(offerTimeoutMs: number): Promise<Team> {
  const stack = await startStack();
  await setOfferTimeouts(stack, offerTimeoutMs);
  const [anna, marco, giulia, phone] = [
    await stack.newPage(),
    await stack.newPage(),
    await stack.newPage(),
    await stack.newPage(),
  ];
  await signIn(anna, stack.parloUrl, 'anna');
  await signIn(marco, stack.parloUrl, 'marco');
  await signIn(giulia, stack.parloUrl, 'giulia');
  return { stack, anna, marco, giulia, phone };
}
