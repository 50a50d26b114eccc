import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { markNoShows } from "./app/appointments/check-in.ts";
import { bootstrapAdmin } from "./app/bootstrap-admin.ts";
import type { AppContext } from "./app/context.ts";
import { createAppContext } from "./app/create-context.ts";
import { messagingConfigFromEnv } from "./app/messages/config.ts";
import { JobRunner } from "./app/messages/runner.ts";
import { isEmpty, seedDemo } from "./app/seed-demo.ts";
import { closePastDays } from "./app/tickets/close-past-days.ts";
import { releaseAllClosedCounters } from "./app/tickets/release-targets.ts";
import { buildServer } from "./http/server.ts";
import { DEFAULT_SQLITE_PATH, isPostgresUrl, migrateToLatest, openStore } from "./store/connect.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

function demoPassword(): string {
  return process.env.DATANG_DEMO_PASSWORD || randomBytes(6).toString("base64url");
}

async function seed(ctx: AppContext, location: string): Promise<void> {
  const logins = await seedDemo(ctx, demoPassword());
  const lines = [
    "Demo branch created: 上海南京西路支行 / Shanghai Nanjing West Road Branch (SH001)",
    `Staff logins (password for all: ${logins.password}):`,
    `  ${logins.usernames.join(", ")}`,
    "Device pairing tokens (shown once; create more in /admin):",
    ...logins.devices.map((d) => `  ${d.kind.padEnd(10)} ${d.token}   (${d.name})`),
  ];
  console.log(lines.join("\n"));
  if (!isPostgresUrl(location) && location !== ":memory:") {
    // Kept beside the demo database so the logins can be found again; the file is readable by its owner only.
    const file = join(dirname(location), "demo-logins.txt");
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${lines.join("\n")}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    console.log(`(also written to ${file})`);
  }
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
    else await seed(ctx, location);
    await store.close();
    return 0;
  }

  let messaging: ReturnType<typeof messagingConfigFromEnv>;
  try {
    messaging = messagingConfigFromEnv(process.env);
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
  const server = await buildServer({
    store,
    logger: process.env.DATANG_LOG === "1",
    webRoot: join(ROOT, "web/dist"),
    secureCookies: process.env.DATANG_SECURE_COOKIES === "1",
    trustProxy: process.env.DATANG_TRUST_PROXY === "1",
  });
  if (values.demo && (await isEmpty(server.ctx))) await seed(server.ctx, location);
  const adminPassword = process.env.DATANG_ADMIN_PASSWORD;
  if (adminPassword) {
    if (await bootstrapAdmin(server.ctx, adminPassword)) console.log("Created the first administrator: admin");
  } else if (!(await hasStaff(server.ctx))) {
    console.log(
      "No staff accounts yet: set DATANG_ADMIN_PASSWORD and restart to create the first administrator (or use --demo).",
    );
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
      .then(() => markNoShows(server.ctx))
      .catch((error) => console.error("marking missed appointments failed", error))
      .finally(() => {
        housekeepingRuns = false;
      });
  };
  housekeeping();
  setInterval(housekeeping, 60_000).unref();
  const host = values.host ?? process.env.HOST ?? "0.0.0.0";
  await server.app.listen({ port, host });
  const address = server.app.server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  console.log(
    `Datang is serving on http://localhost:${actualPort}/  (API docs: http://localhost:${actualPort}/api/docs)`,
  );
  console.log(`Database: ${isPostgresUrl(location) ? "PostgreSQL" : location}`);
  // The outbox and webhooks: messages committed before a crash go out now; without a channel they wait.
  const runner = new JobRunner(server.ctx, {
    config: messaging,
    onError: (error) => console.error("message delivery round failed", error),
  });
  runner.start();
  const missing = [messaging.smtp ? "" : "e-mail (DATANG_SMTP_URL)", messaging.sms ? "" : "SMS (DATANG_SMS_HTTP_URL)"];
  if (missing.some(Boolean))
    console.log(`Messages not configured: ${missing.filter(Boolean).join(", ")}; they are kept as undeliverable.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await runner.stop();
    await server.close();
    await store.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  return 0;
}

async function hasStaff(ctx: AppContext): Promise<boolean> {
  return (await ctx.store.db.selectFrom("users").select("id").limit(1).executeTakeFirst()) !== undefined;
}
