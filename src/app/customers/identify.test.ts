import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/support/databases.ts";
import { openStore } from "../../store/connect.ts";
import { createAppContext } from "../create-context.ts";
import { AppError } from "../errors.ts";
import { makeTestContext, type TestContext } from "../test-context.ts";
import { currentConsent, findOrCreateCustomer } from "./identify.ts";

describe.each(DB_KINDS)("findOrCreateCustomer on %s", (kind) => {
  let t: TestContext;
  beforeEach(async () => {
    t = await makeTestContext(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  const customers = async () => t.ctx.store.db.selectFrom("customers").selectAll().execute();

  it("stores the phone in E.164 and finds the same customer however the number is written", async () => {
    const first = await t.ctx.store.write((tx) =>
      findOrCreateCustomer(tx, t.ctx, { phone: "138 1234 5678", name: "张三", lang: "zh-CN" }),
    );
    const second = await t.ctx.store.write((tx) =>
      findOrCreateCustomer(tx, t.ctx, { phone: "+86-138-1234-5678", email: "zs@example.com" }),
    );
    expect(first).toMatchObject({ phone: "+8613812345678", name: "张三", created: true });
    expect(second).toMatchObject({ id: first.id, name: "张三", email: "zs@example.com", created: false });
    expect(await customers()).toHaveLength(1);
  });

  it("refuses a wrong phone or e-mail with a 400 and writes nothing", async () => {
    const attempt = (phone: string, email?: string) =>
      t.ctx.store.write((tx) => findOrCreateCustomer(tx, t.ctx, { phone, name: "x", email }));
    await expect(attempt("12345")).rejects.toMatchObject({ status: 400, code: "invalid_phone" });
    await expect(attempt("13812345678", "not-an-address")).rejects.toBeInstanceOf(AppError);
    expect(await customers()).toHaveLength(0);
  });

  it("keeps every consent with its time, channel and text version; the latest one counts", async () => {
    const c = await t.ctx.store.write((tx) =>
      findOrCreateCustomer(tx, t.ctx, {
        phone: "13812345678",
        consents: [
          { purpose: "service", granted: true, channel: "web", textVersion: "2026-01" },
          { purpose: "marketing", granted: true, channel: "web", textVersion: "2026-01" },
        ],
      }),
    );
    t.clock.advance(1000);
    await t.ctx.store.write((tx) =>
      findOrCreateCustomer(tx, t.ctx, {
        phone: "13812345678",
        consents: [{ purpose: "marketing", granted: false, channel: "staff", textVersion: "2026-02" }],
      }),
    );
    expect(await currentConsent(t.ctx.store.db, c.id, "service")).toBe(true);
    expect(await currentConsent(t.ctx.store.db, c.id, "marketing")).toBe(false);
    const rows = await t.ctx.store.db.selectFrom("customer_consents").selectAll().orderBy("id").execute();
    expect(rows.map((r) => [r.purpose, r.granted, r.channel, r.text_version])).toEqual([
      ["service", 1, "web", "2026-01"],
      ["marketing", 1, "web", "2026-01"],
      ["marketing", 0, "staff", "2026-02"],
    ]);
  });

  it("never makes two customers of one phone under 50 parallel identifications (two stores on the database)", async () => {
    const other = openStore(t.location);
    const otherCtx = createAppContext({ store: other, clock: () => t.clock.now });
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => {
          const ctx = i % 2 === 0 ? t.ctx : otherCtx;
          return ctx.store.write((tx) =>
            findOrCreateCustomer(tx, ctx, { phone: i % 3 === 0 ? "+8613900001111" : "139 0000 1111", name: `N${i}` }),
          );
        }),
      );
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await customers()).toHaveLength(1);
    } finally {
      otherCtx.lines.close();
      await other.close();
    }
  });
});
