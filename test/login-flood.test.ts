import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPool } from "../src/app/auth/passwords.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

const FLOOD = 400;
/** Generous against a shared, loaded test machine; the bench measures the real figure (target: p99 < 100 ms). */
const ISSUE_LIMIT_MS = 1000;

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

describe.each(DB_KINDS)("a login flood on %s", (kind) => {
  let t: TestServer;
  let serviceId: string | undefined;
  beforeAll(async () => {
    // Behind a trusted proxy, every guess comes from its own address: no per-address limit helps, only the
    // bounded hashing queue does.
    t = await startTestServer(kind, undefined, { trustProxy: true });
    serviceId = (await demoIds(t)).services.get("CASH");
  });
  afterAll(async () => {
    await t?.close();
  });

  const issue = async (): Promise<number> => {
    const started = performance.now();
    const res = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/tickets`,
      token: t.deviceToken("kiosk"),
      body: { serviceId },
    });
    expect(res.statusCode).toBe(201);
    return performance.now() - started;
  };

  it(`issues kiosk tickets promptly during ${FLOOD} parallel bad sign-ins, and refuses the excess fast with 429`, async () => {
    for (let i = 0; i < 3; i++) await issue(); // warm
    const floodStarted = performance.now();
    const flood = Promise.all(
      Array.from({ length: FLOOD }, (_, i) =>
        t
          .request({
            method: "POST",
            url: "/api/auth/login",
            body: { username: `nobody${i}`, password: "guess" },
            headers: { "x-forwarded-for": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
          })
          .then((res) => ({
            status: res.statusCode,
            ms: performance.now() - floodStarted,
            retry: res.headers["retry-after"],
          })),
      ),
    );
    const latencies: number[] = [];
    let settled = false;
    void flood.then(() => {
      settled = true;
    });
    // Tickets issued one after another while the flood is answered (and a few more for a stable p99).
    while (!settled || latencies.length < 20) latencies.push(await issue());
    const answers = await flood;

    const refused = answers.filter((a) => a.status === 429);
    const checked = answers.filter((a) => a.status === 401);
    expect(refused.length + checked.length).toBe(FLOOD);
    // At most the hashing threads plus the queue in front of them were checked at once; the rest refused.
    expect(checked.length).toBeLessThanOrEqual(hashPool.threads + hashPool.maxQueued + 10);
    expect(refused.every((a) => a.retry === "1")).toBe(true);
    const p99 = percentile(latencies, 99);
    expect(p99, `kiosk issue p99 ${p99.toFixed(1)} ms over ${latencies.length} tickets`).toBeLessThan(ISSUE_LIMIT_MS);
  });
});
