/**
 * Child processes of the bench: every process started here is registered, so a normal end, an error or a
 * signal kills all of them (by pid, never by name). Servers are started through `sh -c 'ulimit -n …; exec …'`
 * so they get enough file descriptors for 2,000 SSE sockets while keeping the pid of the real Node process
 * (exec replaces the shell), which is the pid whose RSS the bench reads.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const children = new Set<ChildProcess>();

/** Descriptors a server gets: far above 2,000 sockets plus the database and the logs. */
export const CHILD_NOFILE = 65536;

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Soft and hard "Max open files" of a process, from /proc. */
export function openFileLimits(pid: number | "self" = "self"): { soft: number; hard: number } {
  const line = readFileSync(`/proc/${pid}/limits`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("Max open files"));
  const parts = line?.split(/\s+/) ?? [];
  const parse = (v: string | undefined): number => (v === "unlimited" ? Number.POSITIVE_INFINITY : Number(v));
  return { soft: parse(parts[3]), hard: parse(parts[4]) };
}

/** Resident set size of a process in MB, from /proc/<pid>/status. */
export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  const kb = Number(line?.replace(/[^0-9]/g, "") ?? "0");
  return Math.round((kb / 1024) * 10) / 10;
}

export { freePort } from "../../test/support/free-port.ts";

export interface Started {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything the child printed on stdout so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx <script> …args` with a raised descriptor limit and resolves once stdout
 * matches `ready` (or rejects after `timeoutMs`, or when the child exits first).
 */
export function startNode(
  script: string,
  args: readonly string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 60_000,
  nodeArgs: readonly string[] = [],
): Promise<Started> {
  const child = spawn(
    "sh",
    [
      "-c",
      `ulimit -n ${CHILD_NOFILE} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`,
      process.execPath,
      ...nodeArgs,
      "--import",
      "tsx",
      script,
      ...args,
    ],
    { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] },
  );
  children.add(child);
  child.once("exit", () => children.delete(child));
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8");
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (d: string) => {
    // Keep only the tail: a chatty child must not grow the bench's memory.
    err = (err + d).slice(-4000);
  });
  const started: Started = {
    child,
    pid: child.pid ?? 0,
    output: () => out,
    stop: () => stopChild(child),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopChild(child);
      reject(new Error(`${script} did not become ready in ${timeoutMs} ms:\n${out}\n${err}`));
    }, timeoutMs);
    child.stdout?.on("data", (d: string) => {
      if (out.length < 100_000) out += d;
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(started);
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before it was ready:\n${out}\n${err}`));
    });
  });
}

/** SIGTERM, then SIGKILL after 3 s: a server that hangs on shutdown must not outlive the bench. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

const cleanups: Array<() => void> = [];

/** Synchronous last-resort cleanups (e.g. stopping PostgreSQL) run on exit, after the children are killed. */
export function onExit(cleanup: () => void): void {
  cleanups.push(cleanup);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map(stopChild));
}

function killAllNow(): void {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
  for (const cleanup of cleanups.splice(0)) {
    try {
      cleanup();
    } catch {
      // Best effort on the way out: the remaining cleanups still run.
    }
  }
}

process.once("exit", killAllNow);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    killAllNow();
    process.exit(130);
  });
}

/** CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat (clock ticks of 10 ms); 0 if gone. */
export function processCpuMs(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return 0;
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * CPU time (ms) used so far by a process and its children, by pid (children that exited are not counted: measure
 * while they live, e.g. a PostgreSQL server's backends for a pool's connections).
 */
export function familyCpuMs(pid: number): Map<number, number> {
  const used = new Map<number, number>([[pid, processCpuMs(pid)]]);
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[1]) === pid) used.set(Number(entry), (Number(fields[11]) + Number(fields[12])) * 10);
  }
  return used;
}

/** CPU ms a family used between two `familyCpuMs` readings (a child new since the first counts from 0). */
export function familyCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return sum;
}
