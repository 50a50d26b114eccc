import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { JobRunner } from "../src/app/messages/runner.ts";
import { DB_KINDS } from "./support/databases.ts";
import { freePort } from "./support/free-port.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

interface Hit {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly status: number;
}

/** A webhook receiver on 127.0.0.1 that answers the statuses given, one per request, then 200 for good. */
async function receiver(statuses: number[]): Promise<{ url: string; hits: Hit[]; close(): Promise<void> }> {
  const hits: Hit[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = statuses.shift() ?? 200;
      hits.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status });
      res.writeHead(status, { "content-type": "application/json" }).end("{}");
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${port}/hooks/datang`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Verifies a request as a receiver would, at the time it was signed (the test clock is not the real time). */
function verified(secret: string, hit: Hit | undefined): { type: string; data: Record<string, unknown> } {
  const headers = {
    "webhook-id": String(hit?.headers["webhook-id"]),
    "webhook-timestamp": String(hit?.headers["webhook-timestamp"]),
    "webhook-signature": String(hit?.headers["webhook-signature"]),
  };
  vi.useFakeTimers({ now: Number(headers["webhook-timestamp"]) * 1000, toFake: ["Date"] });
  try {
    return new Webhook(secret).verify(hit?.body ?? "", headers) as { type: string; data: Record<string, unknown> };
  } finally {
    vi.useRealTimers();
  }
}

describe.each(DB_KINDS)("a webhook whose receiver fails first on %s", (kind) => {
  let t: TestServer;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let runner: JobRunner;

  beforeAll(async () => {
    t = await startTestServer(kind);
    hook = await receiver([500]);
    runner = new JobRunner(t.server.ctx, { config: {}, leaseMs: 60_000 });
  });
  afterAll(async () => {
    await runner?.stop();
    await hook?.close();
    await t?.close();
  });

  it("is retried after its backoff, signed per Standard Webhooks each time, delivered once, and logged", async () => {
    const admin = await t.login("admin");
    const created = await t.request({
      method: "POST",
      url: "/api/webhooks",
      cookie: admin,
      body: { url: hook.url, eventTypes: ["appointment.*"], branchId: t.branchId },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { subscription, secret } = created.json() as { subscription: { id: string }; secret: string };

    const ids = await demoIds(t);
    const booked = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/appointments`,
      cookie: await t.login("lobby"),
      body: {
        serviceId: ids.services.get("CARD"),
        start: "2026-11-24T10:00:00+08:00",
        name: "张三",
        phone: "13800138000",
      },
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const deliveries = () =>
      t.server.ctx.store.db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("subscription_id", "=", subscription.id)
        .execute();
    const [queued] = await deliveries();
    expect(queued).toMatchObject({ event_type: "appointment.booked", status: "pending", attempts: 0 });

    // First attempt: the receiver answers 500.
    const first = t.clock.now;
    await runner.tick();
    expect(hook.hits.map((h) => h.status)).toEqual([500]);
    const [failed] = await deliveries();
    expect(failed).toMatchObject({
      status: "failed",
      attempts: 1,
      last_error: "HTTP 500",
      last_status_code: 500,
      delivered_at: null,
    });
    // Backoff after one failure: 30 s, ±20% jitter.
    const wait = Number(failed?.next_attempt_at) - first;
    expect(wait).toBeGreaterThanOrEqual(24_000);
    expect(wait).toBeLessThanOrEqual(36_000);

    // Not before its time.
    t.clock.advance(20_000);
    await runner.tick();
    expect(hook.hits).toHaveLength(1);

    // At its time: the receiver answers 200 now.
    t.clock.now = Number(failed?.next_attempt_at);
    await runner.tick();
    expect(hook.hits.map((h) => h.status)).toEqual([500, 200]);
    const [sent] = await deliveries();
    expect(sent).toMatchObject({
      status: "sent",
      attempts: 2,
      last_error: null,
      last_status_code: 200,
      delivered_at: t.clock.now,
    });

    // Both attempts: the same webhook-id (the delivery's id, for the receiver to drop a repeat), each signed for
    // its own time, both verifying with the subscription's secret; a wrong secret does not verify.
    const [a, b] = hook.hits;
    expect(a?.headers["webhook-id"]).toBe(queued?.id);
    expect(b?.headers["webhook-id"]).toBe(queued?.id);
    expect(Number(a?.headers["webhook-timestamp"])).toBe(Math.floor(first / 1000));
    expect(Number(b?.headers["webhook-timestamp"])).toBe(Math.floor(t.clock.now / 1000));
    expect(b?.body).toBe(a?.body);
    for (const hit of [a, b]) {
      const event = verified(secret, hit);
      expect(event.type).toBe("appointment.booked");
      expect(event.data).toMatchObject({ appointment: { id: booked.json().id, status: "booked" } });
    }
    expect(() => verified("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", b)).toThrow();

    // Delivered once: later rounds, even hours later, send nothing more.
    t.clock.advance(2 * 3_600_000);
    await runner.tick();
    await runner.tick();
    expect(hook.hits).toHaveLength(2);

    // The admin's log of the subscription shows it.
    const log = await t.request({ method: "GET", url: `/api/webhooks/${subscription.id}/deliveries`, cookie: admin });
    expect(log.statusCode).toBe(200);
    expect((log.json() as { deliveries: unknown[] }).deliveries).toEqual([
      expect.objectContaining({
        id: queued?.id,
        eventType: "appointment.booked",
        status: "sent",
        attempts: 2,
        lastStatusCode: 200,
        lastError: null,
        deliveredAt: new Date(Number(sent?.delivered_at)).toISOString(),
      }),
    ]);
  });
});
