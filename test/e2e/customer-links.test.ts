import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, describeViolations } from "./axe.ts";
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
import { boxes, outside, overflowing } from "./layout.ts";

const DESK = { width: 1440, height: 900 };
const KIOSK = { width: 1366, height: 768 };

/**
 * Issue 14's three links between people and records, in the browser: the kiosk's optional "link this visit to
 * me" (phone, one-time code read from the outbox, masked phone), the lobby manager attaching a customer to a
 * waiting ticket, and a merge of two records proposed by one member of staff and confirmed with a reason by a
 * manager. axe on each screen in Chinese and English.
 */
describe.skipIf(!chromiumAvailable())("customer links: kiosk identification, lobby attach, merges", () => {
  let session: BrowserSession;
  let admin: Page;
  let lobby: Page;
  let branchId = "";
  let cash = "";

  /** One read of the server's database (SQLite in the browser tests). */
  const query = <T>(sql: string, ...args: unknown[]): T[] => {
    const db = new Database(session.server.dbPath, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all(...args) as T[];
    } finally {
      db.close();
    }
  };
  /** The newest one-time code sent to a phone, as the SMS gateway would get it: from the outbox. */
  const codeSentTo = async (e164: string): Promise<string> => {
    let code = "";
    await expect
      .poll(
        () => {
          const row = query<{ data: string }>(
            "SELECT data FROM outbox WHERE kind = 'otp' AND recipient = ? ORDER BY created_at DESC LIMIT 1",
            e164,
          )[0];
          code = row ? ((JSON.parse(row.data) as { code?: string }).code ?? "") : "";
          return code;
        },
        { timeout: 20_000 },
      )
      .toMatch(/^\d{6}$/);
    return code;
  };
  const expectNoViolations = async (page: Page, label: string) => {
    const violations = await axeViolations(page);
    expect(violations, `${label}:\n${describeViolations(violations)}`).toEqual([]);
  };
  const lang = (page: Page) => page.evaluate(() => document.documentElement.lang);
  const typeOnPad = async (page: Page, digits: string) => {
    for (const d of digits) await page.getByTestId(`key-${d}`).click();
  };

  beforeAll(async () => {
    session = await openBrowserSession();
    admin = await session.page(DESK);
    await login(admin, session.origin, "admin", "/admin");
    branchId = listOf<{ id: string }>((await apiCall(admin, "GET", "/api/branches")).body, "branches")[0]?.id ?? "";
    const services = listOf<{ id: string; prefix: string }>(
      (await apiCall(admin, "GET", `/api/branches/${branchId}/services`)).body,
      "services",
    );
    cash = services.find((s) => s.prefix === "A")?.id ?? "";
    lobby = await session.page(DESK);
    await login(lobby, session.origin, "lobby", "/lobby");
  }, 180_000);
  afterAll(() => session?.close());

  it("links a kiosk ticket to the customer's phone with a one-time code; skippable; returns when idle", async () => {
    const kiosk = await session.page(KIOSK);
    // The kiosk's own clock, run ahead below instead of waiting out its minute-long auto-return.
    await kiosk.clock.install();
    await kiosk.goto(`${session.origin}/kiosk?pair=${session.server.tokens.kiosk}`);
    await kiosk.getByTestId("service-A").waitFor();
    await kiosk.getByTestId("large-mode").click();
    await expect.poll(async () => (await kiosk.getByTestId("kiosk").getAttribute("class")) ?? "").toContain("large");
    await kiosk.getByTestId("service-A").click();
    await kiosk.getByTestId("kiosk-ticket").waitFor();
    const number = (await kiosk.getByTestId("ticket-number").textContent()) ?? "";
    const ticketId = query<{ id: string }>("SELECT id FROM tickets WHERE number = ? ORDER BY issued_at DESC", number)[0]
      ?.id;
    expect(ticketId).toBeTruthy();
    await shoot(kiosk, "kiosk-identify-offer");
    await expectNoViolations(kiosk, "kiosk ticket with the offer (zh)");

    await kiosk.getByTestId("identify-start").click();
    await kiosk.getByTestId("kiosk-identify").waitFor();
    expect(await kiosk.getByTestId("identify-send").isDisabled()).toBe(true);
    await typeOnPad(kiosk, "138123400019");
    // Eleven digits at most; "delete" takes the last one back.
    expect(await kiosk.getByTestId("identify-phone").inputValue()).toBe("13812340001");
    await kiosk.getByTestId("key-del").click();
    await typeOnPad(kiosk, "1");
    expect(await kiosk.getByTestId("identify-phone").inputValue()).toBe("13812340001");
    await shoot(kiosk, "kiosk-identify-phone");
    await expectNoViolations(kiosk, "kiosk phone step (zh)");
    await kiosk.getByTestId("identify-send").click();
    await expect.poll(() => kiosk.getByTestId("kiosk-identify").getAttribute("data-step")).toBe("code");
    expect(await kiosk.getByTestId("kiosk-identify").textContent()).toContain("138****0001");
    const code = await codeSentTo("+8613812340001");

    // The code step fits the 768-pixel landscape screen in large type: nothing cut off, no text overflowing.
    const shown = (await boxes(kiosk, "button", "data-testid")).filter((b) => b.width > 0 && b.height > 0);
    expect(outside(shown, KIOSK)).toEqual([]);
    expect(await overflowing(kiosk, ".kiosk-key, .big-button, .kiosk-identify h1")).toEqual([]);
    const scroll = await kiosk.evaluate(() => document.documentElement.scrollHeight);
    expect(scroll).toBeLessThanOrEqual(KIOSK.height);
    await shoot(kiosk, "kiosk-identify-code");
    await expectNoViolations(kiosk, "kiosk code step (zh)");

    // A wrong code: the server's sentence, in Chinese; nothing attached.
    const wrong = code === "000000" ? "111111" : "000000";
    await typeOnPad(kiosk, wrong);
    await kiosk.getByTestId("identify-confirm").click();
    await expect.poll(() => kiosk.getByTestId("identify-error").textContent()).toBe("验证码错误或已过期。");
    expect(query("SELECT 1 FROM ticket_customers WHERE ticket_id = ?", ticketId)).toEqual([]);
    await typeOnPad(kiosk, code);
    await kiosk.getByTestId("identify-confirm").click();
    await expect.poll(() => kiosk.getByTestId("identified-phone").textContent()).toBe("已关联：138****0001");
    expect(
      query<{ method: string; phone: string }>(
        "SELECT tc.method, c.phone_e164 AS phone FROM ticket_customers tc JOIN customers c ON c.id = tc.customer_id WHERE tc.ticket_id = ?",
        ticketId,
      ),
    ).toEqual([{ method: "otp", phone: "+8613812340001" }]);
    expect(query("SELECT 1 FROM audit_log WHERE action = 'ticket.identify' AND entity_id = ?", ticketId)).toHaveLength(
      1,
    );
    // Nothing personal on the screen beyond the masked phone.
    const text = (await kiosk.getByTestId("kiosk").textContent()) ?? "";
    expect(text).not.toContain("13812340001");
    expect(text).not.toMatch(/K[0-9A-Z]{10}/);
    await shoot(kiosk, "kiosk-identified");

    // English: another ticket, the phone step, then skipped: the ticket stays as it was.
    await kiosk.getByTestId("ticket-done").click();
    await kiosk.getByTestId("service-A").waitFor();
    await kiosk.getByTestId("lang-switch").first().click();
    await expect.poll(() => lang(kiosk)).toBe("en");
    await kiosk.getByTestId("service-A").click();
    await kiosk.getByTestId("kiosk-ticket").waitFor();
    await shoot(kiosk, "kiosk-identify-offer");
    await expectNoViolations(kiosk, "kiosk ticket with the offer (en)");
    await kiosk.getByTestId("identify-start").click();
    await typeOnPad(kiosk, "13812340002");
    await shoot(kiosk, "kiosk-identify-phone");
    await expectNoViolations(kiosk, "kiosk phone step (en)");
    await kiosk.getByTestId("identify-send").click();
    await expect.poll(() => kiosk.getByTestId("kiosk-identify").getAttribute("data-step")).toBe("code");
    await shoot(kiosk, "kiosk-identify-code");
    await expectNoViolations(kiosk, "kiosk code step (en)");
    await kiosk.getByTestId("identify-skip").click();
    await kiosk.getByTestId("identify-start").waitFor();
    expect(await kiosk.getByTestId("identified-phone").count()).toBe(0);

    // Auto-return counts idle time: a press starts the count again, and an idle customer is returned home.
    await kiosk.getByTestId("identify-start").click();
    const left = async () => Number(/\d+/.exec((await kiosk.getByTestId("auto-return").textContent()) ?? "")?.[0]);
    const full = await left();
    await kiosk.clock.runFor(3_500);
    await expect.poll(left).toBeLessThanOrEqual(full - 3);
    await kiosk.getByTestId("key-5").click();
    await expect.poll(left).toBeGreaterThanOrEqual(full - 1);
    // Idle for the whole count (the page's clock; a minute on the real one): back to the start screen.
    expect(await kiosk.getByTestId("service-A").count()).toBe(0);
    await kiosk.clock.runFor((full + 1) * 1000);
    await kiosk.getByTestId("service-A").waitFor();
    await kiosk.close();

    // A portrait kiosk in large type: the phone step fits (a column, the pad under the number).
    const portrait = { width: 1080, height: 1920 };
    const tall = await session.page(portrait);
    await tall.goto(`${session.origin}/kiosk?pair=${session.server.tokens.kiosk}`);
    await tall.getByTestId("service-A").waitFor();
    if (!((await tall.getByTestId("kiosk").getAttribute("class")) ?? "").includes("large"))
      await tall.getByTestId("large-mode").click();
    if ((await lang(tall)) !== "zh-CN") await tall.getByTestId("lang-switch").first().click();
    await expect.poll(() => lang(tall)).toBe("zh-CN");
    await tall.getByTestId("service-A").click();
    await tall.getByTestId("identify-start").click();
    await typeOnPad(tall, "13812340003");
    const tallButtons = (await boxes(tall, "button", "data-testid")).filter((b) => b.width > 0 && b.height > 0);
    expect(outside(tallButtons, portrait)).toEqual([]);
    expect(await overflowing(tall, ".kiosk-key, .big-button, .kiosk-identify h1")).toEqual([]);
    expect(await tall.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(portrait.height);
    await shoot(tall, "kiosk-identify-portrait");
    await tall.close();
  }, 300_000);

  it("lets the lobby manager attach a customer to a waiting ticket, masked and audited", async () => {
    const issued = await apiCall<{ id: string; number: string }>(lobby, "POST", `/api/branches/${branchId}/tickets`, {
      serviceId: cash,
    });
    expect(issued.status).toBe(201);
    const { id, number } = issued.body;
    await lobby.goto(`${session.origin}/lobby`);
    await lobby.getByTestId(`attach-customer-${number}`).click();
    await lobby.getByTestId("lobby-attach-phone").fill("139 1234 0002");
    await lobby.getByTestId("lobby-attach-name").fill("张三丰");
    await shoot(lobby, "lobby-attach");
    await expectNoViolations(lobby, "lobby attach dialog (zh)");
    await lobby.getByTestId("lobby-attach-submit").click();
    await expect.poll(() => lobby.getByTestId(`attached-${number}`).textContent()).toBe("已关联客户");
    expect(await lobby.locator("body").textContent()).not.toContain("13912340002");
    const linked = query<{ method: string; name: string; id: string }>(
      "SELECT tc.method, c.name, c.id FROM ticket_customers tc JOIN customers c ON c.id = tc.customer_id WHERE tc.ticket_id = ?",
      id,
    );
    expect(linked.map(({ method, name }) => ({ method, name }))).toEqual([{ method: "staff", name: "张三丰" }]);
    // The mark comes from the server: it survives a reload, with the customer's segment (set meanwhile) and no
    // name or phone on the page.
    const vip = await apiCall(admin, "PATCH", `/api/customers/${linked[0]?.id}`, { segments: ["vip"] });
    expect(vip.status).toBe(200);
    await lobby.reload();
    await expect.poll(() => lobby.getByTestId(`attached-${number}`).textContent()).toBe("已关联客户");
    expect(await lobby.getByTestId(`segment-${number}-vip`).textContent()).toBe("VIP");
    expect(await lobby.locator("body").textContent()).not.toMatch(/张三丰|张\*丰|139\*{4}0002/);
    await expectNoViolations(lobby, "lobby list with the attached mark (zh)");
    const audit = query<{ actor: string }>(
      "SELECT u.username AS actor FROM audit_log a JOIN users u ON u.id = a.actor_id WHERE a.action = 'ticket.identify' AND a.entity_id = ? AND a.actor_type = 'user'",
      id,
    );
    expect(audit).toEqual([{ actor: "lobby" }]);
    await shoot(lobby, "lobby-attached");

    // An error is the server's sentence in the page's language: English here, a bad number.
    await setLanguage(lobby, "en");
    await expect.poll(() => lobby.getByTestId(`attached-${number}`).textContent()).toBe("Customer attached");
    await lobby.getByTestId(`attach-customer-${number}`).click();
    await lobby.getByTestId("lobby-attach-phone").fill("12345678901");
    await expectNoViolations(lobby, "lobby attach dialog (en)");
    await shoot(lobby, "lobby-attach");
    await lobby.getByTestId("lobby-attach-submit").click();
    await expect.poll(() => lobby.locator(".ant-message").textContent()).toContain("Not a valid phone number.");
    await setLanguage(lobby, "zh-CN");
  }, 180_000);

  it("proposes a merge from a profile, and a manager confirms it side by side with a reason", async () => {
    // Two records of one person: the same name, two phones, a visit each.
    const codes: string[] = [];
    for (const phone of ["13700000001", "13700000002"]) {
      const ticket = await apiCall<{ id: string }>(lobby, "POST", `/api/branches/${branchId}/tickets`, {
        serviceId: cash,
      });
      const attached = await apiCall<{ code: string }>(lobby, "POST", `/api/tickets/${ticket.body.id}/customer`, {
        phone,
        name: "陈一鸣",
      });
      expect(attached.status).toBe(200);
      codes.push(attached.body.code);
    }
    const [oldCode, newCode] = codes as [string, string];

    // The lobby manager proposes: from the old record's profile, finds the new one, keeps it.
    await lobby.goto(`${session.origin}/customers`);
    await lobby.getByTestId("customer-search").locator("input").fill("13700000001");
    await lobby.getByTestId("customer-search").locator("input").press("Enter");
    await lobby.getByTestId("propose-merge").click();
    await lobby.getByTestId("merge-search").locator("input").fill("13700000002");
    await lobby.getByTestId("merge-search").locator("input").press("Enter");
    await lobby.getByTestId(`merge-pick-${newCode}`).click();
    await expect.poll(() => lobby.getByTestId("compare-source-phone").textContent()).toBe("137****0001");
    expect(await lobby.getByTestId("compare-target-phone").textContent()).toBe("137****0002");
    expect(await lobby.getByTestId("compare-source-name").textContent()).toBe("陈*鸣");
    expect(await lobby.getByTestId("propose-merge-submit").isDisabled()).toBe(true);
    await lobby.getByTestId("merge-propose-reason").fill("同一证件号，客户更换了手机号");
    await shoot(lobby, "customers-merge-propose");
    await expectNoViolations(lobby, "propose merge dialog (zh)");
    await lobby.getByTestId("propose-merge-submit").click();
    await expect.poll(() => lobby.locator(".ant-message").textContent()).toContain("已提交，等待确认");
    // The proposer cannot confirm it: no decision buttons on the merges tab.
    await lobby.getByRole("tab", { name: "合并记录" }).click();
    await lobby.getByTestId(`merge-review-${oldCode}`).click();
    await lobby.getByTestId("merge-compare").waitFor();
    expect(await lobby.getByTestId("merge-confirm").count()).toBe(0);

    // A second proposal for the same records: refused, in the page's language (Chinese).
    const open = listOf<{ source: { id: string; code: string }; target: { id: string } }>(
      (await apiCall(lobby, "GET", "/api/customer-merges?status=proposed")).body,
      "merges",
    );
    expect(open.map((m) => m.source.code)).toEqual([oldCode]);
    const again = await apiCall<{ message: string }>(lobby, "POST", "/api/customer-merges", {
      sourceId: open[0]?.target.id,
      targetId: open[0]?.source.id,
      reason: "再次提议",
    });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe("这些记录已有待确认的合并。");

    // The branch manager reviews side by side and confirms with a reason.
    const manager = await session.page(DESK);
    await login(manager, session.origin, "manager", "/customers");
    await manager.getByRole("tab", { name: "合并记录" }).click();
    await manager.getByTestId(`merge-review-${oldCode}`).click();
    await expect.poll(() => manager.getByTestId("compare-source-visits").textContent()).toBe("1");
    expect(await manager.getByTestId("merge-proposal-reason").textContent()).toBe("同一证件号，客户更换了手机号");
    expect(await manager.getByTestId("merge-confirm").isDisabled()).toBe(true);
    await manager.getByTestId("merge-decide-reason").fill("已核对身份证件，确为同一人");
    await shoot(manager, "customers-merge-review");
    await expectNoViolations(manager, "merge review (zh)");
    await manager.getByTestId("merge-confirm").click();
    await expect.poll(() => manager.locator(".ant-message").textContent()).toContain("已合并");
    expect(
      query<{ details: string }>(
        "SELECT details FROM audit_log WHERE action = 'customer.merge.confirm' ORDER BY at DESC LIMIT 1",
      ).map((r) => JSON.parse(r.details).reason),
    ).toEqual(["已核对身份证件，确为同一人"]);

    // The kept record has both visits; the merged one no longer comes up in a search.
    await manager.getByRole("tab", { name: "查找客户" }).click();
    await manager.getByTestId("customer-search").locator("input").fill("13700000002");
    await manager.getByTestId("customer-search").locator("input").press("Enter");
    await expect
      .poll(() => manager.locator("[data-testid=visits] tbody tr.ant-table-row").count(), { timeout: 15_000 })
      .toBe(2);
    await expect.poll(() => manager.getByTestId("profile").textContent()).toContain("共 2 次到访");
    await shoot(manager, "customers-merged");
    await manager.getByTestId("customer-search").locator("input").fill("13700000001");
    await manager.getByTestId("customer-search").locator("input").press("Enter");
    await manager.getByText("没有匹配的客户").waitFor();

    // English: the merges tab with the confirmed merge open, and axe.
    await setLanguage(manager, "en");
    await manager.getByRole("tab", { name: "Merges" }).click();
    await manager.getByTestId("merge-status").click();
    await manager.locator(".ant-select-item-option").filter({ hasText: "Merged" }).click();
    await manager.getByTestId(`merge-review-${oldCode}`).click();
    await manager.getByTestId("merge-compare").waitFor();
    // The merged record keeps no phone to show; its visits are the kept record's now.
    await expect.poll(() => manager.getByTestId("compare-target-visits").textContent()).toBe("2");
    expect(await manager.getByTestId("compare-source-phone").textContent()).toBe("—");
    await shoot(manager, "customers-merge-review");
    await expectNoViolations(manager, "merge review (en)");
    await setLanguage(manager, "zh-CN");
  }, 240_000);

  it("lists possible duplicates on the merges tab: propose opens prefilled, a dismissed pair stays gone", async () => {
    // Two records with one ID number (the kiosk and the lobby each made one).
    const made: Array<{ customerId: string; code: string }> = [];
    for (const [phone, name] of [
      ["13600000001", "周海涛"],
      ["13600000002", "周海"],
    ] as const) {
      const ticket = await apiCall<{ id: string }>(lobby, "POST", `/api/branches/${branchId}/tickets`, {
        serviceId: cash,
      });
      const attached = await apiCall<{ customerId: string; code: string }>(
        lobby,
        "POST",
        `/api/tickets/${ticket.body.id}/customer`,
        { phone, name },
      );
      expect(attached.status).toBe(200);
      const patched = await apiCall(admin, "PATCH", `/api/customers/${attached.body.customerId}`, {
        idNumber: "110101198506120039",
      });
      expect(patched.status).toBe(200);
      made.push(attached.body);
    }
    const either = (what: string) =>
      lobby.locator(made.map((m) => `[data-testid=duplicate-${what}-${m.code}]`).join(", "));
    await lobby.goto(`${session.origin}/customers`);
    await lobby.getByRole("tab", { name: "合并记录" }).click();
    await lobby.getByText("可能重复", { exact: true }).waitFor();
    const row = lobby.getByTestId("duplicates").locator("tr", { hasText: made[0]?.code ?? "" });
    await expect.poll(() => row.textContent()).toContain("证件号相同");
    expect(await row.textContent()).toContain("136****0002");
    expect(await lobby.locator("body").textContent()).not.toMatch(/110101198506120039|13600000001|周海涛/);
    await expectNoViolations(lobby, "possible duplicates (zh)");
    // Propose: the dialog opens with both records chosen and compared.
    await either("propose").click();
    await expect.poll(() => lobby.getByTestId("compare-source-idNumber").textContent()).toBe("110101********0039");
    expect(await lobby.getByTestId("compare-target-idNumber").textContent()).toBe("110101********0039");
    await lobby.keyboard.press("Escape");
    // Not the same person: a reason, then the pair is gone, also after a reload.
    await either("dismiss").click();
    expect(await lobby.getByTestId("duplicate-dismiss-submit").isDisabled()).toBe(true);
    await lobby.getByTestId("duplicate-dismiss-reason").fill("父子同名证件录入错误，已核对为两人");
    await lobby.getByTestId("duplicate-dismiss-submit").click();
    await expect.poll(() => lobby.locator(".ant-message").textContent()).toContain("已标记为非同一人");
    await expect.poll(() => either("dismiss").count()).toBe(0);
    expect(query<{ reason: string }>("SELECT reason FROM customer_duplicate_dismissals").map((r) => r.reason)).toEqual([
      "父子同名证件录入错误，已核对为两人",
    ]);
    await setLanguage(lobby, "en");
    await lobby.goto(`${session.origin}/customers`);
    await lobby.getByRole("tab", { name: "Merges" }).click();
    await lobby.getByText("Possible duplicates", { exact: true }).waitFor();
    await expect
      .poll(() => lobby.getByTestId("duplicates").locator(".ant-table-placeholder, tr.ant-table-row").count())
      .toBeGreaterThan(0);
    expect(await either("dismiss").count()).toBe(0);
    await expectNoViolations(lobby, "possible duplicates (en)");
    await setLanguage(lobby, "zh-CN");
  }, 180_000);
});
