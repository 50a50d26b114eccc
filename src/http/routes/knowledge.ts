import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../app/context.ts";
import {
  article,
  articles,
  articleVersions,
  createArticle,
  deleteArticle,
  importArticles,
  replaceSynonyms,
  synonyms,
  updateArticle,
} from "../../app/knowledge/articles.ts";
import { articlesToCsv, articlesToMarkdown, csvToRows, markdownToRows } from "../../app/knowledge/exchange.ts";
import { searchKnowledge } from "../../app/knowledge/search-index.ts";
import { ARTICLE_STATUSES, KNOWLEDGE_CATEGORIES } from "../../domain/knowledge/article.ts";
import { actorOf } from "../auth-plugin.ts";
import { DigitsQuery, errors, Id } from "../schemas.ts";

const literalUnion = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Category = literalUnion(KNOWLEDGE_CATEGORIES);
const Status = literalUnion(ARTICLE_STATUSES);
const Phrases = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 });

const ArticleBody = Type.Object(
  {
    titleZh: Type.String({ minLength: 1, maxLength: 200 }),
    titleEn: Type.Optional(Type.String({ maxLength: 200 })),
    bodyZh: Type.String({ minLength: 1, maxLength: 10_000 }),
    bodyEn: Type.Optional(Type.String({ maxLength: 10_000 })),
    questions: Type.Optional(Phrases),
    keywords: Type.Optional(Phrases),
    category: Type.Optional(Category),
    status: Type.Optional(Status),
  },
  { additionalProperties: false },
);
const ArticlePatch = Type.Partial(ArticleBody, { minProperties: 1, additionalProperties: false });

export const ArticleSchema = Type.Object({
  id: Type.String(),
  titleZh: Type.String(),
  titleEn: Type.String(),
  bodyZh: Type.String(),
  bodyEn: Type.String(),
  questions: Type.Array(Type.String()),
  keywords: Type.Array(Type.String()),
  category: Category,
  status: Status,
  version: Type.Integer(),
  updatedAt: Type.String({ format: "date-time" }),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
});
const VersionSchema = Type.Object({
  version: Type.Integer(),
  action: Type.String(),
  at: Type.String({ format: "date-time" }),
  actorName: Type.Union([Type.String(), Type.Null()]),
  changed: Type.Array(Type.String()),
  snapshot: ArticleSchema,
});
const ArticleParams = Type.Object({ articleId: Id });
const ListQuery = Type.Object({ status: Type.Optional(Status) }, { additionalProperties: false });
const SearchQuery = Type.Object(
  { q: Type.String({ minLength: 1, maxLength: 200 }), limit: Type.Optional(DigitsQuery) },
  { additionalProperties: false },
);
const SearchResponse = Type.Object({
  results: Type.Array(
    Type.Object({ id: Type.String(), score: Type.Number(), titleZh: Type.String(), titleEn: Type.String() }),
  ),
});
const SynonymGroups = Type.Object(
  {
    groups: Type.Array(Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { minItems: 2, maxItems: 30 }), {
      maxItems: 500,
    }),
  },
  { additionalProperties: false },
);
const ImportBody = Type.Object(
  {
    format: Type.Union([Type.Literal("csv"), Type.Literal("md")]),
    content: Type.String({ minLength: 1, maxLength: 2_000_000 }),
  },
  { additionalProperties: false },
);
const ExportQuery = Type.Object(
  { format: Type.Optional(Type.Union([Type.Literal("csv"), Type.Literal("md")])) },
  { additionalProperties: false },
);

const TAGS = ["knowledge"];
const IMPORT_BODY_LIMIT = 4 * 1024 * 1024;

export function knowledgeRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    "/api/knowledge/articles",
    {
      schema: {
        operationId: "listKnowledgeArticles",
        tags: TAGS,
        summary: "Articles of the knowledge base (staff)",
        querystring: ListQuery,
        response: { 200: Type.Array(ArticleSchema), ...errors(400, 401, 403) },
      },
    },
    (req) => articles(ctx, actorOf(req), req.query.status),
  );
  app.post<{ Body: Static<typeof ArticleBody> }>(
    "/api/knowledge/articles",
    {
      schema: {
        operationId: "createKnowledgeArticle",
        tags: TAGS,
        summary: "Write a new article (admin); published unless status is draft, searchable at once",
        body: ArticleBody,
        response: { 201: Type.Object({ id: Type.String() }), ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => reply.status(201).send(await createArticle(ctx, actorOf(req), req.body)),
  );
  app.get<{ Params: Static<typeof ArticleParams> }>(
    "/api/knowledge/articles/:articleId",
    {
      schema: {
        operationId: "getKnowledgeArticle",
        tags: TAGS,
        summary: "One article (staff)",
        params: ArticleParams,
        response: { 200: ArticleSchema, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => article(ctx, actorOf(req), req.params.articleId),
  );
  app.patch<{ Params: Static<typeof ArticleParams>; Body: Static<typeof ArticlePatch> }>(
    "/api/knowledge/articles/:articleId",
    {
      schema: {
        operationId: "updateKnowledgeArticle",
        tags: TAGS,
        summary: "Change an article (admin): a new version recording who changed which fields",
        params: ArticleParams,
        body: ArticlePatch,
        response: { 200: ArticleSchema, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => updateArticle(ctx, actorOf(req), req.params.articleId, req.body),
  );
  app.delete<{ Params: Static<typeof ArticleParams> }>(
    "/api/knowledge/articles/:articleId",
    {
      schema: {
        operationId: "deleteKnowledgeArticle",
        tags: TAGS,
        summary: "Delete an article (admin); its versions are kept",
        params: ArticleParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      await deleteArticle(ctx, actorOf(req), req.params.articleId);
      return reply.status(204).send();
    },
  );
  app.get<{ Params: Static<typeof ArticleParams> }>(
    "/api/knowledge/articles/:articleId/versions",
    {
      schema: {
        operationId: "listKnowledgeArticleVersions",
        tags: TAGS,
        summary: "An article's versions, newest first: who changed what (staff)",
        params: ArticleParams,
        response: { 200: Type.Array(VersionSchema), ...errors(400, 401, 403, 404) },
      },
    },
    (req) => articleVersions(ctx, actorOf(req), req.params.articleId),
  );
  app.get<{ Querystring: Static<typeof SearchQuery> }>(
    "/api/knowledge/search",
    {
      schema: {
        operationId: "searchKnowledge",
        tags: TAGS,
        summary: "Search the published articles, best first (staff): Chinese, pinyin, traditional, English",
        querystring: SearchQuery,
        response: { 200: SearchResponse, ...errors(400, 401, 403) },
      },
    },
    (req) =>
      searchKnowledge(ctx, actorOf(req), req.query.q, req.query.limit === undefined ? 10 : Number(req.query.limit)),
  );
  app.get(
    "/api/knowledge/synonyms",
    {
      schema: {
        operationId: "listKnowledgeSynonyms",
        tags: TAGS,
        summary: "The bilingual synonym list (staff)",
        response: { 200: SynonymGroups, ...errors(401, 403) },
      },
    },
    (req) => synonyms(ctx, actorOf(req)),
  );
  app.put<{ Body: Static<typeof SynonymGroups> }>(
    "/api/knowledge/synonyms",
    {
      schema: {
        operationId: "replaceKnowledgeSynonyms",
        tags: TAGS,
        summary: "Replace the synonym list (admin): groups of terms that mean the same, e.g. 挂失 ↔ lost card",
        body: SynonymGroups,
        response: { 200: SynonymGroups, ...errors(400, 401, 403) },
      },
    },
    (req) => replaceSynonyms(ctx, actorOf(req), req.body.groups),
  );
  app.post<{ Body: Static<typeof ImportBody> }>(
    "/api/knowledge/import",
    {
      // A whole knowledge base's export (thousands of articles) is more than the default 64 KB.
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        operationId: "importKnowledge",
        tags: TAGS,
        summary:
          "Import articles from CSV or Markdown as exported (admin): a known id updates its article; all or none",
        body: ImportBody,
        response: {
          200: Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() }),
          ...errors(400, 401, 403),
        },
      },
    },
    (req) =>
      importArticles(
        ctx,
        actorOf(req),
        req.body.format === "md" ? markdownToRows(req.body.content) : csvToRows(req.body.content),
      ),
  );
  app.get<{ Querystring: Static<typeof ExportQuery> }>(
    "/api/knowledge/export",
    {
      schema: {
        operationId: "exportKnowledge",
        tags: TAGS,
        summary: "All articles as CSV (default) or Markdown (staff)",
        querystring: ExportQuery,
        response: { 200: Type.String(), ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const all = await articles(ctx, actorOf(req));
      if (req.query.format === "md")
        return reply
          .type("text/markdown; charset=utf-8")
          .header("content-disposition", 'attachment; filename="knowledge.md"')
          .send(articlesToMarkdown(all));
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", 'attachment; filename="knowledge.csv"')
        .send(articlesToCsv(all));
    },
  );
}
