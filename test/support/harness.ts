import type { LightMyRequestResponse } from "fastify";
import { branchSetupChanged } from "../../src/app/appointments/slot-state.ts";
import type { DemoLogins } from "../../src/app/seed-demo.ts";
import { seedDemo } from "../../src/app/seed-demo.ts";
// One password and one start time for every test (09:30 in Shanghai on a Monday: the branch is open); the seeded
// template databases are made with them.
import { START, seededDemoDatabase, TEST_PASSWORD } from "../../src/app/test-context.ts";
import { buildServer, type Server, type ServerOptions } from "../../src/http/server.ts";
import { migrateToLatest, openStore } from "../../src/store/connect.ts";
import { checkAnswers } from "./answer-check.ts";
import type { DbKind } from "./databases.ts";

export { START, TEST_PASSWORD };

export interface TestServer {
  readonly server: Server;
  readonly demo: DemoLogins;
  readonly location: string;
  readonly branchId: string;
  /** The server's clock: tests move time instead of waiting. */
  readonly clock: { now: number; advance(ms: number): void };
  /** Session cookie header of a demo user. */
  login(username: string): Promise<string>;
  request(opts: {
    method: string;
    url: string;
    cookie?: string;
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
  }): Promise<LightMyRequestResponse>;
  deviceToken(kind: "kiosk" | "display" | "rating_pad"): string;
  close(): Promise<void>;
}

export async function startTestServer(
  kind: DbKind,
  existing?: string,
  options: Pick<ServerOptions, "logger" | "trustProxy" | "secureCookies" | "publicUrl" | "webRoot"> = {},
): Promise<TestServer> {
  // A fresh database is a copy of the seeded demo (the same rows `seedDemo` writes at START with TEST_PASSWORD);
  // an existing one is brought up to date and seeded here.
  const copy = existing ? undefined : await seededDemoDatabase(kind);
  const db = copy ?? { location: existing as string, drop: async () => {} };
  const store = openStore(db.location);
  if (!copy) await migrateToLatest(store);
  const clock = {
    now: START,
    advance(ms: number) {
      this.now += ms;
    },
  };
  const server = await buildServer({ store, clock: () => clock.now, ...options });
  const answers = checkAnswers(server.app);
  const demo = copy?.built ?? (await seedDemo(server.ctx, TEST_PASSWORD));
  const cookies = new Map<string, string>();
  const t: TestServer = {
    server,
    demo,
    location: db.location,
    branchId: demo.branchId,
    clock,
    async login(username) {
      const hit = cookies.get(username);
      if (hit) return hit;
      const res = await server.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { username, password: TEST_PASSWORD },
      });
      if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
      const set = res.cookies.find((c) => c.name === "datang_session");
      if (!set) throw new Error("no session cookie");
      const cookie = `datang_session=${set.value}`;
      cookies.set(username, cookie);
      return cookie;
    },
    request({ method, url, cookie, token, body, headers }) {
      return server.app.inject({
        method: method as "GET",
        url,
        headers: {
          // As a browser on the app's own pages sends it with every request (see src/http/same-origin.ts).
          ...(cookie ? { cookie, origin: "http://localhost" } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        ...(body === undefined ? {} : { payload: body as object }),
      });
    },
    deviceToken(kindName) {
      const d = demo.devices.find((x) => x.kind === kindName);
      if (!d) throw new Error(`no demo ${kindName}`);
      return d.token;
    },
    async close() {
      await server.close();
      await store.close();
      await db.drop();
      if (answers.mismatches.length > 0) {
        throw new Error(
          `Response schemas changed ${answers.mismatches.length} answers:\n${answers.mismatches.join("\n")}`,
        );
      }
    },
  };
  return t;
}

/** Ids of the demo branch's business types by code, and counters by number. */
export async function demoIds(
  t: TestServer,
): Promise<{ services: Map<string, string>; counters: Map<number, string> }> {
  const cookie = await t.login("manager");
  const services = (
    await t.request({ method: "GET", url: `/api/branches/${t.branchId}/services`, cookie })
  ).json() as Array<{ id: string; code: string }>;
  const counters = (
    await t.request({ method: "GET", url: `/api/branches/${t.branchId}/counters`, cookie })
  ).json() as Array<{ id: string; number: number }>;
  return {
    services: new Map(services.map((s) => [s.code, s.id])),
    counters: new Map(counters.map((c) => [c.number, c.id])),
  };
}

/** A walk-in ticket of a business type, taken at the demo kiosk; throws unless it was issued (201). */
export async function issueAtKiosk(
  t: TestServer,
  serviceId: string | undefined,
): Promise<{ id: string; number: string }> {
  const res = await t.request({
    method: "POST",
    url: `/api/branches/${t.branchId}/tickets`,
    token: t.deviceToken("kiosk"),
    body: { serviceId },
  });
  if (res.statusCode !== 201) throw new Error(`issuing a ticket: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; number: string };
}

/**
 * Closes the demo branch on Sundays (its other days as seeded). The demo opens on Sunday afternoons; a test whose
 * rule is about a closed day (deadlines moving past it, no slots, no history) sets that day up itself with this.
 */
export async function closeOnSundays(t: Pick<TestServer, "server" | "branchId">, branchId = t.branchId): Promise<void> {
  const ctx = t.server.ctx;
  await ctx.store.write(async (tx, afterCommit) => {
    const row = await tx
      .selectFrom("branches")
      .select("opening_hours")
      .where("id", "=", branchId)
      .executeTakeFirstOrThrow();
    const hours = { ...(JSON.parse(row.opening_hours) as Record<string, unknown>), "0": null };
    await tx
      .updateTable("branches")
      .set({ opening_hours: JSON.stringify(hours) })
      .where("id", "=", branchId)
      .execute();
    await branchSetupChanged(tx, afterCommit, ctx, branchId);
  });
}
