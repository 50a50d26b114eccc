import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, startChildServer } from "./support/child-server.ts";
import { DB_KINDS, freshDatabase } from "./support/databases.ts";

describe.each(DB_KINDS)("crash safety on %s", (kind) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it("keeps every acknowledged ticket after SIGKILL, with unique numbers and no gaps", async () => {
    const db = await freshDatabase(kind);
    cleanup.push(db.drop);
    const port = await freePort();
    const first = await startChildServer(db.location, port);
    cleanup.push(() => first.stop("SIGKILL"));
    const kiosk = first.tokens.get("kiosk") as string;
    const headers = { authorization: `Bearer ${kiosk}`, "content-type": "application/json" };
    const branchId = (
      (await (await fetch(`${first.url}/api/branches`, { headers })).json()) as Array<{ id: string }>
    )[0]?.id as string;
    const services = (await (
      await fetch(`${first.url}/api/branches/${branchId}/services`, { headers })
    ).json()) as Array<{ id: string; prefix: string }>;

    const acknowledged = new Map<string, { number: string }>();
    let stop = false;
    // 16 kiosks tapping as fast as they can; the server is killed while their requests are in flight.
    const clients = Array.from({ length: 16 }, async (_, i) => {
      const serviceId = services[i % 3]?.id as string;
      while (!stop) {
        try {
          const res = await fetch(`${first.url}/api/branches/${branchId}/tickets`, {
            method: "POST",
            headers,
            body: JSON.stringify({ serviceId }),
          });
          if (res.status === 201) {
            const body = (await res.json()) as { id: string; number: string };
            acknowledged.set(body.id, body);
          }
        } catch {
          return; // connection refused or reset: the server is gone
        }
      }
    });
    const deadline = Date.now() + 15_000;
    while (acknowledged.size < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await first.stop("SIGKILL");
    stop = true;
    await Promise.all(clients);
    expect(acknowledged.size).toBeGreaterThanOrEqual(300);

    const second = await startChildServer(db.location, port);
    cleanup.push(() => second.stop());
    const lobby = await fetch(`${second.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "lobby", password: "test-password-1" }),
    });
    const cookie = lobby.headers.get("set-cookie")?.split(";")[0] as string;
    const queue = (await (
      await fetch(`${second.url}/api/branches/${branchId}/queue`, { headers: { cookie } })
    ).json()) as {
      waiting: Array<{ id: string; number: string }>;
    };
    const stored = new Map(queue.waiting.map((w) => [w.id, w.number]));
    for (const [id, t] of acknowledged)
      expect(stored.get(id), `ticket ${t.number} acknowledged but lost`).toBe(t.number);
    // Per queue, the stored numbers are exactly 1..N: unique and without gaps.
    for (const s of services) {
      const seqs = [...stored.values()]
        .filter((n) => n.startsWith(s.prefix))
        .map((n) => Number(n.slice(s.prefix.length)))
        .sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    }
  });
});

describe("a production start", () => {
  it("creates the first administrator from DATANG_ADMIN_PASSWORD, and only on an empty database", async () => {
    const dir = mkdtempSync(join(tmpdir(), "datang-admin-"));
    const db = join(dir, "datang.db");
    const port = await freePort();
    const env = { DATANG_ADMIN_PASSWORD: "first-admin-pass" };
    const first = await startChildServer(db, port, env, { demo: false });
    try {
      expect(first.output()).toContain("Created the first administrator: admin");
      const login = await fetch(`${first.url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "admin", password: "first-admin-pass" }),
      });
      expect(login.status).toBe(200);
    } finally {
      await first.stop();
    }
    const again = await startChildServer(db, port, { DATANG_ADMIN_PASSWORD: "another-password" }, { demo: false });
    try {
      expect(again.output()).not.toContain("Created the first administrator");
    } finally {
      await again.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// The README promises that a fresh checkout's first start creates ./data/datang.db; the same command is exercised here on a temp path.
describe("first start", () => {
  it("creates, migrates and seeds an empty database and prints the logins", async () => {
    const dir = mkdtempSync(join(tmpdir(), "datang-first-"));
    const server = await startChildServer(join(dir, "nested", "datang.db"), await freePort(), {
      DATANG_DEMO_PASSWORD: "",
    });
    try {
      const out = server.output();
      expect(out).toMatch(/password for all: \S{6,}/);
      expect(out).toContain("teller8");
      expect([...server.tokens.keys()].sort()).toEqual(["display", "kiosk", "rating_pad"]);
      expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
      expect((await fetch(`${server.url}/api/openapi.json`)).status).toBe(200);
      const docs = await fetch(`${server.url}/api/docs/`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain("swagger");
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
