/**
 * Migration 053 on a database that already holds appointments (some without a customer, as older releases booked
 * them): the index on appointments(customer_id, start_at) is made, and the customer profile's read of a customer's
 * latest appointments can use it instead of reading every appointment of the bank.
 */
import { Migrator, sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createAppContext } from "../src/app/create-context.ts";
import { seedDemo } from "../src/app/seed-demo.ts";
import { migrateToLatest, openStore } from "../src/store/connect.ts";
import { migrationProvider } from "../src/store/migrations/index.ts";
import { DB_KINDS, freshDatabase } from "./support/databases.ts";
import { START, TEST_PASSWORD } from "./support/harness.ts";

describe.each(DB_KINDS)("migration 053 (appointments by customer) on %s", (kind) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it("indexes the appointments a database already holds; the profile's read uses the index", async () => {
    const database = await freshDatabase(kind);
    cleanup.push(database.drop);
    const store = openStore(database.location);
    cleanup.push(() => store.close());
    const before = await new Migrator({ db: store.db, provider: migrationProvider(store.dialect) }).migrateTo(
      "052-one-job-lease",
    );
    expect(before.error).toBeUndefined();
    const demo = await seedDemo(createAppContext({ store, clock: () => START }), TEST_PASSWORD, { knowledge: false });
    const service = await store.db
      .selectFrom("services")
      .select("id")
      .where("code", "=", "CASH")
      .executeTakeFirstOrThrow();
    const customerId = "01900000-0000-7000-8000-0000000000c1";
    await store.write(async (tx) => {
      await tx
        .insertInto("customers")
        .values({
          id: customerId,
          phone_e164: "+8613900139053",
          name: "C",
          email: null,
          lang: "zh-CN",
          preferred_channel: "sms",
          created_at: START,
          updated_at: START,
          code: "K053000001",
          phone_rev: "35093100931868",
          id_number: null,
          birth_date: null,
          vip_tier: null,
          pref_counter: null,
          anonymised_at: null,
          merged_into: null,
        })
        .execute();
      for (let i = 0; i < 6; i++) {
        const start = START + i * 3_600_000;
        await tx
          .insertInto("appointments")
          .values({
            id: `01900000-0000-7000-8000-00000000a0${i}0`,
            branch_id: demo.branchId,
            service_id: service.id,
            customer_id: i % 2 === 0 ? customerId : null,
            customer_name: "C",
            customer_phone: "+8613900139053",
            customer_email: null,
            lang: "zh-CN",
            day: "2026-11-23",
            start_at: start,
            end_at: start + 900_000,
            status: "booked",
            code: `B053${i}`,
            manage_token_hash: `h053-${i}`,
            answers: "{}",
            channel: "online",
            created_by: null,
            manager_user_id: null,
            ticket_id: null,
            cancel_reason: null,
            checked_in_at: null,
            version: 0,
            created_at: START,
            updated_at: START,
          })
          .execute();
      }
    });

    expect(await migrateToLatest(store)).toContain("053-appointments-customer");
    // The profile's read, as customers/records.ts makes it.
    const profileRead = store.db
      .selectFrom("appointments")
      .select(["id", "start_at"])
      .where("customer_id", "=", customerId)
      .orderBy("start_at", "desc")
      .limit(50);
    expect((await profileRead.execute()).map((a) => Number(a.start_at))).toEqual(
      [4, 2, 0].map((h) => START + h * 3_600_000),
    );
    // Its plan: the index, read backwards for the order (no sort). PostgreSQL would rather scan six rows, so it is
    // asked not to, to see that it can use the index.
    const explained = sql`SELECT id, start_at FROM appointments WHERE customer_id = ${customerId}
      ORDER BY start_at DESC LIMIT 50`;
    const plan =
      kind === "sqlite"
        ? (await sql<{ detail: string }>`EXPLAIN QUERY PLAN ${explained}`.execute(store.db)).rows.map((r) => r.detail)
        : await store.db.transaction().execute(async (trx) => {
            await sql`SET LOCAL enable_seqscan = off`.execute(trx);
            const rows = (await sql<Record<string, string>>`EXPLAIN ${explained}`.execute(trx)).rows;
            return rows.map((r) => Object.values(r).join(" "));
          });
    expect(plan.join(" | ")).toContain("appointments_customer_start");
    expect(plan.join(" | ")).not.toMatch(/TEMP B-TREE|Sort/);
  });
});
