import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppContext } from "../src/app/create-context.ts";
import { seedDemo } from "../src/app/seed-demo.ts";
import { migrateToLatest, openStore } from "../src/store/connect.ts";
import { DB_KINDS, freshDatabase } from "./support/databases.ts";
import { START, TEST_PASSWORD } from "./support/harness.ts";
import { SERVER_BUNDLE } from "./support/server-bundle.ts";

const ROOT = join(import.meta.dirname, "..");
const HEADER =
  "branch_code,service_code,number,issued_at,first_called_at,started_at,finished_at,counter_number,teller_username,outcome,rating";
const DAY = "2026-10-14";
const t = (hhmm: string) => `${DAY}T${hhmm}:00+08:00`;

/** Runs the real command line (the bundle of src/cli.ts that bin/datang.js runs through tsx) in a child process. */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SERVER_BUNDLE, ...args], { cwd: ROOT, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Six good lines of SH001 on one day: four served (two rated), a no-show, a walk-away. */
const GOOD = [
  `SH001,CASH,A001,${t("09:00")},${t("09:05")},${t("09:06")},${t("09:16")},1,teller1,served,3`,
  `SH001,CASH,A002,${t("09:02")},${t("09:12")},${t("09:13")},${t("09:20")},1,teller1,served,1`,
  `SH001,CASH,A003,${t("09:10")},${t("09:25")},${t("09:26")},${t("09:30")},9,oldteller,served,`,
  `SH001,TRANSFER,B001,${t("10:00")},${t("10:03")},${t("10:04")},${t("10:20")},1,teller1,served,`,
  `SH001,CASH,A004,${t("10:30")},${t("10:40")},,,1,teller1,no_show,`,
  `SH001,CASH,A005,${t("11:00")},,,${t("11:20")},,,walked_away,`,
];

describe.each(DB_KINDS)("`datang import tickets` and `datang analytics rebuild` from the command line (%s)", (kind) => {
  let location: string;
  let drop: () => Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), "datang-cli-"));
  const file = (name: string, lines: readonly string[]) => {
    const path = join(dir, name);
    writeFileSync(path, `${[HEADER, ...lines].join("\n")}\n`);
    return path;
  };
  /** Reads the database between commands with a connection of its own, closed again. */
  const read = async <T>(run: (db: ReturnType<typeof openStore>["db"]) => Promise<T>): Promise<T> => {
    const store = openStore(location);
    try {
      return await run(store.db);
    } finally {
      await store.close();
    }
  };
  const dayTickets = () =>
    read(async (db) =>
      Number(
        (
          await db
            .selectFrom("tickets")
            .select((eb) => eb.fn.countAll<number | string>().as("n"))
            .where("day", "=", DAY)
            .executeTakeFirstOrThrow()
        ).n,
      ),
    );
  const dayCells = () =>
    read(async (db) => {
      const rows = await db
        .selectFrom("analytics_cells")
        .select(["arrived", "served", "no_shows", "walk_aways"])
        .where("day", "=", DAY)
        .execute();
      const sum = (k: "arrived" | "served" | "no_shows" | "walk_aways") => rows.reduce((n, r) => n + Number(r[k]), 0);
      return {
        rows: rows.length,
        arrived: sum("arrived"),
        served: sum("served"),
        noShows: sum("no_shows"),
        walkAways: sum("walk_aways"),
      };
    });

  beforeAll(async () => {
    ({ location, drop } = await freshDatabase(kind));
    const store = openStore(location);
    await migrateToLatest(store);
    await seedDemo(createAppContext({ store, clock: () => START }), TEST_PASSWORD);
    await store.close();
  });
  afterAll(async () => {
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a file with bad lines, listing every one, and imports nothing", async () => {
    const bad = file("bad.csv", [
      GOOD[0] as string,
      `SH001,CASH,A002,${t("09:02")},,,,,,finished,`, // line 3: unknown outcome
      GOOD[2] as string,
      `XX999,CASH,A009,${t("09:03")},,,,,,cancelled,`, // line 5: no such branch
      `SH001,CASH,A010,2026-10-14 09:00,,,,,,cancelled,`, // line 6: time without an offset
      `SH001,CASH,A011,${t("09:04")},${t("09:05")},${t("09:06")},${t("09:09")},1,teller1,served,7`, // line 7: rating
    ]);
    const res = await cli("import", "tickets", bad, "--db", location);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("Nothing imported: 4 problem(s)");
    const lines = [...res.stderr.matchAll(/^\s+line (\d+): /gm)].map((m) => Number(m[1]));
    expect(lines).toEqual([3, 5, 6, 7]);
    expect(res.stderr).toMatch(/line 3: .*finished/);
    expect(res.stderr).toMatch(/line 5: .*XX999/);
    expect(await dayTickets()).toBe(0);
    expect((await dayCells()).rows).toBe(0);
  });

  it("imports a good file and tallies it, and a second import adds nothing", async () => {
    const good = file("good.csv", GOOD);
    const first = await cli("import", "tickets", good, "--db", location);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Imported 6 ticket\(s\) over 1 branch-day\(s\) in [\d.]+ s\.\n$/);
    expect(await dayTickets()).toBe(6);
    const tallied = await dayCells();
    expect(tallied).toMatchObject({ arrived: 6, served: 4, noShows: 1, walkAways: 1 });
    const again = await cli("import", "tickets", good, "--db", location);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /^Imported 0 ticket\(s\) over 1 branch-day\(s\) in [\d.]+ s; 6 were already imported\.\n$/,
    );
    expect(await dayTickets()).toBe(6);
    expect(await dayCells()).toEqual(tallied);
  });

  it("rebuilds the tallies from the tickets with `analytics rebuild`", async () => {
    const tallied = await dayCells();
    // Lose the day's tallies; the rebuild brings them back from the tickets.
    await read((db) => db.deleteFrom("analytics_cells").where("day", "=", DAY).execute());
    expect((await dayCells()).rows).toBe(0);
    const res = await cli("analytics", "rebuild", "--db", location, "--branch", "SH001", "--from", DAY, "--to", DAY);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Rebuilt the analytics of 1 branch-day\(s\) in [\d.]+ s\.\n$/);
    expect(await dayCells()).toEqual(tallied);
  });

  it("answers mistakes with a usage or a reason and a non-zero exit", async () => {
    const noBranch = await cli("analytics", "rebuild", "--db", location, "--branch", "NOPE");
    expect(noBranch.code).toBe(1);
    expect(noBranch.stderr).toContain("No branch NOPE.");
    const usage = await cli("analytics", "rebild", "--db", location);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: datang analytics rebuild");
    const missing = await cli("import", "tickets", join(dir, "missing.csv"), "--db", location);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Cannot read");
    const header = file("header.csv", []);
    writeFileSync(header, "branch_code,number\nSH001,A001\n");
    const badHeader = await cli("import", "tickets", header, "--db", location);
    expect(badHeader.code).toBe(1);
    expect(badHeader.stderr).toMatch(/line 1: the header lacks service_code/);
  });
});
