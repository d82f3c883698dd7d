import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import {
  artifactsDir,
  openAdminTab,
  screenshotsDir,
  signInAdmin,
  startStack,
  type Stack,
} from './harness.ts';

/**
 * Issue 6, Administration: the administrator manages queues, users, reasons and settings in the
 * console; forms say what is wrong next to the field; every change lands in the audit log.
 */
let stack: Stack;
let admin: Page;

beforeAll(async () => {
  stack = await startStack();
  admin = await stack.newPage();
  await signInAdmin(admin, stack.parloUrl);
});
afterAll(async () => {
  await stack?.stop();
});

const dialogNamed = (name: string) => admin.getByRole('dialog', { name });
const table = (name: string) => admin.getByRole('table', { name });
const row = (tableName: string, text: string) => table(tableName).getByRole('row').filter({ hasText: text });

/** The message shown next to a field: what its input's aria-describedby points at, and only that. */
async function messageNextTo(scope: Locator, label: string): Promise<string> {
  const input = scope.getByLabel(label, { exact: true });
  const ids = ((await input.getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
  const texts = await Promise.all(
    ids.map((id) => admin.locator(`[id="${id}"].field-error`).allTextContents()),
  );
  return texts.flat().join(' ');
}

async function fill(scope: Locator, label: string, value: string): Promise<void> {
  await scope.getByLabel(label, { exact: true }).fill(value);
}

describe('admin console: resources, validation next to fields, audit', () => {
  it('the administrator lands on the console with a tab per section; a supervisor gets the live views as tabs, no console', async () => {
    const tabs = await admin.getByRole('tab').allTextContents();
    expect(tabs).toEqual([
      'Settings',
      'Users',
      'Queues',
      'Business numbers',
      'Wrap-up reasons',
      'Idle codes',
      'Canned responses',
      'Labels',
      'CSAT',
      'Hours and automatic messages',
      'Data protection',
      'Audit log',
      'Queues and agents',
      'Wallboard',
      'Live conversations',
      'Search',
      'Reports',
    ]);
    const sofia = await stack.newPage();
    await sofia.goto(stack.parloUrl);
    await sofia.getByLabel('Username').fill('sofia');
    await sofia.getByLabel('Password').fill('parlo-demo-2026');
    await sofia.getByRole('button', { name: 'Sign in' }).click();
    await sofia.getByRole('heading', { name: 'Queues and agents' }).waitFor();
    // Issue 18: a supervisor's sections are tabs too, the live view first; no console sections.
    expect(await sofia.getByRole('tab').allTextContents()).toEqual([
      'Queues and agents',
      'Wallboard',
      'Live conversations',
      'Search',
      'Reports',
      'Canned responses',
    ]);
    await sofia.close();
  });

  it('a queue form with bad values shows each message next to its field and sends nothing', async () => {
    await openAdminTab(admin, 'Queues');
    await admin.getByRole('button', { name: 'New queue' }).click();
    const form = dialogNamed('New queue');
    await fill(form, 'Offer timeout (seconds)', '2');
    await fill(form, 'Maximum wait (seconds)', 'soon');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => messageNextTo(form, 'Name')).toBe('Required.');
    expect(await messageNextTo(form, 'Offer timeout (seconds)')).toBe('At least 5.');
    expect(await messageNextTo(form, 'Maximum wait (seconds)')).toBe('Enter a number.');
    expect(await form.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    // Fields without a problem carry no message.
    expect(await messageNextTo(form, 'Priority')).toBe('');
    expect(await form.getByRole('alert').textContent()).toContain('check the fields');
    mkdirSync(artifactsDir, { recursive: true });
    await admin.screenshot({ path: join(artifactsDir, 'admin-queue-form-errors.png') });
  });

  it('the administrator creates a queue "Billing" with wrap-up reasons', async () => {
    const form = dialogNamed('New queue');
    await fill(form, 'Name', 'Billing');
    await fill(form, 'Offer timeout (seconds)', '20');
    await fill(form, 'Maximum wait (seconds)', '');
    // A fixed priority field now has no message: editing clears it.
    expect(await messageNextTo(form, 'Offer timeout (seconds)')).toBe('');
    const reasons = form.getByRole('group', { name: 'Wrap-up reasons' });
    await reasons.getByRole('checkbox', { name: 'Resolved' }).check();
    await reasons.getByRole('checkbox', { name: 'Wrong number' }).check();
    await form.getByLabel('Default wrap-up reason').selectOption({ label: 'Resolved' });
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    await row('Queues', 'Billing').waitFor();
    expect(await row('Queues', 'Billing').textContent()).toContain('20 s');
  });

  it('a duplicate queue name is refused by the server (409) and shown next to Name', async () => {
    await admin.getByRole('button', { name: 'New queue' }).click();
    const form = dialogNamed('New queue');
    await fill(form, 'Name', 'Billing');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => messageNextTo(form, 'Name')).toBe('Already taken: choose another.');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'detached' });
    expect(await row('Queues', 'Billing').count()).toBe(1);
  });

  it('[S-7][issue-18] deleting a queue a business number targets is refused before the click, saying what uses it', async () => {
    const remove = admin.getByRole('button', { name: 'Delete Customer Support' });
    expect(await remove.isDisabled()).toBe(true);
    const refusal = row('Queues', 'Customer Support').getByTestId('delete-refusal');
    expect(await refusal.textContent()).toMatch(/^In use by .*3881: point them elsewhere to delete it\.$/);
    expect(await remove.getAttribute('aria-describedby')).toBe(await refusal.getAttribute('id'));
    // A queue nothing points at may go: its Delete is live and names its agents first.
    expect(await admin.getByRole('button', { name: 'Delete Sales' }).isDisabled()).toBe(false);
    await admin.getByRole('button', { name: 'Delete Sales' }).click();
    const confirm = dialogNamed('Delete Sales?');
    const text = (await confirm.textContent()) ?? '';
    for (const name of ['Agents: ', 'Anna Rossi', 'Marco Bianchi']) expect(text).toContain(name);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await row('Queues', 'Customer Support').count()).toBe(1);
  });

  it('[S-5] the administrator creates an agent user in Billing; a capacity of 11 is refused next to the field', async () => {
    await openAdminTab(admin, 'Users');
    await admin.getByRole('button', { name: 'New user' }).click();
    const form = dialogNamed('New user');
    await fill(form, 'Username', 'luca');
    await fill(form, 'Name', 'Luca Neri');
    await form.getByLabel('Role').selectOption('agent');
    await fill(form, 'Password', 'tulip-harbor-lantern');
    await fill(form, 'Capacity', '11');
    await form.getByRole('group', { name: 'Queues' }).getByRole('checkbox', { name: 'Billing' }).check();
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => messageNextTo(form, 'Capacity')).toBe('At most 10.');
    await fill(form, 'Capacity', '3');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    const luca = row('Users', 'Luca Neri');
    await luca.waitFor();
    expect(await luca.textContent()).toContain('Billing');
    expect(await luca.textContent()).toContain('3');
  });

  it('the new agent signs in with the password the administrator set', async () => {
    const page = await stack.newPage();
    await page.goto(stack.parloUrl);
    await page.getByLabel('Username').fill('luca');
    await page.getByLabel('Password').fill('tulip-harbor-lantern');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Agent state').waitFor();
    await page.close();
  });

  it('the administrator edits the user: capacity 4, also in Customer Support', async () => {
    await admin.getByRole('button', { name: 'Edit Luca Neri' }).click();
    const form = dialogNamed('Edit Luca Neri');
    expect(await form.getByLabel('Capacity', { exact: true }).inputValue()).toBe('3');
    await fill(form, 'Capacity', '4');
    await form
      .getByRole('group', { name: 'Queues' })
      .getByRole('checkbox', { name: 'Customer Support' })
      .check();
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => row('Users', 'Luca Neri').textContent()).toContain('Customer Support');
    expect(await row('Users', 'Luca Neri').getByRole('cell').nth(3).textContent()).toBe('4');
  });

  it('the administrator resets the password: too short is refused next to the field; the new one signs in', async () => {
    await admin.getByRole('button', { name: 'Edit Luca Neri' }).click();
    const form = dialogNamed('Edit Luca Neri');
    await form.getByRole('button', { name: 'Reset password…' }).click();
    const reset = dialogNamed('Reset the password of Luca Neri');
    await fill(reset, 'New password', 'short');
    await reset.getByRole('button', { name: 'Set password' }).click();
    await expect.poll(() => messageNextTo(reset, 'New password')).toBe('At least 12 characters.');
    await fill(reset, 'New password', 'harbor-lantern-tulip-7');
    await reset.getByRole('button', { name: 'Set password' }).click();
    await expect.poll(() => reset.getByRole('status').textContent()).toContain('Password changed');
    await reset.getByRole('button', { name: 'Cancel' }).click();
    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'detached' });

    const page = await stack.newPage();
    await page.goto(stack.parloUrl);
    await page.getByLabel('Username').fill('luca');
    await page.getByLabel('Password').fill('harbor-lantern-tulip-7');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Agent state').waitFor();
    await page.close();
  });

  it('the search box filters the list as the administrator types', async () => {
    const search = admin.getByRole('searchbox', { name: 'Search Users' });
    await search.fill('luc');
    await expect.poll(() => table('Users').locator('tbody tr').count()).toBe(1);
    await search.fill('');
    expect(await table('Users').locator('tbody tr').count()).toBeGreaterThan(3);
  });

  it('business numbers: secrets are write-only — the list says "set", never the value; rotation adds then retires', async () => {
    await openAdminTab(admin, 'Business numbers');
    await admin.getByRole('button', { name: 'New business number' }).click();
    const form = dialogNamed('New business number');
    await fill(form, 'Phone number ID', '555000111');
    await fill(form, 'Display number', 'call us');
    await fill(form, 'WhatsApp Business Account ID', '777000');
    await fill(form, 'Access token', 'secret-token-e2e');
    await fill(form, 'App secrets', 'secret-app-e2e');
    await form.getByLabel('Target queue').selectOption({ label: 'Billing' });
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => messageNextTo(form, 'Display number')).toContain('international form');
    expect(await messageNextTo(form, 'Verify token')).toBe('Required.');
    await fill(form, 'Display number', '+390255501110');
    await fill(form, 'Verify token', 'secret-verify-e2e');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    const number = row('Business numbers', '555000111');
    await number.waitFor();
    const cells = async () => (await number.getByRole('cell').allTextContents()).map((c) => c.trim());
    expect((await cells()).slice(0, 5)).toEqual(['555000111', 'Billing', 'set', '1 set', 'set']);

    // Rotation, step 1: a second secret is accepted alongside the first.
    await number.getByRole('button', { name: /^Edit / }).click();
    const edit = admin.getByRole('dialog', { name: /^Edit .*390255501110$/ });
    expect(await edit.getByLabel('Access token', { exact: true }).inputValue()).toBe('');
    await fill(edit, 'Add an app secret', 'secret-app-e2e-2');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await expect.poll(async () => (await cells())[3]).toBe('2 set');
    // Step 2: only the newest stays.
    await number.getByRole('button', { name: /^Edit / }).click();
    await edit.getByLabel('Step 2: retire the old app secrets, keeping only the newest').check();
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await expect.poll(async () => (await cells())[3]).toBe('1 set');

    const page =
      (await admin.content()) +
      JSON.stringify(await (await admin.request.get(`${stack.parloUrl}/api/admin/business-numbers`)).json());
    for (const secret of ['secret-token-e2e', 'secret-app-e2e', 'secret-verify-e2e'])
      expect(page).not.toContain(secret);
  });

  it('the administrator deletes a wrap-up reason; the confirmation says which queues use it', async () => {
    await openAdminTab(admin, 'Wrap-up reasons');
    await admin.getByRole('button', { name: 'Delete Wrong number' }).click();
    const confirm = dialogNamed('Delete Wrong number?');
    await expect.poll(() => confirm.textContent()).toContain('Queues: Billing');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(() => row('Wrap-up reasons', 'Wrong number').count()).toBe(0);
    expect(await admin.getByRole('status').filter({ hasText: 'was deleted' }).textContent()).toBe(
      'Wrong number was deleted.',
    );
  });

  it('settings: the transfer policy is saved; a grace period over 3600 is refused next to the field', async () => {
    await openAdminTab(admin, 'Settings');
    const settings = admin.getByRole('region', { name: 'Settings' });
    await settings.getByLabel('When a transfer to an agent is not accepted').selectOption('endConversation');
    await expect
      .poll(() => settings.getByTestId('settings-status').textContent())
      .toBe('Saved: transfer policy.');
    await fill(settings, 'Disconnect grace period (seconds)', '5000');
    await settings.getByRole('button', { name: 'Save grace period' }).click();
    await expect
      .poll(() => messageNextTo(settings, 'Disconnect grace period (seconds)'))
      .toBe('At most 3600.');
    await fill(settings, 'Disconnect grace period (seconds)', '90');
    await settings.getByRole('button', { name: 'Save grace period' }).click();
    await expect
      .poll(() => settings.getByTestId('settings-status').textContent())
      .toBe('Saved: disconnect grace period.');
    const answer = await admin.request.get(`${stack.parloUrl}/api/admin/settings`);
    const { settings: saved } = (await answer.json()) as { settings: Record<string, unknown> };
    expect(saved.transferNotAcceptedPolicy).toBe('endConversation');
    expect(saved.disconnectGraceSeconds).toBe(90);
  });

  it('the audit log shows every change, newest first, and filters by action', async () => {
    await openAdminTab(admin, 'Audit log');
    const log = table('Audit log');
    const actions = async () =>
      (await log.locator('tbody tr td:nth-child(3) code').allTextContents()).map((a) => a.trim());
    await expect.poll(actions).toContain('wrapUpReasons.delete');
    // Issue 18: each action also in words, beside its code.
    expect(await log.locator('tbody tr td:nth-child(3)').allTextContents()).toContain(
      'Wrap-up reason deleted wrapUpReasons.delete',
    );
    const seen = await actions();
    // Newest first: the settings saved last come before the user changes, which follow the queue.
    const at = (action: string) => seen.indexOf(action);
    for (const action of [
      'settings.update',
      'wrapUpReasons.delete',
      'users.update',
      'users.create',
      'queues.create',
    ])
      expect(seen, action).toContain(action);
    expect(at('settings.update')).toBeLessThan(at('wrapUpReasons.delete'));
    expect(at('wrapUpReasons.delete')).toBeLessThan(at('users.update'));
    expect(at('users.update')).toBeLessThan(at('users.create'));
    expect(at('users.create')).toBeLessThan(at('queues.create'));
    // The detail is readable and names who did it; no password appears anywhere.
    const text = (await log.textContent()) ?? '';
    expect(text).toContain('Alex Admin');
    expect(text).not.toContain('tulip-harbor-lantern');
    expect(text).not.toContain('harbor-lantern-tulip-7');
    expect(text).not.toContain('secret-');
    expect(seen).toContain('users.resetPassword');

    mkdirSync(screenshotsDir, { recursive: true });
    await admin.screenshot({ path: join(screenshotsDir, 'admin-console.png'), fullPage: true });

    await admin.getByLabel('Action', { exact: true }).selectOption({ label: 'Users' });
    await expect.poll(async () => (await actions()).every((a) => a.startsWith('users.'))).toBe(true);
    expect(await actions()).toContain('users.create');
    // A range that ends before it starts is said next to the field.
    await admin.getByLabel('From', { exact: true }).fill('2026-11-23');
    await admin.getByLabel('To', { exact: true }).fill('2026-11-01');
    expect(await messageNextTo(admin.getByRole('region', { name: 'Audit log' }), 'To')).toBe(
      'The end is before the start.',
    );
  });
});
