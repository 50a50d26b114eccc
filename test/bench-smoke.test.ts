import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * `npm run bench` is not part of `npm test`, but its parts must keep running: this starts the in-process
 * issue-ticket bench for a second on SQLite (the part that imports the most of the application) and checks
 * its one JSON line. It caught a bench that no longer started once test-only code crept into its imports.
 */
describe("the benchmark's in-process part", () => {
  it("runs and prints one JSON line of figures", () => {
    const dir = mkdtempSync(join(tmpdir(), "datang-bench-smoke-"));
    try {
      const out = execFileSync(
        process.execPath,
        ["--import", "tsx", join(import.meta.dirname, "../bench/in-process.ts"), join(dir, "datang.db"), "1", "8", "1"],
        { encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] },
      );
      const figures = JSON.parse(out.trim().split("\n").pop() ?? "{}") as { issued: number; rps: number };
      expect(figures.issued).toBeGreaterThan(0);
      expect(figures.rps).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
