/** Transfer and conference (S-14..S-23): targets, transfer, conference, ending or leaving it. */
export {
  collaborationTargets,
  endConference,
  exitConference,
  requestConference,
  transfer,
} from './collaboration.ts';
