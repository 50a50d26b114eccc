/**
 * axe-core in the browser tests: WCAG 2.1 A and AA rules (the tags wcag2a, wcag2aa, wcag21a, wcag21aa) on the
 * page as it is. Import `axeViolations` (or `expectNoAxeViolations`) from any browser test.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { expect } from "vitest";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
export const WCAG21_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] as const;

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  /** Each offending element's selector and axe's summary of what is wrong with it. */
  readonly nodes: ReadonlyArray<{ readonly target: string; readonly html: string; readonly summary: string }>;
}

/**
 * Waits (up to 5 s) until no finite CSS animation or transition is running, so that axe reads colours as they
 * end, not halfway through a fade. Endless animations (a pulsing "now calling") are not waited for.
 */
async function settled(page: Page): Promise<void> {
  await page
    .waitForFunction(
      () =>
        document
          .getAnimations()
          .every(
            (a) => a.playState !== "running" || a.effect?.getComputedTiming().endTime === Number.POSITIVE_INFINITY,
          ),
      null,
      { timeout: 5_000 },
    )
    .catch(() => undefined); // still moving after 5 s: axe reads the page as it is and says what it sees
}

/** Runs axe on the page (or the part `selector` picks) and answers the violations, none when it passes. */
export async function axeViolations(page: Page, options: { selector?: string } = {}): Promise<AxeViolation[]> {
  // Evaluated, not added as a <script>: the app's Content-Security-Policy (script-src 'self') refuses inline scripts.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  await settled(page);
  return page.evaluate(
    async ({ tags, selector }) => {
      const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> } }).axe;
      const result = (await axe.run(selector ?? document, {
        runOnly: { type: "tag", values: tags },
        resultTypes: ["violations"],
      })) as {
        violations: Array<{
          id: string;
          impact: string | null;
          help: string;
          nodes: Array<{ target: unknown[]; html: string; failureSummary?: string }>;
        }>;
      };
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({
          target: n.target.map(String).join(" "),
          html: n.html.slice(0, 200),
          summary: n.failureSummary ?? "",
        })),
      }));
    },
    { tags: [...WCAG21_AA_TAGS], selector: options.selector },
  );
}

/** A readable list of the violations, for a failing assertion's message. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes
          .slice(0, 8)
          .map((n) => `  ${n.target}\n    ${n.html}\n    ${n.summary.replace(/\n/g, "\n    ")}`)
          .join("\n")}`,
    )
    .join("\n");
}

/** Fails with the list of violations when axe finds any. */
export async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, `${label}:\n${describeViolations(violations)}`).toEqual([]);
}
