import { describe, expect, it } from 'vitest';
import {
  classifyGraphError,
  classifyGraphErrorCode,
  GraphApiError,
  type GraphErrorAction,
} from './graph-error.ts';

function httpError(httpStatus: number, code?: number): GraphApiError {
  return new GraphApiError({ kind: 'http', httpStatus, code, message: 'x' });
}

describe('classifyGraphError', () => {
  const table: Array<[number, GraphErrorAction]> = [
    [130429, 'retry'],
    [131056, 'retry'],
    [131057, 'retry'],
    [131000, 'retry'],
    [131016, 'retry'],
    [1, 'retry'],
    [2, 'retry'],
    [131047, 'fail'],
    [131026, 'fail'],
    [131049, 'fail'],
    [131050, 'fail'],
    [132000, 'fail'],
    [132001, 'fail'],
    [100, 'park'],
    [131008, 'park'],
    [131009, 'park'],
    [190, 'alert'],
    [0, 'alert'],
    [10, 'alert'],
    [131005, 'alert'],
  ];

  it.each(table)('code %i -> %s', (code, action) => {
    expect(classifyGraphError(httpError(400, code))).toBe(action);
    expect(classifyGraphErrorCode(code)).toBe(action);
  });

  it('retries timeouts and network errors', () => {
    expect(classifyGraphError(new GraphApiError({ kind: 'timeout', message: 't' }))).toBe('retry');
    expect(classifyGraphError(new GraphApiError({ kind: 'network', message: 'n' }))).toBe('retry');
  });

  it('retries 5xx and 429 without a known code', () => {
    expect(classifyGraphError(httpError(500))).toBe('retry');
    expect(classifyGraphError(httpError(503, 99999))).toBe('retry');
    expect(classifyGraphError(httpError(429))).toBe('retry');
  });

  it('lets a known code win over the HTTP status', () => {
    expect(classifyGraphError(httpError(500, 131047))).toBe('fail');
    expect(classifyGraphError(httpError(401, 131000))).toBe('retry');
  });

  it('alerts on 401/403 without a known code, parks other unknowns', () => {
    expect(classifyGraphError(httpError(401))).toBe('alert');
    expect(classifyGraphError(httpError(403))).toBe('alert');
    expect(classifyGraphError(httpError(400, 424242))).toBe('park');
    expect(
      classifyGraphError(new GraphApiError({ kind: 'invalid_response', httpStatus: 200, message: 'i' })),
    ).toBe('park');
    expect(classifyGraphError(new Error('bug'))).toBe('park');
    expect(classifyGraphErrorCode(424242)).toBeUndefined();
  });
});
