import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, START, startTestServer, type TestServer } from "./support/harness.ts";

describe.each(DB_KINDS)("ticket lifecycle over HTTP on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let kiosk: string;
  let lobby: string;
  let teller1: string;
  let teller4: string;
  const c = (n: number) => ids.counters.get(n) as string;
  const s = (code: string) => ids.services.get(code) as string;

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    kiosk = t.deviceToken("kiosk");
    lobby = await t.login("lobby");
    teller1 = await t.login("teller1");
    teller4 = await t.login("teller4");
  });
  afterAll(() => t?.close());

  const issue = (serviceCode: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>) =>
    t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/tickets`,
      token: kiosk,
      body: { serviceId: s(serviceCode), ...extra },
      headers,
    });

  it("numbers tickets per queue and tells position and estimated wait", async () => {
    const a1 = await issue("CASH");
    expect(a1.statusCode).toBe(201);
    expect(a1.json()).toMatchObject({ number: "A001", status: "waiting", position: 0 });
    const a2 = (await issue("CASH")).json();
    expect(a2).toMatchObject({ number: "A002", position: 1 });
    const c1 = (await issue("ACCOUNT")).json();
    expect(c1).toMatchObject({ number: "C001", position: 0 });
    // No counter is open yet: no wait is promised, and the answer says why.
    expect(a2).toMatchObject({ estimatedWaitMinutes: null, waitUnknownReason: "no_open_counter" });
    // Nobody has been called yet: today's average wait is unknown, not zero minutes.
    const stats = await t.request({ method: "GET", url: `/api/branches/${t.branchId}/stats/today`, cookie: lobby });
    expect(stats.json()).toMatchObject({ issued: 3, averageWaitMinutes: null, withinTargetShare: null });
  });

  it("returns the same ticket for the same Idempotency-Key and never a second one", async () => {
    const key = `tap-${kind}-1`;
    const first = await issue("TRANSFER", {}, { "idempotency-key": key });
    const again = await issue("TRANSFER", {}, { "idempotency-key": key });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json().id).toBe(first.json().id);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    const queue = (await t.request({ method: "GET", url: `/api/branches/${t.branchId}/queue`, cookie: lobby })).json();
    expect(queue.waiting.filter((w: { serviceId: string }) => w.serviceId === s("TRANSFER"))).toHaveLength(1);
    const misuse = await issue("CASH", {}, { "idempotency-key": key });
    expect(misuse.statusCode).toBe(409);
  });

  it("serves a ticket: sign in, call next, recall, start, complete, rate", async () => {
    const signIn = await t.request({ method: "POST", url: `/api/counters/${c(1)}/sign-in`, cookie: teller1 });
    expect(signIn.statusCode).toBe(200);
    expect(signIn.json()).toMatchObject({ state: "open", signedInUser: { displayName: "柜员1" } });

    t.clock.advance(5 * 60_000);
    const call = await t.request({ method: "POST", url: `/api/counters/${c(1)}/call-next`, cookie: teller1 });
    expect(call.statusCode).toBe(200);
    const ticket = call.json().ticket;
    expect(ticket).toMatchObject({ number: "A001", status: "called", counterNumber: 1 });

    const busy = await t.request({ method: "POST", url: `/api/counters/${c(1)}/call-next`, cookie: teller1 });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error).toBe("conflict");

    const early = await t.request({
      method: "POST",
      url: `/api/tickets/${ticket.id}/complete`,
      cookie: teller1,
      body: {},
    });
    expect(early.statusCode).toBe(409);

    t.clock.advance(10_000); // the branch's least gap between two calls
    const recall = await t.request({ method: "POST", url: `/api/tickets/${ticket.id}/recall`, cookie: teller1 });
    expect(recall.json()).toMatchObject({ recallCount: 1, status: "called" });
    expect(
      (await t.request({ method: "POST", url: `/api/tickets/${ticket.id}/start`, cookie: teller1 })).json().status,
    ).toBe("serving");
    t.clock.advance(3 * 60_000);
    const done = await t.request({
      method: "POST",
      url: `/api/tickets/${ticket.id}/complete`,
      cookie: teller1,
      body: { notes: "存款 5,000 元 😀" },
    });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: "done", notes: "存款 5,000 元 😀" });

    const pad = t.deviceToken("rating_pad");
    const counter = (await t.request({ method: "GET", url: `/api/counters/${c(1)}`, token: pad })).json();
    expect(counter.lastTicket.id).toBe(ticket.id);
    const rate = await t.request({
      method: "POST",
      url: `/api/tickets/${ticket.id}/rating`,
      token: pad,
      body: { rating: "satisfied" },
    });
    expect(rate.statusCode).toBe(200);
    expect(rate.json().rating).toBe("satisfied");
    const twice = await t.request({
      method: "POST",
      url: `/api/tickets/${ticket.id}/rating`,
      token: pad,
      body: { rating: "neutral" },
    });
    expect(twice.statusCode).toBe(409);

    const stats = (
      await t.request({ method: "GET", url: `/api/branches/${t.branchId}/stats/today`, cookie: lobby })
    ).json();
    expect(stats).toMatchObject({ served: 1, averageWaitMinutes: 5, withinTargetShare: 1, ratings: { satisfied: 1 } });
  });

  it("shows devices numbers and states only: no teller notes, and the teller's name only on the rating pad", async () => {
    const display = t.deviceToken("display");
    const counters = (
      await t.request({ method: "GET", url: `/api/branches/${t.branchId}/counters`, token: display })
    ).json();
    const one = counters.find((x: { number: number }) => x.number === 1);
    expect(one.signedInUser).toBeNull();
    expect(one.lastTicket).toMatchObject({ number: "A001", notes: null });
    const queue = (await t.request({ method: "GET", url: `/api/branches/${t.branchId}/queue`, token: display })).json();
    expect(JSON.stringify(queue)).not.toContain("5,000");
    expect(JSON.stringify(queue)).not.toContain("柜员");
    const pad = (
      await t.request({ method: "GET", url: `/api/counters/${c(1)}`, token: t.deviceToken("rating_pad") })
    ).json();
    expect(pad.signedInUser).toMatchObject({ displayName: "柜员1" });
    expect(pad.lastTicket.notes).toBeNull();
    const staff = (await t.request({ method: "GET", url: `/api/counters/${c(1)}`, cookie: lobby })).json();
    // A counter's last ticket carries no notes, for staff either (issue 11): the ticket itself has them.
    expect(staff.lastTicket.notes).toBeNull();
  });

  it("dispatches only within a counter's skills and answers 204 when nothing waits for it", async () => {
    expect(
      (await t.request({ method: "POST", url: `/api/counters/${c(4)}/sign-in`, cookie: teller4 })).statusCode,
    ).toBe(200);
    const call = await t.request({ method: "POST", url: `/api/counters/${c(4)}/call-next`, cookie: teller4 });
    // Counter 4 serves ACCOUNT and CARD (weight 3) and CASH (weight 1). Counter 1 (cash first) is open and the cash
    // line is one ticket, so smart leaves A002 to it and counter 4 calls its own speciality first (issue 12): C001.
    expect(call.json().ticket.number).toBe("C001");
    const id = call.json().ticket.id;
    await t.request({ method: "POST", url: `/api/tickets/${id}/start`, cookie: teller4 });
    await t.request({
      method: "POST",
      url: `/api/tickets/${id}/complete`,
      cookie: teller4,
      body: { outcome: "served" },
    });
    // Nothing of its own waits any more: it helps with cash.
    const next = await t.request({ method: "POST", url: `/api/counters/${c(4)}/call-next`, cookie: teller4 });
    expect(next.json().ticket.number).toBe("A002");
    await t.request({ method: "POST", url: `/api/tickets/${next.json().ticket.id}/start`, cookie: teller4 });
    await t.request({
      method: "POST",
      url: `/api/tickets/${next.json().ticket.id}/complete`,
      cookie: teller4,
      body: {},
    });
    // B001 (TRANSFER) waits, but counter 4 does not serve transfers.
    const none = await t.request({ method: "POST", url: `/api/counters/${c(4)}/call-next`, cookie: teller4 });
    expect(none.statusCode).toBe(204);
  });

  it("marks no-show only after the branch's number of recalls", async () => {
    const tk = (await issue("CASH")).json();
    const called = (
      await t.request({ method: "POST", url: `/api/counters/${c(1)}/call`, cookie: teller1, body: { ticketId: tk.id } })
    ).json();
    expect(called.ticket.id).toBe(tk.id);
    const tooSoon = await t.request({ method: "POST", url: `/api/tickets/${tk.id}/no-show`, cookie: teller1 });
    expect(tooSoon.statusCode).toBe(409);
    expect(tooSoon.json().details).toMatchObject({ recallCount: 0, maxRecalls: 3 });
    // Three presses in two seconds announce once: the others are refused with the time left.
    const first = await t.request({ method: "POST", url: `/api/tickets/${tk.id}/recall`, cookie: teller1 });
    t.clock.advance(15_000);
    expect((await t.request({ method: "POST", url: `/api/tickets/${tk.id}/recall`, cookie: teller1 })).statusCode).toBe(
      200,
    );
    expect(first.statusCode).toBe(409);
    for (let i = 0; i < 2; i++) {
      t.clock.advance(1000);
      const tooQuick = await t.request({ method: "POST", url: `/api/tickets/${tk.id}/recall`, cookie: teller1 });
      expect(tooQuick.statusCode).toBe(409);
      expect(tooQuick.json()).toMatchObject({ error: "conflict", details: { minRecallGapSeconds: 10 } });
    }
    expect(
      (await t.request({ method: "POST", url: `/api/tickets/${tk.id}/no-show`, cookie: teller1 })).statusCode,
    ).toBe(409);
    for (let i = 0; i < 2; i++) {
      t.clock.advance(10_000);
      await t.request({ method: "POST", url: `/api/tickets/${tk.id}/recall`, cookie: teller1 });
    }
    const noShow = await t.request({ method: "POST", url: `/api/tickets/${tk.id}/no-show`, cookie: teller1 });
    expect(noShow.json().status).toBe("no_show");
    const counter = (await t.request({ method: "GET", url: `/api/counters/${c(1)}`, cookie: teller1 })).json();
    expect(counter.currentTicket).toBeNull();
  });

  it("transfers to another business type first in line, and parks and resumes at the same counter", async () => {
    const late = (await issue("ACCOUNT")).json();
    const mine = (await issue("CASH")).json();
    const called = (
      await t.request({
        method: "POST",
        url: `/api/counters/${c(1)}/call`,
        cookie: teller1,
        body: { ticketId: mine.id },
      })
    ).json();
    await t.request({ method: "POST", url: `/api/tickets/${called.ticket.id}/start`, cookie: teller1 });
    const moved = await t.request({
      method: "POST",
      url: `/api/tickets/${mine.id}/transfer`,
      cookie: teller1,
      body: { serviceId: s("ACCOUNT"), position: "first" },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ status: "waiting", serviceId: s("ACCOUNT"), counterId: null });
    // First in line: counter 4 gets the transferred customer before the one who was already waiting.
    const next = (await t.request({ method: "POST", url: `/api/counters/${c(4)}/call-next`, cookie: teller4 })).json();
    expect(next.ticket.id).toBe(mine.id);
    expect(next.ticket.number).toBe(mine.number);
    const parked = await t.request({
      method: "POST",
      url: `/api/tickets/${mine.id}/park`,
      cookie: teller4,
      body: { reason: "取身份证" },
    });
    expect(parked.json().status).toBe("parked");
    const atCounter = (await t.request({ method: "GET", url: `/api/counters/${c(4)}`, cookie: teller4 })).json();
    expect(atCounter.parkedTickets.map((p: { id: string }) => p.id)).toEqual([mine.id]);
    const resumed = await t.request({ method: "POST", url: `/api/tickets/${mine.id}/resume`, cookie: teller4 });
    expect(resumed.json()).toMatchObject({ status: "waiting", targetCounterId: c(4) });
    const again = (await t.request({ method: "POST", url: `/api/counters/${c(4)}/call-next`, cookie: teller4 })).json();
    expect(again.ticket.id).toBe(mine.id);
    await t.request({ method: "POST", url: `/api/tickets/${mine.id}/start`, cookie: teller4 });
    await t.request({ method: "POST", url: `/api/tickets/${mine.id}/complete`, cookie: teller4, body: {} });
    const then = (await t.request({ method: "POST", url: `/api/counters/${c(4)}/call-next`, cookie: teller4 })).json();
    expect(then.ticket.id).toBe(late.id);
  });

  it("lets the lobby manager change priority, redirect and cancel, and tellers not", async () => {
    const a = (await issue("CASH")).json();
    const b = (await issue("CASH")).json();
    const forbidden = await t.request({
      method: "POST",
      url: `/api/tickets/${a.id}/redirect`,
      cookie: teller1,
      body: { reason: "x" },
    });
    expect(forbidden.statusCode).toBe(403);
    const vip = await t.request({
      method: "POST",
      url: `/api/tickets/${b.id}/priority`,
      cookie: lobby,
      body: { priority: "elderly" },
    });
    expect(vip.json().priority).toBe("elderly");
    const redirect = await t.request({
      method: "POST",
      url: `/api/tickets/${a.id}/redirect`,
      cookie: lobby,
      body: { reason: "存款可用自助存款机", target: "self_service" },
    });
    expect(redirect.json()).toMatchObject({ status: "redirected", redirectReason: "存款可用自助存款机" });
    const cancel = await t.request({
      method: "POST",
      url: `/api/tickets/${b.id}/cancel`,
      cookie: lobby,
      body: { reason: "客户离开" },
    });
    expect(cancel.json().status).toBe("cancelled");
    const again = await t.request({ method: "POST", url: `/api/tickets/${b.id}/cancel`, cookie: lobby, body: {} });
    expect(again.statusCode).toBe(409);
  });

  it("lets a kiosk grant care but not VIP or appointment priority", async () => {
    expect((await issue("CASH", { priority: "elderly" })).statusCode).toBe(201);
    expect((await issue("CASH", { priority: "vip3" })).statusCode).toBe(403);
    expect((await issue("CASH", { appointmentAt: "2026-11-23T02:00:00.000Z" })).statusCode).toBe(403);
    const byLobby = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/tickets`,
      cookie: lobby,
      body: { serviceId: s("CASH"), priority: "vip3" },
    });
    expect(byLobby.json().priority).toBe("vip3");
  });

  it("returns tickets sent to a counter to their line when that counter closes", async () => {
    const tk = (await issue("CASH")).json();
    expect((await t.request({ method: "POST", url: `/api/counters/${c(2)}/open`, cookie: lobby })).statusCode).toBe(
      200,
    );
    const sent = await t.request({
      method: "POST",
      url: `/api/tickets/${tk.id}/transfer`,
      cookie: lobby,
      body: { counterId: c(2), position: "first" },
    });
    expect(sent.json().targetCounterId).toBe(c(2));
    expect((await t.request({ method: "POST", url: `/api/counters/${c(2)}/close`, cookie: lobby })).statusCode).toBe(
      200,
    );
    const after = (await t.request({ method: "GET", url: `/api/tickets/${tk.id}`, cookie: lobby })).json();
    expect(after).toMatchObject({ status: "waiting", targetCounterId: null });
  });

  it("keeps every transition and staff action on record", async () => {
    const auditor = await t.login("auditor");
    const trail = await t.request({ method: "GET", url: "/api/audit?limit=500", cookie: auditor });
    expect(trail.statusCode).toBe(200);
    const actions = new Set((trail.json() as Array<{ action: string }>).map((e) => e.action));
    for (const a of [
      "auth.login",
      "counter.sign_in",
      "ticket.call-next",
      "ticket.complete",
      "ticket.redirect",
      "ticket.cancel",
      "ticket.prioritize",
    ]) {
      expect(actions).toContain(a);
    }
    const rows = await t.server.ctx.store.db.selectFrom("ticket_transitions").select(["action", "at"]).execute();
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.every((r) => Number(r.at) >= START)).toBe(true);
  });
});
