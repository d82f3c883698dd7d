/**
 * The platform every part of the server stands on: the context the composition root builds, one
 * transaction with the pushes it collects (`commit`, `Outgoing`), the error catalog at the HTTP
 * edge, the typed configuration, the logger and the administrator's run-time settings.
 */
export {
  commit,
  CONVERSATION_NOTICE_PREFIX,
  conversationNoticeKey,
  SIGN_OUT_NOTICE_PREFIX,
  type AgentFeed,
  type ServerContext,
} from './context.ts';
export { Outgoing, type Push } from './outgoing.ts';
export { apiErrorOf, idOf, idParams, isDatabaseAway, parseOr400, rejectionError } from './errors.ts';
export { NodeState } from './node-state.ts';
export { ConfigError, loadConfig, originOf, type Config } from './config.ts';
export { createLogger, type Logger } from './logger.ts';
export {
  defaultSettings,
  disconnectGraceMs,
  MASKING_SETTING_KEY,
  readSettings,
  writeSettings,
} from './settings.ts';
export { escapeHtml, styleHashSource } from './html.ts';
export { timeOrderedId } from './ids.ts';
export { audit } from './audit.ts';
export { TurnBudget } from './turn-budget.ts';
