import { request } from "node:http";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, type Server } from "../src/http/server.ts";
import type { BranchEvent } from "../src/realtime/branch-event.ts";
import { latestEventSeq } from "../src/store/branches.ts";
import { openStore } from "../src/store/connect.ts";
import type { Store } from "../src/store/store.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

interface Stream {
  readonly events: BranchEvent[];
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): void;
}

/** A real SSE client over HTTP, as a display would hold one. */
function openStream(base: string, path: string, headers: Record<string, string>): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const events: BranchEvent[] = [];
    let buffer = "";
    const req = request(`${base}${path}`, { headers: { accept: "text/event-stream", ...headers } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`SSE ${res.statusCode}`));
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").find((l) => l.startsWith("data: "));
          const id = block.split("\n").find((l) => l.startsWith("id: "));
          if (data) {
            const event = JSON.parse(data.slice(6)) as BranchEvent;
            expect(id).toBe(`id: ${event.seq}`);
            events.push(event);
          }
          end = buffer.indexOf("\n\n");
        }
      });
      resolve({
        events,
        async waitFor(count, timeoutMs = 10_000) {
          const deadline = Date.now() + timeoutMs;
          while (events.length < count) {
            if (Date.now() > deadline) throw new Error(`only ${events.length} of ${count} events arrived`);
            await new Promise((r) => setTimeout(r, 10));
          }
        },
        close: () => req.destroy(),
      });
    });
    req.on("error", () => {});
    req.end();
  });
}

describe.each(DB_KINDS)("live events on %s", (kind) => {
  let t: TestServer;
  let base: string;
  let other: { server: Server; store: Store; base: string } | undefined;
  let ids: Awaited<ReturnType<typeof demoIds>>;

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    base = await t.server.app.listen({ port: 0, host: "127.0.0.1" });
    if (kind === "postgres") {
      const store = openStore(t.location);
      const server = await buildServer({ store, clock: () => t.clock.now });
      other = { server, store, base: await server.app.listen({ port: 0, host: "127.0.0.1" }) };
    }
  });
  afterAll(async () => {
    if (other) {
      await other.server.close();
      await other.store.close();
    }
    await t?.close();
  });

  const issue = () =>
    t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/tickets`,
      token: t.deviceToken("kiosk"),
      body: { serviceId: ids.services.get("CASH") },
    });

  it("streams ticket and counter events with increasing ids, and replays what a reconnecting client missed", async () => {
    const display = { authorization: `Bearer ${t.deviceToken("display")}` };
    const live = await openStream(base, `/api/branches/${t.branchId}/events`, display);
    const first = (await issue()).json();
    const teller = await t.login("teller1");
    await t.request({ method: "POST", url: `/api/counters/${ids.counters.get(1)}/sign-in`, cookie: teller });
    await t.request({ method: "POST", url: `/api/counters/${ids.counters.get(1)}/call-next`, cookie: teller });
    await live.waitFor(3);
    expect(live.events.map((e) => e.type)).toEqual(["ticket.issued", "counter.opened", "ticket.called"]);
    expect(live.events[2]?.ticket).toMatchObject({
      id: first.id,
      number: first.number,
      counterNumber: 1,
      status: "called",
    });
    const seqs = live.events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    live.close();

    const lastSeen = seqs.at(-1) as number;
    t.clock.advance(10_000); // the branch's least gap between two calls
    await t.request({ method: "POST", url: `/api/tickets/${first.id}/recall`, cookie: teller });
    await issue();
    const resumed = await openStream(base, `/api/branches/${t.branchId}/events`, {
      ...display,
      "last-event-id": String(lastSeen),
    });
    await resumed.waitFor(2);
    expect(resumed.events.map((e) => e.type)).toEqual(["ticket.recalled", "ticket.issued"]);
    expect(resumed.events[0]?.seq).toBe(lastSeen + 1);
    resumed.close();
  });

  it("tells a client that missed more than a replay holds to reload, instead of sending it part of what it missed", async () => {
    const before = (await latestEventSeq(t.server.ctx.store.db, t.branchId)) as number;
    for (let i = 0; i < 1001; i += 77) await Promise.all(Array.from({ length: Math.min(77, 1001 - i) }, () => issue()));
    const latest = (await latestEventSeq(t.server.ctx.store.db, t.branchId)) as number;
    expect(latest - before).toBeGreaterThan(1000);
    const stream = await openStream(base, `/api/branches/${t.branchId}/events`, {
      authorization: `Bearer ${t.deviceToken("display")}`,
      "last-event-id": String(before),
    });
    // The reset first (what is issued before it is in the state the client reloads), then live events.
    await stream.waitFor(1);
    const next = (await issue()).json();
    await stream.waitFor(2);
    expect(stream.events.map((e) => [e.type, e.seq])).toEqual([
      ["stream.reset", latest],
      ["ticket.issued", latest + 1],
    ]);
    expect(stream.events[1]?.ticket?.id).toBe(next.id);
    stream.close();
  });

  it("keeps a stream live when its Last-Event-ID is past the branch's latest event (a restored database)", async () => {
    const stream = await openStream(base, `/api/branches/${t.branchId}/events`, {
      authorization: `Bearer ${t.deviceToken("display")}`,
      "last-event-id": "999999",
    });
    const issued = (await issue()).json();
    await stream.waitFor(1);
    expect(stream.events[0]?.ticket?.id).toBe(issued.id);
    stream.close();
  });

  it("never puts a name, phone or staff detail into an event", async () => {
    const rows = await t.server.ctx.store.db.selectFrom("events").select("payload").execute();
    expect(rows.length).toBeGreaterThan(0);
    const allowedTicket = [
      ...["id", "number", "serviceId", "status", "priority", "counterId", "counterNumber", "recallCount"],
      ...["targetCounterId", "issuedAt", "queuedAt", "calledAt", "startedAt", "appointmentAt"],
    ];
    for (const r of rows) {
      const e = JSON.parse(r.payload) as BranchEvent;
      expect(Object.keys(e).every((k) => ["seq", "type", "at", "branchId", "ticket", "counter"].includes(k))).toBe(
        true,
      );
      if (e.ticket) expect(Object.keys(e.ticket).every((k) => allowedTicket.includes(k))).toBe(true);
      if (e.counter) expect(Object.keys(e.counter).sort()).toEqual(["id", "number", "state"]);
      expect(r.payload).not.toMatch(/柜员|teller|password|phone/);
    }
  });

  it.runIf(kind === "postgres")("delivers an event made on one instance to clients of another", async () => {
    if (!other) throw new Error("second instance missing");
    const stream = await openStream(other.base, `/api/branches/${t.branchId}/events`, {
      authorization: `Bearer ${t.deviceToken("display")}`,
    });
    const issued = (await issue()).json();
    await stream.waitFor(1);
    expect(stream.events[0]).toMatchObject({ type: "ticket.issued", ticket: { id: issued.id } });
    stream.close();
  });

  it.runIf(kind === "postgres")("hears other instances again after its listening connection was killed", async () => {
    if (!other) throw new Error("second instance missing");
    const admin = new pg.Client({ connectionString: t.location });
    await admin.connect();
    try {
      const killed = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'",
      );
      expect(killed.rowCount).toBeGreaterThanOrEqual(2);
      // Both listeners come back after about a second; poll until another instance's event arrives again.
      const deadline = Date.now() + 15_000;
      for (;;) {
        const stream = await openStream(other.base, `/api/branches/${t.branchId}/events`, {
          authorization: `Bearer ${t.deviceToken("display")}`,
        });
        const issued = (await issue()).json();
        const heard = await stream.waitFor(1, 2000).then(
          () => stream.events.some((e) => e.ticket?.id === issued.id),
          () => false,
        );
        stream.close();
        if (heard) break;
        if (Date.now() > deadline) throw new Error("the second instance never heard the first again");
      }
    } finally {
      await admin.end();
    }
  });

  it("keeps several phones of a branch current from one shared refresh, each with its own ticket", async () => {
    const a = (await issue()).json();
    const b = (await issue()).json();
    const phones = await Promise.all(
      [a, b].map(
        (tk) =>
          new Promise<{
            views: Array<{ id: string; status: string; counterNumber: number | null }>;
            close: () => void;
          }>((resolve, reject) => {
            const views: Array<{ id: string; status: string; counterNumber: number | null }> = [];
            let buffer = "";
            const req = request(`${base}/api/public/tickets/${tk.id}/events`, (res) => {
              if (res.statusCode !== 200) return reject(new Error(`SSE ${res.statusCode}`));
              res.setEncoding("utf8");
              res.on("data", (chunk: string) => {
                buffer += chunk;
                for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
                  const data = buffer
                    .slice(0, end)
                    .split("\n")
                    .find((l) => l.startsWith("data: "));
                  buffer = buffer.slice(end + 2);
                  if (data) views.push(JSON.parse(data.slice(6)));
                }
              });
              resolve({ views, close: () => req.destroy() });
            });
            req.on("error", () => {});
            req.end();
          }),
      ),
    );
    const teller = await t.login("teller2");
    await t.request({ method: "POST", url: `/api/counters/${ids.counters.get(2)}/sign-in`, cookie: teller });
    await t.request({
      method: "POST",
      url: `/api/counters/${ids.counters.get(2)}/call`,
      cookie: teller,
      body: { ticketId: b.id },
    });
    const deadline = Date.now() + 10_000;
    const [phoneA, phoneB] = phones as [(typeof phones)[number], (typeof phones)[number]];
    while (!phoneB.views.some((v) => v.status === "called") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(phoneB.views.at(-1)).toMatchObject({ id: b.id, status: "called", counterNumber: 2 });
    expect(phoneA.views.every((v) => v.id === a.id && v.status === "waiting")).toBe(true);
    for (const p of phones) p.close();
  });

  it("updates the customer's live ticket page without login", async () => {
    const ticket = (await issue()).json();
    const view = await t.request({ method: "GET", url: `/api/public/tickets/${ticket.id}` });
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({ number: ticket.number, status: "waiting", counterNumber: null });
    expect(Object.keys(view.json())).not.toContain("notes");
  });
});
