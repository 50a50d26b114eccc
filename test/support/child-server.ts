import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "../..");

import { SERVER_BUNDLE } from "./server-bundle.ts";

export { freePort } from "./free-port.ts";

export interface ChildServer {
  readonly process: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  /** Tokens printed by the demo seed, by device kind (only on the run that seeded). */
  readonly tokens: Map<string, string>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `datang serve` (the bundled build) in its own process, as a user would, and waits until it listens. */
export async function startChildServer(
  db: string,
  port: number,
  env: Record<string, string> = {},
  options: { demo?: boolean; uid?: number; gid?: number } = {},
): Promise<ChildServer> {
  const demo = options.demo === false ? [] : ["--demo"];
  const child = spawn(
    process.execPath,
    [SERVER_BUNDLE, "serve", ...demo, "--db", db, "--port", String(port), "--host", "127.0.0.1"],
    {
      cwd: ROOT,
      env: { ...process.env, DATANG_DEMO_PASSWORD: "test-password-1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
      // As an unprivileged user: root ignores file permissions, so a read-only file is only read-only to others.
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid } : {}),
    },
  );
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const deadline = Date.now() + 60_000;
  while (!out.includes("Datang is serving")) {
    if (child.exitCode !== null) throw new Error(`server exited: ${out}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not start: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const tokens = new Map<string, string>();
  for (const m of out.matchAll(/^\s+(kiosk|display|rating_pad)\s+(dtd_\S+)/gm))
    tokens.set(m[1] as string, m[2] as string);
  return {
    process: child,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    tokens,
    stop(signal = "SIGTERM") {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      });
    },
  };
}
