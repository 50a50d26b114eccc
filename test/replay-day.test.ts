import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadReplayDay, simulateReplay } from "../src/app/planning/replay-day.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";
import { SERVER_BUNDLE } from "./support/server-bundle.ts";

const ROOT = join(import.meta.dirname, "..");
const run = promisify(execFile);
const MIN = 60_000;
const DAY = "2026-11-23";

describe.each(DB_KINDS)("replaying a real branch-day on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let kiosk: string;
  let manager: string;
  let lobby: string;
  let teller: string;
  /** What really happened, per ticket in issue order: issue time, service minutes, wait. */
  const real: Array<{ at: string; service: string; serviceMinutes: number; wait: number | null }> = [];

  const post = async (url: string, opts: { cookie?: string; token?: string; body?: unknown } = {}) => {
    const res = await t.request({ method: "POST", url, ...opts });
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
    return res.statusCode === 204 ? undefined : res.json();
  };
  const issue = async (code: string): Promise<string> =>
    (
      await post(`/api/branches/${t.branchId}/tickets`, {
        token: kiosk,
        body: { serviceId: ids.services.get(code) },
      })
    ).id;
  const callNext = async (): Promise<string> =>
    (await post(`/api/counters/${ids.counters.get(1)}/call-next`, { cookie: teller })).ticket.id;
  /** Call → walk to the counter → serve → done, moving the test clock. */
  const serve = async (walkMs: number, serviceMs: number): Promise<string> => {
    const id = await callNext();
    t.clock.advance(walkMs);
    await post(`/api/tickets/${id}/start`, { cookie: teller });
    t.clock.advance(serviceMs);
    await post(`/api/tickets/${id}/complete`, { cookie: teller, body: {} });
    return id;
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    kiosk = t.deviceToken("kiosk");
    manager = await t.login("manager");
    lobby = await t.login("lobby");
    teller = await t.login("teller1");
    // The real day runs first come, first served, on one counter: the replay under fifo must then call in the
    // same order, and its waits differ only by what the trace leaves out.
    const patch = await t.request({
      method: "PATCH",
      url: `/api/branches/${t.branchId}`,
      cookie: manager,
      body: { dispatchPolicy: "fifo" },
    });
    expect(patch.statusCode).toBe(200);
    await post(`/api/counters/${ids.counters.get(1)}/sign-in`, { cookie: teller });

    // 09:30:00 (START): A (cash) and B (transfer) arrive.
    await issue("CASH");
    await issue("TRANSFER");
    await serve(30_000, 4 * MIN); // A: called 09:30:00, walks 30 s, served 09:30:30–09:34:30
    await issue("CASH"); // C at 09:34:30
    const b = await callNext(); // B: called 09:34:30 (waited 4.5)
    t.clock.advance(30_000);
    await post(`/api/tickets/${b}/start`, { cookie: teller });
    t.clock.advance(2 * MIN);
    const f = await issue("TRANSFER"); // F at 09:37:00, leaves a minute later, uncalled
    t.clock.advance(MIN);
    await post(`/api/tickets/${f}/cancel`, { cookie: lobby, body: {} });
    t.clock.advance(3 * MIN);
    await post(`/api/tickets/${b}/complete`, { cookie: teller, body: {} }); // B served 09:35:00–09:41:00
    await serve(0, 3 * MIN); // C: called 09:41:00 (waited 6.5), served to 09:44:00
    t.clock.advance(6 * MIN);
    await issue("CASH"); // D at 09:50:00, to an idle counter
    await serve(0, 2 * MIN); // D: waited 0, served to 09:52:00
    expect(t.clock.now).toBe(Date.parse("2026-11-23T01:52:00Z"));
    real.push(
      { at: "09:30:00", service: "CASH", serviceMinutes: 4, wait: 0 },
      { at: "09:30:00", service: "TRANSFER", serviceMinutes: 6, wait: 4.5 },
      { at: "09:34:30", service: "CASH", serviceMinutes: 3, wait: 6.5 },
      { at: "09:37:00", service: "TRANSFER", serviceMinutes: 6, wait: null },
      { at: "09:50:00", service: "CASH", serviceMinutes: 2, wait: 0 },
    );
  });
  afterAll(() => t?.close());

  it("builds a scenario with exactly the day's customers, minutes and service times", async () => {
    const replay = await loadReplayDay(t.server.ctx.store.db, "SH001", DAY);
    const s = replay.scenario;
    if (s.arrivals.kind !== "trace") throw new Error("expected a trace");
    expect(s.arrivals.customers.map((c) => [c.minute, c.serviceId, c.priority, c.serviceMinutes])).toEqual(
      real.map((r) => {
        const [h, m, sec] = r.at.split(":").map(Number) as [number, number, number];
        return [h * 60 + m + sec / 60, r.service, "normal", r.serviceMinutes];
      }),
    );
    // Only counter 1 called anyone: it is the day's staffing, from its first call to its last completion.
    expect(s.counters.map((c) => [c.id, c.intervals])).toEqual([["C1", [[9 * 60 + 30, 9 * 60 + 52]]]]);
    expect(s.counters[0]?.skills.map((k) => k.serviceId).sort()).toEqual(["CASH", "TRANSFER"]);
    expect(s.openMinute).toBe(9 * 60);
    expect(s.targetWaitMinutes).toBeGreaterThan(0);
    // The cancelled customer leaves at the minute it really did, under every policy.
    expect(replay.pins.map((p) => p.leftAfterMinutes)).toEqual([null, null, null, 1, null]);
    expect(replay.actual).toMatchObject({ tickets: 5, served: 4, cancelled: 1, noShows: 0, called: 4 });
    expect(replay.actual.meanWaitMinutes).toBeCloseTo(11 / 4, 6);
  });

  it("replayed with fifo, gives the waits that happened, short only of the walks to the counter", async () => {
    const replay = await loadReplayDay(t.server.ctx.store.db, t.branchId, DAY);
    const r = simulateReplay(replay, { policy: "fifo", seed: 1 });
    expect(r.customers).toBe(5);
    expect(r.walkAways).toBe(1);
    expect(r.served).toBe(4);
    // Simulated waits: A 0, B 4, C 5.5, D 0 against the real 0, 4.5, 6.5, 0. The trace's service minutes run
    // from start to completion (as production learns them), so the 30 s walks of A and B to the counter are not
    // counter time in the replay: each wait comes out at most the sum of the earlier walks (here 1 min) short,
    // and the mean 0.375 min short (2.375 against 2.75). A real day adds more of the same: a teller's pause
    // between customers, a counter briefly signed out, tickets called out of order by hand.
    expect(r.meanWaitMinutes).toBeCloseTo(9.5 / 4, 6);
    expect(replay.actual.meanWaitMinutes - r.meanWaitMinutes).toBeGreaterThanOrEqual(0);
    expect(replay.actual.meanWaitMinutes - r.meanWaitMinutes).toBeLessThanOrEqual(0.5);
    expect(r.maxWaitMinutes).toBeCloseTo(5.5, 6);
    expect(replay.actual.maxWaitMinutes).toBeCloseTo(6.5, 6);
  });

  it("answers a what-if that starts from the real day over HTTP", async () => {
    const res = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/simulate`,
      cookie: manager,
      body: { replayDay: DAY, extraCounters: { count: 1, from: "09:30", to: "10:00" } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ source: "replay", date: DAY, scenario: `SH001 ${DAY}` });
    expect(body.baseline.customers).toBe(5);
    expect(body.baseline.policy).toBe("fifo");
    expect(body.whatIf.customers).toBe(5);
    expect(body.whatIf.meanWaitMinutes).toBeLessThan(body.baseline.meanWaitMinutes);
    // Keyed by the stored ids over HTTP, so the web page names the types in the reader's language.
    expect(Object.keys(body.baseline.byService)).toContain(ids.services.get("CASH"));
  });

  it("refuses a bad date or a day without tickets with a 400", async () => {
    for (const replayDay of ["2026-13-01", "2026-02-30", "23/11/2026", "2026-11-22"]) {
      const res = await t.request({
        method: "POST",
        url: `/api/branches/${t.branchId}/simulate`,
        cookie: manager,
        body: { replayDay },
      });
      expect(res.statusCode, replayDay).toBe(400);
      expect(res.json()).toMatchObject({ error: "invalid_request", message: expect.any(String) });
    }
  });

  it.runIf(kind === "sqlite")(
    "replays from the command line, on its own and across policies",
    async () => {
      const cli = (...args: string[]) => run(process.execPath, [SERVER_BUNDLE, "simulate", ...args], { cwd: ROOT });
      const one = await cli("--db", t.location, "--branch", "SH001", "--day", DAY, "--policy", "fifo", "--json");
      const report = JSON.parse(one.stdout);
      expect(report).toMatchObject({ policy: "fifo", customers: 5, walkAways: 1, actual: { tickets: 5 } });
      expect(report.meanWaitMinutes).toBeCloseTo(9.5 / 4, 6);
      const all = JSON.parse(
        (await cli("--db", t.location, "--branch", "SH001", "--day", DAY, "--compare", "--json")).stdout,
      );
      expect(all.length).toBeGreaterThan(1);
      for (const r of all) expect(r.customers).toBe(5);

      const table = (await cli("--db", t.location, "--branch", "SH001", "--day", DAY, "--compare")).stdout;
      expect(table).toMatch(/SH001 on 2026-11-23, as it happened: 5 tickets \(4 served.*1 cancelled/);
      expect(table).toMatch(/fifo/);

      const failing = async (...args: string[]) => {
        const e = await cli(...args).then(
          () => undefined,
          (err: { code: number; stderr: string }) => err,
        );
        expect(e?.code, args.join(" ")).toBe(2);
        return e?.stderr ?? "";
      };
      expect(await failing("--db", t.location, "--branch", "XX999", "--day", DAY)).toMatch(/XX999 does not exist/);
      expect(await failing("--db", t.location, "--branch", "SH001", "--day", "2026-11-22")).toMatch(/no tickets/);
      expect(await failing("--db", t.location, "--branch", "SH001", "--day", "2026-02-30")).toMatch(/calendar date/);
      expect(await failing("--branch", "SH001", "--day", DAY)).toMatch(/--db/);
    },
    150_000,
  ); // seven CLI processes, each starting node: over a minute on a loaded two-core machine
});
