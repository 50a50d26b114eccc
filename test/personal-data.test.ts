import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maskPersonalData } from "../src/app/redact.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, type TestServer } from "./support/harness.ts";

const NOTES = "客户手机 13812345678，身份证 11010119900307123X，备用 139-8765-4321";
const MASKED = "客户手机 138****5678，身份证 110101********123X，备用 139****4321";

describe("masking personal data in free text", () => {
  it("keeps the first six and last four of an ID number, the first three and last four of a mobile", () => {
    expect(maskPersonalData(NOTES)).toBe(MASKED);
    expect(maskPersonalData("存款 5,000 元，账号尾号 1234，流水 20261123000123456789")).toBe(
      "存款 5,000 元，账号尾号 1234，流水 20261123000123456789",
    );
    expect(maskPersonalData("ID 110101199003071234.")).toBe("ID 110101********1234.");
  });
});

describe.each(DB_KINDS)("personal data in a ticket's notes on %s", (kind) => {
  let t: TestServer;
  let ticketId: string;
  let counterId: string;
  let teller1: string;
  beforeAll(async () => {
    t = await startTestServer(kind);
    const ids = await demoIds(t);
    counterId = ids.counters.get(1) ?? "";
    teller1 = await t.login("teller1");
    await t.request({ method: "POST", url: `/api/counters/${counterId}/sign-in`, cookie: teller1 });
    await issueAtKiosk(t, ids.services.get("CASH"));
    const call = await t.request({ method: "POST", url: `/api/counters/${counterId}/call-next`, cookie: teller1 });
    ticketId = call.json().ticket.id;
    await t.request({ method: "POST", url: `/api/tickets/${ticketId}/start`, cookie: teller1 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("shows the notes as written to the teller serving the ticket, and masked to everyone else", async () => {
    const done = await t.request({
      method: "POST",
      url: `/api/tickets/${ticketId}/complete`,
      cookie: teller1,
      body: { notes: NOTES },
    });
    expect(done.statusCode).toBe(200);
    expect(done.json().notes).toBe(NOTES);
    const asTeller = await t.request({ method: "GET", url: `/api/tickets/${ticketId}`, cookie: teller1 });
    expect(asTeller.json().notes).toBe(NOTES);
    const masked: string[] = [];
    for (const who of ["lobby", "manager", "teller2", "auditor"]) {
      const res = await t.request({ method: "GET", url: `/api/tickets/${ticketId}`, cookie: await t.login(who) });
      if (res.statusCode !== 200) continue; // a role that may not read tickets sees nothing at all
      expect(res.json().notes, who).toBe(MASKED);
      expect(res.body, who).not.toContain("13812345678");
      masked.push(who);
    }
    expect(masked).toEqual(expect.arrayContaining(["lobby", "manager"]));
    // The audit trail's answers too.
    const audit = await t.request({ method: "GET", url: "/api/audit", cookie: await t.login("auditor") });
    expect(audit.statusCode).toBe(200);
    expect(audit.body).not.toContain("13812345678");
    expect(audit.body).not.toContain("11010119900307123X");
  });

  it("gives a counter's last ticket without notes, to everyone", async () => {
    for (const who of ["teller1", "lobby"]) {
      const counter = await t.request({ method: "GET", url: `/api/counters/${counterId}`, cookie: await t.login(who) });
      expect(counter.statusCode).toBe(200);
      expect(counter.json().lastTicket).toMatchObject({ id: ticketId, notes: null });
    }
    const queue = await t.request({
      method: "GET",
      url: `/api/branches/${t.branchId}/queue`,
      cookie: await t.login("lobby"),
    });
    expect(queue.body).not.toContain("13812345678");
  });
});
