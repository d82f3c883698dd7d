import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/index.ts';
import { oidcSettingsOf } from './oidc.ts';

const provider = {
  OIDC_ISSUER_URL: 'https://idp.example.com/realms/staff',
  OIDC_CLIENT_ID: 'parlo',
  OIDC_REDIRECT_URL: 'https://parlo.example.com/api/auth/oidc/callback',
};

describe('[issue-17] single sign-on settings from the environment', () => {
  it('off when no OIDC variable is set', () => {
    expect(oidcSettingsOf(loadConfig({}))).toBeUndefined();
  });

  it('a half-configured provider stops the start, naming what is missing', () => {
    expect(() => oidcSettingsOf(loadConfig({ OIDC_ISSUER_URL: provider.OIDC_ISSUER_URL }))).toThrow(
      /OIDC_CLIENT_ID[\s\S]*OIDC_REDIRECT_URL/,
    );
  });

  it('reads the claim maps, and always asks for the openid scope', () => {
    const settings = oidcSettingsOf(
      loadConfig({
        ...provider,
        OIDC_SCOPES: 'profile groups',
        OIDC_ROLE_MAP: 'it-admins = admin, helpdesk=agent',
        OIDC_QUEUE_MAP: 'sales=Sales,sales=Sales EU',
      }),
    );
    expect(settings).toMatchObject({
      clientSecret: undefined,
      scopes: 'openid profile groups',
      roleMap: [
        ['it-admins', 'admin'],
        ['helpdesk', 'agent'],
      ],
      queueMap: [
        ['sales', 'Sales'],
        ['sales', 'Sales EU'],
      ],
    });
  });

  it('a map that is not claim=value pairs is a configuration error naming the variable', () => {
    expect(() => loadConfig({ ...provider, OIDC_ROLE_MAP: 'admins' })).toThrow(/OIDC_ROLE_MAP/);
    expect(() => loadConfig({ ...provider, OIDC_QUEUE_MAP: 'a=b=c' })).toThrow(/OIDC_QUEUE_MAP/);
  });
});
