import { z } from 'zod';

/**
 * Single sign-on for staff (issue 17): OpenID Connect, authorization code with PKCE. The desktop
 * asks whether it is configured and, if so, shows a button that navigates to `oidcStart`; the
 * identity provider sends the browser back to `oidcCallback`, which sets the usual session cookie
 * and redirects to the desktop.
 */
export const ssoRoutes = {
  /** GET: which sign-in methods the server offers besides username and password. */
  options: '/api/auth/sso',
  /** GET (a browser navigation): redirects to the identity provider. */
  oidcStart: '/api/auth/oidc/start',
  /** GET (the provider's redirect): checks state, PKCE and nonce, signs in, redirects to `/`. */
  oidcCallback: '/api/auth/oidc/callback',
} as const;

export const ssoOptionsResponseSchema = z.object({
  /** Null when the server has no OpenID Connect provider configured. */
  oidc: z
    .object({
      /** What the sign-in button says, e.g. the provider's name. */
      label: z.string(),
    })
    .nullable(),
});
export type SsoOptionsResponse = z.infer<typeof ssoOptionsResponseSchema>;

/** What the provider sends back to `oidcCallback` (either a code and state, or an error). */
export const oidcCallbackQuerySchema = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(2048).optional(),
  iss: z.string().max(2048).optional(),
});
