import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, type TestServer } from "./support/harness.ts";
import { someoneWaits as waitingForLock } from "./support/lock-waits.ts";

/**
 * A ticket sent to a counter (transfer, resume) while that counter closes must not stay sent to the closed
 * counter, where nobody would call it. On SQLite writes are serial and each checks the other's result; on
 * PostgreSQL the two can overlap, in either order of commit. Another session holds a row lock to make each
 * order happen for certain.
 */
describe.runIf(DB_KINDS.includes("postgres"))("a counter closing while a ticket is sent to it, on PostgreSQL", () => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let other: pg.Client;

  beforeAll(async () => {
    t = await startTestServer("postgres");
    ids = await demoIds(t);
    other = new pg.Client({ connectionString: t.location });
    await other.connect();
  });
  afterAll(async () => {
    await other?.end();
    await t?.close();
  });

  const someoneWaits = () => waitingForLock(other);

  const post = (url: string, cookie: string, body: unknown = {}) => t.request({ method: "POST", url, cookie, body });

  /** An open counter with a teller, and a waiting ticket of the branch. */
  async function setUp(counterNumber: number) {
    const lobby = await t.login("lobby");
    const teller = await t.login(`teller${counterNumber}`);
    const counter = ids.counters.get(counterNumber) as string;
    expect((await post(`/api/counters/${counter}/sign-in`, teller)).statusCode).toBe(200);
    const issued = await issueAtKiosk(t, ids.services.get("CASH"));
    return { lobby, counter, ticket: issued.id };
  }

  /** The ticket's last history line and the last event published about it. */
  const releaseRecord = async (ticket: string) => {
    const { db } = t.server.ctx.store;
    const line = await db
      .selectFrom("ticket_transitions")
      .select(["action", "actor_type", "data"])
      .where("ticket_id", "=", ticket)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    const events = await db
      .selectFrom("events")
      .select(["type", "payload"])
      .where("branch_id", "=", t.branchId)
      .orderBy("seq", "desc")
      .limit(1)
      .execute();
    return {
      line: { ...line, data: JSON.parse(line.data ?? "null") },
      event: events.map((e) => ({ type: e.type, ticket: JSON.parse(e.payload).ticket }))[0],
    };
  };

  const targetOf = async (ticket: string) =>
    t.server.ctx.store.db
      .selectFrom("tickets")
      .select(["target_counter_id", "status"])
      .where("id", "=", ticket)
      .executeTakeFirst();

  it("the close commits first: the transfer that had found the counter open sends the ticket to the line", async () => {
    const { lobby, counter, ticket } = await setUp(6);
    // The transfer reads the ticket and the open counter, then waits at the ticket's row.
    await other.query("BEGIN");
    await other.query("UPDATE tickets SET updated_at = updated_at WHERE id = $1", [ticket]);
    const transfer = post(`/api/tickets/${ticket}/transfer`, lobby, { counterId: counter, position: "last" });
    await someoneWaits();
    // Meanwhile the counter closes, whole: nothing is sent to it yet, so nothing is released.
    expect((await post(`/api/counters/${counter}/close`, lobby)).statusCode).toBe(200);
    await other.query("COMMIT");
    const sent = await transfer;
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({ status: "waiting", targetCounterId: null });
    expect(await targetOf(ticket)).toEqual({ target_counter_id: null, status: "waiting" });
    expect(await releaseRecord(ticket)).toMatchObject({
      line: { action: "transfer", actor_type: "system", data: { reason: "counter_closed", counterId: counter } },
      event: { type: "ticket.transferred", ticket: { id: ticket, targetCounterId: null } },
    });
  });

  it("the transfer commits first: the close that had released nothing yet releases the ticket after it", async () => {
    const { lobby, counter, ticket } = await setUp(7);
    // The close releases what is sent to the counter (nothing yet), then waits at the counter's row.
    await other.query("BEGIN");
    await other.query("UPDATE counters SET pause_reason = pause_reason WHERE id = $1", [counter]);
    const close = post(`/api/counters/${counter}/close`, lobby);
    await someoneWaits();
    // Meanwhile the transfer finds the counter open and commits.
    const sent = await post(`/api/tickets/${ticket}/transfer`, lobby, { counterId: counter, position: "last" });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({ targetCounterId: counter });
    await other.query("COMMIT");
    expect((await close).statusCode).toBe(200);
    expect(await targetOf(ticket)).toEqual({ target_counter_id: null, status: "waiting" });
    expect(await releaseRecord(ticket)).toMatchObject({
      line: { action: "transfer", actor_type: "system", data: { reason: "counter_closed", counterId: counter } },
      event: { type: "ticket.transferred", ticket: { id: ticket, targetCounterId: null } },
    });
  });
});
