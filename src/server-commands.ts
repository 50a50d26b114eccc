import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { DEMO_HISTORY_DAYS, seedDemoHistory } from "./app/analytics/demo-history.ts";
import { ANALYTICS_JOBS } from "./app/analytics/jobs.ts";
import { BOOKING_JOBS } from "./app/appointments/jobs.ts";
import { bootstrapAdmin } from "./app/bootstrap-admin.ts";
import { assignWaiting } from "./app/chat/agents.ts";
import type { AppContext } from "./app/context.ts";
import { expireUnansweredCalls } from "./app/counters/expire-calls.ts";
import { createAppContext } from "./app/create-context.ts";
import { FOLLOWUP_JOBS } from "./app/followups/followups.ts";
import { messagingConfigFromEnv } from "./app/messages/config.ts";
import { JobRunner } from "./app/messages/runner.ts";
import { PROJECT_ROOT } from "./app/project-root.ts";
import { isEmpty, seedDemo, seedSecondDemoBranch } from "./app/seed-demo.ts";
import { closePastDays } from "./app/tickets/close-past-days.ts";
import { releaseAllClosedCounters } from "./app/tickets/release-targets.ts";
import { notifyWaitAlarms } from "./app/tickets/wait-alarms.ts";
import { requestsPerTurn } from "./http/fair-turns.ts";
import { buildServer } from "./http/server.ts";
import { streamLimitsFromEnv } from "./http/stream-limits.ts";
import { findBranch } from "./store/branches.ts";
import { DEFAULT_SQLITE_PATH, isPostgresUrl, migrateToLatest, openStore } from "./store/connect.ts";

const ROOT = PROJECT_ROOT;

function demoPassword(): string {
  return process.env.DATANG_DEMO_PASSWORD || randomBytes(6).toString("base64url");
}

/** Where the first start wrote the demo logins, beside the SQLite database (none on PostgreSQL). */
function demoLoginsFile(location: string): string | undefined {
  return isPostgresUrl(location) || location === ":memory:" ? undefined : join(dirname(location), "demo-logins.txt");
}

/** A path as the user would type it from where they started the server. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") ? path : `./${rel}`;
}

/**
 * The web app is built into web/dist (`npm start` builds it first). A bare `datang serve` from a checkout
 * without it builds it when the build tools are installed, and otherwise says how; the API runs either way.
 */
function ensureWebBuild(): void {
  if (existsSync(join(ROOT, "web/dist/index.html"))) return;
  const script = join(ROOT, "scripts/ensure-web-build.mjs");
  if (existsSync(join(ROOT, "node_modules/vite")) && existsSync(script)) {
    const result = spawnSync(process.execPath, [script], { cwd: ROOT, stdio: "inherit" });
    if (result.status === 0) return;
  }
  console.log(
    "网页应用尚未构建：请运行 npm run build:web 后重启（接口照常可用）。 / The web app is not built: run `npm run build:web` and restart (the API works meanwhile).",
  );
}

/** Seeds the two demo branches and prints their logins; returns the branches' ids. */
async function seed(ctx: AppContext, location: string): Promise<string[]> {
  const logins = await seedDemo(ctx, demoPassword());
  const second = await seedSecondDemoBranch(ctx, logins.password);
  const lines = [
    "Demo branch created: 上海南京西路支行 / Shanghai Nanjing West Road Branch (SH001)",
    "Second demo branch: 上海陆家嘴支行 / Shanghai Lujiazui Branch (SH002), for comparing branches",
    `Staff logins (password for all: ${logins.password}):`,
    `  ${logins.usernames.join(", ")}`,
    `  SH002: ${second.usernames.join(", ")}`,
    "Device pairing tokens (shown once; create more in /admin):",
    ...logins.devices.map((d) => `  ${d.kind.padEnd(10)} ${d.token}   (${d.name})`),
  ];
  console.log(lines.join("\n"));
  const file = demoLoginsFile(location);
  if (file) {
    // Kept beside the demo database so the logins can be found again; the file is readable by its owner only.
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${lines.join("\n")}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    console.log(`(also written to ${file})`);
  }
  return [logins.branchId, second.branchId];
}

export async function runServerCommand(
  command: "serve" | "migrate" | "seed",
  argv: readonly string[],
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: "string" },
      host: { type: "string" },
      db: { type: "string" },
      demo: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
    },
    strict: true,
  });
  const location = values.db ?? process.env.DATABASE_URL ?? DEFAULT_SQLITE_PATH;
  const store = openStore(location, {
    onDurabilityLost(error) {
      // What was committed but not synced may be gone from the disk: start again from what it really holds.
      console.error("Datang: the disk failed to sync the database's log; stopping so that nothing unsynced is served.");
      console.error(error);
      process.exit(1);
    },
  });
  const applied = await migrateToLatest(store);
  if (applied.length && !values.quiet) console.log(`Migrated: ${applied.join(", ")}`);
  if (command === "migrate") {
    await store.close();
    return 0;
  }
  if (command === "seed") {
    const ctx = createAppContext({ store });
    if (!values.demo) {
      console.error("usage: datang seed --demo [--db PATH|postgres://URL]");
      await store.close();
      return 2;
    }
    if (!(await isEmpty(ctx))) console.log("The database already has branches; the demo branch was not added.");
    else for (const id of await seed(ctx, location)) await addDemoHistory(ctx, id);
    await store.close();
    return 0;
  }

  let messaging: ReturnType<typeof messagingConfigFromEnv>;
  let perTurn: number;
  let streamLimits: ReturnType<typeof streamLimitsFromEnv>;
  try {
    messaging = messagingConfigFromEnv(process.env);
    perTurn = requestsPerTurn(process.env);
    streamLimits = streamLimitsFromEnv(process.env);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    await store.close();
    return 2;
  }
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Not a port: ${values.port ?? process.env.PORT}`);
    return 2;
  }
  ensureWebBuild();
  const server = await buildServer({
    store,
    logger: process.env.DATANG_LOG === "1",
    webRoot: join(ROOT, "web/dist"),
    secureCookies: process.env.DATANG_SECURE_COOKIES === "1",
    trustProxy: process.env.DATANG_TRUST_PROXY === "1",
    requestsPerTurn: perTurn,
    streamLimits,
    publicUrl: process.env.DATANG_PUBLIC_URL,
  });
  let demoBranchIds: string[] = [];
  if (values.demo) {
    if (await isEmpty(server.ctx)) demoBranchIds = await seed(server.ctx, location);
    else {
      const file = demoLoginsFile(location);
      if (file && existsSync(file)) console.log(`Demo logins and device pairing tokens: ${shown(file)}`);
    }
  }
  const adminPassword = process.env.DATANG_ADMIN_PASSWORD;
  if (adminPassword) {
    if (await bootstrapAdmin(server.ctx, adminPassword)) console.log("Created the first administrator: admin");
  } else if (!(await hasStaff(server.ctx))) {
    console.log(
      "No staff accounts yet: set DATANG_ADMIN_PASSWORD and restart to create the first administrator (or use --demo).",
    );
  }
  const host = values.host ?? process.env.HOST ?? "0.0.0.0";
  try {
    await server.app.listen({ port, host });
  } catch (error) {
    await server.close();
    await store.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES") {
      // One line, not a stack trace: the usual cause is another Datang already running.
      const zh = code === "EADDRINUSE" ? `端口 ${port} 已被占用` : `无权使用端口 ${port}`;
      const en = code === "EADDRINUSE" ? `Port ${port} is already in use` : `Not allowed to listen on port ${port}`;
      console.error(
        `${zh}（是否已有 Datang 在运行？可用 --port 换一个端口）。 / ${en} (is Datang already running? choose another with --port).`,
      );
      return 1;
    }
    throw error;
  }
  // Yesterday's unfinished tickets are closed at start and then every minute, so soon after a branch's midnight;
  // tickets still sent to a closed counter (a release that failed after its action committed) go to their line.
  // One run at a time: a run that takes longer than the interval is not joined by a second.
  let housekeepingRuns = false;
  const housekeeping = () => {
    if (housekeepingRuns) return;
    housekeepingRuns = true;
    void closePastDays(server.ctx)
      .catch((error) => console.error("closing past days failed", error))
      .then(() => releaseAllClosedCounters(server.ctx))
      .catch((error) => console.error("releasing tickets of closed counters failed", error))
      .then(() => assignWaiting(server.ctx))
      .catch((error) => console.error("assigning waiting chats failed", error))
      .finally(() => {
        housekeepingRuns = false;
      });
  };
  housekeeping();
  setInterval(housekeeping, 60_000).unref();
  // Calls nobody answered become no-shows (each branch's own time); every 15 s so the counter is freed on time.
  let expiryRuns = false;
  const expireCalls = () => {
    if (expiryRuns) return;
    expiryRuns = true;
    void expireUnansweredCalls(server.ctx)
      .catch((error) => console.error("marking unanswered calls no-show failed", error))
      // Waits past the alarm reach the branch managers (e-mail/SMS through the outbox), once per ticket.
      .then(() => notifyWaitAlarms(server.ctx))
      .catch((error) => console.error("notifying waits past the alarm failed", error))
      .finally(() => {
        expiryRuns = false;
      });
  };
  setInterval(expireCalls, 15_000).unref();
  const address = server.app.server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  console.log(
    `Datang is serving on http://localhost:${actualPort}/  (API docs: http://localhost:${actualPort}/api/docs)`,
  );
  console.log(`Database: ${isPostgresUrl(location) ? "PostgreSQL" : location}`);
  // The demo's past 90 days are simulated after the server is up, so the first start is not held up by them;
  // one branch after the other, so the first is on the dashboard soonest.
  if (demoBranchIds.length)
    void (async () => {
      for (const id of demoBranchIds) await addDemoHistory(server.ctx, id);
    })();
  // The outbox and webhooks: messages committed before a crash go out now; without a channel they wait.
  const runner = new JobRunner(server.ctx, {
    config: messaging,
    onError: (error) => console.error("message delivery round failed", error),
    jobs: [...BOOKING_JOBS, ...ANALYTICS_JOBS, ...FOLLOWUP_JOBS],
  });
  runner.start();
  const missing = [messaging.smtp ? "" : "e-mail (DATANG_SMTP_URL)", messaging.sms ? "" : "SMS (DATANG_SMS_HTTP_URL)"];
  if (missing.some(Boolean))
    console.log(`Messages not configured: ${missing.filter(Boolean).join(", ")}; they are kept as undeliverable.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) {
      // A second Ctrl-C: stop now.
      process.exit(1);
    }
    stopping = true;
    // Open connections get a few seconds to finish; the port is free when the process is gone.
    setTimeout(() => process.exit(1), 5_000).unref();
    await runner.stop();
    await server.close();
    await store.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  return 0;
}

/** DATANG_DEMO_HISTORY_DAYS: how many past days the demo simulates (0: none); 90 by default. */
function demoHistoryDays(): number {
  const raw = process.env.DATANG_DEMO_HISTORY_DAYS;
  const days = raw === undefined || raw === "" ? DEMO_HISTORY_DAYS : Number(raw);
  return Number.isInteger(days) && days >= 0 && days <= 3660 ? days : DEMO_HISTORY_DAYS;
}

/** Simulated history of the demo branch, imported as a bank's own would be (src/app/analytics/demo-history.ts). */
async function addDemoHistory(ctx: AppContext, branchId: string): Promise<void> {
  try {
    const days = demoHistoryDays();
    const branch = await findBranch(ctx.store.db, branchId);
    if (!branch || days === 0) return;
    const tickets = await seedDemoHistory(ctx, branch, days);
    console.log(
      `Demo history of ${branch.code}: ${tickets} tickets of the past ${days} days added for the dashboard and planner.`,
    );
  } catch (error) {
    console.error("adding the demo history failed", error);
  }
}

async function hasStaff(ctx: AppContext): Promise<boolean> {
  return (await ctx.store.db.selectFrom("users").select("id").limit(1).executeTakeFirst()) !== undefined;
}
