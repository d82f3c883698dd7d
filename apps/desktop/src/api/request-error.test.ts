import { describe, expect, it } from 'vitest';
import { asRequestError, RequestError, toRequestError } from './request-error.ts';

describe('toRequestError', () => {
  it('keeps the catalog code of an error body', () => {
    const e = toRequestError(409, { error: { code: 'OFFER_NOT_PENDING', message: 'gone' } });
    expect(e).toBeInstanceOf(RequestError);
    expect([e.code, e.status]).toEqual(['OFFER_NOT_PENDING', 409]);
  });

  it('maps a body outside the catalog by status', () => {
    expect(toRequestError(401, '<html>').code).toBe('UNAUTHENTICATED');
    expect(toRequestError(502, undefined).code).toBe('UNAVAILABLE');
    expect(toRequestError(418, { error: { code: 'TEAPOT', message: '' } }).code).toBe('BAD_RESPONSE');
  });

  it('anything else caught becomes a NETWORK error', () => {
    expect(asRequestError(new TypeError('Failed to fetch')).code).toBe('NETWORK');
  });
});
