#!/usr/bin/env node
// Reports each page's first-load JavaScript (entry chunk + the page's lazy chunk + their static imports),
// gzip-compressed, from the Vite manifest of web/dist. Exits 1 when a page is over its budget.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const dist = new URL("../web/dist/", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, ".vite/manifest.json"), "utf8"));
const KB = 1024;
// Customer-facing screens must stay small; staff consoles may carry Ant Design.
const BUDGETS = {
  kiosk: 200,
  display: 200,
  rate: 200,
  live: 200,
  home: 200,
  login: 400,
  counter: 400,
  lobby: 400,
  admin: 400,
  planning: 400,
};
const PAGES = {
  home: "src/pages/Home.tsx",
  login: "src/pages/Login.tsx",
  kiosk: "src/pages/Kiosk.tsx",
  display: "src/pages/Display.tsx",
  counter: "src/pages/Counter.tsx",
  rate: "src/pages/Rate.tsx",
  lobby: "src/pages/Lobby.tsx",
  admin: "src/pages/Admin.tsx",
  live: "src/pages/LiveTicket.tsx",
  planning: "src/pages/Planning.tsx",
};

const gzipCache = new Map();
function gzipSize(file) {
  if (!gzipCache.has(file)) gzipCache.set(file, gzipSync(readFileSync(join(dist, file)), { level: 9 }).length);
  return gzipCache.get(file);
}

function collect(key, seen) {
  const chunk = manifest[key];
  if (chunk === undefined || seen.has(key)) return;
  seen.add(key);
  for (const dep of chunk.imports ?? []) collect(dep, seen);
}

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const rows = [];
let failed = false;
for (const [page, key] of Object.entries(PAGES)) {
  const seen = new Set();
  collect(entryKey, seen);
  collect(key, seen);
  const files = [...seen].map((k) => manifest[k].file).filter((f) => f.endsWith(".js"));
  const gzip = files.reduce((sum, f) => sum + gzipSize(f), 0);
  const css = [...seen].flatMap((k) => manifest[k].css ?? []);
  const cssGzip = [...new Set(css)].reduce((sum, f) => sum + gzipSize(f), 0);
  const over = gzip / KB > BUDGETS[page];
  failed ||= over;
  rows.push({
    page,
    jsGzipKB: +(gzip / KB).toFixed(1),
    cssGzipKB: +(cssGzip / KB).toFixed(1),
    budgetKB: BUDGETS[page],
    chunks: files.length,
    ok: !over,
  });
}
console.table(rows);
if (process.argv.includes("--json")) console.log(JSON.stringify(rows));
process.exit(failed ? 1 : 0);
