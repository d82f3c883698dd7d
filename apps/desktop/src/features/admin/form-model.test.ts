import { describe, expect, it } from 'vitest';
import { createQueueRequestSchema, createUserRequestSchema } from '@parlo/protocol';
import { changedFields, fieldOf, filterRows, numberInput, saveFailureOf, validate } from './form-model.ts';

describe('admin forms validate every field with the protocol schema, next to the field', () => {
  it('each invalid field gets its own problem, keyed by the form field', () => {
    const result = validate(createUserRequestSchema, {
      username: 'no spaces allowed',
      displayName: '   ',
      role: 'agent',
      password: 'short',
      queueIds: [],
      capacity: 11,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      username: { kind: 'badFormat' },
      displayName: { kind: 'required' },
      password: { kind: 'tooShort', min: 12 },
      capacity: { kind: 'tooBig', max: 10 },
    });
  });

  it('an empty number input is "required", text is "not a number", a fraction "not whole"', () => {
    const base = { name: 'Billing' };
    const problems = (offerTimeoutSeconds: string) => {
      const result = validate(createQueueRequestSchema, {
        ...base,
        offerTimeoutSeconds: numberInput(offerTimeoutSeconds, undefined),
      });
      return result.ok ? null : result.errors.offerTimeoutSeconds;
    };
    // An omitted optional field takes the schema default: empty means "the default" here.
    expect(problems('')).toBeNull();
    expect(problems('abc')).toEqual({ kind: 'notANumber' });
    expect(problems('7.5')).toEqual({ kind: 'notWhole' });
    expect(problems('2')).toEqual({ kind: 'tooSmall', min: 5 });
    expect(problems('30')).toBeNull();
  });

  it('a valid form yields the parsed request (trimmed, defaults applied)', () => {
    const result = validate(createQueueRequestSchema, { name: '  Billing  ' });
    expect(result).toEqual({
      ok: true,
      value: {
        name: 'Billing',
        priority: 1,
        offerTimeoutSeconds: 30,
        strategy: 'longestAvailable',
        maxWaitSeconds: null,
        overflowQueueId: null,
        wrapUpReasonIds: [],
        defaultWrapUpReasonId: null,
        autoWrapUpSeconds: null,
        windowFirst: null,
        stickyAgentSeconds: null,
        serviceLevelSeconds: null,
      },
    });
  });
});

describe('server refusals are shown next to the fields they name', () => {
  const formFields = ['username', 'displayName', 'queueIds'];

  it('VALIDATION_FAILED fields land on their form fields; nested keys (queueIds.1) on the parent field', () => {
    expect(fieldOf('queueIds.1')).toBe('queueIds');
    expect(
      saveFailureOf(
        { code: 'VALIDATION_FAILED', fields: { displayName: 'too long', 'queueIds.1': 'unknown' } },
        formFields,
      ),
    ).toEqual({
      fields: {
        displayName: { kind: 'server', message: 'too long' },
        queueIds: { kind: 'server', message: 'unknown' },
      },
      code: null,
      other: [],
    });
  });

  it('409 ALREADY_EXISTS is "taken" next to the clashing field', () => {
    expect(saveFailureOf({ code: 'ALREADY_EXISTS', fields: { username: 'taken' } }, formFields)).toEqual({
      fields: { username: { kind: 'taken' } },
      code: null,
      other: [],
    });
  });

  it('UNKNOWN_REFERENCE says the referred queue no longer exists', () => {
    expect(
      saveFailureOf({ code: 'UNKNOWN_REFERENCE', fields: { 'queueIds.0': 'x' } }, formFields).fields,
    ).toEqual({
      queueIds: { kind: 'unknownReference' },
    });
  });

  it('fields the form does not have, and errors without fields, become the form-level message', () => {
    expect(
      saveFailureOf({ code: 'IN_USE', fields: { overflowQueueId: 'used by Sales' } }, formFields),
    ).toEqual({
      fields: {},
      code: 'IN_USE',
      other: ['overflowQueueId: used by Sales'],
    });
    expect(saveFailureOf({ code: 'NETWORK' }, formFields)).toEqual({
      fields: {},
      code: 'NETWORK',
      other: [],
    });
    // Only codes documented to name form fields are mapped onto them.
    expect(saveFailureOf({ code: 'FORBIDDEN', fields: { username: 'x' } }, formFields).code).toBe(
      'FORBIDDEN',
    );
  });
});

describe('edits send only what changed (and so audit only that)', () => {
  it('compares scalars by value and arrays element by element', () => {
    expect(
      changedFields(
        { name: 'Support', priority: 1, wrapUpReasonIds: ['a', 'b'] },
        { name: 'Support', priority: 2, wrapUpReasonIds: ['a', 'b'] },
      ),
    ).toEqual({ priority: 2 });
    expect(changedFields({ queueIds: ['a'] }, { queueIds: ['a', 'b'] })).toEqual({ queueIds: ['a', 'b'] });
  });
});

describe('list search', () => {
  const rows = [
    { id: '1', name: 'Supporto tecnico' },
    { id: '2', name: 'Vendite' },
    { id: '3', name: 'Città' },
  ];
  it('filters case- and accent-insensitively; a blank search shows everything', () => {
    expect(filterRows(rows, 'SUPP', (r) => [r.name]).map((r) => r.id)).toEqual(['1']);
    expect(filterRows(rows, 'citta', (r) => [r.name]).map((r) => r.id)).toEqual(['3']);
    expect(filterRows(rows, '  ', (r) => [r.name])).toHaveLength(3);
    expect(filterRows(rows, 'zzz', (r) => [r.name])).toEqual([]);
  });
});
