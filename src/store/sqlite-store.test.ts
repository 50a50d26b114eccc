import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { migrateToLatest } from "./connect.ts";
import { createSqliteStore } from "./sqlite-store.ts";
import { createWalFlusher } from "./wal-flusher.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "datang-sqlite-"));
  dirs.push(dir);
  return dir;
}

describe("SQLite store", () => {
  it("writes through a database path that is a symbolic link (the WAL lives beside the real file)", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "real"));
    const store = createSqliteStore(join(dir, "real", "datang.db"));
    await migrateToLatest(store);
    await store.close();
    symlinkSync(join(dir, "real", "datang.db"), join(dir, "link.db"));
    const linked = createSqliteStore(join(dir, "link.db"));
    try {
      const written = await linked.write(async (tx) => {
        await tx
          .insertInto("queue_days")
          .values({ branch_id: "b", prefix: "A", day: "2026-11-23", last_seq: 7 })
          .execute();
        return "ok";
      });
      expect(written).toBe("ok");
      const row = await linked.db.selectFrom("queue_days").select("last_seq").executeTakeFirst();
      expect(row?.last_seq).toBe(7);
    } finally {
      await linked.close();
    }
  });
});

describe("WAL flusher", () => {
  it("answers every caller, also those that arrive while a sync runs, and fails when the file is missing", async () => {
    const dir = tempDir();
    const store = createSqliteStore(join(dir, "datang.db"));
    await migrateToLatest(store);
    const flusher = createWalFlusher(join(dir, "datang.db-wal"));
    try {
      await expect(Promise.all(Array.from({ length: 20 }, () => flusher.flush()))).resolves.toHaveLength(20);
      await expect(flusher.flush()).resolves.toBeUndefined();
    } finally {
      flusher.close();
      await store.close();
    }
    const missing = createWalFlusher(join(dir, "nothing-here-wal"));
    await expect(missing.flush()).rejects.toMatchObject({ code: "ENOENT" });
    missing.close();
  });
});

describe("command line", () => {
  it("migrate and seed end by themselves once they close the database", () => {
    const dir = tempDir();
    // The command line as the test run bundled it (test/setup/global-server-build.ts): the same src/cli.ts.
    const cli = join(import.meta.dirname, "../../test-output/server/cli.mjs");
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [cli, ...args, "--db", join(dir, "datang.db")], {
        encoding: "utf8",
        timeout: 60_000,
        env: { ...process.env, DATANG_DEMO_PASSWORD: "cli-test-pass-1" },
      });
    const migrate = run("migrate");
    expect(migrate.status, migrate.stderr).toBe(0);
    expect(migrate.stdout).toContain("001-initial");
    const seed = run("seed", "--demo");
    expect(seed.status, seed.stderr).toBe(0);
  });
});
