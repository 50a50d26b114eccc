/**
 * Announcements for the lobby: a chime, then the Mandarin sentence. Queued one after another so a burst of
 * calls never cuts an announcement off (we never call speechSynthesis.cancel()).
 */
export interface Announcement {
  readonly text: string;
  readonly lang: string;
}

let audioContext: AudioContext | null = null;
const queue: Announcement[] = [];
let speaking = false;

/** Browsers only allow sound after a user gesture; the display asks for one click at start. */
export async function unlockAudio(): Promise<boolean> {
  try {
    audioContext ??= new AudioContext();
    await audioContext.resume();
    return audioContext.state === "running";
  } catch {
    return false;
  }
}

export function audioUnlocked(): boolean {
  return audioContext?.state === "running";
}

/** Two-tone "ding-dong" synthesised so no audio file ships with the app. */
export function chime(loud = false): Promise<void> {
  const ctx = audioContext;
  if (ctx === null || ctx.state !== "running") return Promise.resolve();
  const notes: readonly [number, number][] = [
    [880, 0],
    [660, 0.45],
  ];
  for (const [frequency, offset] of notes) {
    const oscillator = ctx.createOscillator();
    const gain = ctx.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    const start = ctx.currentTime + offset;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(loud ? 0.9 : 0.4, start + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.6);
    oscillator.connect(gain).connect(ctx.destination);
    oscillator.start(start);
    oscillator.stop(start + 0.65);
  }
  return new Promise((resolve) => setTimeout(resolve, 1100));
}

function speakOne(item: Announcement): Promise<void> {
  return new Promise((resolve) => {
    if (!("speechSynthesis" in window)) {
      resolve();
      return;
    }
    const utterance = new SpeechSynthesisUtterance(item.text);
    utterance.lang = item.lang;
    utterance.rate = 0.9;
    const voice = window.speechSynthesis.getVoices().find((v) => v.lang.replace("_", "-").startsWith(item.lang));
    if (voice !== undefined) utterance.voice = voice;
    // Some engines never fire `end` (no voice installed); do not let one silent line block the queue.
    const guard = setTimeout(resolve, 8000);
    const finish = (): void => {
      clearTimeout(guard);
      resolve();
    };
    utterance.onend = finish;
    utterance.onerror = finish;
    window.speechSynthesis.speak(utterance);
  });
}

async function drain(): Promise<void> {
  if (speaking) return;
  speaking = true;
  try {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      await chime();
      await speakOne(item);
    }
  } finally {
    speaking = false;
  }
}

export function announce(item: Announcement): void {
  queue.push(item);
  void drain();
}

/** Whether the browser has a Mandarin voice to speak calls with (voices load late: listen for voiceschanged). */
export function mandarinVoiceAvailable(): boolean {
  if (!("speechSynthesis" in window)) return false;
  return window.speechSynthesis.getVoices().some((v) => /^(zh|cmn)([-_](CN|Hans))?/i.test(v.lang));
}

const SOUND_KEY = "datang.display.sound";

/** The display remembers that staff turned sound on, and tries again by itself after a reload or reboot. */
export function rememberSoundOn(): void {
  window.localStorage.setItem(SOUND_KEY, "1");
}

export function soundWasOn(): boolean {
  return window.localStorage.getItem(SOUND_KEY) === "1";
}
