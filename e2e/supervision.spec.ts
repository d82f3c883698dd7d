import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  acceptContactRequest,
  agentStateOf,
  chooseAgentState,
  customerWrites,
  eventually,
  offerPopover,
  openAdminTab,
  signIn,
  startStack,
  type Stack,
} from './harness.ts';

/**
 * Issue 16, live supervision as a supervisor and an agent see it: Sofia monitors Marco's live
 * conversation and sees the customer's next message appear; her whisper reaches Marco and never
 * the phone; she barges in and her message reaches the phone signed with her name; she reassigns
 * the conversation to a queue (a system note); and she forces Marco to Idle.
 */
const CUSTOMER = 'Sheena Nelson';

let stack: Stack;
let marco: Page;
let sofia: Page;
let phone: Page;

beforeAll(async () => {
  stack = await startStack();
  await stack.parlo.store.transaction((tx) => tx.setSetting('conference.signatures', 'true'));
  [marco, sofia, phone] = [await stack.newPage(), await stack.newPage(), await stack.newPage()];
  await signIn(marco, stack.parloUrl, 'marco');
  await sofia.goto(stack.parloUrl);
  await sofia.getByLabel('Username').fill('sofia');
  await sofia.getByLabel('Password').fill('parlo-demo-2026');
  await sofia.getByRole('button', { name: 'Sign in' }).click();
  // A supervisor's page is titled "Supervision", not "Administration".
  await sofia.getByRole('heading', { name: 'Supervision', level: 1 }).waitFor();
  await openAdminTab(sofia, 'Live conversations');
});
afterAll(async () => {
  await stack?.stop();
});

const monitorPanel = () => sofia.getByTestId('monitor-panel');
const monitorMessages = () => sofia.getByTestId('monitor-messages');
const marcoBubbles = () => marco.locator('[data-testid="bubble"]');

/** What the simulator recorded for the customer: every message of their thread, both ways. */
async function phoneThread(): Promise<{ direction: string; text: string }[]> {
  const list = (await (await fetch(`${stack.simUrl}/sim/customers`)).json()) as {
    customers: { key: string; name: string }[];
  };
  const customer = list.customers.find((c) => c.name === CUSTOMER);
  if (!customer) throw new Error('no such simulator customer');
  const thread = (await (
    await fetch(`${stack.simUrl}/sim/customers/${encodeURIComponent(customer.key)}/thread`)
  ).json()) as {
    messages: { direction: string; text?: string }[];
  };
  return thread.messages.map((m) => ({ direction: m.direction, text: m.text ?? '' }));
}

describe('live supervision', () => {
  it("[issue-16] a supervisor monitors a live conversation and sees the customer's next message appear", async () => {
    await chooseAgentState(marco, 'available');
    await customerWrites(phone, stack.simUrl, CUSTOMER, 'I need help with my order');
    await offerPopover(marco).waitFor();
    await acceptContactRequest(marco);

    const row = sofia.getByTestId('live-conversation').filter({ hasText: CUSTOMER });
    await row.waitFor(eventually);
    expect(await row.textContent()).toContain('Marco Bianchi');
    await row.getByTestId('monitor-open').click();
    await monitorPanel().waitFor();
    await monitorMessages().getByText('I need help with my order').waitFor(eventually);

    await phone.getByLabel('Message').fill('It was order 4411, still not here');
    await phone.getByRole('button', { name: 'Send' }).click();
    await monitorMessages().getByText('It was order 4411, still not here').waitFor(eventually);
  });

  it('[issue-16] a whisper reaches the agent in a distinct style and never the phone', async () => {
    await sofia.getByTestId('whisper-input').fill('Offer free shipping');
    await sofia.getByTestId('whisper-send').click();
    const whisper = marco.locator('[data-testid="bubble"][data-note="whisper"]');
    await whisper.filter({ hasText: 'Offer free shipping' }).waitFor(eventually);
    expect(await whisper.textContent()).toContain('Whisper from Sofia Neri');
    await monitorMessages().getByText('Offer free shipping').waitFor(eventually);
    // The simulator's record: nothing of it reached the customer.
    await new Promise((r) => setTimeout(r, 500));
    expect((await phoneThread()).some((m) => m.text.includes('Offer free shipping'))).toBe(false);
    expect(await phone.getByTestId('phone-message').filter({ hasText: 'Offer free shipping' }).count()).toBe(
      0,
    );
  });

  it('[issue-16] a barge-in message reaches the phone signed as the supervisor', async () => {
    await sofia.getByTestId('barge-in').click();
    await sofia.getByTestId('barge-input').waitFor(eventually);
    await marcoBubbles().filter({ hasText: 'Supervisor Sofia Neri joined the chat' }).waitFor(eventually);
    await sofia.getByTestId('barge-input').fill('Hello, I am the supervisor: it ships today');
    await sofia.getByTestId('barge-send').click();
    const atPhone = phone
      .getByTestId('phone-message')
      .filter({ hasText: 'Hello, I am the supervisor: it ships today' });
    await atPhone.waitFor(eventually);
    expect(await atPhone.textContent()).toContain('Sofia');
    expect(
      (await phoneThread()).some((m) => m.text === '*Sofia*: Hello, I am the supervisor: it ships today'),
    ).toBe(true);
    await marcoBubbles()
      .filter({ hasText: 'Hello, I am the supervisor: it ships today' })
      .waitFor(eventually);
    await sofia.getByTestId('barge-leave').click();
    await marcoBubbles().filter({ hasText: 'Supervisor Sofia Neri left the chat' }).waitFor(eventually);
  });

  it('[issue-16] reassign moves the conversation to another queue with a system note', async () => {
    await sofia.getByTestId('reassign-target').selectOption({ label: 'Queue: Sales' });
    await sofia.getByTestId('reassign').click();
    await marcoBubbles()
      .filter({ hasText: 'Supervisor Sofia Neri reassigned the conversation to the queue Sales' })
      .waitFor(eventually);
    const state = await stack.parlo.store.transaction((tx) => tx.routing.read());
    const conversation = Object.values(state.conversations).find((c) => c.phase.kind !== 'closed');
    expect(conversation?.queueId).toBe('q_sales');
    expect(conversation?.departed?.map((d) => d.agentId)).toEqual(['usr_marco']);
  });

  it('[issue-16] force state takes an agent to Idle', async () => {
    expect(await agentStateOf(marco)).not.toBe('idle');
    await sofia.getByTestId('force-agent').selectOption({ label: 'Marco Bianchi' });
    await sofia.getByTestId('force-idle-code').selectOption({ label: 'Meeting' });
    await sofia.getByTestId('force-idle').click();
    await expect.poll(() => agentStateOf(marco), eventually).toBe('idle');
  });
});
