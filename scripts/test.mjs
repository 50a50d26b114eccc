#!/usr/bin/env node
// `npm test`: the whole suite, as CI runs it: the other files (vitest.config.ts), then the browser tests (test/e2e,
// vitest.e2e.config.ts). The web app and the server bundle are built once first, so neither run rebuilds them.
// The command fails when either run fails. Extra arguments go to both runs (`npm test -- --reporter=verbose`).
// DATANG_TEST_PARALLEL=1 runs the two side by side instead (the browser run's output follows as one block). On this
// 2-core machine that was not faster: on 7 December 2026 the side-by-side run took over 19 minutes (load 11-14)
// before the non-browser half was done, and the concurrency test's 1,000-ticket drain timed out; so one after the
// other is the default.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { buildTestServer } from "./build-test-server.mjs";

const root = join(import.meta.dirname, "..");
const started = Date.now();
const seconds = () => `${Math.round((Date.now() - started) / 1000)} s`;

const web = spawnSync(process.execPath, [join(root, "scripts/ensure-web-build.mjs")], { cwd: root, stdio: "inherit" });
if (web.status !== 0) {
  console.error("npm test: the web build failed");
  process.exit(web.status ?? 1);
}
await buildTestServer();

const extra = process.argv.slice(2);
const env = { ...process.env, DATANG_TEST_SERVER_BUNDLED: "1" };
const vitest = join(root, "node_modules/vitest/vitest.mjs");
// DATANG_TEST_PARALLEL=1: both runs at once (see above); one after the other by default.
const sequential = process.env.DATANG_TEST_PARALLEL !== "1";
const plan = [
  { name: "non-browser tests", args: ["run", "--exclude", "test/e2e/**"], live: true },
  { name: "browser tests (test/e2e)", args: ["run", "--config", "vitest.e2e.config.ts"], live: sequential },
];
const active = [];

function start(run) {
  // The browser run writes into a pipe: keep its colours when the terminal shows them.
  const runEnv =
    !run.live && process.stdout.isTTY && env.FORCE_COLOR === undefined ? { ...env, FORCE_COLOR: "1" } : env;
  const args = [vitest, ...run.args, ...extra, ...(extra.length > 0 ? ["--passWithNoTests"] : [])];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: runEnv,
    stdio: run.live ? "inherit" : ["ignore", "pipe", "pipe"],
  });
  active.push(child);
  const held = [];
  let holding = !run.live;
  const forward = (stream) => (chunk) => (holding ? held.push([stream, chunk]) : stream.write(chunk));
  child.stdout?.on("data", forward(process.stdout));
  child.stderr?.on("data", forward(process.stderr));
  const done = new Promise((resolve) => {
    // "close": after the exit and once its piped output has all been read.
    child.on("close", (code, signal) => resolve({ code: code ?? 1, signal, at: seconds() }));
    child.on("error", (error) => resolve({ code: 1, signal: null, at: seconds(), error }));
  });
  const release = () => {
    holding = false;
    for (const [stream, chunk] of held.splice(0)) stream.write(chunk);
  };
  return { ...run, done, release };
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of active) if (child.exitCode === null) child.kill(signal);
  });
}

const runs = sequential ? [] : plan.map(start);
const results = [];
for (const [i, planned] of plan.entries()) {
  const run = runs[i] ?? start(planned);
  if (!run.live) {
    console.log(`\n──────── ${run.name}: started with the run above; its output ────────\n`);
    run.release();
  } else if (i > 0) console.log(`\n──────── ${run.name} ────────\n`);
  const result = await run.done;
  results.push({ run, result });
}

console.log("");
for (const { run, result } of results) {
  const how = result.code === 0 ? "passed" : `FAILED (exit ${result.signal ?? result.code})`;
  console.log(`npm test: ${run.name} ${how}, finished after ${result.at}`);
}
console.log(`npm test: ${seconds()} in all`);
process.exit(results.some(({ result }) => result.code !== 0) ? 1 : 0);
