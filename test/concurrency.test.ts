import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, type Server } from "../src/http/server.ts";
import { openStore } from "../src/store/connect.ts";
import type { Store } from "../src/store/store.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

const TICKETS = 1000;

describe.each(DB_KINDS)("concurrent dispatch on %s", (kind) => {
  let t: TestServer;
  let second: { server: Server; store: Store } | undefined;
  let ids: Awaited<ReturnType<typeof demoIds>>;

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    if (kind === "postgres") {
      // A second app instance on the same database: counters 5–8 call through it.
      const store = openStore(t.location);
      second = { server: await buildServer({ store, clock: () => t.clock.now }), store };
    }
  });
  afterAll(async () => {
    if (second) {
      await second.server.close();
      await second.store.close();
    }
    await t?.close();
  });

  it(`drains ${TICKETS} tickets with 8 counters calling in parallel, each ticket called exactly once`, async () => {
    const kiosk = t.deviceToken("kiosk");
    const codes = ["CASH", "TRANSFER", "WEALTH", "CASH", "TRANSFER"];
    for (let i = 0; i < TICKETS; i += 50) {
      const batch = Array.from({ length: Math.min(50, TICKETS - i) }, (_, j) =>
        t.request({
          method: "POST",
          url: `/api/branches/${t.branchId}/tickets`,
          token: kiosk,
          body: { serviceId: ids.services.get(codes[(i + j) % codes.length] as string) },
        }),
      );
      for (const res of await Promise.all(batch)) expect(res.statusCode).toBe(201);
    }

    const called: string[] = [];
    const counters = Array.from({ length: 8 }, (_, i) => i + 1);
    await Promise.all(
      counters.map(async (n) => {
        const app = second && n > 4 ? second.server.app : t.server.app;
        const cookie = await t.login(`teller${n}`);
        const post = (url: string) => app.inject({ method: "POST", url, headers: { cookie }, payload: {} });
        expect((await post(`/api/counters/${ids.counters.get(n)}/sign-in`)).statusCode).toBe(200);
        for (;;) {
          const res = await post(`/api/counters/${ids.counters.get(n)}/call-next`);
          if (res.statusCode === 204) return;
          expect(res.statusCode, res.body).toBe(200);
          const ticket = res.json().ticket as { id: string; counterNumber: number };
          expect(ticket.counterNumber).toBe(n);
          called.push(ticket.id);
          expect((await post(`/api/tickets/${ticket.id}/start`)).statusCode).toBe(200);
          expect((await post(`/api/tickets/${ticket.id}/complete`)).statusCode).toBe(200);
        }
      }),
    );

    expect(called).toHaveLength(TICKETS);
    expect(new Set(called).size).toBe(TICKETS);
    const db = t.server.ctx.store.db;
    const calls = await db
      .selectFrom("ticket_transitions")
      .select(["ticket_id"])
      .where("action", "=", "call")
      .execute();
    expect(calls).toHaveLength(TICKETS);
    expect(new Set(calls.map((c) => c.ticket_id)).size).toBe(TICKETS);
    // Every ticket was completed: done, or (transfers, a business type that needs review) in the back office's review.
    const notDone = await db
      .selectFrom("tickets")
      .select("id")
      .where("status", "not in", ["done", "in_review"])
      .execute();
    expect(notDone).toHaveLength(0);
    const inReview = await db.selectFrom("tickets").select("service_id").where("status", "=", "in_review").execute();
    expect(new Set(inReview.map((r) => r.service_id))).toEqual(new Set([ids.services.get("TRANSFER")]));
  });

  it("numbers tickets uniquely and without gaps when kiosks issue at once (on two instances with PostgreSQL)", async () => {
    const kiosk = t.deviceToken("kiosk");
    const apps = second ? [t.server.app, second.server.app] : [t.server.app];
    const before = new Set(
      (await t.server.ctx.store.db.selectFrom("tickets").select("number").execute()).map((r) => r.number),
    );
    const responses = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        (apps[i % apps.length] as Server["app"]).inject({
          method: "POST",
          url: `/api/branches/${t.branchId}/tickets`,
          headers: { authorization: `Bearer ${kiosk}` },
          payload: { serviceId: ids.services.get(i % 2 ? "CARD" : "CORP") },
        }),
      ),
    );
    for (const res of responses) expect(res.statusCode, res.body).toBe(201);
    const numbers = responses.map((r) => r.json().number as string);
    expect(new Set(numbers).size).toBe(300);
    for (const prefix of ["D", "F"]) {
      const seqs = numbers
        .filter((n) => n.startsWith(prefix) && !before.has(n))
        .map((n) => Number(n.slice(1)))
        .sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    }
  });

  it("gives one counter one ticket when its teller double-clicks call-next", async () => {
    const kiosk = t.deviceToken("kiosk");
    for (let i = 0; i < 3; i++) {
      await t.request({
        method: "POST",
        url: `/api/branches/${t.branchId}/tickets`,
        token: kiosk,
        body: { serviceId: ids.services.get("CASH") },
      });
    }
    const cookie = await t.login("teller1");
    const call = (app: Server["app"]) =>
      app.inject({ method: "POST", url: `/api/counters/${ids.counters.get(1)}/call-next`, headers: { cookie } });
    const results = await Promise.all([call(t.server.app), call((second ?? t).server.app)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    // Counter 1 serves cash (weight 3) before the card and corporate tickets waiting from the test before.
    const waitingCash = await t.server.ctx.store.db
      .selectFrom("tickets")
      .select("id")
      .where("status", "=", "waiting")
      .where("service_id", "=", ids.services.get("CASH") as string)
      .execute();
    expect(waitingCash).toHaveLength(2);
  });

  it.runIf(kind === "postgres")(
    "waits for tickets another transaction holds rather than telling a counter that nothing waits",
    async () => {
      const cookie = await t.login("teller2");
      const counter = ids.counters.get(2) as string;
      const post = (url: string) => t.server.app.inject({ method: "POST", url, headers: { cookie }, payload: {} });
      expect((await post(`/api/counters/${counter}/sign-in`)).statusCode).toBe(200);
      let answered = false;
      let pending: ReturnType<typeof post> | undefined;
      await t.server.ctx.store.db.transaction().execute(async (trx) => {
        // Another transaction (a lobby manager's edit, a rival claim about to roll back) holds every waiting ticket.
        await sql`SELECT id FROM tickets WHERE status = 'waiting' FOR UPDATE`.execute(trx);
        pending = post(`/api/counters/${counter}/call-next`).then((res) => {
          answered = true;
          return res;
        });
        await new Promise((r) => setTimeout(r, 300));
        expect(answered).toBe(false); // passed over at first, then waited for
      });
      const res = await (pending as ReturnType<typeof post>);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().ticket.counterNumber).toBe(2);
    },
  );
});
