import { timingSafeEqual } from 'node:crypto';
import { ApiError } from '@parlo/protocol';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { commit, ConfigError, type Config, type ServerContext } from '../../platform/index.ts';
import { hashToken, newSessionToken, toUserView, type NewSession } from '../auth/index.ts';
import { mapClaims, type ClaimMapping } from './claims.ts';
import { provisionUser } from './provision.ts';

/**
 * The cookie that carries one sign-in's state, nonce and PKCE verifier from the start to the
 * callback. HttpOnly, SameSite=Lax (the callback is a top-level navigation from the provider's
 * site, which a Strict cookie would miss), scoped to the OIDC paths, ten minutes.
 */
export const OIDC_FLOW_COOKIE = 'parlo_oidc';
export const OIDC_FLOW_COOKIE_PATH = '/api/auth/oidc';
export const OIDC_FLOW_TTL_SECONDS = 600;

/** The provider and how its claims map, from the environment; undefined when SSO is off. */
export interface OidcSettings extends ClaimMapping {
  readonly issuer: URL;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly redirectUrl: URL;
  readonly scopes: string;
  readonly label: string;
  readonly allowHttp: boolean;
}

/** Reads the OIDC_* settings; a half-configured provider is a start-up error naming what is missing. */
export function oidcSettingsOf(config: Config): OidcSettings | undefined {
  const required = {
    OIDC_ISSUER_URL: config.OIDC_ISSUER_URL,
    OIDC_CLIENT_ID: config.OIDC_CLIENT_ID,
    OIDC_REDIRECT_URL: config.OIDC_REDIRECT_URL,
  };
  const missing = Object.entries(required).filter(([, v]) => v === undefined);
  if (missing.length === 3) return undefined;
  if (missing.length > 0) {
    throw new ConfigError(
      `Invalid configuration:\n${missing.map(([k]) => `  ${k}: required for single sign-on`).join('\n')}`,
    );
  }
  const scopes = config.OIDC_SCOPES.split(/\s+/).includes('openid')
    ? config.OIDC_SCOPES
    : `openid ${config.OIDC_SCOPES}`;
  return {
    issuer: new URL(config.OIDC_ISSUER_URL ?? ''),
    clientId: config.OIDC_CLIENT_ID ?? '',
    clientSecret: config.OIDC_CLIENT_SECRET,
    redirectUrl: new URL(config.OIDC_REDIRECT_URL ?? ''),
    scopes,
    label: config.OIDC_LABEL,
    allowHttp: config.OIDC_ALLOW_HTTP,
    usernameClaim: config.OIDC_USERNAME_CLAIM,
    roleClaim: config.OIDC_ROLE_CLAIM,
    roleMap: config.OIDC_ROLE_MAP,
    queueClaim: config.OIDC_QUEUE_CLAIM,
    queueMap: config.OIDC_QUEUE_MAP,
  };
}

const flowSchema = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  verifier: z.string().min(1),
});
type Flow = z.infer<typeof flowSchema>;

function encodeFlow(flow: Flow): string {
  return Buffer.from(JSON.stringify(flow)).toString('base64url');
}

function decodeFlow(cookie: string | undefined): Flow | undefined {
  if (!cookie) return undefined;
  try {
    const parsed = flowSchema.safeParse(JSON.parse(Buffer.from(cookie, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What the callback got from the provider (already parsed at the edge). */
export interface OidcCallbackQuery {
  readonly state?: string | undefined;
  readonly error?: string | undefined;
}

/**
 * Staff sign-in through an OpenID Connect provider (authorization code + PKCE, state, nonce),
 * with `openid-client`. The provider's metadata is discovered on the first sign-in (and again
 * after a failure), so Parlo starts while the provider is away.
 */
export class OidcSignIn {
  private discovered: Promise<oidc.Configuration> | undefined;

  constructor(
    private readonly ctx: ServerContext,
    readonly settings: OidcSettings,
  ) {}

  private configuration(): Promise<oidc.Configuration> {
    const s = this.settings;
    this.discovered ??= oidc
      .discovery(
        s.issuer,
        s.clientId,
        undefined,
        s.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(s.clientSecret),
        { execute: s.allowHttp ? [oidc.allowInsecureRequests] : [], timeout: 10 },
      )
      .catch((error: unknown) => {
        this.discovered = undefined;
        this.ctx.logger.warn({ event: 'sso.discovery.failed', err: error }, 'OIDC discovery failed');
        throw new ApiError('UNAVAILABLE', 'The identity provider cannot be reached');
      });
    return this.discovered;
  }

  /** Where to send the browser, and the flow cookie to set before it goes. */
  async start(): Promise<{ redirectTo: string; flowCookie: string }> {
    const config = await this.configuration();
    const flow: Flow = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUrl.href,
      scope: this.settings.scopes,
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    return { redirectTo: url.href, flowCookie: encodeFlow(flow) };
  }

  /**
   * Checks the provider's answer against this browser's flow cookie — state first (400
   * SSO_STATE_MISMATCH), then the code exchange with the PKCE verifier, the ID token and its nonce
   * (401 SSO_REJECTED) — provisions the user from the claims and opens a session.
   */
  async finish(
    query: OidcCallbackQuery,
    search: string,
    flowCookie: string | undefined,
  ): Promise<NewSession> {
    const flow = decodeFlow(flowCookie);
    if (!flow || query.state === undefined || !sameText(query.state, flow.state)) {
      this.ctx.logger.info({ event: 'sso.failed', reason: 'state' }, 'SSO callback with a wrong state');
      throw new ApiError('SSO_STATE_MISMATCH', 'This sign-in was not started here, or it expired: try again');
    }
    if (query.error !== undefined) {
      this.ctx.logger.info({ event: 'sso.failed', reason: query.error }, 'the identity provider refused');
      throw new ApiError('SSO_REJECTED', 'The identity provider did not sign you in');
    }
    const config = await this.configuration();
    const claims = await this.exchange(config, flow, search);
    const identity = mapClaims(claims, this.settings);
    const issuer = config.serverMetadata().issuer;
    const token = newSessionToken();
    const ttlMs = this.ctx.config.SESSION_TTL_HOURS * 3600_000;
    const user = await commit(this.ctx, async (tx, out, now) => {
      const user = await provisionUser(tx, out, now, issuer, identity);
      await tx.insertSession({
        tokenHash: hashToken(token),
        userId: user.id,
        createdAt: now,
        expiresAt: now + ttlMs,
      });
      return user;
    });
    this.ctx.logger.info({ event: 'login', userId: user.id, method: 'oidc' }, 'signed in');
    return { user: toUserView(user), token, ttlMs };
  }

  /** The code for tokens (PKCE, state, nonce and the ID token checked), then UserInfo's claims over the ID token's. */
  private async exchange(
    config: oidc.Configuration,
    flow: Flow,
    search: string,
  ): Promise<Record<string, unknown>> {
    try {
      const callbackUrl = new URL(this.settings.redirectUrl.href);
      callbackUrl.search = search;
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new Error('no ID token');
      const userInfo =
        config.serverMetadata().userinfo_endpoint === undefined
          ? {}
          : await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      return { ...idClaims, ...userInfo, sub: idClaims.sub };
    } catch (error) {
      this.ctx.logger.info(
        { event: 'sso.failed', reason: error instanceof Error ? error.message : 'unknown' },
        'SSO callback refused',
      );
      throw new ApiError('SSO_REJECTED', 'The identity provider’s answer did not pass the checks');
    }
  }
}
