/**
 * Routing: the shell around `decide` (take the world kept in memory, decide, write only what
 * changed, carry the effects out, log the agents' events), an agent's routing commands, presence,
 * durable timers, and the picture of an agent's desktop (the snapshot).
 */
export {
  decideAndApply,
  decideAndApplyAll,
  detailsById,
  loadNames,
  routeAgain,
  ROUTING_SETTING_KEYS,
} from './engine.ts';
export {
  acceptOffer,
  agentCatalog,
  commandOnConversation,
  conversationViewAfter,
  declineOffer,
  endConversation,
  runCommand,
  setAgentState,
  wrapUp,
} from './commands.ts';
export { presenceChanged, sweepPresence } from './presence.ts';
export { systemNoteRow } from './system-notes.ts';
export { buildSnapshot } from './snapshot.ts';
export { DesktopFeed } from './feed.ts';
export { TimerRunner } from './timers.ts';
