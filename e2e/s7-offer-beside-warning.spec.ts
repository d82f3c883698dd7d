import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  acceptContactRequest,
  apiAs,
  chooseAgentState,
  customerWrites,
  eventually,
  offerPopover,
  signIn,
  startStack,
  type Stack,
} from './harness.ts';

/**
 * S-7 (issue 18): a contact request arriving while the open conversation is stopped (its number
 * was deleted) never covers the warning that says so.
 */
const OTHER = {
  phoneNumberId: '555000777',
  displayPhoneNumber: '15550007777',
  wabaId: '555',
  accessToken: 'other-access-token',
  appSecret: 'demo-app-secret',
};

let stack: Stack;
let agent: Page;
let phone: Page;

beforeAll(async () => {
  stack = await startStack({ extraNumbers: [OTHER] });
  [agent, phone] = [await stack.newPage(), await stack.newPage()];
});
afterAll(async () => {
  await stack?.stop();
});

describe('[S-7][issue-18] the offer popover and the stopped conversation', () => {
  it('a new contact request sits beside the warning, never over it', async () => {
    await signIn(agent, stack.parloUrl, 'anna');
    await chooseAgentState(agent, 'available');
    await customerWrites(phone, stack.simUrl, 'Sheena Nelson', 'Where is my parcel?');
    await acceptContactRequest(agent);
    // The administrator adds a second number, then deletes the demo one: the conversation stops.
    const added = await apiAs(stack, 'admin', 'POST', '/api/admin/business-numbers', {
      phoneNumberId: OTHER.phoneNumberId,
      displayPhoneNumber: OTHER.displayPhoneNumber,
      wabaId: OTHER.wabaId,
      accessToken: OTHER.accessToken,
      appSecrets: [OTHER.appSecret],
      verifyToken: 'other-verify',
      queueId: 'q_support',
    });
    expect(added.status).toBe(201);
    const list = (await apiAs(stack, 'admin', 'GET', '/api/admin/business-numbers')).json as {
      businessNumbers: { id: string; phoneNumberId: string }[];
    };
    const demo = list.businessNumbers.find((n) => n.phoneNumberId !== OTHER.phoneNumberId);
    if (!demo) throw new Error('no demo number');
    expect((await apiAs(stack, 'admin', 'DELETE', `/api/admin/business-numbers/${demo.id}`)).status).toBe(
      200,
    );
    const warning = agent.getByRole('alert').filter({ hasText: 'This conversation was stopped' });
    await warning.waitFor(eventually);

    // Another customer writes to the second number: a contact request for Anna.
    stack.sim.sendFromCustomer('14155550101', { type: 'text', text: 'Hello?' }, OTHER.phoneNumberId);
    await offerPopover(agent).waitFor(eventually);
    const [offerBox, warningBox] = await Promise.all([
      agent.locator('.offer-card').first().boundingBox(),
      warning.boundingBox(),
    ]);
    if (!offerBox || !warningBox) throw new Error('not laid out');
    const overlaps =
      offerBox.x < warningBox.x + warningBox.width &&
      warningBox.x < offerBox.x + offerBox.width &&
      offerBox.y < warningBox.y + warningBox.height &&
      warningBox.y < offerBox.y + offerBox.height;
    expect(overlaps).toBe(false);
  });
});
