// Renders the built desktop (`vite preview`) in headless Chromium against a mocked API and socket
// (Playwright's page.route / routeWebSocket), walks the main flow with the same role-based locators
// the e2e tests use, and writes screenshots. A development aid for before the server exists.
//
//   npm run build -w @parlo/desktop && npx tsx apps/desktop/scripts/screenshot.ts [outDir]
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Route, type WebSocketRoute } from 'playwright-core';
import type {
  AgentEvent,
  AgentStateView,
  AgentView,
  ClientFrame,
  ConversationView,
  MessageView,
  OfferView,
  SendMessageRequest,
  SetAgentStateRequest,
} from '@parlo/protocol';

const here = dirname(fileURLToPath(import.meta.url));
const appDir = resolve(here, '..');
const outDir = resolve(process.argv[2] ?? resolve(tmpdir(), 'parlo-desktop-shots'));
const port = 4179;
const base = `http://127.0.0.1:${port}`;
mkdirSync(outDir, { recursive: true });

const now = Date.now();
const iso = (msAgo: number): string => new Date(now - msAgo).toISOString();
const agent = (state: AgentStateView): AgentView => ({
  userId: 'u1',
  displayName: 'Giulia Bianchi',
  state,
  capacity: 2,
  load: 1,
});
const catalog = {
  idleCodes: [
    { id: 'lunch', name: 'Lunch' },
    { id: 'meeting', name: 'Meeting' },
  ],
  wrapUpReasons: [
    { id: 'resolved', name: 'Issue resolved' },
    { id: 'callback', name: 'Callback requested' },
    { id: 'sales', name: 'Sales enquiry' },
    { id: 'wrong', name: 'Wrong number' },
  ],
  queues: [{ id: 'q1', name: 'Support' }],
};
const conversation = (
  id: string,
  name: string,
  phone: string,
  phase: ConversationView['phase'] = 'active',
): ConversationView => ({
  id,
  phase,
  customerName: name,
  customerPhone: phone,
  businessNumber: '+39 02 1234 5678',
  queueName: 'Support',
  receivedAt: iso(300_000),
  acceptedAt: iso(280_000),
  windowExpiresAt: new Date(now + 23 * 3_600_000).toISOString(),
});
const offer = (id: string, name: string, phone: string, receivedAgo: number): OfferView => ({
  id,
  conversationId: `c-${id}`,
  customerName: name,
  customerPhone: phone,
  businessNumber: '+39 02 1234 5678',
  queueName: id === 'o1' ? 'Billing' : 'Support',
  receivedAt: iso(receivedAgo),
  offeredAt: iso(5_000),
  expiresAt: new Date(now + 20_000).toISOString(),
});
const msg = (
  id: string,
  direction: MessageView['direction'],
  text: string,
  status: MessageView['status'],
  agoMs: number,
  extra: Partial<MessageView> = {},
): MessageView => ({
  id,
  conversationId: 'c1',
  direction,
  text,
  authorName: direction === 'inbound' ? 'Maria Rossi' : direction === 'outbound' ? 'Giulia Bianchi' : '',
  sentAt: iso(agoMs),
  status,
  failureReason: null,
  clientMessageId: null,
  ...extra,
});
const history = [
  msg('m0', 'system', 'Giulia Bianchi accepted the conversation', null, 280_000),
  msg('m1', 'inbound', 'Hi, my order #4471 never arrived.', null, 270_000),
  msg('m2', 'outbound', 'Hello Maria, I am sorry to hear that. Let me check.', 'read', 240_000),
  msg('m3', 'outbound', 'It left our warehouse on Monday.', 'delivered', 200_000),
  msg('m4', 'inbound', 'Thanks! Can you send me the tracking link?\nI cannot find the email.', null, 120_000),
  msg('m5', 'outbound', 'Sure, here it is.', 'sent', 60_000),
  msg('m6', 'outbound', 'https://track.example/4471', 'failed', 50_000, {
    failureReason: 'Customer number unreachable',
  }),
];

function json(route: Route, status: number, body: unknown): Promise<void> {
  return route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
}

async function main() {
  // Node runs Vite directly (not through npx), so killing this child really stops the server.
  const viteBin = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
  const preview = spawn(
    process.execPath,
    [viteBin, 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
    { cwd: appDir, stdio: 'ignore' },
  );
  try {
    await waitFor(base);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      await run(browser);
    } finally {
      await browser.close();
    }
  } finally {
    preview.kill('SIGTERM');
  }
}

async function run(browser: Browser): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') log(`[browser ${m.type()}]`, m.text());
  });
  let signedIn = false;
  // A holder, not a `let`: the route callback assigns it, which TypeScript's narrowing cannot see.
  const link: { socket: WebSocketRoute | null } = { socket: null };
  let seq = 0;
  const sent: SendMessageRequest[] = [];
  const hellos: Extract<ClientFrame, { type: 'hello' }>[] = [];
  const pushEvent = (event: AgentEvent): void =>
    link.socket?.send(JSON.stringify({ type: 'event', seq: ++seq, event }));

  await page.route('**/api/**', async (route) => {
    const req = route.request();
    const path = new URL(req.url()).pathname;
    const method = req.method();
    if (path === '/api/auth/login') {
      const body = req.postDataJSON() as Record<string, string>;
      if (body.password !== 'secret') {
        return json(route, 401, { error: { code: 'INVALID_CREDENTIALS', message: 'no' } });
      }
      signedIn = true;
      return json(route, 200, { ok: true });
    }
    if (!signedIn) return json(route, 401, { error: { code: 'UNAUTHENTICATED', message: 'no' } });
    if (path === '/api/me') {
      return json(route, 200, {
        user: { id: 'u1', username: 'giulia', displayName: 'Giulia Bianchi', role: 'agent' },
        agent: agent({ kind: 'available', since: iso(75_000) }),
      });
    }
    if (path === '/api/catalog') return json(route, 200, catalog);
    if (path === '/api/agent/state') {
      const body = req.postDataJSON() as SetAgentStateRequest;
      const a = agent({ ...body, since: new Date().toISOString() });
      pushEvent({ type: 'agent.updated', agent: a });
      return json(route, 200, { agent: a });
    }
    if (path === '/api/offers/o1/accept') {
      return json(route, 409, { error: { code: 'OFFER_NOT_PENDING', message: 'gone' } });
    }
    if (path === '/api/offers/o2/accept') {
      const c = conversation('c-o2', 'Luca Verdi', '+39 347 555 0101');
      pushEvent({ type: 'offer.removed', offerId: 'o2', reason: 'accepted' });
      pushEvent({ type: 'conversation.upserted', conversation: c });
      return json(route, 200, { conversation: c });
    }
    const m = /^\/api\/conversations\/([^/]+)\/(messages|end|wrap-up)$/.exec(path);
    if (m) {
      const id = m[1] ?? '';
      const what = m[2];
      if (what === 'messages' && method === 'GET')
        return json(route, 200, { messages: id === 'c1' ? history : [] });
      if (what === 'messages') {
        const body = req.postDataJSON() as SendMessageRequest;
        sent.push(body);
        const message: MessageView = {
          ...msg(`srv-${sent.length}`, 'outbound', body.text, 'sent', 0),
          conversationId: id,
          clientMessageId: body.clientMessageId,
        };
        setTimeout(
          () => pushEvent({ type: 'message.upserted', message: { ...message, status: 'delivered' } }),
          300,
        );
        return json(route, 201, { message });
      }
      if (what === 'end') {
        const c = conversation(id, 'Maria Rossi', '+39 333 123 4567', 'wrapUp');
        pushEvent({ type: 'conversation.upserted', conversation: c });
        return json(route, 200, { conversation: c });
      }
      if (what === 'wrap-up') {
        pushEvent({ type: 'conversation.removed', conversationId: id });
        return json(route, 200, { ok: true });
      }
    }
    return json(route, 404, { error: { code: 'NOT_FOUND', message: path } });
  });

  await page.routeWebSocket('**/api/ws', (ws) => {
    link.socket = ws;
    ws.onMessage((data) => {
      const frame = JSON.parse(String(data)) as ClientFrame;
      if (frame.type !== 'hello') return;
      hellos.push(frame);
      ws.send(
        JSON.stringify({
          type: 'snapshot',
          seq,
          snapshot: {
            agent: agent({ kind: 'available', since: iso(75_000) }),
            offers: [
              offer('o1', 'Anna Neri', '+39 320 000 1111', 42_000),
              offer('o2', 'Luca Verdi', '+39 347 555 0101', 3_700_000),
            ],
            conversations: [
              conversation('c1', 'Maria Rossi', '+39 333 123 4567'),
              conversation('c2', 'Paolo Conte', '+39 335 987 6543', 'wrapUp'),
            ],
          },
        }),
      );
    });
  });

  await page.goto(base);
  const username = page.getByLabel('Username');
  await username.waitFor();
  await page.screenshot({ path: resolve(outDir, '01-login.png') });

  await username.fill('giulia');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Wrong username or password').waitFor();
  await page.screenshot({ path: resolve(outDir, '02-login-wrong.png') });

  await page.getByLabel('Password').fill('secret');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('combobox', { name: 'Agent state' }).waitFor();
  await page.getByRole('dialog', { name: 'Contact request' }).first().waitFor();
  await page.getByTestId('ticks').first().waitFor();
  await page.waitForTimeout(1200);
  await page.screenshot({ path: resolve(outDir, '03-desktop.png') });

  const offers = page.getByRole('dialog', { name: 'Contact request' });
  check((await offers.count()) === 2, 'two offer popovers');
  check(
    ((await offers.nth(1).getByTestId('offer-timer').textContent()) ?? '').startsWith('1:01:'),
    'timer counts from receivedAt',
  );

  // 409: the first offer is gone.
  await offers.first().getByRole('button', { name: 'Accept' }).click();
  await page.getByText('This request is no longer available').first().waitFor();
  check((await offers.count()) === 1, 'lapsed offer dropped');
  await offers.first().getByRole('button', { name: 'Accept' }).click();
  await page.getByRole('heading', { name: /Luca Verdi/ }).waitFor();
  check((await offers.count()) === 0, 'accepted offer removed');

  // Send on the new conversation: Enter sends, Shift+Enter breaks the line.
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('');
  await box.press('Enter');
  check(sent.length === 0, 'empty text is not sent');
  await box.pressSequentially('Hello Luca');
  await box.press('Shift+Enter');
  await box.pressSequentially('second line');
  await box.press('Enter');
  await page.locator('[data-testid="ticks"][data-status="delivered"]').first().waitFor();
  check(sent.length === 1 && sent[0]?.text === 'Hello Luca\nsecond line', 'one send with a newline');
  check(/^[0-9a-f-]{36}$/.test(sent[0]?.clientMessageId ?? ''), 'clientMessageId is a uuid');
  check((await page.getByTestId('bubble').count()) === 1, 'optimistic bubble replaced, not duplicated');
  await page.getByRole('button', { name: 'Send' }).waitFor();

  // RONA, then back to Available by hand.
  pushEvent({ type: 'agent.updated', agent: agent({ kind: 'rona', since: new Date().toISOString() }) });
  await page.locator('[data-testid="agent-state"][data-state="rona"]').waitFor();
  await page.getByText('Maria Rossi').first().click();
  await page.getByTestId('bubble').nth(6).waitFor();
  await page.screenshot({ path: resolve(outDir, '04-rona-history.png') });
  await page.getByRole('combobox', { name: 'Agent state' }).selectOption({ label: 'Idle – Lunch' });
  await page.locator('[data-testid="agent-state"][data-state="idle"]').waitFor();

  // End -> Wrap-up reasons -> Submit.
  await page.getByRole('button', { name: 'End', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Wrap-up reasons' });
  await dialog.waitFor();
  await dialog.getByLabel('Search reasons').fill('call');
  check((await dialog.getByRole('radio').count()) === 1, 'search filters reasons');
  const submit = dialog.getByRole('button', { name: 'Submit wrap-up' });
  check(await submit.isDisabled(), 'submit disabled until a reason is chosen');
  await dialog.getByRole('radio', { name: 'Callback requested' }).check();
  await page.screenshot({ path: resolve(outDir, '05-wrap-up.png') });
  await submit.click();
  await dialog.waitFor({ state: 'detached' });
  check((await page.getByTestId('task-item').count()) === 2, 'wrapped-up conversation left the task pane');

  // Reconnect: the socket drops, the desktop resumes with hello(lastSeq).
  await link.socket?.close();
  await page.locator('[data-testid="connection"][data-state="reconnecting"]').waitFor();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: 10_000 });
  await page.waitForTimeout(300);
  check(
    hellos.length === 2 && hellos[0]?.lastSeq === null && hellos[1]?.lastSeq === seq,
    'resume sends hello(lastSeq)',
  );

  // Italian.
  await page.getByRole('combobox', { name: 'Language' }).selectOption('it');
  await page.getByText('Paolo Conte').first().click();
  await page.getByRole('button', { name: 'Riepiloga' }).click();
  await page.getByRole('dialog', { name: 'Motivi di riepilogo' }).waitFor();
  await page.screenshot({ path: resolve(outDir, '06-italian.png') });
  log(`screenshots in ${outDir}`);
}

/** Progress output (the lint config reserves console for warn/error). */
function log(...parts: unknown[]): void {
  process.stdout.write(`${parts.map(String).join(' ')}\n`);
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`check failed: ${what}`);
  log(`ok - ${what}`);
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

await main();
