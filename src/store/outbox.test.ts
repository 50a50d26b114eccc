import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../test/support/databases.ts";
import { makeTestContext, type TestContext } from "../app/test-context.ts";
import { recordAttempt } from "./leases.ts";
import { cancelMessages, claimMessages, enqueueMessage, type NewMessage, sortByChannel } from "./outbox.ts";

describe.each(DB_KINDS)("outbox on %s", (kind) => {
  let t: TestContext;
  beforeEach(async () => {
    t = await makeTestContext(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  const msg = (extra: Partial<NewMessage> = {}): NewMessage => ({
    kind: "appointment.reminder",
    channel: "sms",
    recipient: "+8613812345678",
    lang: "zh-CN",
    data: { code: "K7Q2" },
    now: t.clock.now,
    relatedId: "appt-1",
    ...extra,
  });
  const rows = () => t.ctx.store.db.selectFrom("outbox").selectAll().orderBy("created_at").execute();

  it("writes the message in the caller's transaction: a rolled-back change leaves none", async () => {
    await expect(
      t.ctx.store.write(async (tx) => {
        await enqueueMessage(tx, msg());
        throw new Error("the booking failed");
      }),
    ).rejects.toThrow();
    expect(await rows()).toHaveLength(0);
    await t.ctx.store.write((tx) => enqueueMessage(tx, msg()));
    expect(await rows()).toHaveLength(1);
  });

  it("makes one message of one dedupe key", async () => {
    const a = await t.ctx.store.write((tx) => enqueueMessage(tx, msg({ dedupeKey: "appt-1:reminder24" })));
    const b = await t.ctx.store.write((tx) => enqueueMessage(tx, msg({ dedupeKey: "appt-1:reminder24" })));
    expect(a.created).toBe(true);
    expect(b).toEqual({ id: a.id, created: false });
    expect(await rows()).toHaveLength(1);
  });

  it("moves a reminder due in quiet hours to 08:00 branch time", async () => {
    const evening = Date.parse("2026-11-23T22:30:00+08:00");
    await t.ctx.store.write((tx) =>
      enqueueMessage(tx, msg({ notBefore: evening, quietHours: { timeZone: "Asia/Shanghai" } })),
    );
    expect((await rows())[0]?.next_attempt_at).toBe(Date.parse("2026-11-24T08:00:00+08:00"));
  });

  it("cancels an appointment's unsent reminders, and a reschedule can enqueue the same key again", async () => {
    await t.ctx.store.write(async (tx) => {
      await enqueueMessage(tx, msg({ dedupeKey: "appt-1:r24" }));
      await enqueueMessage(tx, msg({ dedupeKey: "appt-1:r2" }));
      await enqueueMessage(tx, msg({ kind: "appointment.confirmed", dedupeKey: "appt-1:conf" }));
      await enqueueMessage(tx, msg({ relatedId: "appt-2", dedupeKey: "appt-2:r24" }));
    });
    const cancelled = await t.ctx.store.write((tx) =>
      cancelMessages(tx, { relatedId: "appt-1", kinds: ["appointment.reminder"], now: t.clock.now }),
    );
    expect(cancelled).toBe(2);
    const byKey = (await rows()).map((r) => [r.related_id, r.kind, r.status]);
    expect(byKey).toEqual(
      expect.arrayContaining([
        ["appt-1", "appointment.reminder", "cancelled"],
        ["appt-1", "appointment.confirmed", "pending"],
        ["appt-2", "appointment.reminder", "pending"],
      ]),
    );
    const again = await t.ctx.store.write((tx) => enqueueMessage(tx, msg({ dedupeKey: "appt-1:r24" })));
    expect(again.created).toBe(true);
  });

  it("claims a due message once, not a future one, and takes over an expired lease", async () => {
    await t.ctx.store.write(async (tx) => {
      await enqueueMessage(tx, msg({ id: "due" }));
      await enqueueMessage(tx, msg({ id: "later", notBefore: t.clock.now + 3_600_000 }));
    });
    const now = t.clock.now;
    const claim = (owner: string, at = now) =>
      t.ctx.store.write((tx) =>
        claimMessages(tx, { owner, now: at, leaseMs: 60_000, limit: 10, channels: ["sms", "email"] }),
      );
    expect((await claim("a")).map((r) => r.id)).toEqual(["due"]);
    expect(await claim("b")).toEqual([]);
    // Runner a died: after its lease, b takes the message over, and a's late result no longer counts.
    const taken = await claim("b", now + 61_000);
    expect(taken.map((r) => [r.id, r.attempts])).toEqual([["due", 2]]);
    expect(
      await t.ctx.store.write((tx) => recordAttempt(tx, "outbox", "due", "a", { kind: "sent", at: now + 62_000 })),
    ).toBe(false);
    expect(
      await t.ctx.store.write((tx) => recordAttempt(tx, "outbox", "due", "b", { kind: "sent", at: now + 62_000 })),
    ).toBe(true);
    expect((await rows()).find((r) => r.id === "due")).toMatchObject({ status: "sent", sent_at: now + 62_000 });
  });

  it("parks messages of an unconfigured channel as undeliverable, and revives them once it is configured", async () => {
    await t.ctx.store.write((tx) => enqueueMessage(tx, msg({ channel: "email", recipient: "a@example.com" })));
    expect(await t.ctx.store.write((tx) => sortByChannel(tx, ["sms"], t.clock.now))).toEqual({
      parked: 1,
      revived: 0,
      obsolete: 0,
    });
    expect((await rows())[0]?.status).toBe("undeliverable");
    expect(await t.ctx.store.write((tx) => sortByChannel(tx, ["sms", "email"], t.clock.now))).toEqual({
      parked: 0,
      revived: 1,
      obsolete: 0,
    });
    expect((await rows())[0]?.status).toBe("pending");
  });
});
