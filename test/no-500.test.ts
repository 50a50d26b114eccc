import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

/** Odd bodies: empty, unknown fields, wrong types everywhere, deep nesting, strings where objects go. */
const BODIES: unknown[] = [
  {},
  { x: 1 },
  { serviceId: 1, priority: [], counterId: {}, position: "middle", rating: null, reason: 5 },
  { number: "一", kind: "窗口", skills: "all", state: true, password: 1, roles: "admin", branchIds: [1] },
  { a: { b: { c: { d: { e: [[[[]]]] } } } } },
  "just a string",
  [1, 2, 3],
  null,
];
/** Odd path segments: unknown, SQL-looking, very long, Chinese and emoji, an encoded slash. */
const IDS = ["unknown", "1' OR '1'='1", "x".repeat(300), "大堂🏦", "a%2Fb"];

/**
 * "No input ever produces a 500": every route of the OpenAPI document, as the admin (who passes every
 * access check), with odd path ids and odd bodies. Each answer is a 4xx (or a success) in the error shape.
 */
describe.each(DB_KINDS)("no 500 from any input on %s", (kind) => {
  let t: TestServer;
  let routes: string[];
  let real: Record<string, string>;

  beforeAll(async () => {
    t = await startTestServer(kind);
    const doc = (await t.request({ method: "GET", url: "/api/openapi.json" })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      // Streams stay open (their inputs are tested in events.test.ts); logging out would end the admin's session.
      .filter((r) => !r.endsWith("/events") && r !== "POST /api/auth/logout");
    const ids = await demoIds(t);
    const issued = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/tickets`,
      token: t.deviceToken("kiosk"),
      body: { serviceId: ids.services.get("CASH") },
    });
    real = {
      branchId: t.branchId,
      serviceId: ids.services.get("CASH") as string,
      counterId: ids.counters.get(3) as string,
      ticketId: issued.json().id,
      token: "zh-qing",
      day: "2026-12-24",
    };
  });
  afterAll(() => t?.close());

  it("answers every route with odd ids and odd bodies without a 500", async () => {
    const admin = await t.login("admin");
    let calls = 0;
    for (const route of routes) {
      const [method = "GET", path = ""] = route.split(" ");
      const urls = [
        path.replace(/\{(\w+)\}/g, (_m, name: string) => real[name] ?? "unknown"),
        ...IDS.map((id) => path.replace(/\{(\w+)\}/g, () => encodeURIComponent(id))),
      ];
      for (const url of [...new Set(urls)]) {
        const queries =
          method === "GET" ? ["", "?limit=-1&before=x&date=2026-13-45&branchId=%00&lastEventId=9e99"] : [""];
        for (const [body, query] of (method === "GET" ? [undefined] : BODIES).flatMap((b) =>
          queries.map((q) => [b, q] as const),
        )) {
          const res = await t.request({
            method,
            url: `${url}${query}`,
            cookie: admin,
            ...(body === undefined
              ? {}
              : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
          });
          calls++;
          expect(res.statusCode, `${route} ${url} ${JSON.stringify(body)}: ${res.body}`).toBeLessThan(500);
          // Still signed in: every answer is about the input, not about a lost session.
          // (A customer's chat answers 401 without the conversation's own token, whoever else is signed in.)
          if (route !== "POST /api/auth/login" && !route.includes("/api/public/chat/"))
            expect(res.statusCode, `${route} ${url}`).not.toBe(401);
          if (res.statusCode >= 400)
            expect(res.json(), `${route} ${url}`).toMatchObject({
              error: expect.any(String),
              message: expect.any(String),
            });
        }
      }
    }
    expect(calls).toBeGreaterThan(1000);
    // Thousands of sequential requests over every route: a minute is too short on a loaded 2-core machine.
  }, 300_000);
});
