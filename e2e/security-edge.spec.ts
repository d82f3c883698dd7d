import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  acceptContactRequest,
  chooseAgentState,
  customerWrites,
  eventually,
  openAdminTab,
  signIn,
  signInAdmin,
  startStack,
  type Stack,
} from './harness.ts';

/**
 * Issue 17 in a real browser: the desktop works under its Content-Security-Policy (not one
 * violation while an agent and an administrator use it), and a page of the same site but another
 * origin (the simulator's: same host, another port, so SameSite cookies go along) can neither end
 * an agent's conversation nor open their socket.
 */
let stack: Stack;
/** The first test's agent: taken out of routing before the last test offers its conversation. */
let anna: Page | undefined;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** Collects every CSP violation of a page: the DOM event and Chromium's console report. */
async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to/i.test(text)) violations.push(`console: ${text}`);
  });
  await page.exposeFunction('reportCspViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation;
      report(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  return violations;
}

describe('[issue-17] the desktop under its Content-Security-Policy', () => {
  it('[issue-17] an agent signs in, takes a conversation and writes, with no CSP violation', async () => {
    const agent = await stack.newPage();
    anna = agent;
    const violations = await watchCsp(agent);
    const phone = await stack.newPage();
    const first = await agent.goto(stack.parloUrl);
    const csp = first?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(first?.headers()['x-frame-options']).toBe('DENY');

    await signIn(agent, stack.parloUrl, 'anna');
    await chooseAgentState(agent, 'available');
    await customerWrites(phone, stack.simUrl, 'Sheena Nelson', 'Is my parcel on its way?');
    await agent.getByRole('dialog', { name: 'Contact request' }).waitFor(eventually);
    await acceptContactRequest(agent);
    await agent.getByLabel('Message').fill('It left the warehouse this morning.');
    await agent.getByRole('button', { name: 'Send' }).click();
    await agent.getByText('It left the warehouse this morning.').first().waitFor(eventually);
    expect(violations).toEqual([]);
  });

  it('[issue-17] an administrator goes through the console and the API reference, with no CSP violation', async () => {
    const admin = await stack.newPage();
    const violations = await watchCsp(admin);
    await signInAdmin(admin, stack.parloUrl);
    for (const tab of ['Users', 'Queues', 'Audit log']) await openAdminTab(admin, tab);
    await admin.goto(`${stack.parloUrl}/docs`);
    await admin.getByRole('heading', { level: 1 }).waitFor();
    // The docs page's inline style sheet is allowed by its hash: its method badges are coloured.
    const badge = await admin
      .locator('code.m.post')
      .first()
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(badge).toBe('rgb(26, 127, 55)');
    expect(violations).toEqual([]);
  });
});

describe('[issue-17] a page of the same site but another origin', () => {
  it('[issue-17] cannot end the agent’s conversation with a body-less POST, nor open their socket', async () => {
    if (anna) await chooseAgentState(anna, 'Break');
    const agent = await stack.newPage();
    const phone = await stack.newPage();
    await signIn(agent, stack.parloUrl, 'marco');
    await chooseAgentState(agent, 'available');
    await customerWrites(phone, stack.simUrl, 'Ravi Kumar', 'Hello, one more question');
    await agent.getByRole('dialog', { name: 'Contact request' }).waitFor(eventually);
    await acceptContactRequest(agent);
    const conversationId = await agent.locator('.interaction-pane').getAttribute('data-conversation-id');
    expect(conversationId).toBeTruthy();

    // Another page in the agent's browser (same cookie jar), on the simulator's origin.
    const attacker = await agent.context().newPage();
    await attacker.goto(stack.simUrl);
    const outcome = await attacker.evaluate(
      async ({ parloUrl, id }) => {
        const end = await fetch(`${parloUrl}/api/conversations/${id}/end`, {
          method: 'POST',
          mode: 'no-cors',
          credentials: 'include',
        }).then(
          () => 'sent',
          () => 'failed',
        );
        const socket = await new Promise<string>((resolve) => {
          const ws = new WebSocket(`${parloUrl.replace('http', 'ws')}/api/ws`);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        });
        return { end, socket };
      },
      { parloUrl: stack.parloUrl, id: conversationId ?? '' },
    );
    expect(outcome.socket).toBe('refused');
    // The request went out (an opaque answer) but changed nothing: the conversation is still open.
    await agent.waitForTimeout(1000);
    await agent.getByLabel('Message').waitFor();
    expect(await agent.getByRole('button', { name: 'End', exact: true }).isVisible()).toBe(true);
    const world = await stack.parlo.store.transaction((tx) => tx.routing.read());
    expect(world.conversations[conversationId ?? '']?.phase.kind).toBe('active');
  });
});
