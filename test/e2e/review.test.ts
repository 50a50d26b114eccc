import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiCall,
  type BrowserSession,
  chooseOption,
  chromiumAvailable,
  login,
  openBrowserSession,
  shootBoth,
} from "./harness.ts";

const DESK = { width: 1440, height: 900 };

describe.skipIf(!chromiumAvailable())("the review workstation", () => {
  let session: BrowserSession;
  let origin = "";
  beforeAll(async () => {
    session = await openBrowserSession();
    origin = session.origin;
  }, 120_000);
  afterAll(() => session?.close());

  it("round trip: the teller completes a transfer, the reviewer rejects it back to the counter, then approves", async () => {
    const teller: Page = await session.page(DESK);
    await login(teller, origin, "teller3", "/counter");
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
    const counter3 = counters.find((c) => c.number === 3)?.id as string;
    const transfer = services.find((s) => s.code === "TRANSFER")?.id as string;
    expect((await apiCall(teller, "POST", `/api/counters/${counter3}/sign-in`, {})).status).toBe(200);
    const issued = await fetch(`${origin}/api/branches/${branchId}/tickets`, {
      method: "POST",
      headers: { authorization: `Bearer ${session.server.tokens.kiosk}`, "content-type": "application/json" },
      body: JSON.stringify({ serviceId: transfer }),
    });
    expect(issued.status).toBe(201);
    const ticket = (await issued.json()) as { id: string; number: string };
    expect((await apiCall(teller, "POST", `/api/counters/${counter3}/call`, { ticketId: ticket.id })).status).toBe(200);
    expect((await apiCall(teller, "POST", `/api/tickets/${ticket.id}/start`, {})).status).toBe(200);
    const completed = await apiCall<{ status: string }>(teller, "POST", `/api/tickets/${ticket.id}/complete`, {
      outcome: "remitted",
      notes: "跨行汇款 3 万元",
    });
    expect(completed.body.status).toBe("in_review");
    // The customer's live page API: awaiting review, about N minutes.
    const live = await fetch(`${origin}/api/public/tickets/${ticket.id}`);
    expect(await live.json()).toMatchObject({ status: "in_review", reviewWaitMinutes: expect.any(Number) });

    const reviewer: Page = await session.page(DESK);
    await login(reviewer, origin, "reviewer", "/reviews");
    await expect
      .poll(async () => (await reviewer.getByTestId("reviews-table").textContent()) ?? "")
      .toContain(ticket.number);
    await reviewer.getByTestId("review-take-next").click();
    await expect
      .poll(async () => (await reviewer.getByTestId("review-notes").textContent()) ?? "")
      .toContain("跨行汇款 3 万元");
    await shootBoth(reviewer, "reviews");
    // Reject without a reason: the page asks for one and sends nothing.
    await reviewer.getByTestId("review-reject").click();
    expect((await apiCall<{ status: string }>(teller, "GET", `/api/tickets/${ticket.id}`)).body.status).toBe(
      "in_review",
    );
    await reviewer.getByTestId("review-reason").fill("收款人户名与账号不符");
    await reviewer.getByTestId("review-reject").click();
    await expect
      .poll(async () => (await apiCall<{ status: string }>(teller, "GET", `/api/tickets/${ticket.id}`)).body.status)
      .toBe("serving");
    const back = await apiCall<{ counterNumber: number; notes: string }>(teller, "GET", `/api/tickets/${ticket.id}`);
    expect(back.body.counterNumber).toBe(3);
    expect(back.body.notes).toContain("收款人户名与账号不符");
    // The teller sees at once why it came back: a warning above the ticket with the reviewer's reason.
    await chooseOption(teller, "counter-select", "3号窗口");
    await expect
      .poll(
        async () =>
          teller
            .getByTestId("review-rejected")
            .count()
            .then((n) => (n ? teller.getByTestId("review-rejected").textContent() : "")) ?? "",
      )
      .toContain("收款人户名与账号不符");
    await shootBoth(teller, "counter-review-rejected");

    // The teller corrects it and completes again: round 2, which the reviewer approves.
    expect((await apiCall(teller, "POST", `/api/tickets/${ticket.id}/complete`, {})).status).toBe(200);
    await reviewer.getByTestId("reviews-refresh").click();
    await reviewer.getByTestId("reviews-table").getByText(ticket.number).click();
    await expect
      .poll(async () => (await reviewer.getByTestId("review-detail").textContent()) ?? "")
      .toContain("收款人户名与账号不符");
    await reviewer.getByTestId("review-approve").click();
    await expect
      .poll(async () => (await apiCall<{ status: string }>(teller, "GET", `/api/tickets/${ticket.id}`)).body.status)
      .toBe("done");
    // The teller's own account is not a reviewer: the page refuses them.
    const refused = await apiCall(teller, "POST", "/api/reviews/next", {});
    expect(refused.status).toBe(403);
  });
});
