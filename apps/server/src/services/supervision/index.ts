/** Supervision: who waits and for how long, agents' states; a supervisor takes an agent out of RONA. */
export { setAgentStateBySupervisor, supervisorOverview } from './supervision.ts';
