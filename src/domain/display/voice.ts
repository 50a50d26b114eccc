/**
 * The lobby display's recorded voice: a call is spoken by joining short clips in order, one clip per token
 * ("请", a letter, a digit, "号", "到", the counter number, "号窗口", "办理", and an English set). The project
 * ships a clip per token (web/public/voice/<token>.ogg, made by scripts/gen-voice-clips.sh); a branch may
 * upload its own recording of any token. Pure: shared by the server (which tokens exist) and the web app.
 */

export const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");
export const DIGITS = "0123456789".split("");

export const VOICE_TOKENS: readonly string[] = [
  "zh-qing",
  "zh-hao",
  "zh-dao",
  "zh-shi",
  "zh-haochuangkou",
  "zh-banli",
  ...DIGITS.map((d) => `zh-digit-${d}`),
  ...LETTERS.map((l) => `zh-letter-${l}`),
  "en-number",
  "en-please-go-to-counter",
  ...DIGITS.map((d) => `en-digit-${d}`),
  ...LETTERS.map((l) => `en-letter-${l}`),
];

const KNOWN: ReadonlySet<string> = new Set(VOICE_TOKENS);

export function isVoiceToken(token: string): boolean {
  return KNOWN.has(token);
}

export type CallLanguage = "zh" | "en";

/** A ticket number read character by character: "A012" → A 零 一 二 (as tellers read numbers aloud). */
function numberTokens(number: string, lang: CallLanguage): string[] {
  const out: string[] = [];
  for (const ch of number.toUpperCase()) {
    if (ch >= "0" && ch <= "9") out.push(`${lang}-digit-${ch}`);
    else if (ch >= "A" && ch <= "Z") out.push(`${lang}-letter-${ch}`);
    // Anything else (a dash, a space) is not spoken.
  }
  return out;
}

/** A counter number read as a Chinese numeral: 3 → 三, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五; larger ones digit by digit. */
function counterTokensZh(counter: string): string[] {
  const n = Number(counter);
  if (!/^[0-9]+$/.test(counter) || !Number.isInteger(n) || n >= 100) return numberTokens(counter, "zh");
  if (n < 10) return [`zh-digit-${n}`];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return [...(tens === 1 ? [] : [`zh-digit-${tens}`]), "zh-shi", ...(ones === 0 ? [] : [`zh-digit-${ones}`])];
}

/**
 * The clips of one call, in the order they are played:
 * zh: 请 A 零 零 一 号 到 三 号窗口 办理; en: Number A zero zero one, please go to counter three.
 */
export function callTokens(number: string, counter: string, lang: CallLanguage): string[] {
  if (lang === "zh")
    return [
      "zh-qing",
      ...numberTokens(number, "zh"),
      "zh-hao",
      "zh-dao",
      ...counterTokensZh(counter),
      "zh-haochuangkou",
      "zh-banli",
    ];
  return ["en-number", ...numberTokens(number, "en"), "en-please-go-to-counter", ...numberTokens(counter, "en")];
}

/** How a display speaks: recorded clips only when the browser has no Mandarin voice ("auto"), or always. */
export const VOICE_MODES = ["auto", "clips"] as const;
export type VoiceMode = (typeof VOICE_MODES)[number];

/** Audio a branch may upload for a token, and the most bytes one clip may have. */
export const CLIP_TYPES = ["audio/ogg", "audio/mpeg", "audio/wav", "audio/webm", "audio/mp4"] as const;
export type ClipType = (typeof CLIP_TYPES)[number];
export const MAX_CLIP_BYTES = 200 * 1024;

/** Whether the bytes look like the audio type they claim to be (their magic numbers). */
export function audioMatchesType(bytes: Uint8Array, type: ClipType): boolean {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  switch (type) {
    case "audio/ogg":
      return ascii(0, 4) === "OggS";
    case "audio/wav":
      return ascii(0, 4) === "RIFF" && ascii(8, 12) === "WAVE";
    case "audio/mpeg":
      // An ID3 tag, or an MPEG audio frame sync (11 set bits).
      return ascii(0, 3) === "ID3" || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0);
    case "audio/webm":
      return bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3;
    case "audio/mp4":
      return ascii(4, 8) === "ftyp";
  }
}

/** Icons a kiosk may show for a business type (drawn by the web app's ServiceIcon). */
export const KIOSK_ICONS = [
  "cash",
  "transfer",
  "card",
  "account",
  "wealth",
  "vip",
  "loan",
  "exchange",
  "corporate",
  "other",
] as const;
export type KioskIcon = (typeof KIOSK_ICONS)[number];
