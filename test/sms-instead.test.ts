import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Channel, OutgoingMessage } from "../src/app/messages/channels/channel.ts";
import { JobRunner } from "../src/app/messages/runner.ts";
import { enqueueMessage } from "../src/store/outbox.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

describe.each(DB_KINDS)("an e-mail refused for good goes by SMS on %s", (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("a dead e-mail is sent once to the customer's phone; not when the same message went by SMS", async () => {
    const ids = await demoIds(t);
    const lobby = await t.login("lobby");
    const open = await t.request({
      method: "GET",
      url: `/api/branches/${t.branchId}/appointment-slots?serviceId=${ids.services.get("CARD")}&date=2026-11-24`,
      cookie: lobby,
    });
    const start = (open.json().slots as Array<{ start: string; free: number }>).find((s) => s.free > 0)?.start;
    const booked = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/appointments`,
      cookie: lobby,
      body: {
        serviceId: ids.services.get("CARD"),
        start,
        name: "Mail Fails",
        phone: "13700137777",
        email: "nobody@bounce.example",
      },
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const db = t.server.ctx.store.db;
    const customer = await db
      .selectFrom("customers")
      .select("id")
      .where("phone_e164", "=", "+8613700137777")
      .executeTakeFirstOrThrow();
    // A message that goes by e-mail alone (its own related id): the fallback applies.
    await t.server.ctx.store.write((tx) =>
      enqueueMessage(tx, {
        kind: "ticket.near",
        channel: "email",
        recipient: "nobody@bounce.example",
        lang: "en",
        data: { number: "A001", ahead: 2 },
        now: t.server.ctx.clock(),
        customerId: customer.id,
        relatedType: "ticket",
        relatedId: "ticket-1",
      }),
    );
    const sms: OutgoingMessage[] = [];
    const channels: Channel[] = [
      { name: "email", send: async () => ({ ok: false, permanent: true, error: "550 no such user" }), close() {} },
      {
        name: "sms",
        send: async (m) => {
          sms.push(m);
          return { ok: true };
        },
        close() {},
      },
    ];
    const runner = new JobRunner(t.server.ctx, { config: {}, channels });
    for (let i = 0; i < 3; i++) await runner.tick();
    const rows = await db.selectFrom("outbox").select(["kind", "channel", "status", "recipient"]).execute();
    const summary = rows.map((r) => `${r.kind}/${r.channel}/${r.status}`).sort();
    // The booking's confirmation went by SMS already: its dead e-mail adds nothing. The e-mail-only one does.
    expect(summary.filter((s) => s.startsWith("appointment.confirmed"))).toEqual([
      "appointment.confirmed/email/dead",
      "appointment.confirmed/sms/sent",
    ]);
    expect(summary.filter((s) => s.startsWith("ticket.near"))).toEqual([
      "ticket.near/email/dead",
      "ticket.near/sms/sent",
    ]);
    const near = sms.filter((m) => m.rendered.text.includes("A001"));
    expect(near).toHaveLength(1);
    expect(near[0]?.recipient).toBe("+8613700137777");
  });
});
