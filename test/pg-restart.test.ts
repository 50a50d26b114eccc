/**
 * PostgreSQL restarts under load, with two app instances on one database: `pg_ctl stop -m fast` and
 * `-m immediate`, several rounds. No instance exits, requests during the outage get 503 (never 500) with
 * Retry-After, readiness says so while liveness stays 200, every acknowledged ticket is stored, and no event
 * stream on either instance ever skips an event id.
 *
 * The cluster is this file's own (other test files use the shared one concurrently).
 */
import { request } from "node:http";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { type ChildServer, freePort, startChildServer } from "./support/child-server.ts";
import { type Cluster, findPostgresBin, startCluster } from "./support/postgres-cluster.ts";

const HAS_PG = findPostgresBin() !== undefined || process.env.CI === "true";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitUntil(done: () => boolean, ms: number, what: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await sleep(10);
  }
}

/** A display's event stream that reconnects with Last-Event-ID as a browser does, and checks every id. */
function followEvents(base: string, path: string, token: string) {
  const state = { last: undefined as number | undefined, ids: [] as number[], skips: [] as string[], unnumbered: 0 };
  let stopped = false;
  let current: ReturnType<typeof request> | undefined;
  const connect = (): void => {
    if (stopped) return;
    const headers: Record<string, string> = { accept: "text/event-stream", authorization: `Bearer ${token}` };
    if (state.last !== undefined) headers["last-event-id"] = String(state.last);
    let buffer = "";
    const retry = () => {
      current = undefined;
      if (!stopped) setTimeout(connect, 200);
    };
    const req = request(`${base}${path}`, { headers }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        res.on("end", retry);
        return;
      }
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const lines = buffer.slice(0, end).split("\n");
          buffer = buffer.slice(end + 2);
          const data = lines.find((l) => l.startsWith("data: "));
          const idLine = lines.find((l) => l.startsWith("id: "));
          if (!data) continue;
          if (!idLine) {
            state.unnumbered++;
            continue;
          }
          const id = Number(idLine.slice(4));
          const type = (JSON.parse(data.slice(6)) as { type: string }).type;
          if (state.last !== undefined && id !== state.last + 1 && type !== "stream.reset")
            state.skips.push(`${state.last} → ${id}`);
          state.last = id;
          state.ids.push(id);
        }
      });
      res.on("end", retry);
      res.on("error", retry);
    });
    req.on("error", retry);
    current = req;
    req.end();
  };
  connect();
  return {
    state,
    close() {
      stopped = true;
      current?.destroy();
    },
  };
}

describe.skipIf(!HAS_PG)("PostgreSQL restarts under load, two instances", () => {
  let cluster: Cluster | undefined;
  const servers: ChildServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop("SIGKILL");
    try {
      cluster?.stop();
    } catch {
      // stopped already
    }
  });

  it("no instance exits, outages answer 503, nothing acknowledged is lost, no stream skips an event", async () => {
    cluster = await startCluster({ maxConnections: 100 });
    if (!cluster) throw new Error("PostgreSQL binaries not found");
    const c = cluster;
    // A seeds the demo branch; B starts beside it on the same database (migrations take a lock).
    const [a, b] = await Promise.all([
      startChildServer(c.url, await freePort()),
      startChildServer(c.url, await freePort(), {}, { demo: false }),
    ]);
    servers.push(a, b);
    const kiosk = a.tokens.get("kiosk") as string;
    const display = a.tokens.get("display") as string;
    const auth = { authorization: `Bearer ${kiosk}`, "content-type": "application/json" };
    const branchId = (
      (await (await fetch(`${a.url}/api/branches`, { headers: auth })).json()) as Array<{ id: string }>
    )[0]?.id as string;
    const services = (await (
      await fetch(`${a.url}/api/branches/${branchId}/services`, { headers: auth })
    ).json()) as Array<{
      id: string;
    }>;
    const login = await fetch(`${b.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "lobby", password: "test-password-1" }),
    });
    const cookie = login.headers.get("set-cookie")?.split(";")[0] as string;

    const streams = [a, b].map((s) => followEvents(s.url, `/api/branches/${branchId}/events`, display));
    const acknowledged = new Set<string>();
    const statuses = new Map<number, number>();
    const missingRetryAfter: number[] = [];
    let lastWriteAt = 0;
    let stop = false;
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const writers = [a, b].flatMap((s) =>
      Array.from({ length: 3 }, async (_, i) => {
        while (!stop) {
          try {
            const res = await fetch(`${s.url}/api/branches/${branchId}/tickets`, {
              method: "POST",
              headers: auth,
              body: JSON.stringify({ serviceId: services[i % services.length]?.id }),
            });
            count(res.status);
            if (res.status === 503 && !res.headers.get("retry-after")) missingRetryAfter.push(res.status);
            const body = (await res.json()) as { id?: string };
            if (res.status === 201 && body.id) {
              acknowledged.add(body.id);
              lastWriteAt = Date.now();
            } else await sleep(20);
          } catch {
            count(-1); // the connection to the instance failed: it must not happen
            await sleep(50);
          }
        }
      }),
    );
    const readers = [a, b].flatMap((s) =>
      Array.from({ length: 2 }, async () => {
        while (!stop) {
          try {
            const res = await fetch(`${s.url}/api/branches/${branchId}/queue`, { headers: { cookie } });
            count(res.status === 200 ? 200 : res.status);
            await res.arrayBuffer();
          } catch {
            count(-1);
            await sleep(50);
          }
        }
      }),
    );

    const recoveries: number[] = [];
    for (const mode of ["fast", "immediate", "fast", "immediate"] as const) {
      const before = acknowledged.size;
      const state = () =>
        `${mode}: ${acknowledged.size} acknowledged, statuses ${JSON.stringify([...statuses])}, A exit ${a.process.exitCode}, B exit ${b.process.exitCode}\n${a.output().slice(-1500)}\n${b.output().slice(-1500)}`;
      await waitUntil(() => acknowledged.size >= before + 20, 10_000, state);
      c.stopServer(mode);
      await sleep(300);
      for (const s of [a, b]) {
        const ready = await fetch(`${s.url}/api/health`);
        expect(ready.status, `readiness during a ${mode} outage`).toBe(503);
        expect(((await ready.json()) as { error: string }).error).toBe("database_unavailable");
        expect((await fetch(`${s.url}/api/health/live`)).status).toBe(200);
      }
      await sleep(700);
      c.startServer();
      const back = Date.now();
      lastWriteAt = 0;
      await waitUntil(() => lastWriteAt !== 0, 10_000, state);
      recoveries.push((lastWriteAt - back) / 1000);
      for (const s of [a, b]) await expect.poll(async () => (await fetch(`${s.url}/api/health`)).status).toBe(200);
    }
    await sleep(500);
    stop = true;
    await Promise.all([...writers, ...readers]);

    // Both instances lived through every outage.
    for (const s of [a, b]) expect(s.process.exitCode, s.output()).toBeNull();
    expect(statuses.get(500) ?? 0, `500s: ${JSON.stringify([...statuses])}`).toBe(0);
    expect(statuses.get(-1) ?? 0, "requests the instance did not answer").toBe(0);
    expect(statuses.get(503) ?? 0, "the outages were seen by the load").toBeGreaterThan(0);
    expect(missingRetryAfter).toEqual([]);
    for (const r of recoveries)
      expect(r, `seconds to the first write after the database came back: ${recoveries}`).toBeLessThan(5);
    const db = new pg.Client({ connectionString: c.url });
    await db.connect();
    try {
      const ids = new Set((await db.query<{ id: string }>("SELECT id FROM tickets")).rows.map((r) => r.id));
      const lost = [...acknowledged].filter((id) => !ids.has(id));
      expect(lost, "acknowledged tickets missing from the database").toEqual([]);
      const latest = Number(
        (await db.query<{ event_seq: string }>("SELECT event_seq FROM branches WHERE id = $1", [branchId])).rows[0]
          ?.event_seq,
      );
      // Every stream reaches the branch's latest event, and never skipped one on the way.
      for (const [i, s] of streams.entries()) {
        await expect.poll(() => s.state.last, { message: `stream ${i} catches up` }).toBe(latest);
        expect(s.state.skips, `stream on instance ${i === 0 ? "A" : "B"} skipped`).toEqual([]);
      }
    } finally {
      await db.end();
      for (const s of streams) s.close();
    }
  }, 150_000);
});
