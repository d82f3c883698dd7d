import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flattenWebhook, GraphClient, webhookPayloadSchema, type WebhookEvent } from '@parlo/whatsapp';
import { createSimulator, type SimEvent, type Simulator, type SimulatorConfig } from './index.ts';
import { parseSimState } from './state-file.ts';
import { TestReceiver, waitFor } from './test-receiver.ts';

// Issue 18 (demo): the simulator keeps its customers and threads across restarts in a small JSON
// file, only when given one; and the phone page can rename a customer.
const NUMBER = {
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
  wabaId: '102290129340398',
  accessToken: 'token-a',
  appSecret: 'secret-a',
};
const SHEENA = { waId: '16505551234', name: 'Sheena Nelson' };
const MARIA = { userId: 'US.13491208655302741918', username: 'maria.lopez', name: 'María López' };
const HOUR = 60 * 60_000;

let receiver: TestReceiver;
let sim: Simulator | undefined;
let baseUrl: string;
let client: GraphClient;
let clockOffsetMs: number;
let dir: string;
let stateFile: string;
let warnings: string[];

async function startSim(overrides: Partial<SimulatorConfig> = {}): Promise<Simulator> {
  const started = createSimulator({
    webhookUrl: receiver.url,
    numbers: [NUMBER],
    customers: [SHEENA, MARIA],
    statusDelaysMs: { sent: 10, delivered: 30, read: 30 },
    delivery: { maxAttempts: 3, initialBackoffMs: 20, maxBackoffMs: 100, timeoutMs: 2_000, maxQueued: 1_000 },
    now: () => Date.now() + clockOffsetMs,
    warn: (message) => warnings.push(message),
    ...overrides,
  });
  sim = started;
  baseUrl = await started.start(0);
  client = new GraphClient({ baseUrl, apiVersion: 'v25.0' });
  return started;
}

/** Stops the simulator and starts another (what the receiver got so far is forgotten). */
async function restart(overrides: Partial<SimulatorConfig> = {}): Promise<Simulator> {
  await sim?.stop();
  sim = undefined;
  receiver.received.length = 0;
  return startSim(overrides);
}

beforeEach(async () => {
  clockOffsetMs = 0;
  warnings = [];
  dir = mkdtempSync(join(tmpdir(), 'parlo-sim-state-'));
  stateFile = join(dir, 'nested', 'simulator.json');
  receiver = new TestReceiver();
  await receiver.start();
});

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
});

function receivedEvents(): WebhookEvent[] {
  return receiver.received.flatMap((r) => flattenWebhook(webhookPayloadSchema.parse(r.json)));
}

function statusEvents(wamid: string): Array<Extract<WebhookEvent, { kind: 'status' }>> {
  return receivedEvents().flatMap((e) => (e.kind === 'status' && e.status.id === wamid ? [e] : []));
}

function patchCustomer(id: string, body: unknown): Promise<Response> {
  return fetch(`${baseUrl}/sim/customers/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function threadOf(id: string): Promise<{ inWindow: boolean; optedOut: boolean }> {
  return (await (await fetch(`${baseUrl}/sim/customers/${encodeURIComponent(id)}/thread`)).json()) as {
    inWindow: boolean;
    optedOut: boolean;
  };
}

function sendText(to: { to: string } | { recipient: string }, body: string) {
  return client.sendMessage(NUMBER.phoneNumberId, NUMBER.accessToken, {
    ...to,
    type: 'text',
    text: { body },
  });
}

describe('the state file', () => {
  it('keeps customers, a new name, threads with their statuses, the window and opt-outs across a restart', async () => {
    let s = await startSim({ stateFile });
    expect((await patchCustomer(SHEENA.waId, { name: 'Sheena N.' })).status).toBe(200);
    s.addCustomer({ waId: '5511999990000', name: 'Ana Souza' });
    const { wamid: inbound } = s.sendFromCustomer(SHEENA.waId, { text: 'Is my order on its way?' });
    await s.idle();
    await client.markRead(NUMBER.phoneNumberId, NUMBER.accessToken, inbound);
    const { wamid: reply } = await sendText({ to: SHEENA.waId }, 'It ships today.');
    // Maria never wrote: free text to her is accepted, then fails with 131047.
    const { wamid: refused } = await sendText({ recipient: MARIA.userId }, 'Hello?');
    s.setMarketingPreference(MARIA.username, true);
    await s.idle();
    const before = s.thread(SHEENA.waId).map((m) => ({ wamid: m.wamid, text: m.text, status: m.status }));
    expect(before).toEqual([
      { wamid: inbound, text: 'Is my order on its way?', status: 'read' },
      { wamid: reply, text: 'It ships today.', status: 'delivered' },
    ]);

    // A day later (23 hours after Sheena wrote), another run of the simulator.
    clockOffsetMs = 23 * HOUR;
    s = await restart({ stateFile });
    expect(warnings).toEqual([]);
    expect(s.customers().map((c) => [c.key, c.name])).toEqual([
      [SHEENA.waId, 'Sheena N.'],
      [MARIA.userId, MARIA.name],
      ['5511999990000', 'Ana Souza'],
    ]);
    expect(s.thread(SHEENA.waId).map((m) => ({ wamid: m.wamid, text: m.text, status: m.status }))).toEqual(
      before,
    );
    expect(s.thread(MARIA.userId)).toMatchObject([
      { wamid: refused, direction: 'out', status: 'failed', error: { code: 131047 } },
    ]);
    expect(await threadOf(MARIA.username)).toMatchObject({ inWindow: false, optedOut: true });
    expect(await threadOf(SHEENA.waId)).toMatchObject({ inWindow: true, optedOut: false });

    // The window still holds: free text is delivered, not failed.
    const { wamid: again } = await sendText({ to: SHEENA.waId }, 'Tracking code follows.');
    await s.idle();
    expect(statusEvents(again).map((e) => e.status.status)).toEqual(['sent', 'delivered']);
    // ... and closes 24 hours after her message of the first run.
    clockOffsetMs = 24 * HOUR + 1_000;
    expect(await threadOf(SHEENA.waId)).toMatchObject({ inWindow: false });
    // Opening the chat reads the reply of the first run, reported to whom it was addressed then.
    const close = s.openChat(SHEENA.waId);
    await s.idle();
    close();
    const sheenaUserId = s.customers()[0]?.userId;
    expect(sheenaUserId).toMatch(/^US\./);
    expect(statusEvents(reply)).toMatchObject([
      { status: { status: 'read', recipient_id: SHEENA.waId }, recipient: { userId: sheenaUserId } },
    ]);
    // Her next message carries the name she chose before the restart.
    s.sendFromCustomer(SHEENA.waId, { text: 'Thanks' });
    await s.idle();
    expect(receivedEvents().flatMap((e) => (e.kind === 'message' ? [e.contactName] : []))).toEqual([
      'Sheena N.',
    ]);
    await s.stop();
    sim = undefined;
    // Written whole and renamed into place: no temporary file is left behind.
    expect(readdirSync(join(dir, 'nested'))).toEqual(['simulator.json']);
  });

  it('is written shortly after a change, without waiting for stop', async () => {
    const s = await startSim({ stateFile });
    const { wamid } = s.sendFromCustomer(SHEENA.waId, { text: 'hello' });
    await s.idle();
    const saved = await waitFor(() => {
      if (!existsSync(stateFile)) return undefined;
      const result = parseSimState(readFileSync(stateFile, 'utf8'));
      return result.ok && result.state.messages.some((m) => m.wamid === wamid && m.status === 'delivered')
        ? result.state
        : undefined;
    }, 3_000);
    expect(saved.windows).toMatchObject([{ phoneNumberId: NUMBER.phoneNumberId, waId: SHEENA.waId }]);
  });

  it('ignores a corrupt file with a warning that quotes nothing of it, and replaces it', async () => {
    writeFileSync(
      join(dir, 'simulator.json'),
      '{"version":1,"customers":[{"name":"Secret Name","waId":"3933312345',
    );
    stateFile = join(dir, 'simulator.json');
    const s = await startSim({ stateFile });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('ignoring the state file');
    expect(warnings[0]).toContain(stateFile);
    // The path is random (it once held "39"): judge only what the warning says beside it.
    const said = (warnings[0] ?? '').replace(stateFile, '<file>');
    expect(said).not.toMatch(/Secret|3933312345/);
    expect(s.customers().map((c) => c.name)).toEqual([SHEENA.name, MARIA.name]);
    // A file that parses but is not a state is refused too.
    await s.stop();
    sim = undefined;
    writeFileSync(stateFile, JSON.stringify({ version: 1, customers: 'nope' }));
    const again = await startSim({ stateFile });
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/ignoring the state file .*customers/);
    again.sendFromCustomer(SHEENA.waId, { text: 'after the corrupt file' });
    await again.idle();
    await again.stop();
    sim = undefined;
    const result = parseSimState(readFileSync(stateFile, 'utf8'));
    expect(result.ok && result.state.messages.map((m) => m.text)).toEqual(['after the corrupt file']);
  });

  it('is neither read nor written when not configured, even with SIM_STATE_FILE in the environment', async () => {
    const previous = process.env.SIM_STATE_FILE;
    process.env.SIM_STATE_FILE = stateFile;
    try {
      const s = await startSim();
      s.sendFromCustomer(SHEENA.waId, { text: 'not kept' });
      await s.idle();
      expect((await patchCustomer(SHEENA.waId, { name: 'Not Kept' })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 400));
      await s.stop();
      sim = undefined;
      expect(readdirSync(dir)).toEqual([]);
      const fresh = await startSim();
      expect(fresh.thread(SHEENA.waId)).toEqual([]);
      expect(fresh.customers().map((c) => c.name)).toEqual([SHEENA.name, MARIA.name]);
    } finally {
      if (previous === undefined) delete process.env.SIM_STATE_FILE;
      else process.env.SIM_STATE_FILE = previous;
    }
  });
});

describe('renaming a customer', () => {
  beforeEach(() => startSim().then(() => undefined));

  it("changes the next webhook's profile name and tells the phone page", async () => {
    const events: SimEvent[] = [];
    sim?.subscribe((event) => events.push(event));
    sim?.sendFromCustomer(SHEENA.waId, { text: 'before' });
    await sim?.idle();
    const response = await patchCustomer(SHEENA.waId, { name: '  Sheena Nelson-Park ' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ key: SHEENA.waId, name: 'Sheena Nelson-Park' });
    expect(events.at(-1)).toMatchObject({
      type: 'customer.changed',
      previousKey: SHEENA.waId,
      customer: { key: SHEENA.waId, name: 'Sheena Nelson-Park' },
    });
    sim?.sendFromCustomer(SHEENA.waId, { text: 'after' });
    // A customer without a phone number, renamed by username.
    expect((await patchCustomer(`@${MARIA.username}`, { name: 'María L.' })).status).toBe(200);
    sim?.sendFromCustomer(MARIA.userId, { text: 'hola' });
    await sim?.idle();
    const messages = receivedEvents().flatMap((e) => (e.kind === 'message' ? [e] : []));
    expect(messages.map((e) => e.contactName)).toEqual(['Sheena Nelson', 'Sheena Nelson-Park', 'María L.']);
    const [, renamed] = receiver.received;
    expect(renamed?.json).toMatchObject({
      entry: [{ changes: [{ value: { contacts: [{ profile: { name: 'Sheena Nelson-Park' } }] } }] }],
    });
    // The list keeps its order.
    expect(sim?.customers().map((c) => c.name)).toEqual(['Sheena Nelson-Park', 'María L.']);
  });

  it('refuses an empty or too long name (400) and an unknown customer (404)', async () => {
    expect((await patchCustomer(SHEENA.waId, { name: '   ' })).status).toBe(400);
    expect((await patchCustomer(SHEENA.waId, { name: 'x'.repeat(101) })).status).toBe(400);
    expect((await patchCustomer(SHEENA.waId, {})).status).toBe(400);
    expect((await patchCustomer('000000000', { name: 'Nobody' })).status).toBe(404);
    expect(() => sim?.renameCustomer(SHEENA.waId, '')).toThrow();
    expect(sim?.customers()[0]?.name).toBe(SHEENA.name);
  });

  it('has a form on the phone page', async () => {
    const html = await (await fetch(`${baseUrl}/`)).text();
    expect(html).toContain('<form class="row" id="rename"');
    expect(html).toContain("method: 'PATCH'");
  });
});
