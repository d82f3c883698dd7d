import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminRoutes } from '@parlo/protocol';
import { fetchSettings, updateSettings } from './client.ts';
import { RequestError } from './request-error.ts';

function answer(status: number, body: unknown) {
  return vi.fn((_input: string, _init?: RequestInit) =>
    Promise.resolve(
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
    ),
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const SETTINGS = {
  maskSensitiveData: false,
  transferNotAcceptedPolicy: 'returnToQueue',
  readReceipts: 'onOpen',
  conferenceSignatures: false,
  disconnectGraceSeconds: 60,
  timeZone: 'UTC',
  showMonitoringToAgents: false,
} as const;

describe('[S-10] admin settings client', () => {
  it('GETs the settings and parses them with the protocol schema', async () => {
    const fetchMock = answer(200, { settings: { ...SETTINGS, maskSensitiveData: true } });
    vi.stubGlobal('fetch', fetchMock);
    await expect(fetchSettings()).resolves.toEqual({ ...SETTINGS, maskSensitiveData: true });
    expect(fetchMock.mock.calls[0]?.[0]).toBe(adminRoutes.settings);
    expect(fetchMock.mock.calls[0]?.[1]?.method).toBe('GET');
  });

  it('PUTs only the changed field as JSON', async () => {
    const fetchMock = answer(200, { settings: { ...SETTINGS, maskSensitiveData: false } });
    vi.stubGlobal('fetch', fetchMock);
    await expect(updateSettings({ maskSensitiveData: false })).resolves.toEqual({
      ...SETTINGS,
      maskSensitiveData: false,
    });
    const init = fetchMock.mock.calls[0]?.[1];
    expect(init?.method).toBe('PUT');
    expect(init?.body).toBe('{"maskSensitiveData":false}');
  });

  it('turns a 403 error body into FORBIDDEN', async () => {
    vi.stubGlobal('fetch', answer(403, { error: { code: 'FORBIDDEN', message: 'admins only' } }));
    const error = await updateSettings({ maskSensitiveData: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestError);
    expect((error as RequestError).code).toBe('FORBIDDEN');
  });

  it('rejects an answer that does not match the protocol', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.stubGlobal('fetch', answer(200, { settings: { maskSensitiveData: 'yes' } }));
    await expect(fetchSettings()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });
});
