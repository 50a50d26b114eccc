import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, type Server } from "../src/http/server.ts";
import { openStore } from "../src/store/connect.ts";
import type { Store } from "../src/store/store.ts";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, type TestServer } from "./support/harness.ts";

describe.each(DB_KINDS)("knowledge base API on %s", (kind) => {
  let t: TestServer;
  let admin: string;
  let teller: string;
  /** A second instance on the same database: its index must follow the first one's changes. */
  let other: Server;
  let otherStore: Store;

  beforeAll(async () => {
    t = await startTestServer(kind);
    admin = await t.login("admin");
    teller = await t.login("teller1");
    otherStore = openStore(t.location);
    other = await buildServer({ store: otherStore, clock: () => t.clock.now });
  });
  afterAll(async () => {
    await other?.close();
    await otherStore?.close();
    await t?.close();
  });

  const search = async (q: string, cookie = teller, server: Server = t.server) => {
    const res = await server.app.inject({
      method: "GET",
      url: `/api/knowledge/search?q=${encodeURIComponent(q)}`,
      headers: { cookie },
    });
    expect(res.statusCode).toBe(200);
    return (res.json() as { results: Array<{ id: string; score: number; titleZh: string; titleEn: string }> }).results;
  };
  const auditActions = async () =>
    (await t.server.ctx.store.db.selectFrom("audit_log").select(["action", "actor_name"]).execute()).filter((r) =>
      r.action.startsWith("knowledge."),
    );

  it("lists the demo FAQ to any staff member, and refuses callers without a session", async () => {
    const res = await t.request({ method: "GET", url: "/api/knowledge/articles", cookie: teller });
    expect(res.statusCode).toBe(200);
    const list = res.json() as Array<{ id: string; titleZh: string; titleEn: string; status: string }>;
    expect(list.length).toBeGreaterThanOrEqual(40);
    expect(list.every((a) => a.titleZh && a.titleEn && a.status === "published")).toBe(true);
    expect((await t.request({ method: "GET", url: "/api/knowledge/articles" })).statusCode).toBe(401);
  });

  it("finds the lost-card article from colloquial Chinese, traditional characters, pinyin and English", async () => {
    for (const q of ["银行卡丢了怎么办", "銀行卡丟了", "yinhangka diule", "guashi", "my card was stolen"]) {
      expect((await search(q))[0]?.id, q).toBe("faq-card-lost");
    }
  });

  it("creates an article (admin only), searchable at once here and on the other instance, and audited", async () => {
    const body = {
      titleZh: "数字人民币钱包怎么开通",
      titleEn: "Opening a digital yuan wallet",
      bodyZh: "在数字人民币App中选择本行，验证手机号即可开通钱包。",
      bodyEn: "In the e-CNY app choose our bank and verify your phone number.",
      questions: ["数币钱包"],
      category: "digital",
    };
    const refused = await t.request({ method: "POST", url: "/api/knowledge/articles", cookie: teller, body });
    expect(refused.statusCode).toBe(403);
    // The other instance has built its index before the change.
    expect((await search("数字人民币钱包", teller, other))[0]?.id).not.toBe(undefined);

    const res = await t.request({ method: "POST", url: "/api/knowledge/articles", cookie: admin, body });
    expect(res.statusCode).toBe(201);
    const { id } = res.json() as { id: string };
    expect((await search("数字人民币钱包"))[0]?.id).toBe(id);
    expect((await search("shuzi renminbi qianbao", teller, other))[0]?.id).toBe(id);
    expect(await auditActions()).toContainEqual({ action: "knowledge.create", actor_name: "admin" });
  });

  it("refuses an article without a title or a body, changing nothing", async () => {
    const before = (await t.request({ method: "GET", url: "/api/knowledge/articles", cookie: admin })).json().length;
    for (const body of [
      { bodyZh: "正文" },
      { titleZh: "标题" },
      { titleZh: "", bodyZh: "正文" },
      { titleZh: "标题", bodyZh: "   " },
    ]) {
      const res = await t.request({ method: "POST", url: "/api/knowledge/articles", cookie: admin, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ error: "invalid_request", message: expect.any(String) });
    }
    expect((await t.request({ method: "GET", url: "/api/knowledge/articles", cookie: admin })).json().length).toBe(
      before,
    );
  });

  it("versions each change with who changed which fields; a draft or deleted article is no longer found", async () => {
    const created = await t.request({
      method: "POST",
      url: "/api/knowledge/articles",
      cookie: admin,
      body: { titleZh: "保管箱租用", bodyZh: "保管箱按年租用，需本人办理。" },
    });
    const { id } = created.json() as { id: string };
    expect((await search("保管箱"))[0]?.id).toBe(id);

    const patched = await t.request({
      method: "PATCH",
      url: `/api/knowledge/articles/${id}`,
      cookie: admin,
      body: { titleEn: "Safe deposit boxes", status: "draft" },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ version: 2, status: "draft", titleEn: "Safe deposit boxes" });
    expect((await search("保管箱")).map((r) => r.id)).not.toContain(id);
    expect((await search("保管箱", teller, other)).map((r) => r.id)).not.toContain(id);

    await t.request({
      method: "PATCH",
      url: `/api/knowledge/articles/${id}`,
      cookie: admin,
      body: { status: "published" },
    });
    expect((await search("safe deposit box", teller, other))[0]?.id).toBe(id);

    const versions = await t.request({ method: "GET", url: `/api/knowledge/articles/${id}/versions`, cookie: teller });
    expect(versions.json()).toMatchObject([
      { version: 3, changed: ["status"], actorName: "admin" },
      { version: 2, changed: ["titleEn", "status"], actorName: "admin" },
      { version: 1, changed: ["created"], actorName: "admin" },
    ]);

    expect(
      (await t.request({ method: "DELETE", url: `/api/knowledge/articles/${id}`, cookie: teller })).statusCode,
    ).toBe(403);
    expect(
      (await t.request({ method: "DELETE", url: `/api/knowledge/articles/${id}`, cookie: admin })).statusCode,
    ).toBe(204);
    expect((await search("保管箱", teller, other)).map((r) => r.id)).not.toContain(id);
    expect((await t.request({ method: "GET", url: `/api/knowledge/articles/${id}`, cookie: admin })).statusCode).toBe(
      404,
    );
    expect(
      (await t.request({ method: "DELETE", url: `/api/knowledge/articles/${id}`, cookie: admin })).statusCode,
    ).toBe(404);
    const actions = (await auditActions()).map((a) => a.action);
    expect(actions.filter((a) => a === "knowledge.update")).toHaveLength(2);
    expect(actions).toContain("knowledge.delete");
  });

  it("applies staff edits of the synonym list to the next search", async () => {
    // 打烊 (closing time) is in no article: before the edit nothing ties it to the opening hours.
    expect((await search("打烊没"))[0]?.id).not.toBe("faq-hours-branch");
    const groups = [
      ["营业时间", "打烊"],
      ["挂失", "lost card"],
    ];
    const res = await t.request({ method: "PUT", url: "/api/knowledge/synonyms", cookie: admin, body: { groups } });
    expect(res.statusCode).toBe(200);
    expect((await t.request({ method: "GET", url: "/api/knowledge/synonyms", cookie: teller })).json()).toEqual({
      groups,
    });
    expect((await search("打烊没"))[0]?.id).toBe("faq-hours-branch");
    expect((await search("打烊没", teller, other))[0]?.id).toBe("faq-hours-branch");
    expect(
      (await t.request({ method: "PUT", url: "/api/knowledge/synonyms", cookie: teller, body: { groups: [] } }))
        .statusCode,
    ).toBe(403);
    expect(await auditActions()).toContainEqual({ action: "knowledge.synonyms", actor_name: "admin" });
  });

  it("exports CSV and Markdown, and imports CSV all or nothing", async () => {
    const csv = await t.request({ method: "GET", url: "/api/knowledge/export", cookie: teller });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.body).toContain("银行卡丢失或被盗，如何挂失");
    const md = await t.request({ method: "GET", url: "/api/knowledge/export?format=md", cookie: teller });
    expect(md.body).toContain("## 银行卡丢失或被盗，如何挂失 / Report a lost or stolen card");

    const content = [
      "id,category,status,titleZh,titleEn,bodyZh,bodyEn,questions,keywords",
      'faq-hours-branch,branch,published,网点营业时间,Branch opening hours,"周一至周日 9:00–17:00，""全年无休""",Open every day,几点开门|营业时间吗,营业时间',
      ",payments,published,水电煤缴费,Paying utility bills,可在手机银行生活缴费中缴纳水电煤费用。,Pay in the app.,交电费,缴费|bills",
    ].join("\n");
    const imported = await t.request({
      method: "POST",
      url: "/api/knowledge/import",
      cookie: admin,
      body: { format: "csv", content },
    });
    expect(imported.json()).toEqual({ created: 1, updated: 1, unchanged: 0 });
    const hours = (
      await t.request({ method: "GET", url: "/api/knowledge/articles/faq-hours-branch", cookie: admin })
    ).json();
    expect(hours).toMatchObject({ bodyZh: '周一至周日 9:00–17:00，"全年无休"', questions: ["几点开门", "营业时间吗"] });
    expect((await search("交电费在哪交"))[0]?.titleZh).toBe("水电煤缴费");

    // A cell that starts like a formula is exported as text (a leading apostrophe) and imported back as it was.
    const formula = [
      "id,category,status,titleZh,titleEn,bodyZh,bodyEn,questions,keywords",
      'faq-formula,general,published,=1+1 是什么,@SUM,"=HYPERLINK(""http://x.example"",""点此"")",-3 and more,+号,',
    ].join("\n");
    expect(
      (
        await t.request({
          method: "POST",
          url: "/api/knowledge/import",
          cookie: admin,
          body: { format: "csv", content: formula },
        })
      ).statusCode,
    ).toBe(200);
    const exported = (await t.request({ method: "GET", url: "/api/knowledge/export", cookie: admin })).body;
    const line = exported.split("\r\n").find((l) => l.startsWith("faq-formula,")) ?? "";
    expect(line).toBe(
      'faq-formula,general,published,\'=1+1 是什么,\'@SUM,"\'=HYPERLINK(""http://x.example"",""点此"")",\'-3 and more,\'+号,',
    );
    const reimported = await t.request({
      method: "POST",
      url: "/api/knowledge/import",
      cookie: admin,
      body: { format: "csv", content: exported },
    });
    expect(reimported.statusCode).toBe(200);
    expect(
      (await t.request({ method: "GET", url: "/api/knowledge/articles/faq-formula", cookie: admin })).json(),
    ).toMatchObject({
      titleZh: "=1+1 是什么",
      titleEn: "@SUM",
      bodyZh: '=HYPERLINK("http://x.example","点此")',
      bodyEn: "-3 and more",
      questions: ["+号"],
    });

    const count = (await t.request({ method: "GET", url: "/api/knowledge/articles", cookie: admin })).json().length;
    const bad = [
      "id,category,status,titleZh,titleEn,bodyZh,bodyEn,questions,keywords",
      ",payments,published,一篇好的,,正文,,,",
      ",payments,published,,,没有标题,,,",
    ].join("\n");
    const refused = await t.request({
      method: "POST",
      url: "/api/knowledge/import",
      cookie: admin,
      body: { format: "csv", content: bad },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().details).toEqual({ row: 2 });
    expect((await t.request({ method: "GET", url: "/api/knowledge/articles", cookie: admin })).json().length).toBe(
      count,
    );
  });

  it("round-trips the whole knowledge base through a Markdown export and import, and refuses a broken file", async () => {
    const before = (await t.request({ method: "GET", url: "/api/knowledge/articles", cookie: admin })).json() as Array<
      Record<string, unknown>
    >;
    const md = await t.request({ method: "GET", url: "/api/knowledge/export?format=md", cookie: admin });
    expect(md.statusCode).toBe(200);
    // Edit one article in the file, as a reviewer would, and import it back.
    const edited = md.body.replace(
      "- titleEn: Branch opening hours",
      "- titleEn: Branch hours, reviewed by compliance",
    );
    expect(edited).not.toBe(md.body);
    const imported = await t.request({
      method: "POST",
      url: "/api/knowledge/import",
      cookie: admin,
      body: { format: "md", content: edited },
    });
    expect(imported.statusCode).toBe(200);
    expect(imported.json()).toEqual({ created: 0, updated: 1, unchanged: before.length - 1 });
    const after = (await t.request({ method: "GET", url: "/api/knowledge/articles", cookie: admin })).json() as Array<
      Record<string, unknown>
    >;
    const fields = ["id", "titleZh", "bodyZh", "bodyEn", "questions", "keywords", "category", "status"];
    const pick = (a: Record<string, unknown>) => Object.fromEntries(fields.map((f) => [f, a[f]]));
    expect(after.map(pick)).toEqual(before.map(pick));
    expect(after.find((a) => a.id === "faq-hours-branch")?.titleEn).toBe("Branch hours, reviewed by compliance");
    expect((await search("reviewed by compliance"))[0]?.id).toBe("faq-hours-branch");

    const broken = "## 没有正文\n\n- titleZh: 没有正文\n";
    const refused = await t.request({
      method: "POST",
      url: "/api/knowledge/import",
      cookie: admin,
      body: { format: "md", content: broken },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().details).toEqual({ row: 1 });
    const byTeller = await t.request({
      method: "POST",
      url: "/api/knowledge/import",
      cookie: teller,
      body: { format: "md", content: edited },
    });
    expect(byTeller.statusCode).toBe(403);
  });
});
