/**
 * `npm run bench:customers`: customer search of issue 14 over 1,000,000 customers, on SQLite and on
 * PostgreSQL (a throwaway cluster, or BENCH_DATABASE_URL). Prints ONE JSON line on stdout, progress on stderr.
 *
 * Each database gets 1,000,000 customers (8 mobile prefixes, unique numbers, Chinese names from 20 surnames
 * and 30 given-name characters, codes), then the search use case `searchCustomers` — what
 * `GET /api/customers` runs — is called one at a time with a mix of keys: a full phone, the first 3–7 digits,
 * the last 4 digits, a name prefix of 1–2 characters and a code prefix. Reported twice: `query`, the reads
 * alone (findCustomers: what the index design decides, the target p99 < 20 ms), and `useCase`, the reads
 * plus the search's audit line (a durable commit each). p50/p99/max in ms per kind and overall. BENCH_CUSTOMERS changes the count,
 * BENCH_SEARCHES the number of searches per database (default 3,000), BENCH_DBS=sqlite|postgres runs one.
 *
 * `duplicates`: the possible-duplicates finder (`GET /api/branches/:id/customer-duplicates`, `possibleDuplicates`)
 * over a branch that has met BENCH_DUP_CUSTOMERS (default 100,000) of those customers, each with a resident ID
 * number (birth date in it) and a third with an e-mail, and planted duplicates: pairs sharing an ID number, an
 * e-mail, a phone under another country code, or a name and birth date (BENCH_DUP_PAIRS of each, default 100).
 * `ms` per run (the first and the median of BENCH_DUP_RUNS, default 3; and this process's CPU time), the pairs
 * found (its audit line), and whether every planted pair was among them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { CompiledQuery, sql } from "kysely";
import { DateTime } from "luxon";
import type { StaffActor } from "../src/app/actor.ts";
import { createAppContext } from "../src/app/create-context.ts";
import { possibleDuplicates } from "../src/app/customers/duplicates.ts";
import { findCustomers, searchCustomers } from "../src/app/customers/records.ts";
import { seedDemo } from "../src/app/seed-demo.ts";
import { findDuplicatePairs } from "../src/domain/customers/duplicates.ts";
import type { UserId } from "../src/domain/ids.ts";
import { migrateToLatest, openStore } from "../src/store/connect.ts";
import { prefixSearchQuery } from "../src/store/customer-records.ts";
import { isPostgres } from "../src/store/sql.ts";
import type { Store } from "../src/store/store.ts";
import { startPostgres } from "./lib/postgres.ts";
import { log, onExit } from "./lib/procs.ts";
import { percentile, round } from "./lib/stats.ts";

const COUNT = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 3_000);
const TARGET_P99_MS = 20;
const DUP_CUSTOMERS = Math.min(COUNT, Number(process.env.BENCH_DUP_CUSTOMERS ?? 100_000));
const DUP_PAIRS = Number(process.env.BENCH_DUP_PAIRS ?? 100);
const DUP_RUNS = Number(process.env.BENCH_DUP_RUNS ?? 3);
const PREFIXES = [138, 139, 150, 158, 186, 188, 135, 177];
const SURNAMES = [..."王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"];
const GIVEN = [..."伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华玉兰平刚桂新建国红"];

function customerAt(i: number) {
  const national = `${PREFIXES[i % 8]}${String((i * 7919) % 100_000_000).padStart(8, "0")}`;
  const name = `${SURNAMES[i % 20]}${GIVEN[Math.floor(i / 20) % 30]}${i % 3 === 0 ? "" : GIVEN[Math.floor(i / 600) % 30]}`;
  return {
    id: `bench-${i}`,
    phone_e164: `+86${national}`,
    phone_rev: [...national].reverse().join(""),
    name,
    code: `K${String(i).padStart(10, "0")}`,
  };
}

async function fill(store: Store): Promise<number> {
  const started = performance.now();
  const batch = isPostgres(store.db) ? 10_000 : 5_000;
  const now = Date.now();
  for (let from = 0; from < COUNT; from += batch) {
    const rows = Array.from({ length: Math.min(batch, COUNT - from) }, (_, k) => customerAt(from + k));
    if (isPostgres(store.db)) {
      const col = (k: keyof ReturnType<typeof customerAt>) => rows.map((r) => r[k]);
      await sql`INSERT INTO customers (id, phone_e164, phone_rev, name, code, created_at, updated_at)
        SELECT *, ${now}::bigint, ${now}::bigint FROM unnest(${col("id")}::text[], ${col("phone_e164")}::text[],
          ${col("phone_rev")}::text[], ${col("name")}::text[], ${col("code")}::text[])`.execute(store.db);
    } else {
      await store.write(async (tx) => {
        for (let k = 0; k < rows.length; k += 500)
          await tx
            .insertInto("customers")
            .values(
              rows
                .slice(k, k + 500)
                .map((r) => ({ ...r, lang: "zh-CN", preferred_channel: "sms", created_at: now, updated_at: now })),
            )
            .execute();
      });
    }
    if ((from / batch) % 20 === 0) log(`  ${from + rows.length} customers`);
  }
  if (isPostgres(store.db)) await sql`ANALYZE customers`.execute(store.db);
  else await sql`ANALYZE`.execute(store.db);
  return (performance.now() - started) / 1000;
}

type Kind = "full_phone" | "phone_prefix" | "phone_suffix" | "name_prefix" | "code_prefix";

function keyFor(n: number): { kind: Kind; input: { phone?: string; name?: string; code?: string } } {
  const c = customerAt((n * 104_729) % COUNT);
  const national = c.phone_e164.slice(3);
  switch (n % 5) {
    case 0:
      return { kind: "full_phone", input: { phone: national } };
    case 1:
      return { kind: "phone_prefix", input: { phone: national.slice(0, 3 + (n % 5)) } };
    case 2:
      return { kind: "phone_suffix", input: { phone: national.slice(-4) } };
    case 3:
      return { kind: "name_prefix", input: { name: [...c.name].slice(0, 1 + (n % 2)).join("") } };
    default:
      return { kind: "code_prefix", input: { code: c.code.slice(0, 8) } };
  }
}

/**
 * Each database's plan for the prefix searches, with a short and a long prefix of each column: whether it reads
 * the column's index in order (and stops at the limit) or scans the table or sorts.
 */
async function queryPlans(store: Store): Promise<Record<string, string>> {
  const keys: Array<[string, "phone_e164" | "phone_rev" | "name" | "code", string]> = [
    ["phone 138", "phone_e164", "+86138"],
    ["phone 1381234", "phone_e164", "+861381234"],
    ["suffix 5678", "phone_rev", "8765"],
    ["name 王", "name", "王"],
    ["name 王伟", "name", "王伟"],
    ["code K00", "code", "K00"],
  ];
  const out: Record<string, string> = {};
  for (const [label, column, prefix] of keys) {
    const q = prefixSearchQuery(store.db, column, prefix, 20).compile();
    const explain = isPostgres(store.db) ? "EXPLAIN " : "EXPLAIN QUERY PLAN ";
    const rows = (await store.db.executeQuery(CompiledQuery.raw(explain + q.sql, [...q.parameters]))).rows as Array<
      Record<string, unknown>
    >;
    out[label] = rows
      .map((r) => String(r["QUERY PLAN"] ?? r.detail ?? ""))
      .map((l) => l.trim())
      .join(" | ");
  }
  return out;
}

/** An 18-character resident ID number with a right check character, born on `birth` (YYYYMMDD). */
function residentId(region: number, birth: string, serial: number): string {
  const body = `${String(region).padStart(6, "0")}${birth}${String(serial % 1000).padStart(3, "0")}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * (weights[i] ?? 0);
  return `${body}${"10X98765432"[sum % 11]}`;
}

/** Customer i's identity for the duplicates branch: an ID number (a birth date from 1950 to 2004 in it), an e-mail for a third. */
function identityAt(i: number): { id_number: string; birth_date: string | null; email: string | null } {
  const day = DateTime.fromISO("1950-01-01").plus({ days: (i * 7_901) % 20_000 });
  return {
    // (birth day, region) is one customer's alone: the day repeats every 20,000 customers, the region does not.
    id_number: residentId(110_101 + Math.floor(i / 20_000), day.toFormat("yyyyMMdd"), i),
    birth_date: null,
    email: i % 3 === 0 ? `c${i}@example.com` : null,
  };
}

/**
 * The finder over a branch that met DUP_CUSTOMERS customers (bench-0 …), with DUP_PAIRS planted pairs per rule:
 * the j-th pair of a rule is two customers some way apart whose records now share that key.
 */
async function duplicates(store: Store, ctx: ReturnType<typeof createAppContext>, label: string) {
  const started = performance.now();
  const demo = await seedDemo(ctx, "bench-password-1", { knowledge: false });
  const branchId = demo.branchId;
  const n = DUP_CUSTOMERS;
  const identities = Array.from({ length: n }, (_, i) => identityAt(i));
  const phones: Array<string | null> = Array.from({ length: n }, () => null);
  const names: Array<string | null> = Array.from({ length: n }, () => null);
  const planted: Array<[string, string]> = [];
  const step = Math.max(1, Math.floor(n / (4 * DUP_PAIRS + 1) / 2));
  let at = 0;
  const pairAt = () => {
    const a = at;
    const b = at + step;
    at += 2 * step;
    if (b >= n) throw new Error("BENCH_DUP_PAIRS too large for BENCH_DUP_CUSTOMERS");
    planted.push([`bench-${a}`, `bench-${b}`]);
    return [a, b] as const;
  };
  for (let j = 0; j < DUP_PAIRS; j++) {
    const [a1, b1] = pairAt(); // the same ID number
    identities[b1] = {
      ...(identities[b1] as ReturnType<typeof identityAt>),
      id_number: (identities[a1] as ReturnType<typeof identityAt>).id_number,
    };
    const [a2, b2] = pairAt(); // the same e-mail, another case
    identities[a2] = { ...(identities[a2] as ReturnType<typeof identityAt>), email: `dup${j}@example.com` };
    identities[b2] = { ...(identities[b2] as ReturnType<typeof identityAt>), email: ` DUP${j}@Example.com` };
    const [a3, b3] = pairAt(); // a's mobile stored again under +852
    phones[b3] = `+852${customerAt(a3).phone_e164.slice(3)}`;
    const [a4, b4] = pairAt(); // the same name and birth date, no ID numbers
    names[b4] = customerAt(a4).name;
    identities[a4] = { id_number: "", birth_date: "1980-05-0" + ((j % 9) + 1), email: null };
    identities[b4] = { id_number: "", birth_date: "1980-05-0" + ((j % 9) + 1), email: null };
  }
  const rows = identities.map((x, i) => ({
    id: `bench-${i}`,
    id_number: x.id_number || null,
    birth_date: x.birth_date,
    email: x.email,
    phone: phones[i] ?? customerAt(i).phone_e164,
    name: names[i] ?? customerAt(i).name,
  }));
  const now = Date.now();
  for (let from = 0; from < n; from += 5_000) {
    const part = rows.slice(from, from + 5_000);
    if (isPostgres(store.db)) {
      const col = <K extends keyof (typeof rows)[number]>(k: K) => part.map((r) => r[k]);
      await sql`UPDATE customers c SET id_number = v.id_number, birth_date = v.birth_date, email = v.email,
          phone_e164 = v.phone, name = v.name
        FROM unnest(${col("id")}::text[], ${col("id_number")}::text[], ${col("birth_date")}::text[],
          ${col("email")}::text[], ${col("phone")}::text[], ${col("name")}::text[])
          AS v(id, id_number, birth_date, email, phone, name)
        WHERE c.id = v.id`.execute(store.db);
      const ids = part.map((r) => r.id);
      await sql`INSERT INTO ticket_customers (ticket_id, customer_id, branch_id, method, attached_by, attached_at)
        SELECT 't-' || id, id, ${branchId}, 'staff', NULL, ${now}::bigint FROM unnest(${ids}::text[]) AS v(id)`.execute(
        store.db,
      );
    } else {
      await store.write(async (tx) => {
        for (const r of part) {
          await tx
            .updateTable("customers")
            .set({
              id_number: r.id_number,
              birth_date: r.birth_date,
              email: r.email,
              phone_e164: r.phone,
              name: r.name,
            })
            .where("id", "=", r.id)
            .execute();
        }
        for (let k = 0; k < part.length; k += 500)
          await tx
            .insertInto("ticket_customers")
            .values(
              part.slice(k, k + 500).map((r) => ({
                ticket_id: `t-${r.id}`,
                customer_id: r.id,
                branch_id: branchId,
                method: "staff",
                attached_by: null,
                attached_at: now,
              })),
            )
            .execute();
      });
    }
  }
  const setupSeconds = (performance.now() - started) / 1000;
  const manager = await store.db
    .selectFrom("users")
    .select("id")
    .where("username", "=", "manager")
    .executeTakeFirstOrThrow();
  const actor: StaffActor = {
    type: "user",
    id: manager.id as UserId,
    username: "manager",
    displayName: "manager",
    roles: ["branch_manager"],
    branchIds: [branchId as StaffActor["branchIds"][number]],
    ip: "127.0.0.1",
  };
  log(`${label}: duplicates finder over ${n} customers (${DUP_RUNS} runs)`);
  const times: number[] = [];
  const cpu: number[] = [];
  let shown = 0;
  for (let r = 0; r < DUP_RUNS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = await possibleDuplicates(ctx, actor, branchId);
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    shown = out.items.length;
  }
  const line = await store.db
    .selectFrom("audit_log")
    .select("details")
    .where("action", "=", "customer.duplicates")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirstOrThrow();
  const details = JSON.parse(String(line.details)) as { customers: number; pairs: number };
  // Every planted pair found: checked with the domain's rules over the same records, read back.
  const back = await store.db
    .selectFrom("customers")
    .select(["id", "name", "phone_e164", "email", "id_number", "birth_date"])
    .where("id", "in", planted.flat())
    .execute();
  const found = new Set(
    findDuplicatePairs(
      back.map((c) => ({
        id: c.id,
        name: c.name,
        phone: c.phone_e164,
        email: c.email,
        idNumber: c.id_number,
        birthDate: c.birth_date,
      })),
    ).map((p) => `${p.a} ${p.b}`),
  );
  const sorted = [...times].sort((a, b) => a - b);
  return {
    customers: details.customers,
    plantedPairs: planted.length,
    plantedFound: planted.filter(([a, b]) => found.has(a < b ? `${a} ${b}` : `${b} ${a}`)).length,
    pairs: details.pairs,
    shown,
    setupSeconds: round(setupSeconds, 1),
    firstMs: round(times[0] ?? 0, 1),
    medianMs: round(percentile(sorted, 50), 1),
    // This process's CPU time per run (median): all of SQLite's work, PostgreSQL's sorting and grouping not.
    cpuMedianMs: round(
      percentile(
        [...cpu].sort((a, b) => a - b),
        50,
      ),
      1,
    ),
  };
}

async function measure(location: string, label: string) {
  const store = openStore(location);
  try {
    await migrateToLatest(store);
    log(`${label}: filling ${COUNT} customers`);
    const fillSeconds = await fill(store);
    const ctx = createAppContext({ store });
    const actor: StaffActor = {
      type: "user",
      id: "bench-teller" as UserId,
      username: "bench",
      displayName: "bench",
      roles: ["teller"],
      branchIds: [],
      ip: "127.0.0.1",
    };
    const plans = await queryPlans(store);
    log(`${label}: plans ${JSON.stringify(plans)}`);
    // Warm-up: the first queries read the indexes from disk.
    for (let n = 0; n < 200; n++) await findCustomers(store.db, keyFor(n).input);
    const run = async (what: "query" | "useCase") => {
      const times = new Map<Kind, number[]>();
      let matches = 0;
      // Where a slow search's time went: this process's CPU time (in-process SQLite does all its work there),
      // the garbage collector's pauses during it, and the same search again at once (a slow plan for that key
      // is slow twice; a search that only waited for a CPU is fast the second time).
      const gcs: Array<{ start: number; end: number }> = [];
      const observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) gcs.push({ start: e.startTime, end: e.startTime + e.duration });
      });
      observer.observe({ entryTypes: ["gc"] });
      const slow: Array<{
        kind: Kind;
        input: Parameters<typeof findCustomers>[1];
        start: number;
        end: number;
        cpu: number;
      }> = [];
      const cpuTimes: number[] = [];
      log(`${label}: ${SEARCHES} searches (${what})`);
      for (let n = 0; n < SEARCHES; n++) {
        const { kind, input } = keyFor(n + 1_000);
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const found =
          what === "query" ? (await findCustomers(store.db, input)).rows : await searchCustomers(ctx, actor, input);
        const t1 = performance.now();
        const ms = t1 - t0;
        const c = process.cpuUsage(c0);
        const cpu = (c.user + c.system) / 1000;
        cpuTimes.push(cpu);
        if (ms >= TARGET_P99_MS) slow.push({ kind, input, start: t0, end: t1, cpu });
        matches += found.length;
        const list = times.get(kind) ?? [];
        list.push(ms);
        times.set(kind, list);
      }
      await new Promise((r) => setTimeout(r, 50));
      observer.disconnect();
      const again: number[] = [];
      for (const s of slow) {
        const t0 = performance.now();
        await findCustomers(store.db, s.input);
        again.push(performance.now() - t0);
      }
      const all = [...times.values()].flat().sort((a, b) => a - b);
      const byKind = Object.fromEntries(
        [...times].map(([k, v]) => {
          v.sort((a, b) => a - b);
          return [k, { p50: round(percentile(v, 50), 2), p99: round(percentile(v, 99), 2) }];
        }),
      );
      return {
        searches: all.length,
        meanMatches: round(matches / all.length, 1),
        p50Ms: round(percentile(all, 50), 2),
        p99Ms: round(percentile(all, 99), 2),
        maxMs: round(all.at(-1) ?? 0, 2),
        byKind,
        meetsTarget: percentile(all, 99) < TARGET_P99_MS,
        tail: {
          // This process's CPU time per search (user + system), p50/p99.
          cpuP50Ms: round(percentile(cpuTimes, 50), 2),
          cpuP99Ms: round(percentile(cpuTimes, 99), 2),
          slowSearches: slow.length,
          slowByKind: Object.fromEntries(
            (["full_phone", "phone_prefix", "phone_suffix", "name_prefix", "code_prefix"] as const).map((k) => [
              k,
              slow.filter((x) => x.kind === k).length,
            ]),
          ),
          slowWithUnder5MsCpu: slow.filter((x) => x.cpu < 5).length,
          slowDuringGc: slow.filter((x) => gcs.some((g) => g.start < x.end && g.end > x.start)).length,
          gcPauses: gcs.length,
          gcMaxMs: round(Math.max(0, ...gcs.map((g) => g.end - g.start)), 2),
          slowRepeatedP50Ms: round(percentile(again, 50), 2),
          slowRepeatedMaxMs: round(Math.max(0, ...again), 2),
        },
      };
    };
    return {
      customers: COUNT,
      fillSeconds: round(fillSeconds, 1),
      plans,
      // The reads the indexes serve: what the target is about.
      query: await run("query"),
      // The whole use case: the reads and the search's audit line, a durable commit (fsync) each.
      useCase: await run("useCase"),
      // The possible-duplicates finder over one large branch (after the searches: its records change).
      duplicates: DUP_CUSTOMERS > 0 ? await duplicates(store, ctx, label) : null,
    };
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "datang-bench-customers-"));
  onExit(() => rmSync(dir, { recursive: true, force: true }));
  const only = process.env.BENCH_DBS; // "sqlite" or "postgres" to run one
  const sqlite = only === "postgres" ? null : await measure(join(dir, "datang.db"), "SQLite");
  const cluster = only === "sqlite" ? undefined : await startPostgres();
  const postgres = cluster ? await measure(await cluster.createDatabase("bench_customers"), "PostgreSQL") : null;
  cluster?.stop();
  process.stdout.write(
    `${JSON.stringify({
      bench: "customers",
      targetP99Ms: TARGET_P99_MS,
      note: "one search at a time, in-process; query = the reads, useCase = reads + audit commit; shared 2-core machine, 7 engineers",
      loadavg: (await import("node:os")).loadavg().map((l) => round(l, 2)),
      sqlite,
      postgres,
    })}\n`,
  );
}

await main();
process.exit(0);
