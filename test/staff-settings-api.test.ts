/**
 * A member of staff's own settings (PUT /api/me/contact, the "my settings" drawer): phone, e-mail, the channels
 * they want notices on and the language of those notices. Input is checked with zh/en messages (the phone with
 * libphonenumber, SMS only to a mobile), nothing of their own data is masked to them, every change is audited,
 * and the staff notice sender honours the channels they chose.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffContact } from "../src/app/staff-notices.ts";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, type TestServer } from "./support/harness.ts";

const ZH = { "accept-language": "zh-CN,zh;q=0.9" };
const EN = { "accept-language": "en-US" };

describe.each(DB_KINDS)("a staff member's own notice settings on %s", (kind) => {
  let t: TestServer;
  let tellerId = "";
  const db = () => t.server.ctx.store.db;
  const put = async (body: unknown, headers: Record<string, string> = EN) =>
    t.request({ method: "PUT", url: "/api/me/contact", cookie: await t.login("teller1"), body, headers });
  const get = async () => t.request({ method: "GET", url: "/api/me/contact", cookie: await t.login("teller1") });

  beforeAll(async () => {
    t = await startTestServer(kind);
    tellerId = (await db().selectFrom("users").select("id").where("username", "=", "teller1").executeTakeFirstOrThrow())
      .id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("starts with nothing of their own, both channels wanted, the branch's language", async () => {
    const res = await get();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ phone: null, email: null, lang: null, channels: ["email", "sms"] });
    expect(Object.keys(res.json().account).sort()).toEqual(["email", "phone"]);
  });

  it("saves phone, e-mail, channels and language, answers them unmasked, and audits what changed", async () => {
    const res = await put({ phone: "138 1234 5678", email: "li.teller@bank.example", lang: "en", channels: ["email"] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      phone: "+8613812345678",
      email: "li.teller@bank.example",
      lang: "en",
      channels: ["email"],
    });
    expect((await get()).json()).toMatchObject({ phone: "+8613812345678", lang: "en", channels: ["email"] });
    const line = await db()
      .selectFrom("audit_log")
      .select(["actor_id", "details", "entity_id"])
      .where("action", "=", "staff.contact.set")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(line.actor_id).toBe(tellerId);
    expect(line.entity_id).toBe(tellerId);
    expect(JSON.parse(line.details ?? "{}")).toEqual({ phone: true, email: true, lang: "en", channels: ["email"] });
    // The audit line says what changed, never the number or the address.
    expect(line.details).not.toContain("13812345678");
    expect(line.details).not.toContain("li.teller");
  });

  it("sends notices only on the channels chosen", async () => {
    expect(await staffContact(db(), tellerId)).toEqual({ email: "li.teller@bank.example", phone: null });
    expect((await put({ phone: "13812345678", email: "li.teller@bank.example", channels: ["sms"] })).statusCode).toBe(
      200,
    );
    expect(await staffContact(db(), tellerId)).toEqual({ email: null, phone: "+8613812345678" });
    expect((await put({ phone: "13812345678", email: "li.teller@bank.example", channels: [] })).statusCode).toBe(200);
    expect(await staffContact(db(), tellerId)).toEqual({ email: null, phone: null });
    // Without `channels` the choice stays as it was.
    expect((await put({ phone: "13812345678", email: null })).json().channels).toEqual([]);
    expect(
      (await put({ phone: "13812345678", email: "li.teller@bank.example", channels: ["email", "sms"] })).statusCode,
    ).toBe(200);
    expect(await staffContact(db(), tellerId)).toEqual({ email: "li.teller@bank.example", phone: "+8613812345678" });
  });

  it("refuses a bad phone, a landline for SMS, a bad e-mail and a channel with no address, in Chinese and English", async () => {
    const cases: Array<{ body: unknown; code: string; en: RegExp; zh: RegExp }> = [
      { body: { phone: "12345", email: null }, code: "invalid_phone", en: /valid phone/, zh: /手机号码无效/ },
      {
        body: { phone: "010 6512 3456", email: null, channels: ["sms"] },
        code: "invalid_phone",
        en: /mobile phone/,
        zh: /固定电话/,
      },
      { body: { phone: null, email: "not-an-address" }, code: "invalid_request", en: /e-mail address/, zh: /电子邮件/ },
      {
        body: { phone: null, email: "li.teller@bank.example", channels: ["email", "sms"] },
        code: "invalid_request",
        en: /SMS, give a mobile/,
        zh: /短信提醒/,
      },
      { body: { phone: null, email: null, lang: "fr" }, code: "validation", en: /./, zh: /[\u4e00-\u9fff]/ },
    ];
    // Whatever the account holds, SMS with no phone given here needs the account's: take it away.
    await db().updateTable("users").set({ phone: null }).where("id", "=", tellerId).execute();
    const before = await get();
    for (const c of cases) {
      const en = await put(c.body, EN);
      expect(en.statusCode, JSON.stringify(c.body)).toBe(400);
      const zh = await put(c.body, ZH);
      expect(zh.statusCode).toBe(400);
      if (c.code !== "validation") {
        expect(en.json()).toMatchObject({ error: c.code });
        expect(en.json().message).toMatch(c.en);
        expect(zh.json().message).toMatch(c.zh);
      } else expect(zh.json().message).toMatch(c.zh);
    }
    // Nothing was changed by the refused requests.
    expect((await get()).json()).toEqual(before.json());
    // A landline is fine when SMS is not wanted (e-mail only).
    const landline = await put({ phone: "010 6512 3456", email: "li.teller@bank.example", channels: ["email"] });
    expect(landline.statusCode, landline.body).toBe(200);
    expect(landline.json().phone).toBe("+861065123456");
  });

  it("is the signed-in member's own: a device or nobody gets 401/403", async () => {
    expect((await t.request({ method: "GET", url: "/api/me/contact" })).statusCode).toBe(401);
    expect(
      (await t.request({ method: "PUT", url: "/api/me/contact", body: { phone: null, email: null } })).statusCode,
    ).toBe(401);
  });
});
