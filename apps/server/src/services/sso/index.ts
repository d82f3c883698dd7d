/**
 * Single sign-on for staff (issue 17, ADR 17): OpenID Connect with `openid-client`; users created
 * and kept in line with the provider's claims (role, an agent's queues); the session afterwards is
 * the usual cookie of `services/auth`.
 */
export { claimValues, mapClaims, type ClaimMapping, type MappedIdentity } from './claims.ts';
export {
  OIDC_FLOW_COOKIE,
  OIDC_FLOW_COOKIE_PATH,
  OIDC_FLOW_TTL_SECONDS,
  OidcSignIn,
  oidcSettingsOf,
  type OidcCallbackQuery,
  type OidcSettings,
} from './oidc.ts';
export { NO_LOCAL_PASSWORD } from './provision.ts';
