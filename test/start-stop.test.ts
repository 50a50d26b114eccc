import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "./support/free-port.ts";

const ROOT = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "datang-start-"));
const db = join(dir, "datang.db");

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** `npm start` as a user runs it, in its own process group (what a terminal's Ctrl-C signals). */
function npmStart(port: number): Started {
  const child = spawn("npm", ["start"], {
    cwd: ROOT,
    detached: true,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: db,
      DATANG_DEMO_PASSWORD: "test-pass-1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether any process of the group is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(port, "127.0.0.1", () => resolve(srv));
  });
}

const started: Started[] = [];
afterAll(() => {
  // Whatever a failed test left running: its own process group only.
  for (const s of started) if (s.child.pid && groupAlive(s.child.pid)) process.kill(-s.child.pid, "SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("starting and stopping", () => {
  for (const [how, signal, target] of [
    ["SIGTERM to npm", "SIGTERM", "npm"],
    ["Ctrl-C", "SIGINT", "group"],
  ] as const) {
    it(`stops npm start on ${how}: no process is left and the port is free`, async () => {
      const port = await freePort();
      const s = npmStart(port);
      started.push(s);
      const pid = s.child.pid as number;
      await until(() => s.output().includes("Datang is serving"), 90_000, "the server to start");
      if (target === "npm") process.kill(pid, signal);
      else process.kill(-pid, signal);
      await Promise.race([s.exited, new Promise((r) => setTimeout(r, 15_000))]);
      await until(() => !groupAlive(pid), 10_000, "every process of npm start to end");
      const srv = await listen(port);
      await new Promise((r) => srv.close(r));
    }, 120_000);
  }

  it("says where the demo logins are on a later start", () => {
    const first = started[0]?.output() ?? "";
    const later = started[1]?.output() ?? "";
    expect(first).toContain("demo-logins.txt");
    expect(first).toMatch(/password for all: test-pass-1/);
    expect(later).not.toMatch(/password for all/);
    expect(later).toMatch(/Demo logins and device pairing tokens: .*demo-logins\.txt/);
  });

  it("says in one line that the port is in use, without a stack trace", async () => {
    const port = await freePort();
    const taken = await listen(port);
    try {
      const child = spawn(
        process.execPath,
        ["bin/datang.js", "serve", "--port", String(port), "--host", "127.0.0.1", "--db", db],
        { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      const code = await new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          reject(new Error("serve did not exit on a port in use"));
        }, 60_000);
        child.once("exit", (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      expect(code).toBe(1);
      const lines = stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`端口 ${port} 已被占用`);
      expect(lines[0]).toContain(`Port ${port} is already in use`);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  }, 90_000);
});
