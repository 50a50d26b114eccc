import type { ColumnDefinitionBuilder, Kysely } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Smart service (C11): the knowledge base (articles, their versions, the staff-edited synonym list, one
 * revision counter that every change bumps so that each instance knows when its search index is stale) and
 * the bot's durable conversations with their messages.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const autoId = dialect === "postgres" ? "bigserial" : "integer";
  const autoIdColumn = (c: ColumnDefinitionBuilder) =>
    dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement();

  await db.schema
    .createTable("knowledge_articles")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("title_zh", "text", (c) => c.notNull())
    .addColumn("title_en", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("body_zh", "text", (c) => c.notNull())
    .addColumn("body_en", "text", (c) => c.notNull().defaultTo(""))
    // JSON arrays of strings: sample questions (either language) and keywords/synonyms of this article.
    .addColumn("questions", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("keywords", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("updated_by", "text")
    .execute();

  await db.schema
    .createTable("knowledge_versions")
    .addColumn("id", autoId, autoIdColumn)
    .addColumn("article_id", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("actor_id", "text")
    .addColumn("actor_name", "text")
    .addColumn("changed", "text", (c) => c.notNull())
    .addColumn("snapshot", "text", (c) => c.notNull())
    .addUniqueConstraint("knowledge_versions_article_version", ["article_id", "version"])
    .execute();

  await db.schema
    .createTable("knowledge_synonyms")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("terms", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("knowledge_revision")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("revision", "bigint", (c) => c.notNull())
    .execute();
  await db
    .insertInto("knowledge_revision" as never)
    .values({ id: 1, revision: 0 } as never)
    .execute();

  await db.schema
    .createTable("chat_conversations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token_hash", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("language", "text", (c) => c.notNull())
    .addColumn("misses", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("skill", "text")
    .addColumn("handover_at", "bigint")
    .addColumn("last_seq", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("chat_conversations_waiting")
    .on("chat_conversations")
    .columns(["status", "handover_at"])
    .execute();

  await db.schema
    .createTable("chat_messages")
    .addColumn("conversation_id", "text", (c) => c.notNull().references("chat_conversations.id"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("author", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("data", "text")
    .addColumn("at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("chat_messages_pk", ["conversation_id", "seq"])
    .execute();
}
