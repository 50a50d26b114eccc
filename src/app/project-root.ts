import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The checkout's root folder: the nearest folder above this module whose package.json is Datang's. Found by
 * walking up rather than by a fixed number of `..`, so the same code works from `src/` under tsx and from a
 * bundled build in another folder (the test suite starts its servers from one).
 */
export const PROJECT_ROOT: string = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "datang") return dir;
      } catch {
        // An unreadable manifest is not ours; keep walking.
      }
    }
    if (dirname(dir) === dir) throw new Error(`Datang's package.json not found above ${from}`);
  }
}
