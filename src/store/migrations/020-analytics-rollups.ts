import type { Kysely } from "kysely";
import { sql } from "kysely";
import { rollupsOf } from "../../domain/analytics/rollup.ts";
import { decodeBins, emptyTally, encodeBins, type Tally } from "../../domain/analytics/tally.ts";
import type { DialectName } from "../dialect-name.ts";

/**
 * Analytics, second part: rollups of the fine cells (one row per branch × grain × day × key, see
 * src/domain/analytics/rollup.ts) that the summary reads when its grouping needs no finer cell, filled here from
 * the cells already stored; counter time per hour (utilisation, idle time, counters open).
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("analytics_rollups")
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("grain", "text", (c) => c.notNull())
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("arrived", "integer", (c) => c.notNull())
    .addColumn("served", "integer", (c) => c.notNull())
    .addColumn("no_shows", "integer", (c) => c.notNull())
    .addColumn("walk_aways", "integer", (c) => c.notNull())
    .addColumn("redirected", "integer", (c) => c.notNull())
    .addColumn("called", "integer", (c) => c.notNull())
    .addColumn("wait_sum_ms", "bigint", (c) => c.notNull())
    .addColumn("wait_max_ms", "bigint", (c) => c.notNull())
    .addColumn("within_target", "integer", (c) => c.notNull())
    .addColumn("above_alarm", "integer", (c) => c.notNull())
    .addColumn("wait_bins", "text", (c) => c.notNull())
    .addColumn("timed", "integer", (c) => c.notNull())
    .addColumn("service_sum_ms", "bigint", (c) => c.notNull())
    .addColumn("rated", "integer", (c) => c.notNull())
    .addColumn("satisfied", "integer", (c) => c.notNull())
    .addColumn("neutral", "integer", (c) => c.notNull())
    .addColumn("dissatisfied", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("analytics_rollups_pk", ["branch_id", "grain", "day", "key"])
    .execute();
  await backfill(db);
  // Counter time per branch-day × hour × counter (src/domain/analytics/counter-time.ts), made by the rebuild.
  await db.schema
    .createTable("analytics_counter_hours")
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("hour", "integer", (c) => c.notNull())
    .addColumn("counter_id", "text", (c) => c.notNull())
    .addColumn("open_ms", "bigint", (c) => c.notNull())
    .addColumn("paused_ms", "bigint", (c) => c.notNull())
    .addColumn("busy_ms", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("analytics_counter_hours_pk", ["branch_id", "day", "hour", "counter_id"])
    .execute();
  // The counters' state changes of a branch-day are read by type and time.
  await db.schema.createIndex("events_branch_type_at").on("events").columns(["branch_id", "type", "at"]).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: a migration reads the tables as they were when it was written.
type Row = Record<string, any>;

/** The rollups of every branch-day already tallied, one branch-day at a time. */
async function backfill(db: Kysely<unknown>): Promise<void> {
  const days = await sql<Row>`SELECT DISTINCT branch_id, day FROM analytics_cells`.execute(db);
  for (const { branch_id, day } of days.rows) {
    const cells = await sql<Row>`SELECT * FROM analytics_cells WHERE branch_id = ${branch_id} AND day = ${day}`.execute(
      db,
    );
    const rollups = rollupsOf(
      cells.rows.map((r) => ({
        hour: Number(r.hour),
        serviceId: String(r.service_id),
        counterKey: String(r.counter_key),
        staffKey: String(r.staff_key),
        tally: tallyOf(r),
      })),
    );
    for (const r of rollups) {
      const t = r.tally;
      await sql`INSERT INTO analytics_rollups (branch_id, grain, day, key, arrived, served, no_shows, walk_aways,
        redirected, called, wait_sum_ms, wait_max_ms, within_target, above_alarm, wait_bins, timed, service_sum_ms,
        rated, satisfied, neutral, dissatisfied) VALUES (${branch_id}, ${r.grain}, ${day}, ${r.key}, ${t.arrived},
        ${t.served}, ${t.noShows}, ${t.walkAways}, ${t.redirected}, ${t.called}, ${t.waitSumMs}, ${t.waitMaxMs},
        ${t.withinTarget}, ${t.aboveAlarm}, ${encodeBins(t.waitBins)}, ${t.timed}, ${t.serviceSumMs}, ${t.rated},
        ${t.satisfied}, ${t.neutral}, ${t.dissatisfied})`.execute(db);
    }
  }
}

function tallyOf(r: Row): Tally {
  return {
    // The counts later migrations added are not in these tables yet.
    ...emptyTally(),
    arrived: Number(r.arrived),
    served: Number(r.served),
    noShows: Number(r.no_shows),
    walkAways: Number(r.walk_aways),
    redirected: Number(r.redirected),
    called: Number(r.called),
    waitSumMs: Number(r.wait_sum_ms),
    waitMaxMs: Number(r.wait_max_ms),
    withinTarget: Number(r.within_target),
    aboveAlarm: Number(r.above_alarm),
    waitBins: decodeBins(String(r.wait_bins)),
    timed: Number(r.timed),
    serviceSumMs: Number(r.service_sum_ms),
    rated: Number(r.rated),
    satisfied: Number(r.satisfied),
    neutral: Number(r.neutral),
    dissatisfied: Number(r.dissatisfied),
    counterOpenMs: 0,
    counterPausedMs: 0,
    counterBusyMs: 0,
  };
}
