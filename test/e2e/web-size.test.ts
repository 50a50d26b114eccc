/**
 * The pages' first-load JavaScript budgets (scripts/web-size.mjs, `npm run size:web`) are part of `npm test`: the
 * browser tests build web/dist first, and this fails when any page goes over its budget again (issue 12: the lobby
 * page was at 434.6 KB gzip against 400 before its table, form drawer and transfer dialog were made lazy).
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

interface Row {
  readonly page: string;
  readonly jsGzipKB: number;
  readonly budgetKB: number;
  readonly ok: boolean;
}

describe("web bundle budgets", () => {
  it("keeps every page's first load within its budget, the lobby under 400 KB gzip", () => {
    const run = spawnSync(process.execPath, ["scripts/web-size.mjs", "--json"], { encoding: "utf8" });
    const json = run.stdout.trim().split("\n").at(-1) ?? "[]";
    const rows = JSON.parse(json) as Row[];
    const over = rows.filter((r) => !r.ok).map((r) => `${r.page} ${r.jsGzipKB} KB > ${r.budgetKB} KB`);
    expect(over).toEqual([]);
    expect(run.status).toBe(0);
    const lobby = rows.find((r) => r.page === "lobby");
    expect(lobby?.budgetKB).toBe(400);
    expect(lobby?.jsGzipKB).toBeLessThan(400);
  });
});
