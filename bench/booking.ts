/**
 * `npm run bench:booking`: the appointments benchmark of issue 13. Prints ONE JSON line on stdout (progress
 * on stderr). A real server process on SQLite on 127.0.0.1 (the demo branch), autocannon at 64 connections:
 * - the bare Fastify route as the baseline of this machine, measured in the same run;
 * - free-slot queries/s (public, cached and invalidated on change), across business types and days, and the
 *   same load on a second server with the cache off (DATANG_SLOT_CACHE_MS=0): what the cache is worth;
 * - staff bookings/s and p99 across many slots (every request a new caller; a full slot answers 409);
 * - a rush: 1,000 booking attempts at once on 10 slots, 64 in flight: overbooked places and p99. The rush
 *   runs BENCH_RUSH_RUNS times (default 3), each on another day's 10 slots of the same server; the target is
 *   judged on the median run's p99 (one run on a shared machine is mostly noise), every run is printed, with
 *   the CPU time per attempt of the server and of this bench's own client (which shares the two cores): on a
 *   loaded machine those, not the wall clock, say whether an attempt got cheaper. Before each run the same client
 *   fires the same 1,000 POSTs at the bare Fastify route (bareP99MsEachRun): the floor the machine allows then.
 * `BENCH_ONLY=rush` (or slots, bookings; comma-separated) runs a part, e.g. while profiling.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { DateTime } from "luxon";
import { api, login, startDatang } from "./lib/datang.ts";
import { bareLoad, CONNECTIONS, DURATION_S } from "./lib/load.ts";
import { log, onExit, processCpuMs, startNode, stopAll } from "./lib/procs.ts";
import { percentile, round } from "./lib/stats.ts";

const TARGET_SLOT_QPS = 5_000;
const TARGET_RUSH_P99_MS = 100;
const RUSH_ATTEMPTS = 1_000;
const RUSH_SLOTS = 10;
const RUSH_RUNS = Math.max(1, Math.min(9, Number(process.env.BENCH_RUSH_RUNS ?? 3) || 3));
const WARM_CONNECTIONS = process.env.BENCH_RUSH_CONNECTIONS === "warm";
const ONLY = new Set((process.env.BENCH_ONLY ?? "slots,bookings,rush").split(",").map((s) => s.trim()));

interface Slot {
  start: string;
  free: number;
}

async function bare(): Promise<{ rps: number; p99: number }> {
  const server = await startNode(join(import.meta.dirname, "lib/bare-server.ts"), ["0"], /listening \d+/);
  try {
    const port = /listening (\d+)/.exec(server.output())?.[1];
    const f = await bareLoad(`http://127.0.0.1:${port}`);
    return { rps: f.rps, p99: f.p99 };
  } finally {
    await server.stop();
  }
}

function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { connections: CONNECTIONS, duration: DURATION_S, timeout: 10, pipelining: 1, ...options },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    instance.on("error", reject);
  });
}

const count = (r: autocannon.Result, code: number) => r.statusCodeStats?.[String(code) as "200"]?.count ?? 0;

interface RushRun {
  day: string;
  places: number;
  booked: number;
  overbooked: number;
  placesLeftAfter: number;
  otherErrors: number;
  p50Ms: number;
  p99Ms: number;
  totalMs: number;
  /** CPU time (user + system) per attempt, of the server process and of this bench's own client. */
  serverCpuMsPerAttempt: number;
  clientCpuMsPerAttempt: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "datang-bench-booking-"));
  onExit(() => rmSync(dir, { recursive: true, force: true }));
  const baseline = await bare();
  const d = await startDatang(join(dir, "datang.db"));
  try {
    const manager = await login(d.base, "manager");
    const lobby = await login(d.base, "lobby");
    const tz = "Asia/Shanghai";
    const days = Array.from({ length: 10 }, (_, i) =>
      DateTime.now()
        .setZone(tz)
        .plus({ days: i + 1 })
        .toISODate(),
    ).filter((x): x is string => x !== null);
    const slotsOf = async (serviceId: string, date: string) =>
      (
        (await api(d.base, "GET", `/api/public/branches/${d.branchId}/slots?serviceId=${serviceId}&date=${date}`, {}))
          .body as { slots: Slot[] }
      ).slots;

    const figures: Record<string, unknown> = {
      bench: "booking",
      database: "sqlite",
      cores: availableParallelism(),
      connections: CONNECTIONS,
      durationS: DURATION_S,
      baselineBareRps: baseline.rps,
    };
    const targets: Record<string, boolean | null> = { slotQueriesPerS: null, rushNoOverbooking: null, rushP99: null };

    if (ONLY.has("slots")) {
      // 1. Slot queries across every business type and ten days.
      const queries = d.services.flatMap((s) =>
        days.map((day) => `/api/public/branches/${d.branchId}/slots?serviceId=${s.id}&date=${day}`),
      );
      let q = 0;
      log(`slot queries: ${queries.length} distinct URLs`);
      const slotRun = await cannon({
        url: `${d.base}${queries[0]}`,
        requests: [{ setupRequest: (req) => ({ ...req, path: queries[q++ % queries.length] as string }) }],
      });
      const slotQps = round(count(slotRun, 200) / slotRun.duration, 0);
      log(`slot queries: ${slotQps}/s, p99 ${slotRun.latency.p99} ms`);

      // 1b. The same queries without the cache, on a second server (same data: a fresh demo branch).
      const uncached = await startDatang(join(dir, "uncached.db"), { DATANG_SLOT_CACHE_MS: "0" });
      let u = 0;
      const uQueries = queries.map((path) => path.replace(d.branchId, uncached.branchId));
      const uServices = new Map(uncached.services.map((s) => [s.code, s.id]));
      for (const s of d.services) {
        const other = uServices.get(s.code);
        if (other) for (let i = 0; i < uQueries.length; i++) uQueries[i] = (uQueries[i] as string).replace(s.id, other);
      }
      let uncachedRun: autocannon.Result;
      try {
        uncachedRun = await cannon({
          url: `${uncached.base}${uQueries[0]}`,
          requests: [{ setupRequest: (req) => ({ ...req, path: uQueries[u++ % uQueries.length] as string }) }],
        });
      } finally {
        await uncached.stop();
      }
      const uncachedQps = round(count(uncachedRun, 200) / uncachedRun.duration, 0);
      log(`slot queries without the cache: ${uncachedQps}/s, p99 ${uncachedRun.latency.p99} ms`);
      Object.assign(figures, {
        slotQueriesPerS: slotQps,
        slotQueryP99Ms: slotRun.latency.p99,
        slotQueryShareOfBare: round(slotQps / baseline.rps, 2),
        slotQueriesUncachedPerS: uncachedQps,
        slotQueryUncachedP99Ms: uncachedRun.latency.p99,
        slotQueryErrors: slotRun.errors + slotRun.timeouts + slotRun.non2xx + uncachedRun.non2xx,
      });
      targets.slotQueriesPerS = slotQps >= TARGET_SLOT_QPS;
    }

    if (ONLY.has("bookings")) {
      // 2. Bookings across slots: CASH keeps all 5 counters' time for appointments (5 places a slot).
      const cash = d.services.find((s) => s.code === "CASH")?.id as string;
      const rules = await api(d.base, "PUT", `/api/services/${cash}/booking-rules`, { cookie: manager }, { share: 1 });
      if (rules.status !== 200) throw new Error(`rules: ${rules.status} ${JSON.stringify(rules.body)}`);
      const open: string[] = [];
      for (const day of days.slice(1)) for (const s of await slotsOf(cash, day)) if (s.free > 0) open.push(s.start);
      let n = 0;
      log(`bookings: ${open.length} slots`);
      const bookRun = await cannon({
        url: `${d.base}/api/branches/${d.branchId}/appointments`,
        method: "POST",
        headers: { "content-type": "application/json", cookie: lobby },
        requests: [
          {
            setupRequest: (req) => {
              const i = n++;
              return {
                ...req,
                body: JSON.stringify({
                  serviceId: cash,
                  start: open[i % open.length],
                  name: `Bench ${i}`,
                  phone: `+86139${String(i).padStart(8, "0")}`,
                }),
              };
            },
          },
        ],
      });
      const booked = count(bookRun, 201);
      const full = count(bookRun, 409);
      log(
        `bookings: ${booked} booked, ${full} full, p99 ${bookRun.latency.p99} ms, errors ${bookRun.errors + bookRun.timeouts}`,
      );
      Object.assign(figures, {
        bookingAttemptsPerS: round((booked + full) / bookRun.duration, 0),
        bookingsPerS: round(booked / bookRun.duration, 0),
        bookingP99Ms: bookRun.latency.p99,
        bookingErrors: bookRun.errors + bookRun.timeouts + (count(bookRun, 400) + count(bookRun, 500)),
      });
    }

    if (ONLY.has("rush")) {
      // 3. The rush: 1,000 attempts on one day's 10 first ACCOUNT slots, 64 in flight; again on the next days.
      const account = d.services.find((s) => s.code === "ACCOUNT")?.id as string;
      const runs: RushRun[] = [];
      const floors: { p50Ms: number; p99Ms: number; totalMs: number }[] = [];
      const bareServer = await startNode(join(import.meta.dirname, "lib/bare-server.ts"), ["0"], /listening \d+/);
      try {
        const bareBase = `http://127.0.0.1:${/listening (\d+)/.exec(bareServer.output())?.[1]}`;
        for (let r = 0; r < RUSH_RUNS; r++) {
          const day = days[r] as string;
          const floor = await bareRush(bareBase, day);
          log(`bare rush ${r + 1}: ${JSON.stringify(floor)}`);
          floors.push(floor);
          const run = await rush(d.base, d.pid, d.branchId, lobby, account, day, slotsOf);
          log(`rush ${r + 1} (${day}): ${JSON.stringify(run)}`);
          runs.push(run);
        }
      } finally {
        await bareServer.stop();
      }
      const byP99 = [...runs].sort((a, b) => a.p99Ms - b.p99Ms);
      const median = byP99[Math.floor((byP99.length - 1) / 2)] as RushRun;
      figures.rush = {
        attempts: RUSH_ATTEMPTS,
        connectionsOpened: WARM_CONNECTIONS ? "before the rush" : "by the rush",
        slots: RUSH_SLOTS,
        runs: runs.length,
        places: median.places,
        booked: median.booked,
        overbooked: Math.max(...runs.map((x) => x.overbooked)),
        placesLeftAfter: median.placesLeftAfter,
        otherErrors: runs.reduce((a, x) => a + x.otherErrors, 0),
        p50Ms: median.p50Ms,
        p99Ms: median.p99Ms,
        p99MsEachRun: runs.map((x) => x.p99Ms),
        totalMs: median.totalMs,
        serverCpuMsPerAttempt: median.serverCpuMsPerAttempt,
        clientCpuMsPerAttempt: median.clientCpuMsPerAttempt,
        serverCpuMsPerAttemptEachRun: runs.map((x) => x.serverCpuMsPerAttempt),
        clientCpuMsPerAttemptEachRun: runs.map((x) => x.clientCpuMsPerAttempt),
        // The same client's 1,000 POSTs on the bare Fastify route just before each run: the machine's floor.
        bareP99MsEachRun: floors.map((x) => x.p99Ms),
        bareP50MsEachRun: floors.map((x) => x.p50Ms),
      };
      targets.rushNoOverbooking = runs.every((x) => x.booked <= x.places && x.booked + x.placesLeftAfter === x.places);
      targets.rushP99 = median.p99Ms < TARGET_RUSH_P99_MS;
    }

    // The machine's 1-minute load average as the run ends: figures mean little when it is far above the cores.
    figures.loadAverage1m = round(loadavg()[0] ?? 0, 1);
    figures.targets = targets;
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await d.stop();
    await stopAll();
  }
}

/**
 * One booking attempt of the rush over a kept-alive connection of `agent`: resolves to the status once the answer
 * is read, to 0 after 10 s without one. node:http rather than fetch: the client shares the machine's two cores
 * with the server, and fetch (undici, with its streams and extra headers) cost the client twice the server's CPU
 * per attempt, which the server's latency then waited for.
 */
function attempt(url: URL, agent: Agent, cookie: string, body: unknown): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        timeout: 10_000,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), cookie },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer in 10 s")));
    req.on("error", () => resolve(0));
    req.end(payload);
  });
}

/** Fires RUSH_ATTEMPTS POSTs at `url`, CONNECTIONS in flight over a fresh kept-alive agent (fresh connections). */
async function fire(
  url: URL,
  cookie: string,
  bodyOf: (i: number) => unknown,
): Promise<{ latencies: number[]; statuses: number[]; totalMs: number; trace: [number, number, number, number][] }> {
  const latencies: number[] = [];
  const statuses: number[] = [];
  const trace: [number, number, number, number][] = [];
  let next = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  // BENCH_RUSH_CONNECTIONS=warm: the connections are opened (one refused empty POST each) before the clock starts, as
  // behind a reverse proxy that keeps its upstream connections; by default the rush opens them, as browsers would.
  if (WARM_CONNECTIONS) await Promise.all(Array.from({ length: CONNECTIONS }, () => attempt(url, agent, cookie, {})));
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= RUSH_ATTEMPTS) return;
      const t0 = performance.now();
      // A timeout (10 s) on a loaded machine answers 0: counted as another error, and its latency kept.
      const status = await attempt(url, agent, cookie, bodyOf(i));
      const ms = performance.now() - t0;
      latencies.push(ms);
      statuses.push(status);
      trace.push([i, round(t0 - started, 1), round(ms, 1), status]);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const totalMs = performance.now() - started;
  agent.destroy();
  return { latencies, statuses, totalMs, trace };
}

/**
 * The floor of this machine for a rush, measured just before each rush: the same client, the same 1,000 POSTs of
 * the same size over 64 fresh connections, against the bare Fastify route (bench/lib/bare-server.ts). On a shared
 * machine its p99 says how much of the rush's p99 is the machine's (connections, scheduling) and not Datang's.
 */
async function bareRush(base: string, day: string): Promise<{ p50Ms: number; p99Ms: number; totalMs: number }> {
  const r = await fire(new URL(`${base}/bare`), "", (i) => ({
    serviceId: "00000000-0000-0000-0000-000000000000",
    start: `${day}T09:00:00+08:00`,
    name: `Rush ${i}`,
    phone: `+86137${day.replaceAll("-", "").slice(4)}${String(i).padStart(4, "0")}`,
  }));
  return {
    p50Ms: round(percentile(r.latencies, 50), 1),
    p99Ms: round(percentile(r.latencies, 99), 1),
    totalMs: round(r.totalMs, 0),
  };
}

async function rush(
  base: string,
  serverPid: number,
  branchId: string,
  cookie: string,
  serviceId: string,
  day: string,
  slotsOf: (serviceId: string, date: string) => Promise<Slot[]>,
): Promise<RushRun> {
  const rushSlots = (await slotsOf(serviceId, day)).filter((s) => s.free > 0).slice(0, RUSH_SLOTS);
  const places = rushSlots.reduce((sum, s) => sum + s.free, 0);
  const serverCpu0 = processCpuMs(serverPid);
  const clientCpu0 = process.cpuUsage();
  const r = await fire(new URL(`${base}/api/branches/${branchId}/appointments`), cookie, (i) => ({
    serviceId,
    start: rushSlots[i % rushSlots.length]?.start,
    name: `Rush ${i}`,
    phone: `+86137${day.replaceAll("-", "").slice(4)}${String(i).padStart(4, "0")}`,
  }));
  const clientCpu = process.cpuUsage(clientCpu0);
  const serverCpuMs = processCpuMs(serverPid) - serverCpu0;
  // BENCH_RUSH_TRACE=/path/prefix: every attempt as [index, sent at ms, latency ms, status], one file per run.
  if (process.env.BENCH_RUSH_TRACE)
    writeFileSync(`${process.env.BENCH_RUSH_TRACE}-${day}.json`, JSON.stringify(r.trace));
  const booked = r.statuses.filter((x) => x === 201).length;
  const other = r.statuses.filter((x) => x !== 201 && x !== 409).length;
  const after = await slotsOf(serviceId, day);
  const left = after.filter((s) => rushSlots.some((x) => x.start === s.start)).reduce((a, s) => a + s.free, 0);
  return {
    day,
    places,
    booked,
    overbooked: Math.max(0, booked - places),
    placesLeftAfter: left,
    otherErrors: other,
    p50Ms: round(percentile(r.latencies, 50), 1),
    p99Ms: round(percentile(r.latencies, 99), 1),
    totalMs: round(r.totalMs, 0),
    serverCpuMsPerAttempt: round(serverCpuMs / RUSH_ATTEMPTS, 3),
    clientCpuMsPerAttempt: round((clientCpu.user + clientCpu.system) / 1000 / RUSH_ATTEMPTS, 3),
  };
}

main().catch(async (error) => {
  console.error(error);
  await stopAll();
  process.exit(1);
});
