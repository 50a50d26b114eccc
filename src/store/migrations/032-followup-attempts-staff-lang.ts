import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Issue 14's loose ends (migration 032):
 * - `followups.attempts`: how many times the customer did not answer; "no answer" schedules another attempt
 *   (`due_at` moves on) until `followup_policy.max_attempts` (null: the default in code), then the task closes
 *   as unreachable.
 * - `users.lang`: the language a member of staff gets their notices in (null: the branch's);
 *   `branch_feedback_settings.staff_lang`: the branch's default for staff notices (null: Chinese).
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .alterTable("followups")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("followup_policy").addColumn("max_attempts", "integer").execute();
  await db.schema.alterTable("users").addColumn("lang", "text").execute();
  await db.schema.alterTable("branch_feedback_settings").addColumn("staff_lang", "text").execute();
}
