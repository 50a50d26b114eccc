import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCall, type BrowserSession, chromiumAvailable, listOf, login, openBrowserSession, ROOT } from "./harness.ts";

/** axe-core's own build, evaluated in the page (the page's CSP does not apply to what the test evaluates). */
const AXE = readFileSync(join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
const WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

interface Finding {
  readonly id: string;
  readonly impact: string | null;
  readonly targets: string[];
}

/** Runs axe with the WCAG 2.1 A and AA rules on the page as it is now; answers each violation and its elements. */
async function axe(page: Page): Promise<Finding[]> {
  await page.evaluate(AXE);
  return page.evaluate(async (tags) => {
    const w = window as unknown as {
      axe: {
        run: (
          context: Document,
          options: object,
        ) => Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }>;
      };
    };
    const result = await w.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => n.target.join(" ")),
    }));
  }, WCAG21_AA);
}

/** Checks the page in Chinese and then in English (through its own switch when it has one, else `?lang=`). */
async function bothLanguages(page: Page, name: string, ready: () => Promise<unknown>): Promise<void> {
  for (const lang of ["zh-CN", "en"]) {
    if ((await page.evaluate(() => document.documentElement.lang)) !== lang) {
      if ((await page.getByTestId("lang-switch").count()) > 0) await page.getByTestId("lang-switch").first().click();
      else {
        await page.evaluate((l) => window.localStorage.setItem("datang.lang", l), lang);
        await page.reload();
      }
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
    }
    await ready();
    // Let entrance animations (the display's call flashes three times, 3 s) finish: axe measures colours as they
    // are. Endless ones (the called live page's pulse) never settle; they are measured wherever they are.
    await page.evaluate(() =>
      Promise.race([
        Promise.all(
          document
            .getAnimations()
            .filter((a) => Number.isFinite(Number(a.effect?.getComputedTiming().endTime)))
            .map((a) => a.finished.catch(() => undefined)),
        ),
        new Promise((resolve) => setTimeout(resolve, 5_000)),
      ]),
    );
    await page.waitForTimeout(200);
    expect(await axe(page), `${name} (${lang})`).toEqual([]);
  }
}

describe.skipIf(!chromiumAvailable())("accessibility of the public screens (axe-core, WCAG 2.1 A and AA)", () => {
  let session: BrowserSession;
  let origin = "";
  let branchId = "";
  let teller: Page;
  let counter1 = "";
  const service = new Map<string, string>();

  beforeAll(async () => {
    session = await openBrowserSession();
    origin = session.origin;
    teller = await session.page({ width: 1440, height: 900 });
    await login(teller, origin, "teller1", "/counter");
    branchId = listOf<{ id: string }>((await apiCall(teller, "GET", "/api/branches")).body, "branches")[0]?.id ?? "";
    for (const s of listOf<{ id: string; prefix: string }>(
      (await apiCall(teller, "GET", `/api/branches/${branchId}/services`)).body,
      "services",
    ))
      service.set(s.prefix, s.id);
    counter1 =
      listOf<{ id: string; number: number }>(
        (await apiCall(teller, "GET", `/api/branches/${branchId}/counters`)).body,
        "counters",
      ).find((c) => c.number === 1)?.id ?? "";
    expect((await apiCall(teller, "POST", `/api/counters/${counter1}/sign-in`)).status).toBe(200);
  }, 120_000);

  afterAll(() => session?.close());

  it("the kiosk: start screen, large-text mode, the ticket", async () => {
    const kiosk = await session.page({ width: 1080, height: 1920 });
    await kiosk.goto(`${origin}/kiosk?pair=${session.server.tokens.kiosk}`);
    const ready = () => kiosk.getByTestId("service-A").waitFor();
    await bothLanguages(kiosk, "kiosk", ready);
    await kiosk.getByTestId("large-mode").click();
    await bothLanguages(kiosk, "kiosk large text", ready);
    await kiosk.getByTestId("large-mode").click();
    await kiosk.getByTestId("service-A").click();
    await bothLanguages(kiosk, "kiosk ticket", () => kiosk.getByTestId("ticket-qr").waitFor());
  });

  it("the lobby display with a call and a notice, landscape and portrait", async () => {
    const admin = await session.page({ width: 1440, height: 900 });
    await login(admin, origin, "admin", "/admin");
    const notice = await apiCall(admin, "POST", `/api/branches/${branchId}/notices`, {
      titleZh: "今日外汇牌价",
      titleEn: "Today's exchange rates",
      bodyZh: "美元 710.52",
      bodyEn: "USD 710.52",
    });
    expect(notice.status).toBe(201);
    const kiosk = await session.page({ width: 1080, height: 1920 });
    await kiosk.goto(`${origin}/kiosk?pair=${session.server.tokens.kiosk}`);
    await kiosk.getByTestId("service-A").waitFor();
    const ticket = (await apiCall(kiosk, "POST", `/api/branches/${branchId}/tickets`, { serviceId: service.get("A") }))
      .body as { id: string };
    expect((await apiCall(teller, "POST", `/api/counters/${counter1}/call`, { ticketId: ticket.id })).status).toBe(200);
    for (const size of [
      { width: 1920, height: 1080 },
      { width: 1080, height: 1920 },
    ]) {
      const display = await session.page(size);
      await display.goto(`${origin}/display?pair=${session.server.tokens.display}`);
      await bothLanguages(display, `display ${size.width}×${size.height}`, async () => {
        await display.getByTestId("latest-call").waitFor();
        await display.getByTestId("notice-board").waitFor();
      });
    }
  });

  it("the live ticket page on a phone, waiting and called", async () => {
    const kiosk = await session.page({ width: 1080, height: 1920 });
    await kiosk.goto(`${origin}/kiosk?pair=${session.server.tokens.kiosk}`);
    await kiosk.getByTestId("service-A").waitFor();
    const ticket = (await apiCall(kiosk, "POST", `/api/branches/${branchId}/tickets`, { serviceId: service.get("A") }))
      .body as { id: string };
    const phone = await session.page({ width: 390, height: 844 });
    await phone.goto(`${origin}/t/${ticket.id}`);
    await bothLanguages(phone, "live ticket waiting", () => phone.getByTestId("live-number").waitFor());
    // Counter 1 finishes what it holds, then calls this ticket: "your turn".
    const holding = (await apiCall(teller, "GET", `/api/counters/${counter1}`)).body as {
      currentTicket: { id: string; status: string } | null;
    };
    if (holding.currentTicket !== null) {
      if (holding.currentTicket.status === "called")
        await apiCall(teller, "POST", `/api/tickets/${holding.currentTicket.id}/start`);
      await apiCall(teller, "POST", `/api/tickets/${holding.currentTicket.id}/complete`, {});
    }
    expect((await apiCall(teller, "POST", `/api/counters/${counter1}/call`, { ticketId: ticket.id })).status).toBe(200);
    await bothLanguages(phone, "live ticket called", () => phone.getByTestId("your-turn").waitFor());
  });

  it("the rating pad: idle, serving, asking", async () => {
    const pad = await session.page({ width: 1024, height: 600 });
    await pad.goto(`${origin}/rate?pair=${session.server.tokens.rating_pad}`);
    await pad.getByTestId("rate").waitFor();
    const state = async () => {
      for (const s of ["rate-idle", "rate-serving", "rate-ask", "rate-thanks"])
        if ((await pad.getByTestId(s).count()) > 0) return s;
      return "";
    };
    await bothLanguages(pad, `rating pad ${await state()}`, () => pad.getByTestId("rate").waitFor());
    const holding = (await apiCall(teller, "GET", `/api/counters/${counter1}`)).body as {
      currentTicket: { id: string; status: string } | null;
    };
    const id = holding.currentTicket?.id ?? "";
    expect(id).not.toBe("");
    if (holding.currentTicket?.status === "called") await apiCall(teller, "POST", `/api/tickets/${id}/start`);
    await expect.poll(state).toBe("rate-serving");
    await bothLanguages(pad, "rating pad serving", () => pad.getByTestId("rate-serving").waitFor());
    expect((await apiCall(teller, "POST", `/api/tickets/${id}/complete`, {})).status).toBe(200);
    await expect.poll(state).toBe("rate-ask");
    await bothLanguages(pad, "rating pad asking", () => pad.getByTestId("rate-ask").waitFor());
  });
});
