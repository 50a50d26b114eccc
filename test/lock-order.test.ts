import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventTicket } from "../src/app/views.ts";
import { insertIssuedTicket, newTicketRow } from "../src/store/issued-ticket.ts";
import { changeTicket } from "../src/store/ticket-change.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, type TestServer } from "./support/harness.ts";
import { someoneWaits as waitingForLock } from "./support/lock-waits.ts";

/**
 * The one-statement writes on PostgreSQL lock rows in the order every other write does, the branch's event
 * counter last, so they never deadlock with a transaction that locks a counter or a business type and then
 * the branch's event counter (a counter paused, a business type edited). Each case: another session locks
 * a row first, our write starts and waits, the other session then takes the next row (the branch's event
 * counter, or a counter) and commits. In the wrong order the two deadlock, and PostgreSQL fails one of them.
 */
describe.runIf(DB_KINDS.includes("postgres"))("lock order of the one-statement writes on PostgreSQL", () => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let other: pg.Client;

  beforeAll(async () => {
    t = await startTestServer("postgres");
    ids = await demoIds(t);
    other = new pg.Client({ connectionString: t.location });
    await other.connect();
    // The other session looks for deadlocks first: in the wrong order it is the one that fails, even where
    // ours would be retried by the store.
    await other.query("SET deadlock_timeout = '100ms'");
  });
  afterAll(async () => {
    await other?.end();
    await t?.close();
  });

  const someoneWaits = () => waitingForLock(other);

  /** `first` locks a row in `other`'s transaction; `ours` starts; then `other` locks the branch's event counter. */
  const race = async (
    first: string,
    firstParams: unknown[],
    ours: () => Promise<unknown>,
    then: [string, unknown[]] = ["UPDATE branches SET event_seq = event_seq WHERE id = $1", [t.branchId]],
  ) => {
    await other.query("BEGIN");
    await other.query(first, firstParams);
    const write = ours();
    const settled = write.then(
      () => "ok",
      (e: { code?: string; message?: string }) => e.code ?? e.message,
    );
    await Promise.race([
      someoneWaits(),
      settled.then((outcome) => {
        throw new Error(`our write ended without waiting: ${outcome}`);
      }),
    ]);
    let otherOutcome = "ok";
    try {
      await other.query(...then);
      await other.query("COMMIT");
    } catch (error) {
      otherOutcome = (error as { code?: string }).code ?? String(error);
      await other.query("ROLLBACK");
    }
    return { ours: await settled, other: otherOutcome };
  };

  it("a ticket action frees its counter before it numbers the branch's event", async () => {
    const ticket = await issueAtKiosk(t, ids.services.get("CASH"));
    const teller = await t.login("teller2");
    const counter = ids.counters.get(2) as string;
    for (const [url, body] of [
      [`/api/counters/${counter}/sign-in`, {}],
      [`/api/counters/${counter}/call`, { ticketId: ticket.id }],
    ] as const)
      expect((await t.request({ method: "POST", url, cookie: teller, body })).statusCode).toBe(200);
    const { db } = t.server.ctx.store;
    const row = await db.selectFrom("tickets").selectAll().where("id", "=", ticket.id).executeTakeFirstOrThrow();
    const now = t.clock.now;
    const outcome = await race("UPDATE counters SET pause_reason = pause_reason WHERE id = $1", [counter], () =>
      db.transaction().execute((tx) =>
        changeTicket(
          tx,
          { read: row, patch: { status: "no_show", completed_at: now, updated_at: now }, releasedCounterId: counter },
          {
            transition: {
              ticketId: row.id,
              branchId: t.branchId,
              action: "no-show",
              from: "called",
              to: "no_show",
              at: now,
              actorType: "system",
              actorId: null,
            },
            event: { type: "ticket.no_show", at: new Date(now).toISOString(), branchId: t.branchId },
          },
          now,
          undefined,
        ),
      ),
    );
    expect(outcome).toEqual({ ours: "ok", other: "ok" });
    const after = await db
      .selectFrom("counters")
      .select("current_ticket_id")
      .where("id", "=", counter)
      .executeTakeFirst();
    expect(after?.current_ticket_id).toBeNull();
  });

  it("issuing locks the business type before it numbers the branch's event", async () => {
    const { db } = t.server.ctx.store;
    const service = ids.services.get("TRANSFER") as string;
    const now = t.clock.now;
    const ticket = newTicketRow({
      id: "01a20000-0000-7000-8000-000000000001",
      branchId: t.branchId,
      serviceId: service,
      day: "2026-11-23",
      priority: "normal",
      channel: "staff",
      at: now,
      appointmentAt: null,
      estimatedWaitMinutes: 0,
      idempotencyKey: null,
    });
    // Changing a unique key (the code) locks the business type's row against the tickets' foreign key.
    const outcome = await race("UPDATE services SET code = code || 'X' WHERE id = $1", [service], () =>
      db.transaction().execute((tx) =>
        insertIssuedTicket(
          tx,
          {
            ticket,
            prefix: "B",
            transition: {
              ticketId: ticket.id,
              branchId: t.branchId,
              action: "issue",
              from: null,
              to: "waiting",
              at: now,
              actorType: "system",
              actorId: null,
            },
            event: (issued) => ({
              type: "ticket.issued",
              at: new Date(now).toISOString(),
              branchId: t.branchId,
              ticket: eventTicket(issued, null),
            }),
          },
          undefined,
        ),
      ),
    );
    expect(outcome).toEqual({ ours: "ok", other: "ok" });
    expect(ticket.number).toMatch(/^B\d{3}$/);
  });

  it("closing a counter frees the tickets sent to it before it locks the counter, as call-next's order is", async () => {
    const lobby = await t.login("lobby");
    const teller = await t.login("teller5");
    const counter = ids.counters.get(5) as string;
    const post = (url: string, cookie: string, body: unknown = {}) => t.request({ method: "POST", url, cookie, body });
    expect((await post(`/api/counters/${counter}/sign-in`, teller)).statusCode).toBe(200);
    const ticket = await issueAtKiosk(t, ids.services.get("CASH"));
    const sent = await post(`/api/tickets/${ticket.id}/transfer`, lobby, { counterId: counter });
    expect(sent.statusCode, sent.body).toBe(200);
    // The other session is a call-next at this counter: the ticket first, then the counter.
    let closed = 0;
    const outcome = await race(
      "UPDATE tickets SET updated_at = updated_at WHERE id = $1",
      [ticket.id],
      async () => {
        closed = (await post(`/api/counters/${counter}/close`, lobby)).statusCode;
      },
      ["UPDATE counters SET pause_reason = pause_reason WHERE id = $1", [counter]],
    );
    expect(outcome).toEqual({ ours: "ok", other: "ok" });
    expect(closed).toBe(200);
    const row = await t.server.ctx.store.db
      .selectFrom("tickets")
      .select(["target_counter_id", "status"])
      .where("id", "=", ticket.id)
      .executeTakeFirst();
    expect(row).toEqual({ target_counter_id: null, status: "waiting" });
  });
});
