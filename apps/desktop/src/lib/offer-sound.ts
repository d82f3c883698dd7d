/**
 * The offer ring: two short tones made with the Web Audio API, so no audio file ships.
 *
 * Browsers refuse to start audio before the user has interacted with the page. `primeOfferSound`
 * is called from user gestures (any click or key press on the desktop) to create and unlock the
 * context early; a ring the browser still refuses is dropped silently rather than played late.
 */

/** A ring that could not start within this long after it was due is not worth playing. */
const LATE_MS = 500;

const TONES: readonly { frequency: number; start: number; duration: number }[] = [
  { frequency: 880, start: 0, duration: 0.14 },
  { frequency: 660, start: 0.18, duration: 0.2 },
];

let context: AudioContext | null = null;

function audioContext(): AudioContext | null {
  if (context) return context;
  if (typeof AudioContext === 'undefined') return null;
  try {
    context = new AudioContext();
  } catch {
    return null;
  }
  return context;
}

/** Creates and unlocks the audio context; call it from a user gesture. */
export function primeOfferSound(): void {
  const ctx = audioContext();
  if (ctx?.state === 'suspended') ctx.resume().catch(() => undefined);
}

function ring(ctx: AudioContext): void {
  const t0 = ctx.currentTime + 0.01;
  for (const tone of TONES) {
    const oscillator = ctx.createOscillator();
    const gain = ctx.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = tone.frequency;
    const start = t0 + tone.start;
    const end = start + tone.duration;
    // A quick fade in and out: a bare square edge clicks.
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(0.2, start + 0.015);
    gain.gain.setValueAtTime(0.2, end - 0.04);
    gain.gain.linearRampToValueAtTime(0, end);
    oscillator.connect(gain).connect(ctx.destination);
    oscillator.start(start);
    oscillator.stop(end + 0.01);
  }
}

/** Plays the ring once; does nothing (and says nothing) if the browser does not allow audio yet. */
export function playOfferSound(): void {
  try {
    const ctx = audioContext();
    if (!ctx) return;
    if (ctx.state === 'running') {
      ring(ctx);
      return;
    }
    const due = Date.now();
    ctx.resume().then(
      () => {
        if (ctx.state === 'running' && Date.now() - due < LATE_MS) ring(ctx);
      },
      () => undefined,
    );
  } catch {
    // Autoplay refused or audio unavailable: the popover and notification still tell the agent.
  }
}
