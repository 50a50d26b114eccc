/**
 * `npm run bench:import`: prints ONE JSON line. Issue 15's target: "100,000 rows import in under 30 s here".
 * Writes a generated CSV of BENCH_ROWS (100,000) tickets of the demo branch (BENCH_PER_DAY, 800, a day) to a file
 * and imports it through `datang import tickets FILE --db …` (runImportCommand, the command's own function, in
 * this process: reading the file, opening and migrating the store, checking every line, one transaction,
 * tallying the days), on a fresh SQLite database and a fresh PostgreSQL database (BENCH_DB=sqlite|postgres|both).
 * Per database: wall-clock seconds, rows/s, and CPU seconds of this process (on PostgreSQL the server's own CPU is
 * not in it). Baseline in the same run, on the same database: the floor of the same 100,000 rows read from the
 * file, parsed by the importer's CSV reader and written by the same multi-row INSERTs into a scratch table of
 * eleven text columns in one transaction, without any check, lookup or tally. Then the same file imported again
 * (it must add nothing). The line carries the load average at the start and end.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { runImportCommand } from "../src/analytics-commands.ts";
import { IMPORT_COLUMNS } from "../src/app/analytics/import-tickets.ts";
import { readCsvRecords } from "../src/app/analytics/read-csv.ts";
import { createAppContext } from "../src/app/create-context.ts";
import { seedDemo } from "../src/app/seed-demo.ts";
import { daysBetween } from "../src/domain/analytics/keys.ts";
import { insertRows } from "../src/store/bulk-insert.ts";
import { migrateToLatest, openStore } from "../src/store/connect.ts";
import type { Database } from "../src/store/schema.ts";
import { startPostgres } from "./lib/postgres.ts";
import { round } from "./lib/stats.ts";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const PER_DAY = Number(process.env.BENCH_PER_DAY ?? 800);
const WHICH = process.env.BENCH_DB ?? "both";
const TARGET_SECONDS = 30;
const SERVICES = ["CASH", "TRANSFER", "ACCOUNT", "CARD", "WEALTH", "CORP"];

const log = (m: string) => process.stderr.write(`[bench:import] ${m}\n`);

/** A deterministic history of the demo branch SH001: ROWS tickets, PER_DAY a day from 2026-01-05. */
function historyCsv(): string {
  const lines = [IMPORT_COLUMNS.join(",")];
  const iso = (ms: number) => new Date(ms).toISOString();
  let x = 4242;
  const rand = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const days = daysBetween("2026-01-05", "2030-01-01");
  for (let i = 0; i < ROWS; i++) {
    const d = Math.floor(i / PER_DAY);
    const k = (i % PER_DAY) + 1;
    const open = Date.parse(`${days[d]}T09:00:00+08:00`);
    const s = SERVICES[Math.floor(rand() * SERVICES.length)] ?? "CASH";
    const issued = open + Math.floor((k / PER_DAY) * 8 * 3_600_000);
    const r = rand();
    const outcome = r < 0.86 ? "served" : r < 0.9 ? "no_show" : r < 0.97 ? "walked_away" : "cancelled";
    const call =
      outcome === "served" || outcome === "no_show" ? issued + Math.floor(rand() * rand() * 50 * 60_000) : null;
    const fin = outcome === "served" && call !== null ? call + (2 + Math.floor(rand() * 18)) * 60_000 : null;
    const counter = 1 + ((k + d) % 8);
    lines.push(
      [
        "SH001",
        s,
        `${s[0]}${String(k).padStart(3, "0")}`,
        iso(issued),
        call === null ? "" : iso(call),
        fin === null || call === null ? "" : iso(call),
        fin === null ? "" : iso(fin),
        call === null ? "" : String(counter),
        call === null ? "" : `teller${counter}`,
        outcome,
        fin !== null && rand() < 0.5 ? String(1 + Math.floor(rand() * 3)) : "",
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

const cpuSecondsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

/** Runs `datang import tickets FILE --db LOCATION`; its one line of output goes to stderr (stdout is the JSON). */
async function importCommand(file: string, location: string) {
  const print = console.log;
  let said = "";
  console.log = (...args: unknown[]) => {
    said = args.join(" ");
    process.stderr.write(`[bench:import] datang: ${said}\n`);
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    const code = await runImportCommand(["tickets", file, "--db", location]);
    if (code !== 0) throw new Error(`datang import tickets exited ${code}`);
  } finally {
    console.log = print;
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds: round(seconds, 2), cpuSeconds: round(cpuSecondsSince(cpu), 2), said };
}

async function benchOne(location: string, file: string): Promise<Record<string, unknown>> {
  const store = openStore(location);
  await migrateToLatest(store);
  await seedDemo(createAppContext({ store }), "bench-password-1");
  // Baseline: the same rows, read, parsed and written as text with no check, lookup or tally.
  const columns = IMPORT_COLUMNS.map((c) => `c_${c}`);
  await sql.raw(`CREATE TABLE bench_import_raw (${columns.map((c) => `${c} text`).join(", ")})`).execute(store.db);
  const baseCpu = process.cpuUsage();
  const baseStart = performance.now();
  const records = readCsvRecords(readFileSync(file, "utf8"));
  const rows = records.map(({ record }) => Object.fromEntries(IMPORT_COLUMNS.map((c) => [`c_${c}`, record[c] ?? ""])));
  await store.write((tx) =>
    insertRows(tx, "bench_import_raw" as keyof Database & string, columns as never, rows as never),
  );
  const baseSeconds = (performance.now() - baseStart) / 1000;
  const baseline = {
    seconds: round(baseSeconds, 2),
    rowsPerSecond: Math.round(rows.length / baseSeconds),
    cpuSeconds: round(cpuSecondsSince(baseCpu), 2),
  };
  await store.close();
  log(`baseline ${JSON.stringify(baseline)}`);

  const first = await importCommand(file, location);
  log(`import ${JSON.stringify(first)}`);
  const again = await importCommand(file, location);
  const check = openStore(location);
  const tickets = Number(
    (
      await check.db
        .selectFrom("tickets")
        .select((eb) => eb.fn.countAll<number | string>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );
  await check.close();
  return {
    baseline,
    import: {
      seconds: first.seconds,
      rowsPerSecond: Math.round(ROWS / first.seconds),
      cpuSeconds: first.cpuSeconds,
      underTarget: first.seconds < TARGET_SECONDS,
      ofBaseline: round(baseSeconds / first.seconds, 3),
    },
    importAgain: { seconds: again.seconds, said: again.said },
    ticketsAfter: tickets,
  };
}

const dir = mkdtempSync(join(tmpdir(), "datang-bench-import-"));
const out: Record<string, unknown> = {
  rows: ROWS,
  perDay: PER_DAY,
  targetSeconds: TARGET_SECONDS,
  loadAtStart: loadavg().map((l) => round(l, 1)),
};
try {
  const file = join(dir, "history.csv");
  writeFileSync(file, historyCsv());
  if (WHICH === "sqlite" || WHICH === "both") out.sqlite = await benchOne(join(dir, "bench.db"), file);
  if (WHICH === "postgres" || WHICH === "both") {
    const cluster = await startPostgres();
    if (!cluster) out.postgres = "skipped: no PostgreSQL server binaries";
    else
      try {
        out.postgres = await benchOne(await cluster.createDatabase("bench_import"), file);
      } finally {
        cluster.stop();
      }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
out.loadAtEnd = loadavg().map((l) => round(l, 1));
console.log(JSON.stringify(out));
