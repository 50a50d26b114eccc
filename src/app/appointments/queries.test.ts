import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/support/databases.ts";
import { makeTestContext, type TestContext } from "../test-context.ts";
import { bookAppointment } from "./book.ts";
import { listAppointments } from "./queries.ts";

describe.each(DB_KINDS)("staff appointment search on %s", (kind) => {
  let t: TestContext;
  beforeEach(async () => {
    t = await makeTestContext(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  /** Staff book for a caller (the test context's clock: Monday 2026-11-23, 09:30 in Shanghai). */
  const book = async (start: string, name: string, phone: string) =>
    bookAppointment(t.ctx, await t.staff("lobby"), {
      branchId: t.branchId,
      serviceId: t.service("CARD"),
      start: `${start}+08:00`,
      name,
      phone,
    });
  const search = async (q: string) =>
    (await listAppointments(t.ctx, await t.staff("lobby"), t.branchId, { q })).map((a) => a.id);

  it("answers upcoming matches first (soonest first), then past ones newest first, ignoring case alike", async () => {
    const tuesday = await book("2026-11-24T10:00:00", "Wang Fang", "13900000001");
    const wednesday = await book("2026-11-25T10:00:00", "WANG FANG", "13900000002");
    const friday = await book("2026-11-27T10:00:00", "wang fang", "13900000003");
    const thursday = await book("2026-11-26T10:00:00", "Wang fang", "13900000004");
    const other = await book("2026-11-30T10:00:00", "Li Lei", "13900000005");
    // Thursday 08:00: the 24th and 25th are past, the 26th (today) and the 27th to come.
    t.clock.now = Date.parse("2026-11-26T08:00:00+08:00");
    const expected = [thursday.id, friday.id, wednesday.id, tuesday.id];
    expect(await search("wang")).toEqual(expected);
    expect(await search("WANG F")).toEqual(expected);
    expect(await search("ei")).toEqual([other.id]);
  });

  it("takes %, _ and \\ in a name search literally", async () => {
    const underscore = await book("2026-11-24T10:00:00", "Zhao_Yun", "13900000011");
    await book("2026-11-25T10:00:00", "ZhaoXYun", "13900000012");
    expect(await search("o_y")).toEqual([underscore.id]);
    expect(await search("%")).toEqual([]);
    expect(await search("\\")).toEqual([]);
  });
});
