/**
 * `datang import tickets FILE.csv` and `datang analytics rebuild`: the command-line side of analytics.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { rebuildAll } from "./app/analytics/build-cells.ts";
import { importTickets } from "./app/analytics/import-tickets.ts";
import { createAppContext } from "./app/create-context.ts";
import { DEFAULT_SQLITE_PATH, migrateToLatest, openStore } from "./store/connect.ts";
import { findBranchByIdOrCode } from "./store/history.ts";

const IMPORT_USAGE = "usage: datang import tickets FILE.csv [--db PATH|postgres://URL]";
const REBUILD_USAGE = "usage: datang analytics rebuild [--db …] [--branch CODE] [--from YYYY-MM-DD] [--to YYYY-MM-DD]";

async function withContext<T>(db: string | undefined, run: (ctx: ReturnType<typeof createAppContext>) => Promise<T>) {
  const store = openStore(db ?? process.env.DATABASE_URL ?? DEFAULT_SQLITE_PATH);
  try {
    await migrateToLatest(store);
    return await run(createAppContext({ store }));
  } finally {
    await store.close();
  }
}

export async function runImportCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { db: { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
  const [what, file] = positionals;
  if (what !== "tickets" || !file || positionals.length !== 2) {
    console.error(IMPORT_USAGE);
    return 2;
  }
  let csv: string;
  try {
    csv = readFileSync(file, "utf8");
  } catch (error) {
    console.error(`Cannot read ${file}: ${(error as Error).message}`);
    return 1;
  }
  const started = performance.now();
  const result = await withContext(values.db, (ctx) => importTickets(ctx, csv, `datang import ${file}`));
  if (!result.ok) {
    console.error(`Nothing imported: ${result.problems.length} problem(s) in ${file}:`);
    for (const p of result.problems) console.error(`  line ${p.line}: ${p.reason}`);
    return 1;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `Imported ${result.imported} ticket(s) over ${result.days} branch-day(s) in ${seconds} s` +
      (result.alreadyPresent ? `; ${result.alreadyPresent} were already imported.` : "."),
  );
  return 0;
}

export async function runAnalyticsCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      db: { type: "string" },
      branch: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1 || positionals[0] !== "rebuild") {
    console.error(REBUILD_USAGE);
    return 2;
  }
  return withContext(values.db, async (ctx) => {
    let branchId: string | undefined;
    if (values.branch) {
      const branch = await findBranchByIdOrCode(ctx.store.db, values.branch);
      if (!branch) {
        console.error(`No branch ${values.branch}.`);
        return 1;
      }
      branchId = branch.id;
    }
    const started = performance.now();
    const days = await rebuildAll(ctx, { branchId, from: values.from, to: values.to });
    console.log(
      `Rebuilt the analytics of ${days} branch-day(s) in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    );
    return 0;
  });
}
