import { describe, expect, it } from "vitest";
import { newTimeOrderedId } from "./ids.ts";

describe("time-ordered ids", () => {
  it("sort in creation order, also within one millisecond and across a clock that stands still", () => {
    const ids = Array.from({ length: 5000 }, () => newTimeOrderedId(1_700_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("are RFC 9562 version 7 UUIDs", () => {
    expect(newTimeOrderedId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
