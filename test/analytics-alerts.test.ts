import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateAlertRules } from "../src/app/analytics/alerts.ts";
import { renderMessage } from "../src/app/messages/render.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, type TestServer } from "./support/harness.ts";

const MINUTE = 60_000;

interface Rule {
  id: string;
  firing: boolean;
  currentValue: number | null;
  threshold: number;
}
interface Alert {
  id: string;
  ruleId: string;
  value: number;
  clearedAt: string | null;
  acknowledgedAt: string | null;
}

describe.each(DB_KINDS)("threshold alerts on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let ruleId: string;
  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    const admin = await t.login("admin");
    const users = (await t.request({ method: "GET", url: "/api/users", cookie: admin })).json() as Array<{
      id: string;
      username: string;
    }>;
    const manager = users.find((u) => u.username === "manager");
    const res = await t.request({
      method: "PATCH",
      url: `/api/users/${manager?.id}`,
      cookie: admin,
      body: { email: "manager@example.com", phone: "+8613812345678" },
    });
    expect(res.statusCode).toBe(200);
  });
  afterAll(() => t?.close());

  const rulesUrl = () => `/api/branches/${t.branchId}/analytics/alert-rules`;
  const alertsUrl = () => `/api/branches/${t.branchId}/analytics/alerts`;
  const alerts = async (who = "lobby") =>
    (await t.request({ method: "GET", url: alertsUrl(), cookie: await t.login(who) })).json() as Alert[];
  const outboxAlerts = () =>
    t.server.ctx.store.db
      .selectFrom("outbox")
      .select(["channel", "recipient", "related_id", "data", "kind", "lang"])
      .where("kind", "=", "analytics.alert")
      .orderBy("created_at")
      .orderBy("channel")
      .execute();

  it("rules are kept by branch managers and admins only, checked, and audited", async () => {
    const body = { metric: "meanWait", windowMinutes: 15, comparison: "above", threshold: 20 };
    for (const who of ["teller4", "lobby", "auditor"]) {
      const res = await t.request({ method: "POST", url: rulesUrl(), cookie: await t.login(who), body });
      expect(res.statusCode, who).toBe(403);
    }
    const manager = await t.login("manager");
    const zero = await t.request({
      method: "POST",
      url: rulesUrl(),
      cookie: manager,
      body: { ...body, windowMinutes: 0 },
    });
    expect(zero.statusCode).toBe(400);
    const share = await t.request({
      method: "POST",
      url: rulesUrl(),
      cookie: manager,
      body: { ...body, metric: "withinTargetShare", comparison: "below", threshold: 120 },
    });
    expect(share.statusCode).toBe(400);
    expect(share.json()).toMatchObject({ error: "invalid_request", details: { field: "threshold" } });
    const foreign = await t.request({
      method: "POST",
      url: rulesUrl(),
      cookie: manager,
      body: { ...body, serviceId: "no-such-service" },
    });
    expect(foreign.statusCode).toBe(400);
    const created = await t.request({ method: "POST", url: rulesUrl(), cookie: manager, body });
    expect(created.statusCode, created.body).toBe(201);
    const rule = created.json() as Rule;
    ruleId = rule.id;
    expect(rule).toMatchObject({ metric: "meanWait", windowMinutes: 15, threshold: 20, firing: false, active: true });
    const audit = await t.server.ctx.store.db
      .selectFrom("audit_log")
      .select(["action", "entity_id"])
      .where("action", "=", "alert_rule.create")
      .execute();
    expect(audit).toEqual([{ action: "alert_rule.create", entity_id: rule.id }]);
    expect((await t.request({ method: "GET", url: rulesUrl(), cookie: await t.login("teller4") })).statusCode).toBe(
      403,
    );
    expect((await t.request({ method: "GET", url: alertsUrl(), cookie: await t.login("teller4") })).statusCode).toBe(
      403,
    );
  });

  it("fires once per breach, tells the branch manager once, shows in the app, clears and fires again", async () => {
    const teller = await t.login("teller4");
    const counter = ids.counters.get(4) as string;
    const post = (url: string) => t.request({ method: "POST", url, cookie: teller });
    expect((await post(`/api/counters/${counter}/sign-in`)).statusCode).toBe(200);
    const cash = ids.services.get("CASH");

    // Nobody called yet: no figure, nothing fires.
    expect(await evaluateAlertRules(t.server.ctx)).toEqual([]);
    const a = await issueAtKiosk(t, cash);
    t.clock.advance(25 * MINUTE);
    expect((await post(`/api/counters/${counter}/call-next`)).json().ticket.id).toBe(a.id);
    // One wait of 25 minutes in the last 15: above 20. Two evaluations at once (two instances): one fires.
    const [first, second] = await Promise.all([evaluateAlertRules(t.server.ctx), evaluateAlertRules(t.server.ctx)]);
    expect([...(first ?? []), ...(second ?? [])]).toEqual([
      { ruleId, branchId: t.branchId, transition: "fire", value: 25, messages: 2 },
    ]);
    expect(await evaluateAlertRules(t.server.ctx)).toEqual([]);
    let rows = await outboxAlerts();
    expect(rows.map((r) => [r.channel, r.recipient])).toEqual([
      ["email", "manager@example.com"],
      ["sms", "+8613812345678"],
    ]);
    const text = renderMessage("analytics.alert", "zh-CN", JSON.parse(rows[0]?.data ?? "{}"), {}).text;
    expect(text).toContain("平均等候（近 15 分钟） 为 25 分钟，高于阈值 20 分钟");
    const en = renderMessage("analytics.alert", "en", JSON.parse(rows[0]?.data ?? "{}"), {}).text;
    expect(en).toContain("mean wait (last 15 min) is 25 min, above the threshold of 20 min");

    // The lobby and the branch manager see it open.
    let open = await alerts();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ ruleId, value: 25, clearedAt: null, acknowledgedAt: null });
    const listed = (
      await t.request({ method: "GET", url: rulesUrl(), cookie: await t.login("manager") })
    ).json() as Rule[];
    expect(listed[0]).toMatchObject({ firing: true, currentValue: 25 });

    // The breach lasts while nobody else is called: no figure in the window changes nothing.
    for (const action of ["start", "complete"])
      expect((await post(`/api/tickets/${a.id}/${action}`)).statusCode).toBe(200);
    t.clock.advance(16 * MINUTE);
    expect(await evaluateAlertRules(t.server.ctx)).toEqual([]);
    expect((await alerts())[0]?.clearedAt).toBeNull();

    // A short wait brings the mean of the window under the threshold: it clears and is armed again.
    const b = await issueAtKiosk(t, cash);
    t.clock.advance(5 * MINUTE);
    expect((await post(`/api/counters/${counter}/call-next`)).json().ticket.id).toBe(b.id);
    expect(await evaluateAlertRules(t.server.ctx)).toEqual([
      { ruleId, branchId: t.branchId, transition: "clear", value: 5, messages: 0 },
    ]);
    expect((await alerts())[0]?.clearedAt).not.toBeNull();
    for (const action of ["start", "complete"])
      expect((await post(`/api/tickets/${b.id}/${action}`)).statusCode).toBe(200);

    // A second breach fires again, once.
    const c = await issueAtKiosk(t, cash);
    t.clock.advance(30 * MINUTE);
    expect((await post(`/api/counters/${counter}/call-next`)).json().ticket.id).toBe(c.id);
    const again = await Promise.all([evaluateAlertRules(t.server.ctx), evaluateAlertRules(t.server.ctx)]);
    expect(again.flat().map((r) => [r.transition, r.value, r.messages])).toEqual([["fire", 30, 2]]);
    rows = await outboxAlerts();
    expect(rows).toHaveLength(4);
    open = await alerts();
    expect(open.map((x) => [x.value, x.clearedAt === null])).toEqual([
      [30, true],
      [25, false],
    ]);

    // The lobby manager acknowledges it (audited); it stays open until its breach clears.
    const ack = await t.request({
      method: "POST",
      url: `/api/analytics/alerts/${open[0]?.id}/acknowledge`,
      cookie: await t.login("lobby"),
    });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ clearedAt: null });
    expect(ack.json().acknowledgedAt).not.toBeNull();
    const acked = await t.server.ctx.store.db
      .selectFrom("audit_log")
      .select("entity_id")
      .where("action", "=", "alert.acknowledge")
      .execute();
    expect(acked).toEqual([{ entity_id: open[0]?.id }]);
  });

  it("a changed rule is armed again and judges from now; a removed one ends its alert", async () => {
    const manager = await t.login("manager");
    const changed = await t.request({
      method: "PATCH",
      url: `/api/analytics/alert-rules/${ruleId}`,
      cookie: manager,
      body: { threshold: 40 },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ threshold: 40, firing: false });
    expect((await alerts()).every((a) => a.clearedAt !== null)).toBe(true);
    // 30 is not above 40.
    expect(await evaluateAlertRules(t.server.ctx)).toEqual([]);
    const lower = await t.request({
      method: "PATCH",
      url: `/api/analytics/alert-rules/${ruleId}`,
      cookie: manager,
      body: { threshold: 10 },
    });
    expect(lower.statusCode).toBe(200);
    expect((await evaluateAlertRules(t.server.ctx)).map((r) => r.transition)).toEqual(["fire"]);
    const removed = await t.request({ method: "DELETE", url: `/api/analytics/alert-rules/${ruleId}`, cookie: manager });
    expect(removed.statusCode).toBe(204);
    expect((await alerts()).every((a) => a.clearedAt !== null)).toBe(true);
    expect(await evaluateAlertRules(t.server.ctx)).toEqual([]);
    const gone = await t.request({ method: "DELETE", url: `/api/analytics/alert-rules/${ruleId}`, cookie: manager });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().message).toContain("Alert rule");
  });

  it("counts waiting people and no-shows per business type", async () => {
    const manager = await t.login("manager");
    const card = ids.services.get("CARD") ?? [...ids.services.values()][1];
    const created = await t.request({
      method: "POST",
      url: rulesUrl(),
      cookie: manager,
      body: { metric: "waitingCount", windowMinutes: 5, comparison: "above", threshold: 1, serviceId: card },
    });
    expect(created.statusCode, created.body).toBe(201);
    await issueAtKiosk(t, card);
    expect(await evaluateAlertRules(t.server.ctx)).toEqual([]);
    await issueAtKiosk(t, ids.services.get("CASH"));
    // Two waiting, but one is cash: still 1.
    expect(await evaluateAlertRules(t.server.ctx)).toEqual([]);
    await issueAtKiosk(t, card);
    expect((await evaluateAlertRules(t.server.ctx)).map((r) => [r.transition, r.value])).toEqual([["fire", 2]]);
  });
});
