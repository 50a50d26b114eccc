import { afterAll, describe, expect, it } from "vitest";
import { freePort, startChildServer } from "./support/child-server.ts";
import { DB_KINDS, freshDatabase } from "./support/databases.ts";
import { httpSink } from "./support/mail-sinks.ts";

/**
 * A message committed, then the server SIGKILLed while delivering it (the gateway had the request but had not
 * accepted it): after the restart the message is delivered, and accepted exactly once.
 */
describe.each(DB_KINDS)("the outbox survives a crash on %s", (kind) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it("delivers a message committed before SIGKILL exactly once after the restart", async () => {
    const db = await freshDatabase(kind);
    cleanup.push(db.drop);
    const gateway = await httpSink();
    cleanup.push(gateway.close);
    gateway.answer(0); // the first server's send hangs: it is killed between commit and delivery
    const env = { DATANG_SMS_HTTP_URL: `${gateway.url}/sms`, DATANG_JOB_LEASE_SECONDS: "2" };
    const port = await freePort();
    const first = await startChildServer(db.location, port, env);
    cleanup.push(() => first.stop("SIGKILL"));

    const res = await fetch(`${first.url}/api/public/otp`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ phone: "13812345678" }),
    });
    expect(res.status).toBe(202);
    const deadline = Date.now() + 10_000;
    while (gateway.hits.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(gateway.hits).toHaveLength(1);
    await first.stop("SIGKILL");
    gateway.answer(200);

    const second = await startChildServer(db.location, port, env);
    cleanup.push(() => second.stop());
    const until = Date.now() + 15_000;
    while (!gateway.hits.some((h) => h.status === 200) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    // Lease expiry and a few more rounds: nothing more is sent.
    await new Promise((r) => setTimeout(r, 3000));
    const accepted = gateway.hits.filter((h) => h.status === 200);
    expect(accepted).toHaveLength(1);
    // The same message both times, as a receiver's deduplication would see it.
    expect(accepted[0]?.headers["idempotency-key"]).toBe(gateway.hits[0]?.headers["idempotency-key"]);
    expect((JSON.parse(accepted[0]?.body ?? "{}") as { to: string }).to).toBe("+8613812345678");
    await second.stop();
  });
});
