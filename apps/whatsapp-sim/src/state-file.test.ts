import { describe, expect, it } from 'vitest';
import { parseSimState, serializeSimState, SIM_STATE_VERSION, type SimState } from './state-file.ts';

const STATE: SimState = {
  version: SIM_STATE_VERSION,
  savedAt: 1_780_000_000_000,
  customers: [
    { key: '16505551234', waId: '16505551234', userId: 'US.13491208655302741918', name: 'Sheena Nelson' },
    { key: 'BR.1502576394655843', userId: 'BR.1502576394655843', username: 'joao.pereira', name: 'João' },
  ],
  messages: [
    {
      wamid: 'wamid.in1',
      direction: 'in',
      phoneNumberId: '106540352242922',
      waId: '16505551234',
      type: 'text',
      text: 'Does it come in blue?',
      timestamp: 1_780_000_000,
      status: 'read',
    },
    {
      wamid: 'wamid.out1',
      direction: 'out',
      phoneNumberId: '106540352242922',
      waId: '16505551234',
      type: 'text',
      text: 'Yes it does',
      timestamp: 1_780_000_010,
      status: 'failed',
      error: { code: 131047, title: 'Re-engagement message' },
      replyTo: 'wamid.in1',
      to: { by: 'phone', input: '+16505551234', waId: '16505551234' },
    },
  ],
  windows: [{ phoneNumberId: '106540352242922', waId: '16505551234', lastInboundAt: 1_780_000_000_000 }],
  optedOut: [{ phoneNumberId: '106540352242922', waId: 'BR.1502576394655843' }],
};

const parse = (value: unknown) => parseSimState(JSON.stringify(value));

describe('the simulator state file', () => {
  it('reads back what it wrote', () => {
    expect(parseSimState(serializeSimState(STATE))).toEqual({ ok: true, state: STATE });
  });

  it('refuses what is not JSON', () => {
    expect(parseSimState('{"version": 1, "customers": [')).toEqual({ ok: false, problem: 'it is not JSON' });
    expect(parseSimState('')).toMatchObject({ ok: false });
  });

  it('refuses another version, a missing part, and a bad field, saying where', () => {
    expect(parse({ ...STATE, version: 2 })).toEqual({
      ok: false,
      problem: expect.stringContaining('version') as string,
    });
    const { optedOut: _, ...withoutOptOuts } = STATE;
    expect(parse(withoutOptOuts)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('optedOut') as string,
    });
    const badStatus = { ...STATE, messages: [{ ...STATE.messages[0], status: 'lost' }] };
    expect(parse(badStatus)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('messages.0.status') as string,
    });
    expect(parse([])).toMatchObject({ ok: false, problem: expect.stringContaining('(top level)') as string });
  });

  it('refuses a customer whose key is neither their number nor their BSUID, and a repeated message id', () => {
    const [sheena] = STATE.customers;
    expect(parse({ ...STATE, customers: [{ ...sheena, key: 'someone-else' }] })).toMatchObject({ ok: false });
    expect(parse({ ...STATE, messages: [STATE.messages[0], STATE.messages[0]] })).toEqual({
      ok: false,
      problem: 'a message id appears twice',
    });
  });

  it('never quotes the file in the problem: no names, numbers or message text', () => {
    const bad = {
      ...STATE,
      customers: [{ key: '16505551234', waId: '16505551234', userId: 'nope', name: 'Sheena Nelson' }],
      messages: [{ ...STATE.messages[0], text: 42 }],
    };
    const result = parse(bad);
    if (result.ok) throw new Error('expected a problem');
    for (const secret of ['Sheena', '16505551234', 'nope', 'Does it come']) {
      expect(result.problem).not.toContain(secret);
    }
    expect(result.problem).toMatch(/and \d+ more/);
  });
});
