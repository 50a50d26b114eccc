/**
 * SQLite storage faults: a full disk (a small tmpfs) and a read-only database file (the server runs as
 * `nobody`, since root ignores file permissions). Writes answer 503 with a code and Retry-After, readiness says
 * why, the cause reaches standard error without DATANG_LOG. Both recover by themselves (no restart) once space is freed
 * or the file is writable again, with nothing acknowledged lost and nothing half-written.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type ChildServer, freePort, startChildServer } from "./support/child-server.ts";

const isRoot = process.getuid?.() === 0;
/** Whether this machine lets the test mount a tmpfs (root in a container that allows it). */
function canMountTmpfs(): boolean {
  if (!isRoot) return false;
  const dir = mkdtempSync(join(tmpdir(), "datang-mnt-"));
  const ok = spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir]).status === 0;
  if (ok) spawnSync("umount", [dir]);
  rmSync(dir, { recursive: true, force: true });
  return ok;
}

interface Issued {
  status: number;
  body: { id?: string; number?: string; error?: string };
  retryAfter: string | null;
}

async function setup(server: ChildServer) {
  const kiosk = server.tokens.get("kiosk") as string;
  const headers = { authorization: `Bearer ${kiosk}`, "content-type": "application/json" };
  const branchId = ((await (await fetch(`${server.url}/api/branches`, { headers })).json()) as Array<{ id: string }>)[0]
    ?.id as string;
  const services = (await (
    await fetch(`${server.url}/api/branches/${branchId}/services`, { headers })
  ).json()) as Array<{
    id: string;
    prefix: string;
  }>;
  const service = services[0] as { id: string; prefix: string };
  const issue = async (): Promise<Issued> => {
    const res = await fetch(`${server.url}/api/branches/${branchId}/tickets`, {
      method: "POST",
      headers,
      body: JSON.stringify({ serviceId: service.id }),
    });
    return {
      status: res.status,
      body: (await res.json()) as Issued["body"],
      retryAfter: res.headers.get("retry-after"),
    };
  };
  return { branchId, service, issue };
}

async function waitingNumbers(server: ChildServer, branchId: string): Promise<Map<string, string>> {
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "lobby", password: "test-password-1" }),
  });
  const cookie = login.headers.get("set-cookie")?.split(";")[0] as string;
  const queue = (await (
    await fetch(`${server.url}/api/branches/${branchId}/queue`, { headers: { cookie } })
  ).json()) as {
    waiting: Array<{ id: string; number: string }>;
  };
  return new Map(queue.waiting.map((w) => [w.id, w.number]));
}

const health = async (server: ChildServer) => {
  const res = await fetch(`${server.url}/api/health`);
  return { status: res.status, body: (await res.json()) as { error?: string; status?: string } };
};

describe.skipIf(!canMountTmpfs())("a full disk (tmpfs)", () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it("answers 503 storage_full, logs the cause, and recovers once space is freed, losing nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "datang-full-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=6m", "tmpfs", dir]);
    cleanup.push(() => {
      spawnSync("umount", ["-l", dir]);
      rmSync(dir, { recursive: true, force: true });
    });
    const db = join(dir, "datang.db");
    const port = await freePort();
    let server = await startChildServer(db, port);
    cleanup.push(() => server.stop("SIGKILL"));
    const { branchId, issue } = await setup(server);
    const acknowledged = new Map<string, string>();
    for (let i = 0; i < 20; i++) {
      const r = await issue();
      expect(r.status).toBe(201);
      acknowledged.set(r.body.id as string, r.body.number as string);
    }
    // Fill the disk to the last byte.
    const filler = join(dir, "filler");
    const fd = openSync(filler, "w");
    const chunk = Buffer.alloc(64 * 1024);
    try {
      for (let n = chunk.length; n > 0; ) {
        try {
          writeSync(fd, chunk, 0, n);
        } catch {
          n = Math.floor(n / 2);
        }
      }
    } finally {
      closeSync(fd);
    }
    let full: Issued | undefined;
    for (let i = 0; i < 3000 && !full; i++) {
      const r = await issue();
      if (r.status === 201) acknowledged.set(r.body.id as string, r.body.number as string);
      else full = r;
    }
    expect(full?.status).toBe(503);
    expect(full?.body.error).toBe("storage_full");
    expect(full?.retryAfter).toBeTruthy();
    expect((await issue()).body.error).toBe("storage_full");
    const ready = await health(server);
    expect(ready.status).toBe(503);
    expect(ready.body.error).toBe("storage_full");
    expect((await fetch(`${server.url}/api/health/live`)).status).toBe(200);
    // The cause, in standard error, without DATANG_LOG.
    expect(server.output()).toContain("SQLITE_FULL");
    expect(server.process.exitCode).toBeNull();

    rmSync(filler);
    await expect.poll(async () => (await health(server)).status).toBe(200);
    const after = await issue();
    expect(after.status).toBe(201);
    acknowledged.set(after.body.id as string, after.body.number as string);

    // A crash now: everything acknowledged is there, and the numbers run 1..N without a gap (nothing half-written).
    await server.stop("SIGKILL");
    server = await startChildServer(db, port);
    const stored = await waitingNumbers(server, branchId);
    for (const [id, number] of acknowledged) expect(stored.get(id), `${number} acknowledged but lost`).toBe(number);
    const seqs = [...stored.values()].map((n) => Number(n.replace(/\D/g, ""))).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(stored.size).toBe(acknowledged.size);
  }, 120_000);
});

describe.skipIf(!isRoot)("a read-only database file (the server runs as nobody)", () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it("is not ready and answers 503 storage_read_only, logging the cause; recovers without a restart once writable", async () => {
    const uid = Number(execFileSync("id", ["-u", "nobody"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "nobody"], { encoding: "utf8" }).trim());
    const dir = mkdtempSync(join(tmpdir(), "datang-ro-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, "data"));
    chownSync(dir, uid, gid);
    chownSync(join(dir, "data"), uid, gid);
    const db = join(dir, "data", "datang.db");
    const port = await freePort();
    const first = await startChildServer(db, port, {}, { uid, gid });
    const { branchId, issue } = await setup(first);
    const ticket = await issue();
    expect(ticket.status).toBe(201);
    await first.stop();
    const files = [db, `${db}-wal`, `${db}-shm`].filter((f) => existsSync(f));
    for (const f of files) chmodSync(f, 0o444);

    const server = await startChildServer(db, port, {}, { uid, gid });
    cleanup.push(() => server.stop("SIGKILL"));
    const ready = await health(server);
    expect(ready.status).toBe(503);
    expect(ready.body.error).toBe("storage_read_only");
    const refused = await issue();
    expect(refused.status).toBe(503);
    expect(refused.body.error).toBe("storage_read_only");
    expect(refused.retryAfter).toBeTruthy();
    expect(server.output()).toContain("storage_read_only");

    // The file becomes writable again: the same process takes writes, without a restart, and nothing is lost.
    for (const f of files) chmodSync(f, 0o644);
    await expect.poll(async () => (await health(server)).status, { timeout: 10_000 }).toBe(200);
    const after = await issue();
    expect(after.status, JSON.stringify(after.body)).toBe(201);
    const again = await issue();
    expect(again.status).toBe(201);
    expect(server.process.exitCode).toBeNull();
    expect(server.output()).toContain("takes writes again");
    const stored = await waitingNumbers(server, branchId);
    expect([...stored.entries()]).toEqual(
      expect.arrayContaining([
        [ticket.body.id, ticket.body.number],
        [after.body.id, after.body.number],
        [again.body.id, again.body.number],
      ]),
    );
    const seqs = [...stored.values()].map((n) => Number(n.replace(/\D/g, ""))).sort((a, b) => a - b);
    expect(seqs).toEqual([1, 2, 3]);
  }, 120_000);
});
