import { ssoOptionsResponseSchema, ssoRoutes } from '@parlo/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../api/client.ts';

/**
 * Single sign-on (issue 17): when the server has an OpenID Connect provider configured, a link
 * that starts the sign-in there (a full navigation: the provider's pages, then back to the
 * desktop, signed in). Nothing when it has none, or cannot say.
 */
export function SsoButton() {
  const { t } = useTranslation();
  const [label, setLabel] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    call(ssoRoutes.options, ssoOptionsResponseSchema, {
      signal: controller.signal,
      notifySessionExpiry: false,
    }).then(
      (options) => setLabel(options.oidc?.label ?? null),
      () => setLabel(null),
    );
    return () => controller.abort();
  }, []);

  if (label === null) return null;
  return (
    <a className="button button-block" href={ssoRoutes.oidcStart}>
      {t('login.sso', { label })}
    </a>
  );
}
