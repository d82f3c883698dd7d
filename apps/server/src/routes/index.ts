/**
 * The REST edge, one module per family of routes: each parses its input with the protocol's
 * schemas, authenticates, and calls a service. Registered by the composition (`http/`).
 */
export { registerAdminRoutes, ADMIN_ROUTE_DOCS } from './admin/index.ts';
export { registerAgentRoutes } from './agent.ts';
export { registerAuthRoutes } from './auth.ts';
export { registerCollaborationRoutes } from './collaboration.ts';
export { registerConversationRoutes } from './conversations.ts';
export { registerDocsRoutes } from './docs.ts';
export { registerHistoryRoutes, HISTORY_ROUTE_DOCS } from './history.ts';
export { registerMediaRoutes } from './media.ts';
export { registerMetricsRoutes } from './metrics.ts';
export { registerReportRoutes, REPORT_ROUTE_DOCS } from './reports.ts';
export { registerSearchRoutes, SEARCH_ROUTE_DOCS } from './search.ts';
export { CANNED_ROUTE_DOCS, registerCannedRoutes } from './canned.ts';
export { CSAT_ROUTE_DOCS, registerCsatRoutes } from './csat.ts';
export { LABEL_ROUTE_DOCS, registerLabelRoutes } from './labels.ts';
export { registerSupervisionRoutes } from './supervision.ts';
export { registerSsoRoutes } from './sso.ts';
export { registerTemplateRoutes } from './templates.ts';
export { registerWebhookRoutes, WEBHOOK_PATH } from './webhook.ts';
export { registerWallboardRoutes, WALLBOARD_ROUTE_DOCS } from './wallboard.ts';
