/**
 * Layout checks measured in the browser: boxes that overlap, boxes that leave the screen, text squeezed to a
 * character or so per line, text that overflows its box. Each returns a list of human-readable faults.
 */
import type { Page } from "playwright-core";

export interface Box {
  readonly label: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export async function boxes(page: Page, selector: string, labelAttr: string): Promise<Box[]> {
  return page.$$eval(
    selector,
    (els, attr) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return {
          label: el.getAttribute(attr) ?? el.textContent ?? "",
          x: r.x,
          y: r.y,
          width: r.width,
          height: r.height,
        };
      }),
    labelAttr,
  );
}

/** Pairs of boxes whose areas intersect (touching edges do not count). */
export function overlaps(list: readonly Box[]): string[] {
  const faults: string[] = [];
  for (let i = 0; i < list.length; i++)
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i] as Box;
      const b = list[j] as Box;
      const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (w > 0.5 && h > 0.5) faults.push(`${a.label} overlaps ${b.label}`);
    }
  return faults;
}

/** Boxes not wholly inside the viewport (a screen that cannot scroll would cut them off). */
export function outside(list: readonly Box[], viewport: { width: number; height: number }): string[] {
  return list
    .filter(
      (b) => b.x < -0.5 || b.y < -0.5 || b.x + b.width > viewport.width + 0.5 || b.y + b.height > viewport.height + 0.5,
    )
    .map((b) => `${b.label} at ${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}×${Math.round(b.height)}`);
}

/**
 * Text squeezed into a narrow column: every visible element with its own text is measured; it fails when its
 * text wraps to fewer than two characters a line on average, or when the element is narrower than two
 * characters of its font while holding two or more.
 */
export function squeezedText(page: Page, root: string): Promise<string[]> {
  return page.$eval(root, (rootEl) => {
    const faults: string[] = [];
    const walker = document.createTreeWalker(rootEl, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const text = (node.textContent ?? "").trim();
      const el = node.parentElement;
      if (text.length < 2 || el === null) continue;
      const style = getComputedStyle(el);
      if (style.visibility === "hidden" || style.display === "none") continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
      if (rects.length === 0) continue;
      const lines = new Set(rects.map((r) => Math.round(r.top))).size;
      const chars = [...text].length;
      const fontSize = Number.parseFloat(style.fontSize);
      const width = el.getBoundingClientRect().width;
      if (lines > 1 && chars / lines < 2) faults.push(`"${text}" wraps to ${lines} lines`);
      else if (width < Math.min(chars, 2) * fontSize * 0.45) faults.push(`"${text}" is ${Math.round(width)}px wide`);
    }
    return faults;
  });
}

/** Elements under `selector` whose content is wider or taller than their box (cut off, or spilling out). */
export function overflowing(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (els) =>
    els
      .filter((el) => {
        const style = getComputedStyle(el);
        if (style.display === "none" || style.visibility === "hidden") return false;
        return el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
      })
      .map(
        (el) =>
          `${el.getAttribute("data-testid") ?? el.className} (${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight})`,
      ),
  );
}
