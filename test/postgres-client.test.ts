import { Kysely, sql as kysql, PostgresDialect } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { leanPool } from "../src/store/postgres-client.ts";
import { createPgPool } from "../src/store/postgres-store.ts";
import type { Database } from "../src/store/schema.ts";
import { postgresOnly, queryRow, queryRows, execute as run, sql } from "../src/store/sql.ts";
import { DB_KINDS, freshDatabase } from "./support/databases.ts";

const READ = sql("SELECT count(*) AS n FROM notes");
const ADD = sql("INSERT INTO notes (body) VALUES (?)");
/** Writes its row only when told to, and answers a row exactly when it wrote, as a whole write must. */
const ADD_WHOLE_IF = postgresOnly(
  "WITH a AS (INSERT INTO notes (body) SELECT ? WHERE ? RETURNING 1) SELECT 1 AS wrote FROM a",
  { wholeWrite: true },
);
const ADD_WHOLE = postgresOnly("WITH a AS (INSERT INTO notes (body) VALUES (?)) INSERT INTO notes (body) VALUES (?)", {
  wholeWrite: true,
});

describe.runIf(DB_KINDS.includes("postgres"))("the PostgreSQL client's round trips", () => {
  let drop: () => Promise<void>;
  let pool: pg.Pool;
  /** Typed as Datang's database for sql.ts; the scratch table `notes` is reached by plain SQL only. */
  let db: Kysely<Database>;
  /** Every statement text the clients sent to PostgreSQL, in order. */
  let sent: string[] = [];

  beforeAll(async () => {
    const fresh = await freshDatabase("postgres");
    drop = fresh.drop;
    // Watch what reaches the wire: the lean client calls the real query method underneath.
    const real = pg.Client.prototype.query;
    vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const first = args[0];
      const text = typeof first === "string" ? first : (first as { text?: string }).text;
      if (text) sent.push(text.toLowerCase().split(" ")[0] as string);
      return (real as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof real);
    pool = createPgPool(fresh.location, 2);
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: leanPool(pool) }) });
    await kysql`CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL UNIQUE)`.execute(db);
  });
  beforeEach(async () => {
    await kysql`TRUNCATE notes`.execute(db);
    sent = [];
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await db?.destroy();
    await drop?.();
  });

  const count = async (): Promise<number> => Number((await queryRow<{ n: string }>(db, READ, []))?.n);

  it("sends neither BEGIN nor COMMIT for a transaction that only reads", async () => {
    await db.transaction().execute(async (tx) => {
      await queryRow(tx, READ, []);
      await kysql`SELECT body FROM notes`.execute(tx);
    });
    expect(sent).toEqual(["select", "select"]);
  });

  it("sends BEGIN just before the first write, and COMMIT at the end", async () => {
    await db.transaction().execute(async (tx) => {
      await queryRow(tx, READ, []);
      await run(tx, ADD, ["one"]);
      await run(tx, ADD, ["two"]);
    });
    expect(sent).toEqual(["select", "begin", "insert", "insert", "commit"]);
    expect(await count()).toBe(2);
  });

  it("rolls a failed write back whole", async () => {
    await run(db, ADD, ["taken"]);
    sent = [];
    const failing = db.transaction().execute(async (tx) => {
      await run(tx, ADD, ["new"]);
      await run(tx, ADD, ["taken"]);
    });
    await expect(failing).rejects.toMatchObject({ code: "23505" });
    expect(sent).toEqual(["begin", "insert", "insert", "rollback"]);
    expect(await count()).toBe(1);
  });

  it("sends no ROLLBACK for a write that fails before writing", async () => {
    const failing = db.transaction().execute(async (tx) => {
      await queryRow(tx, READ, []);
      throw new Error("refused");
    });
    await expect(failing).rejects.toThrow("refused");
    expect(sent).toEqual(["select"]);
  });

  it("runs a whole-write statement as its own transaction: one round trip, all or nothing", async () => {
    await db.transaction().execute(async (tx) => {
      await queryRow(tx, READ, []);
      await run(tx, ADD_WHOLE, ["a", "b"]);
    });
    expect(sent).toEqual(["select", "with"]);
    expect(await count()).toBe(2);
    sent = [];
    // Its second insert collides: the first is not kept either.
    const failing = db.transaction().execute((tx) => run(tx, ADD_WHOLE, ["c", "a"]));
    await expect(failing).rejects.toMatchObject({ code: "23505" });
    expect(await count()).toBe(2);
  });

  it("refuses a statement after a whole-write statement", async () => {
    const misuse = db.transaction().execute(async (tx) => {
      await run(tx, ADD_WHOLE, ["a", "b"]);
      await run(tx, ADD, ["c"]);
    });
    // The statement is refused; the write fails, and says that the whole write's change stays.
    await expect(misuse).rejects.toThrow(/after its whole-write statement had committed/);
    expect(sent).toEqual(["with"]);
    expect(await count()).toBe(2);
  });

  it("lets a write fail on its own terms after a whole-write statement that wrote nothing", async () => {
    // The use case's "someone changed it meanwhile": the guarded statement answers no row, the write says 409.
    const stale = db.transaction().execute(async (tx) => {
      const rows = await queryRows(tx, ADD_WHOLE_IF, ["x", false]);
      if (rows.length === 0) throw new Error("conflict: changed meanwhile");
    });
    await expect(stale).rejects.toThrow("conflict: changed meanwhile");
    expect(sent).toEqual(["with"]);
    // Had it written, the same failure could not be taken back, and says so.
    const late = db.transaction().execute(async (tx) => {
      await queryRows(tx, ADD_WHOLE_IF, ["y", true]);
      throw new Error("conflict: changed meanwhile");
    });
    await expect(late).rejects.toThrow(/after its whole-write statement had committed/);
    expect(await count()).toBe(1);
  });

  it("runs a whole-write statement inside the transaction when something was written before it", async () => {
    const failing = db.transaction().execute(async (tx) => {
      await run(tx, ADD, ["first"]);
      await run(tx, ADD_WHOLE, ["second", "third"]);
      throw new Error("changed my mind");
    });
    await expect(failing).rejects.toThrow("changed my mind");
    expect(sent).toEqual(["begin", "insert", "with", "rollback"]);
    expect(await count()).toBe(0);
  });

  it("begins a transaction with an isolation level at once and commits it", async () => {
    await db
      .transaction()
      .setIsolationLevel("repeatable read")
      .execute(async (tx) => {
        await queryRow(tx, READ, []);
      });
    expect(sent).toEqual(["start", "select", "commit"]);
    // The connection is not left inside that snapshot: a later read sees a later write.
    await run(db, ADD, ["later"]);
    expect(await count()).toBe(1);
  });

  it("takes a locking read for a write", async () => {
    await db.transaction().execute(async (tx) => {
      await kysql`SELECT body FROM notes FOR UPDATE`.execute(tx);
    });
    expect(sent).toEqual(["begin", "select", "commit"]);
  });
});
