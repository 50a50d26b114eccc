import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * The lobby display and the kiosk, per branch (issue 12):
 * - `display_settings`: how calls are spoken (recorded clips when the browser has no Mandarin voice, or
 *   always), how many times each call is announced, whether the English sentence follows, how long a notice
 *   stays up, the kiosk's auto-return time and its icon per business type. One row per branch, created on
 *   the first save; a branch without a row gets the defaults.
 * - `voice_clips`: a branch's own recording of a clip token, base64 text (the same on both databases), so
 *   every instance serves it.
 * - `display_notices`: notices and exchange rates for the bottom of a landscape display, text and an
 *   optional image, in Chinese and English.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("display_settings")
    .addColumn("branch_id", "text", (c) => c.primaryKey())
    .addColumn("voice_mode", "text", (c) => c.notNull())
    .addColumn("announce_times", "integer", (c) => c.notNull())
    .addColumn("announce_english", "integer", (c) => c.notNull())
    .addColumn("notice_seconds", "integer", (c) => c.notNull())
    .addColumn("kiosk_return_seconds", "integer", (c) => c.notNull())
    .addColumn("kiosk_icons", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("voice_clips")
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("token", "text", (c) => c.notNull())
    .addColumn("mime", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("voice_clips_pk", ["branch_id", "token"])
    .execute();

  await db.schema
    .createTable("display_notices")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("branch_id", "text", (c) => c.notNull())
    .addColumn("title_zh", "text", (c) => c.notNull())
    .addColumn("title_en", "text", (c) => c.notNull())
    .addColumn("body_zh", "text", (c) => c.notNull())
    .addColumn("body_en", "text", (c) => c.notNull())
    .addColumn("image", "text")
    .addColumn("sort_order", "integer", (c) => c.notNull())
    .addColumn("active", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("display_notices_branch")
    .on("display_notices")
    .columns(["branch_id", "sort_order"])
    .execute();
}
