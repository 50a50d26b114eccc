import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Migration 052: one mechanism for the jobs that run on one instance at a time. `job_schedule` (migration 044: a
 * job's last run, taken by a conditional update) gains the lease that `analytics_job_leases` (migration 045) kept
 * for the tally job: `lease_owner` and `lease_until`, taken as the outbox's rows are (store/leases.ts,
 * `takeJobLease`). The tally job's row moves over with its lease as it stands (a holder running now keeps it until
 * it runs out), and `analytics_job_leases` goes.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable("job_schedule").addColumn("lease_owner", "text").execute();
  await db.schema
    .alterTable("job_schedule")
    .addColumn("lease_until", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`INSERT INTO job_schedule (name, last_run_at, lease_owner, lease_until)
    SELECT name, 0, owner, lease_until FROM analytics_job_leases
    WHERE name NOT IN (SELECT name FROM job_schedule)`.execute(db);
  await db.schema.dropTable("analytics_job_leases").execute();
}
