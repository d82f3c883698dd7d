import { useStoredFlag } from './stored-flag.ts';

/** Whether the offer sound is muted (the agent's "Mute offer sound"), and the setter. */
export function useOfferSoundMuted(): [boolean, (muted: boolean) => void] {
  return useStoredFlag('parlo.offerSound.muted');
}
