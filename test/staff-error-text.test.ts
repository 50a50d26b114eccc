import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Staff see the server's localized sentence, never its stable code: a page that formats an error as
 * "message (conflict)" fails here. The browser tests check the sentences themselves (counter-actions).
 */
const WEB = join(import.meta.dirname, "../web/src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "api" ? [] : files(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("error text on the web pages", () => {
  it("never appends an error's code to what staff read", () => {
    const offenders: string[] = [];
    for (const file of files(WEB)) {
      const text = readFileSync(file, "utf8");
      // `${e.code}` / `${error.code}` next to a message, or an ApiError's code printed in parentheses.
      for (const m of text.matchAll(
        /\(\$\{\s*(?:e|err|error)\.code\s*\}\)|\$\{\s*(?:e|err|error)\.message\s*\}[^`]*\$\{\s*(?:e|err|error)\.code\s*\}/g,
      ))
        offenders.push(`${file.slice(WEB.length + 1)}: ${m[0]}`);
    }
    expect(offenders).toEqual([]);
  });
});
