/**
 * Which recorded clip plays for each token of a call: the branch's own recording when it uploaded one (served
 * from the database, so every instance has it), else the clip shipped with the app (web/public/voice).
 */

import { callTokens } from "../../../src/domain/display/voice.ts";
import type { Answer } from "../api/types.ts";

export type DisplaySettings = Answer<"getDisplaySettings">;
export type Notice = Answer<"listNotices">["notices"][number];

export function clipUrls(
  branchId: string,
  settings: DisplaySettings | null,
  number: string,
  counter: string,
): { zh: string[]; en: string[] } {
  const custom = new Map((settings?.customClips ?? []).map((c) => [c.token, c.updatedAt]));
  const url = (token: string): string => {
    const version = custom.get(token);
    // The upload time in the URL: a new recording is never served from a stale cache.
    return version === undefined
      ? `/voice/${token}.ogg`
      : `/api/branches/${branchId}/voice-clips/${token}?v=${encodeURIComponent(version)}`;
  };
  return { zh: callTokens(number, counter, "zh").map(url), en: callTokens(number, counter, "en").map(url) };
}
