import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conflict } from "../src/app/errors.ts";
import { formatTicketNumber } from "../src/domain/ticket.ts";
import type { BranchEvent } from "../src/realtime/branch-event.ts";
import { changeTicket } from "../src/store/ticket-change.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

/**
 * Issuing writes the ticket, its queue number, history, audit line and event together (on PostgreSQL as one
 * statement that numbers the ticket itself), and every later change its history, audit line and event (on
 * PostgreSQL one statement too): the same rows on both databases.
 */
describe.each(DB_KINDS)("what issuing and serving a ticket write, on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const published: BranchEvent[] = [];

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    t.server.ctx.bus.subscribe(t.branchId, (e) => published.push(e));
  });
  afterAll(() => t?.close());

  const issue = async (as: { token?: string; cookie?: string }, body: Record<string, unknown> = {}) => {
    const res = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/tickets`,
      ...as,
      body: { serviceId: ids.services.get("CASH"), ...body },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; number: string };
  };

  it("numbers past 999 as formatTicketNumber does, never cutting a digit", async () => {
    const kiosk = { token: t.deviceToken("kiosk") };
    const first = await issue(kiosk);
    expect(first.number).toBe("A001");
    const db = t.server.ctx.store.db;
    await db.updateTable("queue_days").set({ last_seq: 998 }).where("branch_id", "=", t.branchId).execute();
    const numbers = [(await issue(kiosk)).number, (await issue(kiosk)).number];
    expect(numbers).toEqual([formatTicketNumber("A", 999), formatTicketNumber("A", 1000)]);
    expect(numbers).toEqual(["A999", "A1000"]);
    await db.updateTable("queue_days").set({ last_seq: 99_998 }).where("branch_id", "=", t.branchId).execute();
    expect((await issue(kiosk)).number).toBe("A99999");
  });

  it("stores the event exactly as it is published, with the ticket's number", async () => {
    const ticket = await issue({ token: t.deviceToken("kiosk") });
    const event = published.find((e) => e.ticket?.id === ticket.id);
    expect(event?.ticket?.number).toBe(ticket.number);
    const stored = await t.server.ctx.store.db
      .selectFrom("events")
      .select(["seq", "type", "payload"])
      .where("branch_id", "=", t.branchId)
      .where("seq", "=", event?.seq ?? -1)
      .executeTakeFirstOrThrow();
    expect(stored.type).toBe("ticket.issued");
    expect(JSON.parse(stored.payload)).toEqual(event);
    expect(stored.payload).toBe(JSON.stringify(event));
  });

  it("records the history line, and an audit line when staff issue", async () => {
    const kioskTicket = await issue({ token: t.deviceToken("kiosk") });
    const lobby = await t.login("lobby");
    const staffTicket = await issue({ cookie: lobby }, { priority: "vip1" });
    const db = t.server.ctx.store.db;
    const history = await db
      .selectFrom("ticket_transitions")
      .select(["ticket_id", "action", "from_status", "to_status", "actor_type"])
      .where("ticket_id", "in", [kioskTicket.id, staffTicket.id])
      .orderBy("id")
      .execute();
    expect(history).toEqual([
      { ticket_id: kioskTicket.id, action: "issue", from_status: null, to_status: "waiting", actor_type: "device" },
      { ticket_id: staffTicket.id, action: "issue", from_status: null, to_status: "waiting", actor_type: "user" },
    ]);
    const audit = await db
      .selectFrom("audit_log")
      .select(["entity_id", "action", "actor_name", "details"])
      .where("entity_id", "in", [kioskTicket.id, staffTicket.id])
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity_id: staffTicket.id, action: "ticket.issue", actor_name: "lobby" });
    expect(JSON.parse(audit[0]?.details ?? "null")).toEqual({ serviceId: ids.services.get("CASH"), priority: "vip1" });
  });

  it("records each step at the counter: history with its data, the teller's audit line, the stored event", async () => {
    const ticket = await issue({ token: t.deviceToken("kiosk") }, { serviceId: ids.services.get("WEALTH") });
    const teller = await t.login("teller3");
    const counter = ids.counters.get(3);
    const post = async (url: string, body: unknown = {}) => {
      const res = await t.request({ method: "POST", url, cookie: teller, body });
      expect(res.statusCode, res.body).toBe(200);
    };
    await post(`/api/counters/${counter}/sign-in`);
    await post(`/api/counters/${counter}/call`, { ticketId: ticket.id });
    await post(`/api/tickets/${ticket.id}/start`);
    await post(`/api/tickets/${ticket.id}/complete`, { outcome: "done", notes: "备注 ✓" });
    const db = t.server.ctx.store.db;
    const history = await db
      .selectFrom("ticket_transitions")
      .select(["action", "from_status", "to_status", "actor_type", "data"])
      .where("ticket_id", "=", ticket.id)
      .orderBy("id")
      .execute();
    expect(history.map((h) => [h.action, h.from_status, h.to_status, h.actor_type])).toEqual([
      ["issue", null, "waiting", "device"],
      ["call", "waiting", "called", "user"],
      ["start", "called", "serving", "user"],
      ["complete", "serving", "done", "user"],
    ]);
    expect(JSON.parse(history[1]?.data ?? "null")).toEqual({ counterId: counter, how: "call" });
    const audit = await db
      .selectFrom("audit_log")
      .select(["action", "actor_name", "details"])
      .where("entity_id", "=", ticket.id)
      .orderBy("id")
      .execute();
    expect(audit.map((a) => [a.action, a.actor_name])).toEqual([
      ["ticket.call", "teller3"],
      ["ticket.start", "teller3"],
      ["ticket.complete", "teller3"],
    ]);
    expect(JSON.parse(audit[0]?.details ?? "null")).toEqual({ counterId: counter });
    const events = published.filter((e) => e.ticket?.id === ticket.id);
    expect(events.map((e) => [e.type, e.ticket?.status])).toEqual([
      ["ticket.issued", "waiting"],
      ["ticket.called", "called"],
      ["ticket.started", "serving"],
      ["ticket.completed", "done"],
    ]);
    const stored = await db
      .selectFrom("events")
      .select("payload")
      .where("branch_id", "=", t.branchId)
      .where(
        "seq",
        "in",
        events.map((e) => e.seq),
      )
      .orderBy("seq")
      .execute();
    expect(stored.map((r) => r.payload)).toEqual(events.map((e) => JSON.stringify(e)));
  });

  it("writes nothing of a change when the ticket is no longer as read, and all of it when it is", async () => {
    const ticket = await issue({ token: t.deviceToken("kiosk") });
    const teller = await t.login("teller4");
    const counter = ids.counters.get(4) as string;
    for (const [url, body] of [
      [`/api/counters/${counter}/sign-in`, {}],
      [`/api/counters/${counter}/call`, { ticketId: ticket.id }],
    ] as const) {
      const res = await t.request({ method: "POST", url, cookie: teller, body });
      expect(res.statusCode, res.body).toBe(200);
    }
    const { store } = t.server.ctx;
    const snapshot = async () => ({
      ticket: await store.db
        .selectFrom("tickets")
        .select(["status", "version"])
        .where("id", "=", ticket.id)
        .executeTakeFirst(),
      counter: await store.db
        .selectFrom("counters")
        .select(["current_ticket_id", "last_ticket_id"])
        .where("id", "=", counter)
        .executeTakeFirst(),
      history: (await store.db.selectFrom("ticket_transitions").select("id").execute()).length,
      audit: (await store.db.selectFrom("audit_log").select("id").execute()).length,
      events: (await store.db.selectFrom("events").select("seq").execute()).length,
      eventSeq: (await store.db.selectFrom("branches").select("event_seq").executeTakeFirst())?.event_seq,
    });
    const before = await snapshot();
    const change = (version: number, refuseIfStale = false) =>
      store.write(async (tx) => {
        const event = await changeTicket(
          tx,
          {
            read: { id: ticket.id, status: "called", version },
            patch: { status: "no_show", completed_at: t.clock.now, updated_at: t.clock.now },
            releasedCounterId: counter,
          },
          {
            transition: {
              ticketId: ticket.id,
              branchId: t.branchId,
              action: "no-show",
              from: "called",
              to: "no_show",
              at: t.clock.now,
              actorType: "system",
              actorId: null,
            },
            audit: {
              at: t.clock.now,
              actorType: "system",
              actorId: null,
              actorName: null,
              action: "ticket.no-show",
              entityType: "ticket",
              entityId: ticket.id,
              branchId: t.branchId,
              ip: null,
            },
            event: { type: "ticket.no_show", at: new Date(t.clock.now).toISOString(), branchId: t.branchId },
          },
          t.clock.now,
          undefined,
        );
        // As a ticket action does: a stale ticket is the caller's 409, with nothing written.
        if (!event && refuseIfStale) throw conflict("changed meanwhile");
        return event;
      });
    const version = before.ticket?.version ?? -1;
    expect(await change(version - 1)).toBeUndefined();
    expect(await snapshot()).toEqual(before);
    await expect(change(version - 1, true)).rejects.toMatchObject({ status: 409, message: "changed meanwhile" });
    expect(await snapshot()).toEqual(before);

    const event = await change(version);
    expect(event?.seq).toBe(Number(before.eventSeq) + 1);
    expect(await snapshot()).toEqual({
      ticket: { status: "no_show", version: version + 1 },
      counter: { current_ticket_id: null, last_ticket_id: ticket.id },
      history: before.history + 1,
      audit: before.audit + 1,
      events: before.events + 1,
      eventSeq: Number(before.eventSeq) + 1,
    });
  });

  it.runIf(kind === "postgres")("says so loudly when a change was written but its event could not be", async () => {
    // Cannot happen while tickets keep their branch; if it ever did, the caller must not hear "nothing written".
    const ticket = await issue({ token: t.deviceToken("kiosk") });
    const { store } = t.server.ctx;
    const row = await store.db.selectFrom("tickets").selectAll().where("id", "=", ticket.id).executeTakeFirstOrThrow();
    const now = t.clock.now;
    const write = store.write((tx) =>
      changeTicket(
        tx,
        { read: row, patch: { status: "cancelled", completed_at: now, updated_at: now } },
        {
          transition: {
            ticketId: row.id,
            branchId: t.branchId,
            action: "cancel",
            from: "waiting",
            to: "cancelled",
            at: now,
            actorType: "system",
            actorId: null,
          },
          event: { type: "ticket.cancelled", at: new Date(now).toISOString(), branchId: "no-such-branch" },
        },
        now,
        undefined,
      ),
    );
    await expect(write).rejects.toThrow(/after its whole-write statement had committed/);
    const after = await store.db.selectFrom("tickets").select("status").where("id", "=", ticket.id).executeTakeFirst();
    expect(after?.status).toBe("cancelled");
  });
});
