import SQLite from "better-sqlite3";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/support/databases.ts";
import type { BranchEvent } from "../../realtime/branch-event.ts";
import { createBranch } from "../config/branches.ts";
import { createDevice } from "../config/devices.ts";
import { updateService } from "../config/services.ts";
import { signIn } from "../counters/sign-in.ts";
import { AppError } from "../errors.ts";
import { deviceActor, makeTestContext, type TestContext } from "../test-context.ts";
import { issueTicket } from "./issue-ticket.ts";

describe.each(DB_KINDS)("issueTicket on %s", (kind) => {
  let t: TestContext;
  beforeEach(async () => {
    t = await makeTestContext(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  const issue = async (code: string, extra: { idempotencyKey?: string; priority?: "normal" | "vip1" } = {}) =>
    issueTicket(t.ctx, await t.device("kiosk"), { branchId: t.branchId, serviceId: t.service(code), ...extra });

  const ticketCount = async () =>
    Number(
      (
        await t.ctx.store.db
          .selectFrom("tickets")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("numbers tickets per prefix within the branch-local day and starts again after local midnight", async () => {
    expect((await issue("CASH")).ticket).toMatchObject({ number: "A001", day: "2026-11-23", status: "waiting" });
    expect((await issue("CASH")).ticket.number).toBe("A002");
    expect((await issue("TRANSFER")).ticket.number).toBe("B001");
    // 23:59:59 in Shanghai is still the same day…
    t.clock.now = Date.parse("2026-11-23T15:59:59Z");
    expect((await issue("CASH")).ticket).toMatchObject({ number: "A003", day: "2026-11-23" });
    // …and one second later, midnight in Shanghai (16:00 UTC), the numbers restart.
    t.clock.advance(1000);
    expect((await issue("CASH")).ticket).toMatchObject({ number: "A001", day: "2026-11-24" });
    expect((await issue("TRANSFER")).ticket.number).toBe("B001");
  });

  it("answers the same ticket for the same idempotency key, marked replayed, without a second row", async () => {
    const first = await issue("TRANSFER", { idempotencyKey: "tap-1" });
    const again = await issue("TRANSFER", { idempotencyKey: "tap-1" });
    expect(first.replayed).toBe(false);
    expect(again.replayed).toBe(true);
    expect(again.ticket.id).toBe(first.ticket.id);
    expect(again.ticket.number).toBe("B001");
    expect(await ticketCount()).toBe(1);
    // A different key is a different ticket.
    expect((await issue("TRANSFER", { idempotencyKey: "tap-2" })).ticket.number).toBe("B002");
  });

  it("keeps an idempotency key per caller and per day: another kiosk, or the same kiosk tomorrow, gets a new ticket", async () => {
    const first = await issue("CASH", { idempotencyKey: "tap-1" });
    // The lobby manager (another caller) happens to send the same words: a ticket of their own.
    const lobby = await t.staff("lobby");
    const theirs = await issueTicket(t.ctx, lobby, {
      branchId: t.branchId,
      serviceId: t.service("CASH"),
      idempotencyKey: "tap-1",
    });
    expect(theirs).toMatchObject({ replayed: false, ticket: { number: "A002" } });
    // A retry that crosses midnight, a minute later, still finds its ticket…
    t.clock.now = Date.parse("2026-11-23T15:59:30Z"); // 23:59:30 in Shanghai
    const late = await issue("CASH", { idempotencyKey: "tap-late" });
    t.clock.advance(60_000);
    expect(await issue("CASH", { idempotencyKey: "tap-late" })).toMatchObject({
      replayed: true,
      ticket: { id: late.ticket.id, day: "2026-11-23" },
    });
    // …but the next morning the kiosk's keys, started again from tap-1, are new requests.
    t.clock.now = Date.parse("2026-11-24T01:30:00Z");
    const tomorrow = await issue("CASH", { idempotencyKey: "tap-1" });
    expect(tomorrow).toMatchObject({ replayed: false, ticket: { number: "A001", day: "2026-11-24" } });
    expect(tomorrow.ticket.id).not.toBe(first.ticket.id);
    expect(await issue("CASH", { idempotencyKey: "tap-1" })).toMatchObject({ replayed: true });
  });

  it("replays a ticket whose key a release before scoped keys stored as sent, if the first try was recent", async () => {
    const first = await issue("CASH");
    // As the earlier release stored it: the key as sent, not scoped to the caller and the day.
    await t.ctx.store.write((tx) =>
      tx.updateTable("tickets").set({ idempotency_key: "tap-9" }).where("id", "=", first.ticket.id).execute(),
    );
    t.clock.advance(5 * 60_000);
    expect(await issue("CASH", { idempotencyKey: "tap-9" })).toMatchObject({
      replayed: true,
      ticket: { id: first.ticket.id },
    });
    // An hour later the old key is history: a new request.
    t.clock.advance(60 * 60_000);
    expect(await issue("CASH", { idempotencyKey: "tap-9" })).toMatchObject({ replayed: false });
  });

  it("refuses a reused idempotency key with a different body (409) and writes nothing", async () => {
    await issue("TRANSFER", { idempotencyKey: "tap-1" });
    await expect(issue("CASH", { idempotencyKey: "tap-1" })).rejects.toMatchObject({ status: 409, code: "conflict" });
    await expect(issue("TRANSFER", { idempotencyKey: "tap-1", priority: "vip1" })).rejects.toBeInstanceOf(AppError);
    expect(await ticketCount()).toBe(1);
  });

  it("refuses a business type that is not offered (400) and uses no number", async () => {
    await t.ctx.store.db.updateTable("services").set({ active: 0 }).where("id", "=", t.service("CARD")).execute();
    await expect(issue("CARD")).rejects.toMatchObject({ status: 400, code: "invalid_request" });
    expect(await ticketCount()).toBe(0);
    await t.ctx.store.db.updateTable("services").set({ active: 1 }).where("id", "=", t.service("CARD")).execute();
    expect((await issue("CARD")).ticket.number).toBe("D001");
  });

  it("refuses a kiosk of another branch (403)", async () => {
    const admin = await t.staff("admin");
    const other = await createBranch(t.ctx, admin, { code: "BJ001", nameZh: "北京支行", nameEn: "Beijing Branch" });
    const { device } = await createDevice(t.ctx, admin, other.id, { kind: "kiosk", name: "Beijing kiosk" });
    const foreignKiosk = await deviceActor(t.ctx, device.id);
    await expect(
      issueTicket(t.ctx, foreignKiosk, { branchId: t.branchId, serviceId: t.service("CASH") }),
    ).rejects.toMatchObject({ status: 403, code: "forbidden" });
    expect(await ticketCount()).toBe(0);
  });

  it("refuses the display and the rating pad, which may not issue tickets (403)", async () => {
    for (const kind of ["display", "rating_pad"] as const) {
      await expect(
        issueTicket(t.ctx, await t.device(kind), { branchId: t.branchId, serviceId: t.service("CASH") }),
      ).rejects.toMatchObject({ status: 403 });
    }
  });

  it("publishes ticket.issued on the bus only once the ticket is committed, in event order", async () => {
    // A second connection sees only committed rows: what it sees when the event arrives is what was committed.
    // On SQLite it reads synchronously inside the subscriber; on PostgreSQL its (warm) connection sends the read
    // at that moment and answers from a snapshot taken then.
    let committedRows: (ticketId: string) => Promise<number>;
    let closeReader: () => Promise<void>;
    if (kind === "sqlite") {
      const reader = new SQLite(t.location, { readonly: true });
      const count = reader.prepare("SELECT count(*) AS n FROM tickets WHERE id = ?");
      committedRows = (id) => Promise.resolve((count.get(id) as { n: number }).n);
      closeReader = async () => {
        reader.close();
      };
    } else {
      // A connection of its own, connected beforehand: the query leaves in the subscriber's own turn.
      const reader = new pg.Client({ connectionString: t.location });
      await reader.connect();
      committedRows = async (id) =>
        (await reader.query("SELECT count(*)::int AS n FROM tickets WHERE id = $1", [id])).rows[0].n as number;
      closeReader = () => reader.end();
    }
    const seen: Array<Promise<{ event: BranchEvent; committedRows: number }>> = [];
    const unsubscribe = t.ctx.bus.subscribe(t.branchId, (event) => {
      seen.push(committedRows(event.ticket?.id ?? "").then((n) => ({ event, committedRows: n })));
    });
    try {
      const a = await issue("CASH");
      const b = await issue("TRANSFER");
      await expect(
        issue("CORP", { idempotencyKey: "k" }).then(() => issue("CASH", { idempotencyKey: "k" })),
      ).rejects.toBeInstanceOf(AppError);
      const observed = await Promise.all(seen);
      expect(observed.map((s) => [s.event.type, s.event.seq, s.event.ticket?.number, s.committedRows])).toEqual([
        ["ticket.issued", 1, "A001", 1],
        ["ticket.issued", 2, "B001", 1],
        ["ticket.issued", 3, "F001", 1],
      ]);
      expect(observed[0]?.event.ticket?.id).toBe(a.ticket.id);
      expect(observed[1]?.event.ticket?.id).toBe(b.ticket.id);
      // The refused request published nothing and took no event number.
      const stored = await t.ctx.store.db.selectFrom("events").select(["seq", "type"]).orderBy("seq").execute();
      expect(stored).toEqual([
        { seq: 1, type: "ticket.issued" },
        { seq: 2, type: "ticket.issued" },
        { seq: 3, type: "ticket.issued" },
      ]);
    } finally {
      unsubscribe();
      await closeReader();
    }
  });

  it("tells the position among the same business type and estimates with the counters that are open", async () => {
    const a1 = await issue("CASH");
    const a2 = await issue("CASH");
    // No counter open: no wait is promised, and the answer says why.
    const unknown = { estimatedWaitMinutes: null, waitUnknownReason: "no_open_counter" };
    expect(a1.ticket).toMatchObject({ position: 0, ...unknown });
    expect(a2.ticket).toMatchObject({ position: 1, ...unknown });
    const a3closed = await issue("CASH");
    expect(a3closed.ticket).toMatchObject({ position: 2, ...unknown });
    // The ticket keeps the least one counter would take (two 4-minute cash customers ahead) as its issue-time guess.
    expect((await t.ticketRow(a3closed.ticket.id)).estimated_wait_minutes).toBe(8);
    // Counters 1 and 2 (cash) open: A001 and A002 are called at once, A004 waits for one of them (A003 is next).
    await signIn(t.ctx, await t.staff("teller1"), t.counter(1));
    await signIn(t.ctx, await t.staff("teller2"), t.counter(2));
    const a4 = await issue("CASH");
    expect(a4.ticket.position).toBe(3);
    expect(a4.ticket).toMatchObject({ estimatedWaitMinutes: 4, waitUnknownReason: null });
    const stored = await t.ctx.store.db
      .selectFrom("tickets")
      .select("estimated_wait_minutes")
      .where("id", "=", a4.ticket.id)
      .executeTakeFirstOrThrow();
    expect(stored.estimated_wait_minutes).toBe(4);
  });

  describe("opening rules", () => {
    const setRules = async (code: string, rules: Record<string, string | number | null>) =>
      updateService(t.ctx, await t.staff("manager"), t.service(code), rules);
    const refusal = async (code: string) => {
      try {
        await issue(code);
      } catch (e) {
        if (e instanceof AppError) return e;
        throw e;
      }
      throw new Error("the ticket was issued");
    };

    it("refuses a ticket before the business type opens and after its cut-off, with the time in both languages", async () => {
      // START is 09:30 in Shanghai.
      await setRules("WEALTH", { opensAt: "10:00", closesAt: "16:00", ticketCutoff: "15:30" });
      const early = await refusal("WEALTH");
      expect(early).toMatchObject({
        status: 409,
        code: "service_closed",
        details: { reason: "not_open_yet", at: "10:00" },
      });
      expect(early.messageZh).toContain("10:00 起取号");
      t.clock.now = Date.parse("2026-11-23T02:00:00Z"); // 10:00
      expect((await issue("WEALTH")).ticket.number).toBe("E001");
      t.clock.now = Date.parse("2026-11-23T07:29:59Z"); // 15:29:59
      expect((await issue("WEALTH")).ticket.number).toBe("E002");
      t.clock.now = Date.parse("2026-11-23T07:30:00Z"); // 15:30, the cut-off
      const late = await refusal("WEALTH");
      expect(late).toMatchObject({ status: 409, code: "service_closed", details: { reason: "cut_off", at: "15:30" } });
      expect(late.message).toContain("stopped at 15:30");
      expect(late.messageZh).toContain("取号已于 15:30 截止");
      // Other business types are not affected.
      expect((await issue("CASH")).ticket.number).toBe("A001");
      expect(await ticketCount()).toBe(3);
    });

    it("hands out no more than the daily cap, and the cap starts again the next day", async () => {
      await setRules("CARD", { dailyCap: 2 });
      expect((await issue("CARD")).ticket.number).toBe("D001");
      expect((await issue("CARD")).ticket.number).toBe("D002");
      const full = await refusal("CARD");
      expect(full).toMatchObject({ status: 409, code: "service_full", details: { reason: "full", cap: 2 } });
      expect(full.messageZh).toContain("2 个号已取完");
      expect(await ticketCount()).toBe(2);
      // A retry of an issued ticket is still answered (it takes no new number).
      await setRules("CARD", { dailyCap: 3 });
      const third = await issue("CARD", { idempotencyKey: "k3" });
      await setRules("CARD", { dailyCap: 3 });
      expect((await issue("CARD", { idempotencyKey: "k3" })).ticket.id).toBe(third.ticket.id);
      await expect(issue("CARD")).rejects.toMatchObject({ code: "service_full" });
      t.clock.now = Date.parse("2026-11-24T01:30:00Z");
      expect((await issue("CARD")).ticket.number).toBe("D001");
    });

    it("never hands out more than the cap when kiosks race for the last numbers", async () => {
      await setRules("CASH", { dailyCap: 5 });
      const results = await Promise.allSettled(Array.from({ length: 12 }, () => issue("CASH")));
      const issued = results.filter((r) => r.status === "fulfilled");
      const refused = results.filter((r) => r.status === "rejected");
      expect(issued).toHaveLength(5);
      expect(refused).toHaveLength(7);
      for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "service_full" });
      expect(await ticketCount()).toBe(5);
    });

    it("refuses rules that contradict each other and changes nothing", async () => {
      await expect(setRules("CASH", { opensAt: "17:00", closesAt: "09:00" })).rejects.toMatchObject({
        status: 400,
        details: { field: "opensAt" },
      });
      await setRules("CASH", { opensAt: "09:00", closesAt: "17:00" });
      await expect(setRules("CASH", { ticketCutoff: "18:00" })).rejects.toMatchObject({
        status: 400,
        details: { field: "ticketCutoff" },
      });
      const row = await t.ctx.store.db
        .selectFrom("services")
        .select(["opens_at", "closes_at", "ticket_cutoff"])
        .where("id", "=", t.service("CASH"))
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ opens_at: "09:00", closes_at: "17:00", ticket_cutoff: null });
    });
  });
});
