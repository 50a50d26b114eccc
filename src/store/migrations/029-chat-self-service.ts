import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * The chat's guided self-service and identified customers:
 * - `flow`: a step-by-step exchange in progress (taking a remote ticket: which branch, which business type),
 *   JSON, null when none;
 * - `ticket_id`: the last ticket the bot took for this conversation (one live ticket per conversation);
 * - `customer_id`, `identified_at`: the customer who proved their phone with a one-time code in the chat.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  for (const [column, type] of [
    ["flow", "text"],
    ["ticket_id", "text"],
    ["customer_id", "text"],
    ["identified_at", "bigint"],
  ] as const) {
    await db.schema.alterTable("chat_conversations").addColumn(column, type).execute();
  }
  await db.schema.createIndex("chat_conversations_customer").on("chat_conversations").column("customer_id").execute();
}
