import type { Kysely } from "kysely";
import type { Article, ArticleStatus, KnowledgeCategory } from "../domain/knowledge/article.ts";
import { parseJson } from "./json.ts";
import type { Database, KnowledgeArticleTable } from "./schema.ts";

export function toArticle(r: KnowledgeArticleTable): Article {
  return {
    id: r.id,
    titleZh: r.title_zh,
    titleEn: r.title_en,
    bodyZh: r.body_zh,
    bodyEn: r.body_en,
    questions: parseJson<string[]>(r.questions, []),
    keywords: parseJson<string[]>(r.keywords, []),
    category: r.category as KnowledgeCategory,
    status: r.status as ArticleStatus,
    version: Number(r.version),
    updatedAt: new Date(Number(r.updated_at)).toISOString(),
    updatedBy: r.updated_by,
  };
}

export async function findArticle(db: Kysely<Database>, id: string): Promise<Article | undefined> {
  const row = await db.selectFrom("knowledge_articles").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toArticle(row) : undefined;
}

export async function listArticles(
  db: Kysely<Database>,
  filter: { status?: ArticleStatus; ids?: readonly string[] } = {},
): Promise<Article[]> {
  let q = db.selectFrom("knowledge_articles").selectAll().orderBy("category").orderBy("id");
  if (filter.status) q = q.where("status", "=", filter.status);
  if (filter.ids) q = q.where("id", "in", filter.ids.length ? filter.ids : [""]);
  return (await q.execute()).map(toArticle);
}

/** Each published article's id and version: what an index compares against its own to find changes. */
export async function publishedVersions(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("knowledge_articles")
    .select(["id", "version"])
    .where("status", "=", "published")
    .execute();
  return new Map(rows.map((r) => [r.id, Number(r.version)]));
}

export async function knowledgeRevision(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom("knowledge_revision").select("revision").where("id", "=", 1).executeTakeFirst();
  return Number(row?.revision ?? 0);
}

/** Marks the knowledge base changed; inside the writing transaction, so the mark commits with the change. */
export async function bumpKnowledgeRevision(db: Kysely<Database>): Promise<void> {
  await db
    .updateTable("knowledge_revision")
    .set((eb) => ({ revision: eb("revision", "+", 1) }))
    .where("id", "=", 1)
    .execute();
}

export async function listSynonyms(db: Kysely<Database>): Promise<Array<{ id: string; terms: string[] }>> {
  const rows = await db.selectFrom("knowledge_synonyms").selectAll().orderBy("id").execute();
  return rows.map((r) => ({ id: r.id, terms: parseJson<string[]>(r.terms, []) }));
}
