import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCall, type BrowserSession, chromiumAvailable, login, openBrowserSession, shootBoth } from "./harness.ts";

const DESK = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

describe.skipIf(!chromiumAvailable())("survey → complaint → close", () => {
  let session: BrowserSession;
  let origin = "";
  beforeAll(async () => {
    session = await openBrowserSession();
    origin = session.origin;
  }, 120_000);
  afterAll(() => session?.close());

  /**
   * A customer who consented to service messages, linked to the ticket as a visit links to a customer today
   * (the appointment that brought it). No page records consent yet, so the test writes these rows itself.
   */
  const linkCustomer = (ticketId: string) => {
    const db = new Database(session.server.dbPath);
    db.pragma("busy_timeout = 5000");
    try {
      const now = Date.now();
      const customerId = randomUUID();
      const ticket = db.prepare("SELECT branch_id, service_id, day FROM tickets WHERE id = ?").get(ticketId) as {
        branch_id: string;
        service_id: string;
        day: string;
      };
      db.prepare(
        "INSERT INTO customers (id, phone_e164, name, email, lang, preferred_channel, created_at, updated_at) VALUES (?, ?, ?, NULL, 'zh-CN', 'sms', ?, ?)",
      ).run(customerId, "+8613900139000", "王五", now, now);
      db.prepare(
        "INSERT INTO customer_consents (customer_id, purpose, granted, channel, text_version, at) VALUES (?, 'service', 1, 'staff', 'v1', ?)",
      ).run(customerId, now);
      db.prepare(
        "INSERT INTO appointments (id, branch_id, service_id, customer_id, customer_name, customer_phone, lang, day, start_at, end_at, status, code, manage_token_hash, answers, channel, ticket_id, version, created_at, updated_at) " +
          "VALUES (?, ?, ?, ?, '王五', '+8613900139000', 'zh-CN', ?, ?, ?, 'checked_in', 'E2E12345', ?, '{}', 'staff', ?, 0, ?, ?)",
      ).run(
        randomUUID(),
        ticket.branch_id,
        ticket.service_id,
        customerId,
        ticket.day,
        now,
        now,
        randomUUID(),
        ticketId,
        now,
        now,
      );
    } finally {
      db.close();
    }
  };
  const surveyToken = (ticketId: string): string => {
    const db = new Database(session.server.dbPath, { readonly: true });
    try {
      const row = db.prepare("SELECT data FROM outbox WHERE kind = 'survey.invite' AND related_id = ?").get(ticketId) as
        | { data: string }
        | undefined;
      return ((JSON.parse(row?.data ?? "{}").surveyPath as string) ?? "").replace("/survey/", "");
    } finally {
      db.close();
    }
  };

  it("a dissatisfied survey on the phone opens a complaint, which the desk closes with a root cause", async () => {
    const teller: Page = await session.page(DESK);
    await login(teller, origin, "teller1", "/counter");
    const branches = await apiCall<Array<{ id: string }> | { branches: Array<{ id: string }> }>(
      teller,
      "GET",
      "/api/branches",
    );
    const branchId = (Array.isArray(branches.body) ? branches.body : branches.body.branches)[0]?.id as string;
    const services = (
      await apiCall<Array<{ id: string; code: string }>>(teller, "GET", `/api/branches/${branchId}/services`)
    ).body;
    const counters = (
      await apiCall<Array<{ id: string; number: number }>>(teller, "GET", `/api/branches/${branchId}/counters`)
    ).body;
    const counter1 = counters.find((c) => c.number === 1)?.id as string;
    expect((await apiCall(teller, "POST", `/api/counters/${counter1}/sign-in`, {})).status).toBe(200);
    const issued = await fetch(`${origin}/api/branches/${branchId}/tickets`, {
      method: "POST",
      headers: { authorization: `Bearer ${session.server.tokens.kiosk}`, "content-type": "application/json" },
      body: JSON.stringify({ serviceId: services.find((s) => s.code === "CASH")?.id }),
    });
    const ticket = (await issued.json()) as { id: string; number: string };
    expect((await apiCall(teller, "POST", `/api/counters/${counter1}/call`, { ticketId: ticket.id })).status).toBe(200);
    linkCustomer(ticket.id);
    await apiCall(teller, "POST", `/api/tickets/${ticket.id}/start`, {});
    expect((await apiCall(teller, "POST", `/api/tickets/${ticket.id}/complete`, {})).status).toBe(200);
    const token = surveyToken(ticket.id);
    expect(token.length).toBeGreaterThanOrEqual(22);

    // The customer's phone.
    const phone: Page = await session.page(PHONE);
    await phone.goto(`${origin}/survey/${token}`);
    await expect
      .poll(async () => (await phone.getByTestId("survey-page").textContent()) ?? "")
      .toContain(ticket.number);
    await phone.getByTestId("survey-csat-dissatisfied").click();
    await phone.getByTestId("survey-nps-3").click();
    await phone.getByTestId("survey-comment").fill("柜员办理太慢，等了很久");
    await shootBoth(phone, "survey", { fullPage: true });
    await phone.getByTestId("survey-submit").click();
    await expect.poll(async () => (await phone.getByTestId("survey-complaint-opened").count()) > 0).toBe(true);

    // The complaint desk.
    const lobby: Page = await session.page(DESK);
    await login(lobby, origin, "lobby", "/complaints");
    const table = lobby.getByTestId("complaints-table");
    await expect.poll(async () => (await table.textContent()) ?? "").toContain("满意度调查");
    await shootBoth(lobby, "complaints");
    await table.getByText("满意度调查").first().click();
    const drawer = lobby.getByTestId("complaint-detail");
    await expect.poll(async () => (await drawer.textContent()) ?? "").toContain("柜员办理太慢");
    // No root cause: the form refuses, nothing is sent.
    await lobby.getByTestId("complaint-reply").fill("已致歉，并优化高峰排班");
    await lobby.getByTestId("complaint-close").click();
    await expect.poll(async () => (await drawer.textContent()) ?? "").toContain("办结须填写根本原因");
    const list = await apiCall<{ items: Array<{ id: string; status: string; source: string; ticketId: string }> }>(
      lobby,
      "GET",
      `/api/branches/${branchId}/complaints`,
    );
    const complaint = list.body.items.find((c) => c.ticketId === ticket.id);
    expect(complaint).toMatchObject({ status: "open", source: "survey" });
    // And the API itself answers 400 without one.
    const bare = await apiCall(lobby, "POST", `/api/complaints/${complaint?.id}/close`, { reply: "x" });
    expect(bare.status).toBe(400);
    await lobby.getByTestId("complaint-root-cause").fill("午间高峰仅开两个窗口");
    await lobby.getByTestId("complaint-close").click();
    await expect
      .poll(async () => {
        const c = await apiCall<{ status: string; rootCause: string }>(
          lobby,
          "GET",
          `/api/complaints/${complaint?.id}`,
        );
        return c.body.status;
      })
      .toBe("closed");
  });
});
