import {
  type Article,
  type ArticleInput,
  type ArticleStatus,
  changedFields,
  cleanPhrases,
} from "../../domain/knowledge/article.ts";
import { bumpKnowledgeRevision, findArticle, listArticles, listSynonyms, toArticle } from "../../store/knowledge.ts";
import type { Tx } from "../../store/store.ts";
import { KNOWLEDGE_READERS, requireRole } from "../access.ts";
import type { Actor, StaffActor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { audit } from "../record.ts";
import { DEMO_FAQ, DEMO_SYNONYMS } from "./demo-faq.ts";

/** Who edits the knowledge base. */
export const KNOWLEDGE_EDITORS = ["admin"] as const;

const ENTITY = "knowledge_article";

export interface ArticleVersion {
  readonly version: number;
  readonly action: string;
  readonly at: string;
  readonly actorName: string | null;
  readonly changed: readonly string[];
  readonly snapshot: Article;
}

/** Every staff member reads the knowledge base (they answer customers with it). */
export async function articles(ctx: AppContext, actor: Actor, status?: ArticleStatus): Promise<Article[]> {
  requireRole(actor, KNOWLEDGE_READERS);
  return listArticles(ctx.store.db, { status });
}

export async function article(ctx: AppContext, actor: Actor, id: string): Promise<Article> {
  requireRole(actor, KNOWLEDGE_READERS);
  const found = await findArticle(ctx.store.db, id);
  if (!found) throw notFound("Article", id);
  return found;
}

export async function articleVersions(ctx: AppContext, actor: Actor, id: string): Promise<ArticleVersion[]> {
  requireRole(actor, KNOWLEDGE_READERS);
  const rows = await ctx.store.db
    .selectFrom("knowledge_versions")
    .selectAll()
    .where("article_id", "=", id)
    .orderBy("version", "desc")
    .execute();
  if (rows.length === 0) throw notFound("Article", id);
  return rows.map((r) => ({
    version: Number(r.version),
    action: r.action,
    at: new Date(Number(r.at)).toISOString(),
    actorName: r.actor_name,
    changed: JSON.parse(r.changed) as string[],
    snapshot: JSON.parse(r.snapshot) as Article,
  }));
}

function requireText(value: string | undefined, what: string, whatZh: string): void {
  if (value !== undefined && value.trim() === "")
    throw invalid(`The ${what} may not be empty.`, { field: what }, `${whatZh}不能为空。`);
}

async function writeVersion(
  tx: Tx,
  actor: StaffActor | undefined,
  now: number,
  action: string,
  changed: readonly string[],
  snapshot: Article,
): Promise<void> {
  await tx
    .insertInto("knowledge_versions")
    .values({
      article_id: snapshot.id,
      version: snapshot.version,
      action,
      at: now,
      actor_id: actor?.id ?? null,
      actor_name: actor?.username ?? null,
      changed: JSON.stringify(changed),
      snapshot: JSON.stringify(snapshot),
    })
    .execute();
}

async function insertArticle(
  tx: Tx,
  id: string,
  input: ArticleInput,
  actor: StaffActor | undefined,
  now: number,
  action: string,
): Promise<Article> {
  requireText(input.titleZh, "titleZh", "中文标题");
  requireText(input.bodyZh, "bodyZh", "中文正文");
  await tx
    .insertInto("knowledge_articles")
    .values({
      id,
      title_zh: input.titleZh.trim(),
      title_en: input.titleEn?.trim() ?? "",
      body_zh: input.bodyZh.trim(),
      body_en: input.bodyEn?.trim() ?? "",
      questions: JSON.stringify(cleanPhrases(input.questions)),
      keywords: JSON.stringify(cleanPhrases(input.keywords)),
      category: input.category ?? "general",
      status: input.status ?? "published",
      version: 1,
      created_at: now,
      updated_at: now,
      updated_by: actor?.username ?? null,
    })
    .execute();
  const created = await findArticle(tx, id);
  if (!created) throw notFound("Article", id);
  await writeVersion(tx, actor, now, action, ["created"], created);
  return created;
}

/** A new article, published unless its status says draft; searchable as soon as this resolves. */
export function createArticle(ctx: AppContext, actor: Actor, input: ArticleInput): Promise<{ id: string }> {
  const staff = requireRole(actor, KNOWLEDGE_EDITORS);
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const id = ctx.newId();
    const created = await insertArticle(tx, id, input, staff, now, "create");
    await bumpKnowledgeRevision(tx);
    await audit(tx, staff, now, "knowledge.create", { type: ENTITY, id, branchId: null }, { title: created.titleZh });
    return { id };
  });
}

async function patchArticle(
  tx: Tx,
  staff: StaffActor,
  now: number,
  id: string,
  patch: Partial<ArticleInput>,
  action: string,
): Promise<{ article: Article; changed: string[] }> {
  const before = await findArticle(tx, id);
  if (!before) throw notFound("Article", id);
  requireText(patch.titleZh, "titleZh", "中文标题");
  requireText(patch.bodyZh, "bodyZh", "中文正文");
  const clean: Partial<ArticleInput> = {
    ...patch,
    ...(patch.questions !== undefined && { questions: cleanPhrases(patch.questions) }),
    ...(patch.keywords !== undefined && { keywords: cleanPhrases(patch.keywords) }),
  };
  const changed = changedFields(before, clean);
  if (changed.length === 0) return { article: before, changed };
  const updated = await tx
    .updateTable("knowledge_articles")
    .set({
      ...(clean.titleZh !== undefined && { title_zh: clean.titleZh.trim() }),
      ...(clean.titleEn !== undefined && { title_en: clean.titleEn.trim() }),
      ...(clean.bodyZh !== undefined && { body_zh: clean.bodyZh.trim() }),
      ...(clean.bodyEn !== undefined && { body_en: clean.bodyEn.trim() }),
      ...(clean.questions !== undefined && { questions: JSON.stringify(clean.questions) }),
      ...(clean.keywords !== undefined && { keywords: JSON.stringify(clean.keywords) }),
      ...(clean.category !== undefined && { category: clean.category }),
      ...(clean.status !== undefined && { status: clean.status }),
      version: before.version + 1,
      updated_at: now,
      updated_by: staff.username,
    })
    .where("id", "=", id)
    .where("version", "=", before.version)
    .returningAll()
    .executeTakeFirst();
  if (!updated) throw notFound("Article", id);
  const article = toArticle(updated);
  await writeVersion(tx, staff, now, action, changed, article);
  return { article, changed };
}

/** Changes an article; each change is a new version recording who changed which fields. */
export function updateArticle(
  ctx: AppContext,
  actor: Actor,
  id: string,
  patch: Partial<ArticleInput>,
): Promise<Article> {
  const staff = requireRole(actor, KNOWLEDGE_EDITORS);
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const { article: updated, changed } = await patchArticle(tx, staff, now, id, patch, "update");
    if (changed.length > 0) {
      await bumpKnowledgeRevision(tx);
      await audit(tx, staff, now, "knowledge.update", { type: ENTITY, id, branchId: null }, { changed });
    }
    return updated;
  });
}

/** Removes an article; its versions stay, the last one recording the deletion. */
export function deleteArticle(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const staff = requireRole(actor, KNOWLEDGE_EDITORS);
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const before = await findArticle(tx, id);
    if (!before) throw notFound("Article", id);
    await tx.deleteFrom("knowledge_articles").where("id", "=", id).execute();
    await writeVersion(tx, staff, now, "delete", ["deleted"], { ...before, version: before.version + 1 });
    await bumpKnowledgeRevision(tx);
    await audit(tx, staff, now, "knowledge.delete", { type: ENTITY, id, branchId: null }, { title: before.titleZh });
  });
}

export async function synonyms(ctx: AppContext, actor: Actor): Promise<{ groups: string[][] }> {
  requireRole(actor, KNOWLEDGE_READERS);
  return { groups: (await listSynonyms(ctx.store.db)).map((s) => s.terms) };
}

/** Replaces the synonym list: each group is a set of terms (either language) that mean the same. */
export function replaceSynonyms(
  ctx: AppContext,
  actor: Actor,
  groups: ReadonlyArray<readonly string[]>,
): Promise<{ groups: string[][] }> {
  const staff = requireRole(actor, KNOWLEDGE_EDITORS);
  const clean = groups.map(cleanPhrases).filter((g) => g.length >= 2);
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const before = (await listSynonyms(tx)).map((s) => s.terms);
    await tx.deleteFrom("knowledge_synonyms").execute();
    await insertSynonyms(tx, clean, now);
    await bumpKnowledgeRevision(tx);
    await audit(
      tx,
      staff,
      now,
      "knowledge.synonyms",
      { type: "knowledge_synonyms", id: null, branchId: null },
      { before, after: clean },
    );
    return { groups: clean };
  });
}

async function insertSynonyms(tx: Tx, groups: ReadonlyArray<readonly string[]>, now: number): Promise<void> {
  if (groups.length === 0) return;
  await tx
    .insertInto("knowledge_synonyms")
    .values(
      groups.map((terms, i) => ({ id: String(i + 1).padStart(4, "0"), terms: JSON.stringify(terms), updated_at: now })),
    )
    .execute();
}

/** One row of an import: an id updates that article, no id (or an unknown one) creates an article. */
export interface ImportRow extends ArticleInput {
  readonly id?: string;
}

/** Creates or updates many articles in one transaction: all or nothing. */
export function importArticles(
  ctx: AppContext,
  actor: Actor,
  rows: readonly ImportRow[],
): Promise<{ created: number; updated: number; unchanged: number }> {
  const staff = requireRole(actor, KNOWLEDGE_EDITORS);
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    for (const [i, row] of rows.entries()) {
      try {
        const { id, ...input } = row;
        if (id && (await findArticle(tx, id))) {
          const { changed } = await patchArticle(tx, staff, now, id, input, "import");
          if (changed.length > 0) updated++;
          else unchanged++;
        } else {
          await insertArticle(tx, id || ctx.newId(), input, staff, now, "import");
          created++;
        }
      } catch (e) {
        if (e instanceof Error && "status" in e)
          throw invalid(`Row ${i + 1}: ${e.message}`, { row: i + 1 }, `第 ${i + 1} 行：${e.message}`);
        throw e;
      }
    }
    await bumpKnowledgeRevision(tx);
    await audit(
      tx,
      staff,
      now,
      "knowledge.import",
      { type: ENTITY, id: null, branchId: null },
      { created, updated, unchanged },
    );
    return { created, updated, unchanged };
  });
}

/** The demo's FAQ and synonym list, in one transaction (seed-demo.ts); nothing when articles exist already. */
export function seedKnowledge(ctx: AppContext): Promise<void> {
  return ctx.store.write(async (tx) => {
    const existing = await tx.selectFrom("knowledge_articles").select("id").limit(1).executeTakeFirst();
    if (existing) return;
    const now = ctx.clock();
    const articleRows = DEMO_FAQ.map((f) => ({
      id: `faq-${f.key}`,
      title_zh: f.titleZh,
      title_en: f.titleEn,
      body_zh: f.bodyZh,
      body_en: f.bodyEn,
      questions: JSON.stringify(f.questions),
      keywords: JSON.stringify(f.keywords),
      category: f.category,
      status: "published",
      version: 1,
      created_at: now,
      updated_at: now,
      updated_by: null,
    }));
    await tx.insertInto("knowledge_articles").values(articleRows).execute();
    await tx
      .insertInto("knowledge_versions")
      .values(
        articleRows.map((r) => ({
          article_id: r.id,
          version: 1,
          action: "seed",
          at: now,
          actor_id: null,
          actor_name: null,
          changed: JSON.stringify(["created"]),
          snapshot: JSON.stringify(toArticle(r)),
        })),
      )
      .execute();
    await insertSynonyms(tx, DEMO_SYNONYMS, now);
    await bumpKnowledgeRevision(tx);
  });
}
