import { parse } from "csv-parse/sync";
import { csvField, fromCsvText } from "../../domain/csv.ts";
import {
  ARTICLE_STATUSES,
  type Article,
  type ArticleStatus,
  KNOWLEDGE_CATEGORIES,
  type KnowledgeCategory,
} from "../../domain/knowledge/article.ts";
import { invalid } from "../errors.ts";
import type { ImportRow } from "./articles.ts";

/**
 * The knowledge base as files, both ways: CSV (one article a row; lists separated by "|") and Markdown
 * (one section an article, for reading and review). Columns: id, category, status, titleZh, titleEn, bodyZh, bodyEn, questions, keywords.
 */
export const CSV_COLUMNS = [
  "id",
  "category",
  "status",
  "titleZh",
  "titleEn",
  "bodyZh",
  "bodyEn",
  "questions",
  "keywords",
] as const;

const LIST_SEPARATOR = "|";
export const MAX_IMPORT_ROWS = 5000;

export function articlesToCsv(articles: readonly Article[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const a of articles) {
    const cells: string[] = [
      a.id,
      a.category,
      a.status,
      a.titleZh,
      a.titleEn,
      a.bodyZh,
      a.bodyEn,
      a.questions.join(LIST_SEPARATOR),
      a.keywords.join(LIST_SEPARATOR),
    ];
    // A cell that starts like a formula gets an apostrophe (csvField); the import takes it off again.
    lines.push(cells.map((c) => csvField(c)).join(","));
  }
  // A byte-order mark so that spreadsheet programs read the Chinese as UTF-8.
  return `\ufeff${lines.join("\r\n")}\r\n`;
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(LIST_SEPARATOR)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Rows of a CSV file as import rows; a 400 naming the row for anything unusable, so nothing is half-imported. */
export function csvToRows(text: string): ImportRow[] {
  let records: Array<Record<string, string>>;
  try {
    records = parse(text.replace(/^\ufeff/, ""), {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
    }) as Array<Record<string, string>>;
  } catch (e) {
    throw invalid(`The CSV could not be read: ${(e as Error).message}`, undefined, "无法读取 CSV 文件，请检查格式。");
  }
  if (records.length === 0) throw invalid("The CSV has no articles.", undefined, "CSV 文件中没有文章。");
  if (records.length > MAX_IMPORT_ROWS)
    throw invalid(
      `At most ${MAX_IMPORT_ROWS} articles per import.`,
      undefined,
      `每次最多导入 ${MAX_IMPORT_ROWS} 篇文章。`,
    );
  return records.map((r, i) =>
    toRow(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, fromCsvText(v)])), i + 1),
  );
}

/** One article's cells (CSV columns) as an import row; a 400 naming the row when unusable. */
function toRow(r: Record<string, string>, row: number): ImportRow {
  const titleZh = r.titleZh ?? "";
  const bodyZh = r.bodyZh ?? "";
  if (!titleZh || !bodyZh)
    throw invalid(`Row ${row}: titleZh and bodyZh are required.`, { row }, `第 ${row} 行：中文标题和中文正文必填。`);
  const category = (r.category || "general") as KnowledgeCategory;
  if (!KNOWLEDGE_CATEGORIES.includes(category))
    throw invalid(`Row ${row}: unknown category ${category}.`, { row }, `第 ${row} 行：未知分类 ${category}。`);
  const status = (r.status || "published") as ArticleStatus;
  if (!ARTICLE_STATUSES.includes(status))
    throw invalid(`Row ${row}: unknown status ${status}.`, { row }, `第 ${row} 行：未知状态 ${status}。`);
  return {
    ...(r.id ? { id: r.id } : {}),
    titleZh,
    titleEn: r.titleEn ?? "",
    bodyZh,
    bodyEn: r.bodyEn ?? "",
    questions: list(r.questions),
    keywords: list(r.keywords),
    category,
    status,
  };
}

/**
 * The knowledge base as Markdown, one `##` section an article, readable as it is and read back by
 * `markdownToRows`: the fields as a list of `- name: value` lines (lists joined by " | "), then the bodies
 * and sample questions under `###` headings.
 */
export function articlesToMarkdown(articles: readonly Article[]): string {
  const parts = ["# 知识库 Knowledge base", ""];
  for (const a of articles) {
    parts.push(`## ${a.titleZh}${a.titleEn ? ` / ${a.titleEn}` : ""}`, "");
    parts.push(`- id: ${a.id}`, `- category: ${a.category}`, `- status: ${a.status}`, `- version: ${a.version}`);
    parts.push(`- titleZh: ${a.titleZh}`, `- titleEn: ${a.titleEn}`);
    parts.push(`- keywords: ${a.keywords.join(` ${LIST_SEPARATOR} `)}`, "");
    parts.push(MD_SECTIONS.bodyZh, "", a.bodyZh, "");
    if (a.bodyEn) parts.push(MD_SECTIONS.bodyEn, "", a.bodyEn, "");
    if (a.questions.length) parts.push(MD_SECTIONS.questions, "", ...a.questions.map((q) => `- ${q}`), "");
  }
  return parts.join("\n");
}

const MD_SECTIONS = {
  bodyZh: "### 正文 (中文)",
  bodyEn: "### Body (English)",
  questions: "### 示例问题 / Sample questions",
} as const;

/** Articles of a Markdown file written like `articlesToMarkdown`; a 400 naming the article for anything unusable. */
export function markdownToRows(text: string): ImportRow[] {
  const chunks = text
    .replace(/^\ufeff/, "")
    .replace(/\r\n?/g, "\n")
    .split(/^## /m)
    .slice(1);
  if (chunks.length === 0)
    throw invalid("The Markdown has no articles (## headings).", undefined, "Markdown 文件中没有文章（## 标题）。");
  if (chunks.length > MAX_IMPORT_ROWS)
    throw invalid(
      `At most ${MAX_IMPORT_ROWS} articles per import.`,
      undefined,
      `每次最多导入 ${MAX_IMPORT_ROWS} 篇文章。`,
    );
  const rows = chunks.map((chunk, i) => {
    const meta: Record<string, string> = {};
    const sections: Record<string, string[]> = {};
    let current: string[] | undefined;
    for (const line of chunk.split("\n").slice(1)) {
      const heading = Object.entries(MD_SECTIONS).find(([, h]) => line.trim() === h);
      if (heading) {
        current = [];
        sections[heading[0]] = current;
        continue;
      }
      if (current) {
        current.push(line);
        continue;
      }
      const m = /^- (\w+):\s?(.*)$/.exec(line);
      if (m) meta[m[1] as string] = (m[2] as string).replace(/^`(.*)`$/, "$1").trim();
    }
    const block = (key: keyof typeof MD_SECTIONS) => (sections[key] ?? []).join("\n").trim();
    const questions = (sections.questions ?? []).map((l) => l.replace(/^- /, "").trim()).filter(Boolean);
    return {
      id: meta.id ?? "",
      category: meta.category ?? "",
      status: meta.status ?? "",
      titleZh: meta.titleZh ?? "",
      titleEn: meta.titleEn ?? "",
      bodyZh: block("bodyZh"),
      bodyEn: block("bodyEn"),
      questions: questions.join(LIST_SEPARATOR),
      keywords: meta.keywords ?? "",
      row: i + 1,
    };
  });
  return rows.map(({ row, ...r }) => toRow(r, row));
}
