/**
 * The contract's last line (issue 13): "The demo branch takes bookings for every business type from tomorrow for 14
 * days", checked by outside systems on any day of the week. With the clock set to several moments of the week — a
 * Monday morning, a Thursday night, a Saturday after closing (tomorrow is a Sunday), a Sunday before opening — every
 * bookable business type of every public demo branch has a free slot on each of the 14 days from tomorrow in the
 * branch's time, asked through the public slots route as an outside system asks.
 */
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSecondDemoBranch } from "../src/app/seed-demo.ts";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

/** Local wall-clock moments in Shanghai, the demo branches' zone. */
const MOMENTS = [
  "2026-11-23T09:30", // Monday, open
  "2026-11-26T22:45", // Thursday, after closing
  "2026-11-28T18:00", // Saturday, after closing: tomorrow is a Sunday
  "2026-11-29T07:00", // Sunday, before opening
];

describe.each(DB_KINDS)("the demo takes bookings for every business type from tomorrow for 14 days on %s", (kind) => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer(kind);
    await seedSecondDemoBranch(t.server.ctx, TEST_PASSWORD);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("offers free slots for every bookable type on each of the 14 days, whatever the day of the week", async () => {
    const get = async (url: string) => {
      const res = await t.request({ method: "GET", url });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      return res.json();
    };
    const branches = (await get("/api/public/branches")).branches as Array<{
      id: string;
      code: string;
      timezone: string;
    }>;
    expect(branches.map((b) => b.code).sort()).toEqual(["SH001", "SH002"]);
    let checked = 0;
    for (const moment of MOMENTS) {
      for (const branch of branches) {
        const now = DateTime.fromISO(moment, { zone: branch.timezone });
        t.clock.now = now.toMillis();
        const services = (await get(`/api/public/branches/${branch.id}/services`)).services as Array<{
          id: string;
          code: string;
        }>;
        expect(services.length).toBeGreaterThanOrEqual(5);
        for (let ahead = 1; ahead <= 14; ahead++) {
          const date = now.plus({ days: ahead }).toISODate() as string;
          for (const s of services) {
            const { slots } = (await get(`/api/public/branches/${branch.id}/slots?serviceId=${s.id}&date=${date}`)) as {
              slots: Array<{ start: string; free: number }>;
            };
            const free = slots.filter((x) => x.free > 0);
            expect(free.length, `${moment}: ${branch.code} ${s.code} on ${date}`).toBeGreaterThan(0);
            expect(free[0]?.start.slice(0, 10)).toBe(date);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(MOMENTS.length * 14 * 11);
  });
});
