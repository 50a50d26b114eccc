import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendTurnAlerts } from "../src/app/tickets/turn-alerts.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, type TestServer } from "./support/harness.ts";

describe.each(DB_KINDS)("your turn is near on %s", (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("sends once when N or fewer are ahead, through the outbox; refuses bad input", async () => {
    const ids = await demoIds(t);
    const tickets = [];
    for (let i = 0; i < 5; i++) tickets.push(await issueAtKiosk(t, ids.services.get("CASH")));
    const ask = (ticketId: string, body: unknown) =>
      t.request({ method: "POST", url: `/api/public/tickets/${ticketId}/near-alert`, body });
    const last = tickets[4]?.id as string;
    const view = (await t.request({ method: "GET", url: `/api/public/tickets/${last}` })).json();
    const ahead = view.position - 1;
    expect(ahead).toBeGreaterThanOrEqual(2);

    // Not yet near: waiting, nothing sent, and a round of the job changes nothing.
    const waiting = await ask(last, { phone: "13900139001", ahead: ahead - 1 });
    expect(waiting.statusCode, waiting.body).toBe(201);
    expect(waiting.json()).toMatchObject({ channel: "sms", status: "waiting", ahead: ahead - 1 });
    expect(await sendTurnAlerts(t.server.ctx)).toBe(0);
    // Asked again with the line's own count: sent at once, one message only even when the job runs again.
    const near = await ask(last, { email: "wait@example.com", ahead, lang: "en" });
    expect(near.json()).toMatchObject({ channel: "email", status: "sent" });
    expect(await sendTurnAlerts(t.server.ctx)).toBe(0);
    const sent = await t.server.ctx.store.db
      .selectFrom("outbox")
      .selectAll()
      .where("kind", "=", "ticket.near")
      .execute();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ channel: "email", recipient: "wait@example.com", lang: "en" });
    expect(JSON.parse(sent[0]?.data ?? "{}")).toMatchObject({ number: tickets[4]?.number, ahead });

    expect((await ask(last, {})).statusCode).toBe(400);
    expect((await ask(last, { phone: "13900139001", email: "a@b.cn" })).statusCode).toBe(400);
    expect((await ask("no-such-ticket", { phone: "13900139001" })).statusCode).toBe(404);
  });
});
