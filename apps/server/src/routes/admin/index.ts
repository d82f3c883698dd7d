import type { FastifyInstance } from 'fastify';
import type { RouteDoc } from '../../openapi/index.ts';
import type { ServerContext } from '../../platform/index.ts';
import { BUSINESS_HOURS_DOCS, registerBusinessHoursRoutes } from './business-hours.ts';
import { BUSINESS_NUMBER_DOCS, registerBusinessNumberRoutes } from './business-numbers.ts';
import { DELETED_NUMBER_DOCS, registerDeletedNumberRoutes } from './deleted-numbers.ts';
import { IDLE_CODE_DOCS, registerNamedItemRoutes, WRAP_UP_REASON_DOCS } from './named-items.ts';
import { PRIVACY_DOCS, registerPrivacyRoutes } from './privacy.ts';
import { QUEUE_DOCS, registerQueueRoutes } from './queues.ts';
import { registerSettingsRoutes, SETTINGS_DOCS } from './settings.ts';
import { registerSignInLockRoutes, SIGN_IN_LOCK_DOCS } from './sign-in-locks.ts';
import { registerUserRoutes, USER_DOCS } from './users.ts';

/** Every route of the administration API, as the OpenAPI document describes it. */
export const ADMIN_ROUTE_DOCS: readonly RouteDoc[] = [
  ...Object.values(USER_DOCS),
  ...Object.values(QUEUE_DOCS),
  ...Object.values(BUSINESS_NUMBER_DOCS),
  ...Object.values(WRAP_UP_REASON_DOCS),
  ...Object.values(IDLE_CODE_DOCS),
  ...Object.values(DELETED_NUMBER_DOCS),
  ...Object.values(SETTINGS_DOCS),
  ...Object.values(SIGN_IN_LOCK_DOCS),
  ...Object.values(PRIVACY_DOCS),
  ...Object.values(BUSINESS_HOURS_DOCS),
];

/**
 * The administration API (admin role only, but the audited reveal): users, queues, business
 * numbers, wrap-up reasons, idle codes, settings, the audit log; soft delete and S-7.
 */
export function registerAdminRoutes(app: FastifyInstance, ctx: ServerContext): void {
  registerSettingsRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerSignInLockRoutes(app, ctx);
  registerQueueRoutes(app, ctx);
  registerBusinessNumberRoutes(app, ctx);
  registerNamedItemRoutes(app, ctx);
  registerDeletedNumberRoutes(app, ctx);
  registerPrivacyRoutes(app, ctx);
  registerBusinessHoursRoutes(app, ctx);
}
