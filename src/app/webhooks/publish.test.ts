import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/support/databases.ts";
import { makeTestContext, type TestContext } from "../test-context.ts";
import { publishAppointmentEvent } from "./publish.ts";

describe.each(DB_KINDS)("publishAppointmentEvent on %s", (kind) => {
  let t: TestContext;
  beforeEach(async () => {
    t = await makeTestContext(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  const subscribe = (id: string, eventTypes: string[], allowPersonalData: boolean, branchId: string | null) =>
    t.ctx.store.db
      .insertInto("webhook_subscriptions")
      .values({
        id,
        url: `http://127.0.0.1:9/${id}`,
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        event_types: JSON.stringify(eventTypes),
        branch_id: branchId,
        allow_personal_data: allowPersonalData ? 1 : 0,
        active: 1,
        description: "",
        created_at: t.clock.now,
      })
      .execute();

  it("writes one delivery per matching subscription, with personal data only where allowed", async () => {
    await subscribe("crm", ["appointment.*"], true, t.branchId);
    await subscribe("bi", ["*"], false, null);
    await subscribe("tickets-only", ["ticket.*"], true, null);
    await subscribe("other-branch", ["*"], true, "elsewhere");
    const n = await t.ctx.store.write((tx) =>
      publishAppointmentEvent(tx, t.ctx, {
        type: "appointment.booked",
        branchId: t.branchId,
        appointment: { id: "a1", code: "K7Q2" },
        customer: { id: "c1", name: "张三", phone: "+8613812345678" },
      }),
    );
    expect(n).toBe(2);
    const rows = await t.ctx.store.db.selectFrom("webhook_deliveries").selectAll().execute();
    const bySub = new Map(rows.map((r) => [r.subscription_id, JSON.parse(r.payload)]));
    expect([...bySub.keys()].sort()).toEqual(["bi", "crm"]);
    expect(bySub.get("crm")).toMatchObject({
      type: "appointment.booked",
      data: { appointment: { code: "K7Q2" }, customer: { phone: "+8613812345678", name: "张三" } },
    });
    expect(bySub.get("bi").data.customer).toEqual({ id: "c1" });
    expect(JSON.stringify(bySub.get("bi"))).not.toContain("13812345678");
  });

  it("writes nothing when the booking's transaction rolls back", async () => {
    await subscribe("crm", ["*"], true, null);
    await expect(
      t.ctx.store.write(async (tx) => {
        await publishAppointmentEvent(tx, t.ctx, {
          type: "appointment.cancelled",
          branchId: t.branchId,
          appointment: { id: "a1" },
        });
        throw new Error("refused");
      }),
    ).rejects.toThrow();
    expect(await t.ctx.store.db.selectFrom("webhook_deliveries").selectAll().execute()).toHaveLength(0);
  });
});
