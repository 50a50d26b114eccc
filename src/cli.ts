/**
 * `datang serve | migrate | seed | simulate | plan`. Each command lives in its own module and is loaded
 * only when asked for, so `datang plan` does not open a database.
 */
const USAGE = `usage: datang <command> [options]
  serve [--port N] [--db PATH|postgres://URL] [--demo]   run the server (DATABASE_URL works in place of --db)
  migrate [--db …]                                        create or upgrade the database schema
  seed --demo [--db …]                                    add the demo branch to an empty database
  simulate <scenario.json> [--policy P] [--seed N] [--compare] [--json]
  simulate --db … --branch CODE --day YYYY-MM-DD [--policy P] [--compare] [--json]   replay a real branch-day
  plan --arrivals-per-hour N --aht-min M [--counters C] [--target 80/10] [--json]
  import tickets FILE.csv [--db …]                        import history from the old queue system (all or nothing)
  analytics rebuild [--db …] [--branch CODE] [--from D] [--to D]   rebuild the analytics from the tickets`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "serve":
    case "migrate":
    case "seed": {
      const { runServerCommand } = await import("./server-commands.ts");
      return runServerCommand(command, rest);
    }
    case "simulate": {
      const { runSimulateCommand } = await import("./sim/commands.ts");
      return runSimulateCommand(rest);
    }
    case "plan": {
      const { runPlanCommand } = await import("./sim/commands.ts");
      return runPlanCommand(rest);
    }
    case "import": {
      const { runImportCommand } = await import("./analytics-commands.ts");
      return runImportCommand(rest);
    }
    case "analytics": {
      const { runAnalyticsCommand } = await import("./analytics-commands.ts");
      return runAnalyticsCommand(rest);
    }
    default:
      console.error(USAGE);
      return command === undefined || command === "help" || command === "--help" ? 0 : 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
