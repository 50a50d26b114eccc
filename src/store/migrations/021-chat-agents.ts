import type { Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * The people behind the bot: contact-centre agents with their presence, skills and capacity; a handed-over
 * conversation assigned to one of them; canned answers; callback tasks left when nobody was online.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("chat_agents")
    .addColumn("user_id", "text", (c) => c.primaryKey())
    .addColumn("presence", "text", (c) => c.notNull())
    .addColumn("skills", "text", (c) => c.notNull())
    .addColumn("senior", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("max_chats", "integer", (c) => c.notNull())
    .addColumn("last_assigned_at", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  for (const [column, type] of [
    ["agent_id", "text"],
    ["assigned_at", "bigint"],
    ["first_response_at", "bigint"],
    ["closed_at", "bigint"],
    ["closed_by", "text"],
    ["csat", "integer"],
  ] as const) {
    await db.schema.alterTable("chat_conversations").addColumn(column, type).execute();
  }
  await db.schema
    .alterTable("chat_conversations")
    .addColumn("vip", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("chat_conversations")
    .addColumn("answered_by_bot", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex("chat_conversations_agent")
    .on("chat_conversations")
    .columns(["agent_id", "status"])
    .execute();
  await db.schema
    .createTable("chat_canned_answers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("text_zh", "text", (c) => c.notNull())
    .addColumn("text_en", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("chat_callbacks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("conversation_id", "text", (c) => c.notNull().references("chat_conversations.id"))
    .addColumn("contact", "text", (c) => c.notNull())
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("skill", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("due_at", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("done_at", "bigint")
    .addColumn("done_by", "text")
    .addColumn("outcome", "text")
    .execute();
  await db.schema.createIndex("chat_callbacks_open").on("chat_callbacks").columns(["status", "due_at"]).execute();
}
