import { expect } from "vitest";
import type { TestServer } from "./harness.ts";

/**
 * The booking calls the consent tests share, over a test server's API: a day's free slots of a business type
 * (`CASH` unless named), a booking by staff (the lobby manager, or whoever `cookie` signs in), and the one-time
 * code the last OTP request queued for a mainland phone (read from the outbox, as the SMS would carry it).
 * `server` is read at each call: the tests start theirs in `beforeAll`.
 */
export function bookingCalls(
  server: () => TestServer,
  serviceId: (code: string) => string,
  cookie: (username: string) => Promise<string> = (username) => server().login(username),
) {
  const freeSlotsOn = async (date: string, code = "CASH"): Promise<string[]> => {
    const t = server();
    const res = await t.request({
      method: "GET",
      url: `/api/public/branches/${t.branchId}/slots?serviceId=${serviceId(code)}&date=${date}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().slots as Array<{ start: string; free: number }>).filter((s) => s.free > 0).map((s) => s.start);
  };
  const staffBook = async (phone: string, start: string | undefined): Promise<string> => {
    const t = server();
    const res = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/appointments`,
      cookie: await cookie("lobby"),
      body: { serviceId: serviceId("CASH"), start, name: `C ${phone}`, phone },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const codeFor = async (phone: string): Promise<string> => {
    const t = server();
    const sent = await t.request({ method: "POST", url: "/api/public/otp", body: { phone } });
    expect(sent.statusCode, sent.body).toBe(202);
    const row = await t.server.ctx.store.db
      .selectFrom("outbox")
      .select("data")
      .where("kind", "=", "otp")
      .where("recipient", "=", `+86${phone}`)
      .orderBy("created_at", "desc")
      .executeTakeFirstOrThrow();
    return (JSON.parse(row.data) as { code: string }).code;
  };
  return { freeSlotsOn, staffBook, codeFor };
}
