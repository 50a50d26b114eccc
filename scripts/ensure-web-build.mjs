#!/usr/bin/env node
// `npm start` runs this first: build web/dist only when it is missing or older than the web sources,
// so a fresh checkout serves the app without a separate build step and a warm one starts instantly.
// `--check` only says whether a build is due (exit 0: up to date, 1: stale) and builds nothing.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const built = join(root, "web/dist/index.html");
const sources = [
  join(root, "web/src"),
  join(root, "web/public"),
  join(root, "web/index.html"),
  join(root, "web/vite.config.ts"),
  // The web app bundles code from the server's domain layer (display voice tokens, kiosk icons): a change there
  // changes the bundle too. (Its imports from src/app and src/realtime are type-only and compile away.)
  join(root, "src/domain"),
];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
const sourcesAt = Math.max(...sources.map(newest));
if (builtAt >= sourcesAt) process.exit(0);
if (process.argv.includes("--check")) {
  console.log("web/dist is older than its sources");
  process.exit(1);
}
console.log(builtAt === 0 ? "web/dist missing: building the web app…" : "web sources changed: rebuilding the web app…");
const result = spawnSync("npx", ["vite", "build", "--config", "web/vite.config.ts", "--logLevel", "warn"], {
  cwd: root,
  // Always the production bundle: run from the test runner (NODE_ENV=test) Vite would otherwise build React and
  // Ant Design in development mode, half again as large, and the browser tests would not test what ships.
  env: { ...process.env, NODE_ENV: "production" },
  stdio: "inherit",
  shell: process.platform === "win32",
});
process.exit(result.status ?? 1);
