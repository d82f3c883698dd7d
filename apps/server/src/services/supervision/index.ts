/**
 * Supervision: who waits and for how long, agents' states; a supervisor takes an agent out of RONA.
 * Issue 16: live conversations, monitor, whisper (internal notes), barge-in, reassign, sign-out.
 */
export { setAgentStateBySupervisor, supervisorOverview } from './supervision.ts';
export { liveConversations, monitorView, monitorViewOrError } from './live.ts';
export {
  addInternalNote,
  bargeIn,
  leaveConversation,
  monitorChanged,
  reassign,
  sendAsSupervisor,
  signOutAgent,
  whisper,
} from './actions.ts';
