/**
 * The waitlist offer's link in a real browser on a phone (issue 13): a freed place is offered to the first in line,
 * who refuses it on /book/offer; it passes at once to the next, who takes it there and gets a booking code.
 * Both languages, no sideways scrolling, axe-core (WCAG 2.1 A/AA) finds nothing; a wrong link says so.
 */
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpSink, httpSink } from "../support/mail-sinks.ts";
import { axeViolations } from "./axe.ts";
import {
  apiCall,
  type BrowserSession,
  chromiumAvailable,
  listOf,
  login,
  openBrowserSession,
  setLanguage,
  shoot,
} from "./harness.ts";

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1440, height: 900 };

describe.skipIf(!chromiumAvailable())("the waitlist offer page on a phone", () => {
  let session: BrowserSession;
  let origin = "";
  let sms: HttpSink;
  let staff: Page;
  let branchId = "";
  let wealth = "";

  const tomorrow = () =>
    new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(Date.now() + 86_400_000);
  const codeFrom = async (phone: string): Promise<string> => {
    const to = `+86${phone}`;
    const texts = () =>
      sms.hits.map((h) => JSON.parse(h.body) as { to: string; text: string }).filter((m) => m.to === to);
    await expect.poll(() => texts().length, { timeout: 30_000 }).toBeGreaterThan(0);
    return /\b(\d{6})\b/.exec(texts()[0]?.text ?? "")?.[1] ?? "";
  };
  /** The offer's token, from the offer message in the outbox (its link is `/book/offer?token=…`). */
  const offerTokenOf = (phone: string): string | undefined => {
    const db = new Database(session.server.dbPath, { readonly: true });
    try {
      const row = db
        .prepare("select data from outbox where kind = 'waitlist.offer' and recipient = ? and channel = 'sms'")
        .get(`+86${phone}`) as { data: string } | undefined;
      return row ? ((JSON.parse(row.data) as { offerPath: string }).offerPath.split("token=")[1] ?? "") : undefined;
    } finally {
      db.close();
    }
  };
  const join = async (page: Page, phone: string) => {
    expect((await apiCall(page, "POST", "/api/public/otp", { phone })).status).toBe(202);
    const otp = await codeFrom(phone);
    const joined = await apiCall(page, "POST", "/api/public/waitlist", {
      branchId,
      serviceId: wealth,
      day: tomorrow(),
      from: "10:00",
      to: "10:20",
      name: `候补 ${phone}`,
      phone,
      otp,
    });
    expect(joined.status, JSON.stringify(joined.body)).toBe(201);
  };

  beforeAll(async () => {
    sms = await httpSink();
    process.env.DATANG_SMS_HTTP_URL = sms.url;
    session = await openBrowserSession();
    origin = session.origin;
    staff = await session.page(DESK);
    await login(staff, origin, "manager", "/appointments");
    branchId = listOf<{ id: string }>((await apiCall(staff, "GET", "/api/branches")).body, "branches")[0]?.id ?? "";
    const services = listOf<{ id: string; code?: string }>(
      (await apiCall(staff, "GET", `/api/branches/${branchId}/services`)).body,
      "services",
    );
    wealth = services.find((s) => s.code === "WEALTH")?.id ?? "";
    // WEALTH: one place a slot, with a waitlist.
    const rules = await staff.evaluate(
      async (path) =>
        (
          await fetch(path, {
            method: "PUT",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ share: 0.5, waitlist: true }),
          })
        ).status,
      `/api/services/${wealth}/booking-rules`,
    );
    expect(rules).toBe(200);
  }, 300_000);

  afterAll(async () => {
    await session?.close();
    await sms?.close();
    delete process.env.DATANG_SMS_HTTP_URL;
  });

  it("the first in line refuses the offered place, the next takes it; both languages, axe clean", async () => {
    const start = `${tomorrow()}T10:00:00.000+08:00`;
    const booked = await apiCall<{ id: string }>(staff, "POST", `/api/branches/${branchId}/appointments`, {
      serviceId: wealth,
      start,
      name: "占位客户",
      phone: "13700001111",
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const phone = await session.page(PHONE);
    await phone.goto(`${origin}/book`);
    await join(phone, "13700002222");
    await join(phone, "13700003333");
    // The place is freed: the first in line is offered it (SMS with the link, place held).
    const cancelled = await apiCall(staff, "POST", `/api/appointments/${booked.body.id}/cancel`, { reason: "改期" });
    expect(cancelled.status).toBe(200);
    await expect.poll(() => offerTokenOf("13700002222"), { timeout: 30_000 }).toBeTruthy();
    const first = offerTokenOf("13700002222") as string;

    const found: Record<string, unknown[]> = {};
    for (const lang of ["zh-CN", "en"] as const) {
      await phone.goto(`${origin}/book/offer?token=${first}`);
      await setLanguage(phone, lang);
      await phone.getByTestId("offer-accept").waitFor();
      expect(await phone.getByTestId("offer-when").textContent()).toContain("10:00");
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      found[`offer-${lang}`] = await axeViolations(phone);
      await shoot(phone, `book-offer-${lang}`, { fullPage: true });
    }
    phone.once("dialog", (d) => void d.accept());
    await phone.getByTestId("offer-decline").click();
    await phone.getByTestId("offer-declined").waitFor();
    found.declined = await axeViolations(phone);
    // Given up at once: the next in line is offered the place (no waiting for the hold to lapse).
    await expect.poll(() => offerTokenOf("13700003333"), { timeout: 30_000 }).toBeTruthy();
    const second = offerTokenOf("13700003333") as string;
    // The refused link no longer works.
    await phone.goto(`${origin}/book/offer?token=${first}`);
    await phone.getByTestId("offer-bad-link").waitFor();
    found["bad-link"] = await axeViolations(phone);

    await setLanguage(phone, "zh-CN");
    await phone.goto(`${origin}/book/offer?token=${second}`);
    await phone.getByTestId("offer-accept").click();
    await phone.getByTestId("offer-booked").waitFor();
    const code = (await phone.getByTestId("offer-code").textContent()) ?? "";
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    found.booked = await axeViolations(phone);
    await shoot(phone, "book-offer-booked");
    const list = await apiCall<{ appointments: Array<{ code: string; phone: string; status: string }> }>(
      staff,
      "GET",
      `/api/branches/${branchId}/appointments?q=${code}`,
    );
    expect(list.body.appointments).toEqual([
      // The manager sees the phone masked (issue 14); the last digits are the second customer's.
      expect.objectContaining({ code, phone: "137****3333", status: "booked" }),
    ]);
    expect(found).toEqual({
      "offer-zh-CN": [],
      "offer-en": [],
      declined: [],
      "bad-link": [],
      booked: [],
    });
  }, 240_000);
});
