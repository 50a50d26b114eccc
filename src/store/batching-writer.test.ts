import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createBatchingWriter } from "./batching-writer.ts";
import type { Database } from "./schema.ts";
import { execute, queryRow, sql } from "./sql.ts";

const INSERT = sql("INSERT INTO items (name) VALUES (?)");
const COUNT = sql("SELECT count(*) AS n FROM items");

/** A flush the test completes (or fails) by hand, to see what the writer does before and after. */
function manualFlush() {
  const pending: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  return {
    flush: () => new Promise<void>((resolve, reject) => pending.push({ resolve, reject })),
    pending,
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(flush: () => Promise<void>, onDurabilityLost?: (error: unknown) => void) {
  const dir = mkdtempSync(join(tmpdir(), "datang-writer-"));
  dirs.push(dir);
  const connection = new SQLite(join(dir, "t.db"));
  connection.pragma("journal_mode = WAL");
  connection.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  const writer = createBatchingWriter(db, connection, flush, onDurabilityLost);
  const count = async () => Number((await queryRow<{ n: number }>(db, COUNT, []))?.n);
  return { db, writer, count };
}

const tick = () => new Promise((r) => setTimeout(r, 20));

describe("batching writer", () => {
  it("answers a write and publishes its after-commit work only once its batch's flush has completed", async () => {
    const manual = manualFlush();
    const { writer, count } = setup(manual.flush);
    const published: string[] = [];
    let answered = 0;
    const writes = ["a", "b", "c"].map((name) =>
      writer
        .write(async (tx, afterCommit) => {
          await execute(tx, INSERT, [name]);
          afterCommit(() => published.push(name));
          return name;
        })
        .then((v) => {
          answered++;
          return v;
        }),
    );
    await tick();
    expect(manual.pending).toHaveLength(1); // one commit for the three writes
    expect(await count()).toBe(3); // committed…
    expect(answered).toBe(0); // …but nobody is told before it is on disk
    expect(published).toEqual([]);
    manual.pending[0]?.resolve();
    expect(await Promise.all(writes)).toEqual(["a", "b", "c"]);
    expect(published).toEqual(["a", "b", "c"]);
  });

  it("runs when-visible work at the commit, before the flush, and only for the writes that committed", async () => {
    const manual = manualFlush();
    const { writer, count } = setup(manual.flush);
    const seen: Array<{ name: string; rows: number }> = [];
    const published: string[] = [];
    const write = (name: string, fail = false) =>
      writer.write(async (tx, afterCommit, whenVisible) => {
        await execute(tx, INSERT, [name]);
        // What a when-visible callback may rely on: a reader outside the transaction sees the write.
        whenVisible(() => void count().then((rows) => seen.push({ name, rows })));
        afterCommit(() => published.push(name));
        if (fail) throw new Error("refused");
        return name;
      });
    const writes = [write("a"), write("refused", true), write("b")];
    const outcomes = Promise.allSettled(writes);
    await tick();
    expect(manual.pending).toHaveLength(1);
    expect(seen).toEqual([
      { name: "a", rows: 2 },
      { name: "b", rows: 2 },
    ]); // at the commit, while the flush is pending; not for the write that rolled back
    expect(published).toEqual([]);
    manual.pending[0]?.resolve();
    expect((await outcomes).map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(published).toEqual(["a", "b"]);
  });

  it("a when-visible callback that throws fails nothing", async () => {
    const { writer, count } = setup(async () => {});
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...a: unknown[]) => void errors.push(a);
    try {
      await expect(
        writer.write(async (tx, _afterCommit, whenVisible) => {
          await execute(tx, INSERT, ["kept"]);
          whenVisible(() => {
            throw new Error("callback");
          });
          return "kept";
        }),
      ).resolves.toBe("kept");
    } finally {
      console.error = original;
    }
    expect(await count()).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it("answers batches in commit order even when a later flush completes first", async () => {
    const manual = manualFlush();
    const { writer } = setup(manual.flush);
    const order: string[] = [];
    const first = writer.write(async (tx) => execute(tx, INSERT, ["first"])).then(() => order.push("first"));
    await tick();
    const second = writer.write(async (tx) => execute(tx, INSERT, ["second"])).then(() => order.push("second"));
    await tick();
    expect(manual.pending).toHaveLength(2); // the second batch ran while the first one's flush was pending
    manual.pending[1]?.resolve();
    await tick();
    expect(order).toEqual([]);
    manual.pending[0]?.resolve();
    await Promise.all([first, second]);
    expect(order).toEqual(["first", "second"]);
  });

  it("rolls back a failing write alone; the others of its batch commit", async () => {
    const { writer, count } = setup(async () => {});
    const results = await Promise.allSettled([
      writer.write(async (tx) => execute(tx, INSERT, ["x"])),
      writer.write(async (tx) => {
        await execute(tx, INSERT, ["y"]);
        await execute(tx, INSERT, ["x"]); // unique violation: y must go too
      }),
      writer.write(async (tx) => execute(tx, INSERT, ["z"])),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await count()).toBe(2);
  });

  it("after a failed flush fails that batch and refuses every later write", async () => {
    const manual = manualFlush();
    const { writer } = setup(manual.flush);
    const lost = writer.write(async (tx) => execute(tx, INSERT, ["lost"]));
    await tick();
    const next = writer.write(async (tx) => execute(tx, INSERT, ["next"]));
    await tick();
    manual.pending[1]?.resolve(); // the later flush succeeding does not save the earlier batch
    manual.pending[0]?.reject(new Error("EIO"));
    await expect(lost).rejects.toThrow("EIO");
    await expect(next).rejects.toThrow("EIO");
    await expect(writer.write(async (tx) => execute(tx, INSERT, ["later"]))).rejects.toThrow(/durable/);
  });

  it("answers a batch whose flush succeeded even when the next batch's flush fails first, and reports the loss once", async () => {
    const manual = manualFlush();
    const lost: unknown[] = [];
    const { writer } = setup(manual.flush, (error) => lost.push(error));
    const first = writer.write(async (tx) => execute(tx, INSERT, ["first"]));
    await tick();
    const second = writer.write(async (tx) => execute(tx, INSERT, ["second"]));
    await tick();
    manual.pending[1]?.reject(new Error("EIO"));
    await tick();
    manual.pending[0]?.resolve();
    await expect(first).resolves.toBe(1);
    await expect(second).rejects.toThrow("EIO");
    await expect(writer.write(async (tx) => execute(tx, INSERT, ["third"]))).rejects.toThrow(/durable/);
    expect(lost).toHaveLength(1);
  });

  it("durable() waits for the flush of a commit a reader can already see", async () => {
    const manual = manualFlush();
    const { writer, count } = setup(manual.flush);
    await expect(writer.durable()).resolves.toBeUndefined(); // nothing committed yet
    const write = writer.write(async (tx) => execute(tx, INSERT, ["seen"]));
    await tick();
    expect(await count()).toBe(1); // visible to a reader…
    let durable = false;
    const waiting = writer.durable().then(() => {
      durable = true;
    });
    await tick();
    expect(durable).toBe(false); // …but not yet on disk
    manual.pending[0]?.resolve();
    await waiting;
    await write;
    expect(durable).toBe(true);
  });
});
