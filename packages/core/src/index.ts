export * from './model.ts';
export * from './strategies.ts';
export * from './decide.ts';
export { seededRandom } from './seeded-random.ts';
export { holdersOf, departedOf, wrapUpQueueOf } from './participants.ts';
export {
  agentLoad,
  lookup,
  patchState,
  type RoutingChanges,
  type RoutingLookup,
  type RoutingPatch,
  type WaitEntry,
} from './world.ts';
