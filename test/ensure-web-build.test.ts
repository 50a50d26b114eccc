import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * `npm start` rebuilds web/dist when a source of the bundle is newer. The script runs on a copy of the layout in a
 * temporary folder (it finds its root from its own location), with `--check` so that nothing is built.
 */
const ROOT = join(import.meta.dirname, "..");
const tmp = mkdtempSync(join(tmpdir(), "datang-ensure-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(rel: string, at: number): void {
  const path = join(tmp, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, "x");
  utimesSync(path, at, at);
}

function check(): number {
  return spawnSync(process.execPath, [join(tmp, "scripts/ensure-web-build.mjs"), "--check"], { encoding: "utf8" })
    .status as number;
}

describe("ensure-web-build", () => {
  it("calls web/dist stale when src/domain (bundled by the web app) changed after the build", () => {
    mkdirSync(join(tmp, "scripts"), { recursive: true });
    copyFileSync(join(ROOT, "scripts/ensure-web-build.mjs"), join(tmp, "scripts/ensure-web-build.mjs"));
    const t0 = Date.now() / 1000 - 1000;
    for (const dir of ["web/src", "web/public", "src/domain/display", "src/domain", "web", "src", "scripts"])
      mkdirSync(join(tmp, dir), { recursive: true });
    file("web/src/main.tsx", t0);
    file("src/domain/display/voice.ts", t0);
    for (const dir of ["web/src", "web/public", "src/domain/display", "src/domain"]) utimesSync(join(tmp, dir), t0, t0);
    file("web/dist/index.html", t0 + 100);
    expect(check()).toBe(0);

    utimesSync(join(tmp, "src/domain/display/voice.ts"), t0 + 200, t0 + 200);
    expect(check()).toBe(1);

    utimesSync(join(tmp, "web/dist/index.html"), t0 + 300, t0 + 300);
    expect(check()).toBe(0);
    file("web/src/main.tsx", t0 + 400);
    expect(check()).toBe(1);
  });
});
