import type { MessageLang } from "../../store/outbox.ts";
import { en } from "./catalogue/en.ts";
import type { Catalogue, RenderContext, Rendered } from "./catalogue/types.ts";
import { zhCN } from "./catalogue/zh-CN.ts";

const CATALOGUES: Readonly<Record<MessageLang, Catalogue>> = { "zh-CN": zhCN, en };

/** A message's subject, text and HTML in its language, from that language's catalogue. */
export function renderMessage(
  kind: string,
  lang: string,
  data: Readonly<Record<string, unknown>>,
  context: RenderContext,
): Rendered {
  const catalogue = CATALOGUES[lang === "en" ? "en" : "zh-CN"];
  const template = Object.hasOwn(catalogue, kind) ? catalogue[kind] : undefined;
  return (template ?? catalogue.fallback)(data, context);
}
