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
    try {
      if (voice !== undefined) utterance.voice = voice;
    } catch {
      // Not a voice this engine knows: the language alone picks one.
    }
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

/** One thing the queue plays: a sentence through speech synthesis, or a call through recorded clips. */
type Job = () => Promise<void>;
const jobs: Job[] = [];

async function drain(): Promise<void> {
  if (speaking) return;
  speaking = true;
  try {
    for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) await job();
  } finally {
    speaking = false;
  }
}

/** A chime, then one sentence through the browser's speech synthesis. */
export function announce(item: Announcement): void {
  queue.push(item);
  jobs.push(async () => {
    const next = queue.shift();
    if (next === undefined) return;
    await chime();
    await speakOne(next);
  });
  void drain();
}

/**
 * Plays one recorded clip to its end. Resolves false when it cannot be played (missing file, sound not
 * allowed), so one bad clip never blocks the queue; the display warns staff then.
 */
function playClip(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const audio = new Audio(url);
    let settled = false;
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      resolve(ok);
    };
    // A clip is a second or two; never wait on one for long.
    const guard = setTimeout(() => finish(false), 6000);
    audio.addEventListener("ended", () => finish(true));
    audio.addEventListener("error", () => finish(false));
    audio.play().catch(() => finish(false));
  });
}

export interface CallAnnouncement {
  /** Mandarin and English sentences, spoken when the browser has a voice and the branch allows it. */
  readonly sentences: { readonly zh: string; readonly en: string };
  /** The clip URLs of the call, Mandarin then (if any) English, in playing order. */
  readonly clips: { readonly zh: readonly string[]; readonly en: readonly string[] };
  readonly useClips: boolean;
  readonly english: boolean;
  /** How many times the call is announced in a row (the branch's setting, twice by default). */
  readonly times: number;
  /** Told whether every clip played, so the display can warn when the recorded voice fails. */
  readonly onClipResult?: (allPlayed: boolean) => void;
}

/** A call: a chime, then the call spoken `times` times, by recorded clips or speech synthesis. */
export function announceCall(call: CallAnnouncement): void {
  jobs.push(async () => {
    await chime();
    for (let round = 0; round < call.times; round++) {
      if (call.useClips) {
        let ok = true;
        for (const url of [...call.clips.zh, ...(call.english ? call.clips.en : [])]) ok = (await playClip(url)) && ok;
        call.onClipResult?.(ok);
      } else {
        await speakOne({ text: call.sentences.zh, lang: "zh-CN" });
        if (call.english) await speakOne({ text: call.sentences.en, lang: "en-GB" });
      }
      // A short pause between two rounds, as a person would make.
      if (round + 1 < call.times) await new Promise((r) => setTimeout(r, 600));
    }
  });
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
