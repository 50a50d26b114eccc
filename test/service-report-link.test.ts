/**
 * A service report reaches an SMS customer as a short link: DATANG_PUBLIC_URL + `/api/public/reports/<token>` (128
 * random bits, only the hash stored, no personal data in the URL), valid for 30 days, in an SMS in the customer's
 * language. End to end: the ticket completed, the job runner makes the report and delivers the SMS through the
 * outbox, and the link opens the PDF; a forged link is a 404, an expired one a 410, each with a clear message.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOrCreateCustomer } from "../src/app/customers/identify.ts";
import type { Channel, OutgoingMessage } from "../src/app/messages/channels/channel.ts";
import { JobRunner } from "../src/app/messages/runner.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, type TestServer } from "./support/harness.ts";

const PUBLIC_URL = "https://queue.bank.example";
const DAY = 86_400_000;

describe.each(DB_KINDS)("service report link by SMS on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const sent: OutgoingMessage[] = [];
  const sms: Channel = {
    name: "sms",
    send: async (m) => {
      sent.push(m);
      return { ok: true };
    },
    close: () => {},
  };
  /** One round of the job runner with an SMS gateway that records what it is given. */
  const tick = () => new JobRunner(t.server.ctx, { config: { publicUrl: PUBLIC_URL }, channels: [sms] }).tick();
  const post = (url: string, cookie: string, body: unknown = {}) => t.request({ method: "POST", url, cookie, body });

  beforeAll(async () => {
    t = await startTestServer(kind, undefined, { publicUrl: PUBLIC_URL });
    ids = await demoIds(t);
    const teller = await t.login("teller1");
    expect((await post(`/api/counters/${ids.counters.get(1)}/sign-in`, teller)).statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A consenting customer served at counter 1; answers the SMS the job runner sent them. */
  const serve = async (phone: string, name: string, lang: "zh-CN" | "en") => {
    const ctx = t.server.ctx;
    const customerId = await ctx.store.write(
      async (tx) =>
        (
          await findOrCreateCustomer(tx, ctx, {
            phone,
            name,
            lang,
            consents: [{ purpose: "service", granted: true, channel: "staff", textVersion: "v1" }],
          })
        ).id,
    );
    const teller = await t.login("teller1");
    const ticket = await issueAtKiosk(t, ids.services.get("CASH"));
    expect((await post(`/api/counters/${ids.counters.get(1)}/call`, teller, { ticketId: ticket.id })).statusCode).toBe(
      200,
    );
    expect((await post(`/api/tickets/${ticket.id}/customer`, await t.login("lobby"), { customerId })).statusCode).toBe(
      200,
    );
    expect((await post(`/api/tickets/${ticket.id}/start`, teller)).statusCode).toBe(200);
    expect((await post(`/api/tickets/${ticket.id}/complete`, teller, {})).statusCode).toBe(200);
    const before = sent.length;
    await tick();
    const mine = sent.slice(before).filter((m) => m.recipient === `+86${phone}` && /report|报告/.test(m.rendered.text));
    expect(mine).toHaveLength(1);
    return { ticket, customerId, message: mine[0] as OutgoingMessage };
  };
  const linkIn = (text: string) => {
    const m = text.match(/https:\/\/queue\.bank\.example(\/api\/public\/reports\/[A-Za-z0-9_-]+)/);
    expect(m, text).not.toBeNull();
    return m?.[1] as string;
  };

  it("sends a Chinese customer a short link in Chinese that opens the report's PDF", async () => {
    const { ticket, customerId, message } = await serve("13700137001", "张三丰", "zh-CN");
    const text = message.rendered.text;
    expect(text).toContain("业务办理报告");
    expect(text).toContain(`${ticket.number} 号`);
    expect(text).toMatch(/前有效/);
    const path = linkIn(text);
    // The URL carries a token and nothing about the customer or the visit.
    const token = path.split("/").at(-1) as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    for (const personal of ["13700137001", "3700137001", "张三丰", customerId, ticket.id, ticket.number])
      expect(path).not.toContain(personal);
    // The SMS is short: one link line and one validity line.
    expect(text.length).toBeLessThan(140);

    const res = await t.request({ method: "GET", url: path });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toContain("application/pdf");
    expect(res.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
    const report = await t.server.ctx.store.db
      .selectFrom("service_reports")
      .selectAll()
      .where("ticket_id", "=", ticket.id)
      .executeTakeFirstOrThrow();
    expect(res.headers["x-content-sha256"]).toBe(report.sha256);
    expect(Buffer.from(report.pdf, "base64").equals(res.rawPayload)).toBe(true);
    // Only the token's hash is stored.
    expect(JSON.stringify(report)).not.toContain(token);
  });

  it("sends an English-speaking customer the SMS in English", async () => {
    const { ticket, message } = await serve("13700137002", "John Smith", "en");
    const text = message.rendered.text;
    expect(text).toContain("your service report");
    expect(text).toContain(`ticket ${ticket.number}`);
    expect(text).toContain("The link works until");
    expect(text).not.toMatch(/[\u4e00-\u9fff]{2,}报告/);
    const res = await t.request({ method: "GET", url: linkIn(text) });
    expect(res.statusCode).toBe(200);
  });

  it("answers 410 once the customer's erasure removed the report's PDF", async () => {
    const { customerId, message } = await serve("13700137004", "王五", "zh-CN");
    const path = linkIn(message.rendered.text);
    expect((await t.request({ method: "GET", url: path })).statusCode).toBe(200);
    const erased = await post(`/api/customers/${customerId}/erase`, await t.login("admin"), { reason: "客户申请删除" });
    expect(erased.statusCode, erased.body).toBe(200);
    const gone = await t.request({ method: "GET", url: path });
    expect(gone.statusCode).toBe(410);
    expect(gone.json()).toMatchObject({ error: "report_removed", details: { reason: "removed" } });
  });

  it("answers a forged link 404 and an expired one 410, with a clear message in both languages", async () => {
    const { message } = await serve("13700137003", "李四", "zh-CN");
    const path = linkIn(message.rendered.text);
    const forged = await t.request({ method: "GET", url: "/api/public/reports/AAAAAAAAAAAAAAAAAAAAAA" });
    expect(forged.statusCode).toBe(404);
    expect(forged.json()).toMatchObject({ error: "not_found", details: { reason: "unknown_link" } });
    expect(forged.json().message).toMatch(/does not lead to a service report|没有对应的业务办理报告/);
    // A token one character off is no report either.
    const last = path.at(-1) === "A" ? "B" : "A";
    expect((await t.request({ method: "GET", url: `${path.slice(0, -1)}${last}` })).statusCode).toBe(404);
    // 30 days later it still opens; a moment after, it has expired.
    t.clock.advance(30 * DAY - 60_000);
    expect((await t.request({ method: "GET", url: path })).statusCode).toBe(200);
    t.clock.advance(2 * 60_000);
    const expired = await t.request({ method: "GET", url: path, headers: { "accept-language": "zh-CN" } });
    expect(expired.statusCode).toBe(410);
    expect(expired.json()).toMatchObject({ error: "link_expired", details: { reason: "expired", days: 30 } });
    expect(expired.json().message).toContain("已过期");
    const expiredEn = await t.request({ method: "GET", url: path, headers: { "accept-language": "en" } });
    expect(expiredEn.json().message).toContain("expired");
  });
});
