/**
 * Issue 12, the rest of "the branch in daily use": the lobby manager keeps the display's notices board from the
 * lobby page (the admin tab is not theirs), and a kiosk's own return time is set where devices are edited.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoAxeViolations } from "./axe.ts";
import {
  apiCall,
  type BrowserSession,
  chromiumAvailable,
  listOf,
  login,
  oneOf,
  openBrowserSession,
  shoot,
  shootBoth,
} from "./harness.ts";

const DESK = { width: 1440, height: 900 };

interface Notice {
  readonly id: string;
  readonly titleZh: string;
  readonly titleEn: string;
}
interface Device {
  readonly id: string;
  readonly kind: string;
  readonly kioskReturnSeconds: number | null;
}

describe.skipIf(!chromiumAvailable())(
  "notices from the lobby; a kiosk's return time and no-show rules in admin",
  () => {
    let session: BrowserSession;
    let lobby: Page;
    let branchId = "";
    const errors: string[] = [];

    beforeAll(async () => {
      session = await openBrowserSession();
      lobby = await session.page(DESK);
      lobby.on("pageerror", (e) => errors.push(e.message));
      await login(lobby, session.origin, "lobby", "/lobby");
      const me = await apiCall(lobby, "GET", "/api/auth/me");
      branchId = oneOf<{ branchIds: string[] }>(me.body, "user").branchIds[0] ?? "";
      expect(branchId).not.toBe("");
    }, 120_000);
    afterAll(() => session?.close());

    it("lets the lobby manager add a notice to the display from the lobby page, audited under their name", async () => {
      await lobby.getByTestId("lobby-notices").click();
      await lobby.getByTestId("notices-editor").waitFor();
      await lobby.getByTestId("notice-title-zh").fill("今日美元现汇买入价 7.10");
      await lobby.getByTestId("notice-title-en").fill("USD buying rate today 7.10");
      await lobby.getByTestId("notice-body-zh").fill("以柜台实际报价为准");
      await lobby.getByTestId("notice-save").click();
      const notices = async (): Promise<Notice[]> =>
        listOf<Notice>((await apiCall(lobby, "GET", `/api/branches/${branchId}/notices`)).body, "notices");
      await expect.poll(async () => (await notices()).map((n) => n.titleZh)).toContain("今日美元现汇买入价 7.10");
      const made = (await notices()).find((n) => n.titleZh === "今日美元现汇买入价 7.10") as Notice;
      expect(made.titleEn).toBe("USD buying rate today 7.10");
      await lobby.getByTestId(`notice-row-${made.id}`).waitFor();
      await expectNoAxeViolations(lobby, "lobby notices drawer");
      await shoot(lobby, "lobby-notices");
      // The same in English: the drawer covers the language button, so close it, switch, open again.
      await lobby.keyboard.press("Escape");
      await expect.poll(() => lobby.getByTestId("notices-editor").count()).toBe(0);
      await lobby.getByTestId("lang-switch").first().click();
      await expect.poll(() => lobby.evaluate(() => document.documentElement.lang)).toBe("en");
      await lobby.getByTestId("lobby-notices").click();
      await lobby.getByTestId(`notice-row-${made.id}`).waitFor();
      expect(await lobby.getByTestId("lobby-notices").textContent()).toBe("Edit the notices board");
      await expectNoAxeViolations(lobby, "lobby notices drawer, English");
      await shoot(lobby, "lobby-notices");
      await lobby.keyboard.press("Escape");
      await expect.poll(() => lobby.getByTestId("notices-editor").count()).toBe(0);
      await lobby.getByTestId("lang-switch").first().click();
      await expect.poll(() => lobby.evaluate(() => document.documentElement.lang)).toBe("zh-CN");

      const auditor = await session.page(DESK);
      await login(auditor, session.origin, "auditor", "/audit");
      const trail = JSON.stringify((await apiCall(auditor, "GET", "/api/audit")).body);
      expect(trail).toContain("notice.create");
      expect(trail).toContain(made.id);
      await auditor.close();
      expect(errors).toEqual([]);
    });

    it("sets one kiosk's return time in the admin devices tab; clearing it gives the branch's back", async () => {
      const admin = await session.page(DESK);
      await login(admin, session.origin, "manager", "/admin");
      await admin.getByRole("tab", { name: "设备" }).click();
      const devices = async (): Promise<Device[]> =>
        listOf<Device>((await apiCall(admin, "GET", `/api/branches/${branchId}/devices`)).body, "devices");
      const kiosk = (await devices()).find((d) => d.kind === "kiosk");
      if (!kiosk) throw new Error("the demo branch has a kiosk");
      await expect.poll(() => admin.getByTestId(`device-return-${kiosk.id}`).textContent()).toBe("沿用网点设置");

      await admin.getByTestId(`devices-edit-${kiosk.id}`).click();
      await admin.getByTestId("device-kiosk-return").fill("150");
      await admin.locator("#devices-save").click();
      await expect.poll(async () => (await devices()).find((d) => d.id === kiosk.id)?.kioskReturnSeconds).toBe(150);
      await expect.poll(() => admin.getByTestId(`device-return-${kiosk.id}`).textContent()).toBe("150 秒");
      await shootBoth(admin, "admin-device-kiosk-return");
      await admin.getByTestId("lang-switch").first().click();

      await admin.getByTestId(`devices-edit-${kiosk.id}`).click();
      await admin.getByTestId("device-kiosk-return").fill("");
      await admin.locator("#devices-save").click();
      await expect.poll(async () => (await devices()).find((d) => d.id === kiosk.id)?.kioskReturnSeconds).toBeNull();
      await admin.close();
    });

    it("sets the automatic no-show time and the recall gap in the admin branch form", async () => {
      const admin = await session.page(DESK);
      await login(admin, session.origin, "manager", "/admin");
      await admin.getByTestId(`branches-edit-${branchId}`).click();
      await admin.getByTestId("no-show-after").fill("120");
      await admin.getByTestId("min-recall-gap").fill("8");
      await admin.locator("#branches-save").click();
      interface BranchRules {
        readonly id: string;
        readonly noShowAfterSeconds: number;
        readonly minRecallGapSeconds: number;
      }
      const branch = async (): Promise<BranchRules> =>
        listOf<BranchRules>((await apiCall(admin, "GET", "/api/branches")).body, "branches").find(
          (b) => b.id === branchId,
        ) as BranchRules;
      await expect.poll(async () => (await branch()).noShowAfterSeconds).toBe(120);
      expect((await branch()).minRecallGapSeconds).toBe(8);
      await admin.close();
    });
  },
);
