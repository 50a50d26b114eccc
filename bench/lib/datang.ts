/**
 * Starts a real Datang server (`src/cli.ts serve --demo`) in a child process on 127.0.0.1, reads the demo
 * device tokens from its stdout, and offers the few API calls the bench needs to prepare its loads.
 */
import { join } from "node:path";
import { freePort, log, type Started, startNode } from "./procs.ts";

export const DEMO_PASSWORD = "bench-pass-1";
const ROOT = join(import.meta.dirname, "..", "..");

export interface Service {
  readonly id: string;
  readonly code: string;
}
export interface Counter {
  readonly id: string;
  readonly number: number;
  readonly skills: ReadonlyArray<{ serviceId: string; weight: number }>;
}

export interface Datang {
  readonly base: string;
  readonly pid: number;
  readonly tokens: { readonly kiosk: string; readonly display: string };
  readonly branchId: string;
  readonly services: readonly Service[];
  readonly counters: readonly Counter[];
  readonly adminCookie: string;
  stop(): Promise<void>;
}

export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly cookie?: string;
}

/** One JSON request with a 10 s bound; the answer's body parsed when it has one. */
export async function api(
  base: string,
  method: "GET" | "POST" | "PUT",
  path: string,
  auth: { cookie?: string; bearer?: string },
  body?: unknown,
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("datang_session="));
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as unknown) : undefined,
    cookie: setCookie?.split(";")[0],
  };
}

function expectStatus(answer: ApiAnswer, status: number, what: string): unknown {
  if (answer.status !== status)
    throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export async function login(base: string, username: string, password = DEMO_PASSWORD): Promise<string> {
  const answer = await api(base, "POST", "/api/auth/login", {}, { username, password });
  expectStatus(answer, 200, `login ${username}`);
  if (!answer.cookie) throw new Error(`login ${username}: no session cookie`);
  return answer.cookie;
}

/** `db` is a SQLite file path or a postgres:// URL; the database must be empty so the demo branch is seeded. */
export async function startDatang(db: string, env: Record<string, string> = {}): Promise<Datang> {
  const port = await freePort();
  const server: Started = await startNode(
    join(ROOT, "src/cli.ts"),
    ["serve", "--demo", "--port", String(port), "--host", "127.0.0.1", "--db", db, "--quiet"],
    /Datang is serving on/,
    {
      DATANG_DEMO_PASSWORD: DEMO_PASSWORD,
      DATANG_LOG: "0",
      NODE_ENV: "production",
      DATANG_DEMO_HISTORY_DAYS: "0",
      ...env,
    },
    60_000,
    // e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": profile the servers under load without touching the bench.
    (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean),
  );
  const token = (kind: string): string => {
    const match = server.output().match(new RegExp(`^\\s+${kind}\\s+(\\S+)`, "m"));
    if (!match?.[1]) throw new Error(`no ${kind} token in the server's output:\n${server.output()}`);
    return match[1];
  };
  const base = `http://127.0.0.1:${port}`;
  const adminCookie = await login(base, "admin");
  const branches = expectStatus(await api(base, "GET", "/api/branches", { cookie: adminCookie }), 200, "branches");
  const branchId = (branches as Array<{ id: string }>)[0]?.id;
  if (!branchId) throw new Error("no branch after the demo seed");
  const services = expectStatus(
    await api(base, "GET", `/api/branches/${branchId}/services`, { cookie: adminCookie }),
    200,
    "services",
  ) as Service[];
  const counters = expectStatus(
    await api(base, "GET", `/api/branches/${branchId}/counters`, { cookie: adminCookie }),
    200,
    "counters",
  ) as Counter[];
  log(`Datang pid ${server.pid} on ${base} (${db.startsWith("postgres") ? "PostgreSQL" : "SQLite"})`);
  return {
    base,
    pid: server.pid,
    tokens: { kiosk: token("kiosk"), display: token("display") },
    branchId,
    services,
    counters: [...counters].sort((a, b) => a.number - b.number),
    adminCookie,
    stop: () => server.stop(),
  };
}

export interface TellerSeat {
  readonly counterId: string;
  readonly cookie: string;
  /** A business type this counter serves (its highest weight), so what the seat issues it can also serve. */
  readonly serviceId: string;
}

function mainSkill(counter: Counter): string {
  const best = [...counter.skills].sort((a, b) => b.weight - a.weight)[0];
  if (!best) throw new Error(`counter ${counter.number} has no skills`);
  return best.serviceId;
}

/**
 * `seats` counters, each with its own teller signed in: the demo's eight (teller1…teller8), and for more,
 * extra teller counters serving every business type with their own teller accounts.
 */
export async function prepareSeats(d: Datang, seats: number): Promise<TellerSeat[]> {
  const plan: Array<{ counter: Counter; username: string }> = [];
  for (const [i, counter] of d.counters.slice(0, seats).entries()) plan.push({ counter, username: `teller${i + 1}` });
  for (let n = plan.length + 1; n <= seats; n++) {
    const counter = expectStatus(
      await api(
        d.base,
        "POST",
        `/api/branches/${d.branchId}/counters`,
        { cookie: d.adminCookie },
        { number: 100 + n, kind: "teller", skills: d.services.map((s) => ({ serviceId: s.id, weight: 1 })) },
      ),
      201,
      `create counter ${100 + n}`,
    ) as Counter;
    const username = `bench-teller${n}`;
    const user = await api(
      d.base,
      "POST",
      "/api/users",
      { cookie: d.adminCookie },
      {
        username,
        displayName: `Bench teller ${n}`,
        password: DEMO_PASSWORD,
        roles: ["teller"],
        branchIds: [d.branchId],
      },
    );
    if (user.status !== 200 && user.status !== 201) expectStatus(user, 201, `create user ${username}`);
    plan.push({ counter, username });
  }
  const result: TellerSeat[] = [];
  // Logins hash with scrypt: a few at a time keeps the setup short without starving the server.
  for (let i = 0; i < plan.length; i += 8) {
    const chunk = plan.slice(i, i + 8);
    const done = await Promise.all(
      chunk.map(async ({ counter, username }) => {
        const cookie = await login(d.base, username);
        expectStatus(
          await api(d.base, "POST", `/api/counters/${counter.id}/sign-in`, { cookie }),
          200,
          `sign in ${username} at counter ${counter.number}`,
        );
        return { counterId: counter.id, cookie, serviceId: mainSkill(counter) };
      }),
    );
    result.push(...done);
  }
  return result;
}
