import { timingSafeEqual } from "node:crypto";
import { type Decision, decide } from "../../domain/chat/decide.ts";
import type { Article } from "../../domain/knowledge/article.ts";
import { parseJson } from "../../store/json.ts";
import { listArticles } from "../../store/knowledge.ts";
import type { Tx } from "../../store/store.ts";
import { newSecret, secretHash } from "../auth/passwords.ts";
import type { AppContext } from "../context.ts";
import { AppError, invalid, notFound } from "../errors.ts";
import { knowledgeIndex } from "../knowledge/search-index.ts";

/**
 * The customer's side of the bot: a conversation opened without an account, guarded by a token only its
 * customer holds (stored hashed). Every message and every reply is stored before the reply is sent, so a
 * reload or a lost connection loses nothing. A handed-over conversation waits for an agent; the bot stays
 * quiet in it.
 */

export type ChatLanguage = "zh" | "en";
export type ConversationStatus = "bot" | "waiting" | "closed";

export interface Suggestion {
  readonly articleId: string;
  readonly title: string;
}

export interface BotReply {
  readonly text: string;
  readonly articleId?: string;
  readonly suggestions?: readonly Suggestion[];
  readonly handover: boolean;
}

export interface ChatMessage {
  readonly seq: number;
  readonly author: "customer" | "bot" | "agent" | "system";
  readonly text: string;
  readonly at: string;
  readonly articleId?: string;
  readonly suggestions?: readonly Suggestion[];
  readonly handover?: boolean;
}

export interface Transcript {
  readonly conversationId: string;
  readonly status: ConversationStatus;
  readonly language: ChatLanguage;
  readonly messages: readonly ChatMessage[];
}

export const MAX_MESSAGE_LENGTH = 1000;

const GREETING: Record<ChatLanguage, string> = {
  zh: "您好，我是大堂智能助手。请用一句话描述您的问题，例如“银行卡丢了怎么办”。需要人工服务请发送“人工”。",
  en: "Hello, I'm the Datang assistant. Tell me your question in a sentence, for example “I lost my card”. Type “agent” to talk to a person.",
};
const NOT_UNDERSTOOD: Record<ChatLanguage, string> = {
  zh: "抱歉，我没有理解您的问题。能换个说法再说一次吗？",
  en: "Sorry, I did not understand. Could you say it another way?",
};
const SUGGEST: Record<ChatLanguage, string> = {
  zh: "我不太确定您想问的是哪一个，下面这些是否有帮助？",
  en: "I'm not sure which of these you mean. Does one of them help?",
};
const HANDOVER: Record<ChatLanguage, string> = {
  zh: "正在为您转接人工客服，请稍候。您之前的对话会一并转给客服，无需重复。",
  en: "I'm passing you to a member of staff. They will see this conversation, so you won't need to repeat yourself.",
};
const WAITING: Record<ChatLanguage, string> = {
  zh: "已收到，人工客服接入后会看到您的留言，请稍候。",
  en: "Noted. A member of staff will see your message when they join.",
};
const CLOSED: Record<ChatLanguage, string> = {
  zh: "本次会话已结束。如需帮助请开始新的会话。",
  en: "This conversation has ended. Start a new one if you need help.",
};

/**
 * The language of a reply: Chinese for a message with a Chinese character, otherwise the conversation's
 * (chosen by the page's language; letters alone may be pinyin, so they do not switch a Chinese one).
 */
export function languageOf(text: string, conversation: ChatLanguage): ChatLanguage {
  return /\p{Script=Han}/u.test(text) ? "zh" : conversation;
}

/** Opens a conversation; the token is shown only in this answer. */
export async function startConversation(
  ctx: AppContext,
  language: ChatLanguage = "zh",
): Promise<{ conversationId: string; token: string }> {
  const conversationId = ctx.newId();
  const token = newSecret("dtc");
  await ctx.store.write(async (tx) => {
    const now = ctx.clock();
    await tx
      .insertInto("chat_conversations")
      .values({
        id: conversationId,
        token_hash: secretHash(token),
        status: "bot",
        language,
        misses: 0,
        skill: null,
        handover_at: null,
        last_seq: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await insertMessage(tx, conversationId, 1, "bot", GREETING[language], null, now);
  });
  return { conversationId, token };
}

/** 401 without a token; 404 for a wrong token or an unknown conversation (which of the two is not told). */
async function requireConversation(ctx: AppContext | Tx, conversationId: string, token: string | undefined) {
  if (!token)
    throw new AppError(401, "unauthorized", "This conversation's token is required.", undefined, "缺少会话令牌。");
  const db = "store" in ctx ? ctx.store.db : ctx;
  const row = await db.selectFrom("chat_conversations").selectAll().where("id", "=", conversationId).executeTakeFirst();
  const expected = Buffer.from(row?.token_hash ?? "");
  const actual = Buffer.from(secretHash(token));
  if (!row || expected.length !== actual.length || !timingSafeEqual(expected, actual))
    throw notFound("Conversation", conversationId);
  return row;
}

async function insertMessage(
  tx: Tx,
  conversationId: string,
  seq: number,
  author: ChatMessage["author"],
  text: string,
  data: Record<string, unknown> | null,
  now: number,
): Promise<void> {
  await tx
    .insertInto("chat_messages")
    .values({
      conversation_id: conversationId,
      seq,
      author,
      text,
      data: data ? JSON.stringify(data) : null,
      at: now,
    })
    .execute();
}

function title(a: Article, language: ChatLanguage): string {
  return language === "en" && a.titleEn ? a.titleEn : a.titleZh;
}

function replyFor(decision: Decision, articles: ReadonlyMap<string, Article>, language: ChatLanguage): BotReply {
  const suggestions = (ids: readonly string[]) =>
    ids.flatMap((id) => {
      const a = articles.get(id);
      return a ? [{ articleId: id, title: title(a, language) }] : [];
    });
  switch (decision.kind) {
    case "answer": {
      const a = articles.get(decision.articleId);
      if (!a) return { text: NOT_UNDERSTOOD[language], handover: false };
      const body = language === "en" && a.bodyEn ? a.bodyEn : a.bodyZh;
      return { text: `${title(a, language)}\n${body}`, articleId: a.id, handover: false };
    }
    case "suggest":
      return { text: SUGGEST[language], suggestions: suggestions(decision.articleIds), handover: false };
    case "miss":
      return { text: NOT_UNDERSTOOD[language], handover: false };
    case "handover": {
      const offered = suggestions(decision.articleIds);
      return { text: HANDOVER[language], ...(offered.length ? { suggestions: offered } : {}), handover: true };
    }
  }
}

/**
 * The customer's message and the bot's reply, both stored in one transaction before the reply is returned.
 * Two messages sent at once are numbered one after the other (the conversation row is the lock).
 */
export async function postMessage(
  ctx: AppContext,
  conversationId: string,
  token: string | undefined,
  rawText: string,
): Promise<{ reply: BotReply }> {
  const text = rawText.trim();
  if (!text) throw invalid("The message is empty.", undefined, "消息不能为空。");
  const known = await requireConversation(ctx, conversationId, token);
  const language = languageOf(text, known.language as ChatLanguage);
  // The search reads this instance's index (brought up to date first) outside the writing transaction.
  const hits = known.status === "bot" ? await knowledgeIndex(ctx).query(text, 3) : [];
  const articles = new Map(
    (await listArticles(ctx.store.db, { ids: hits.map((h) => h.id) })).map((a) => [a.id, a] as const),
  );
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const row = await tx
      .updateTable("chat_conversations")
      .set((eb) => ({ last_seq: eb("last_seq", "+", 2), updated_at: now }))
      .where("id", "=", conversationId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound("Conversation", conversationId);
    const seq = Number(row.last_seq) - 1;
    await insertMessage(tx, conversationId, seq, "customer", text, null, now);
    let reply: BotReply;
    if (row.status === "closed") reply = { text: CLOSED[language], handover: false };
    else if (row.status === "waiting" || known.status !== "bot") reply = { text: WAITING[language], handover: true };
    else {
      const decision = decide(text, hits, Number(row.misses));
      reply = replyFor(decision, articles, language);
      const missed = decision.kind === "suggest" || decision.kind === "miss";
      await tx
        .updateTable("chat_conversations")
        .set({
          misses: decision.kind === "answer" ? 0 : missed ? Number(row.misses) + 1 : Number(row.misses),
          ...(decision.skill ? { skill: decision.skill } : {}),
          ...(decision.kind === "handover"
            ? { status: "waiting", handover_at: now, skill: decision.skill ?? row.skill ?? "general" }
            : {}),
        })
        .where("id", "=", conversationId)
        .execute();
    }
    await insertMessage(
      tx,
      conversationId,
      seq + 1,
      "bot",
      reply.text,
      {
        ...(reply.articleId ? { articleId: reply.articleId } : {}),
        ...(reply.suggestions ? { suggestions: reply.suggestions } : {}),
        handover: reply.handover,
      },
      now,
    );
    return { reply };
  });
}

/** The whole conversation, for the customer's page after a reload. */
export async function transcript(
  ctx: AppContext,
  conversationId: string,
  token: string | undefined,
): Promise<Transcript> {
  const row = await requireConversation(ctx, conversationId, token);
  const rows = await ctx.store.db
    .selectFrom("chat_messages")
    .selectAll()
    .where("conversation_id", "=", conversationId)
    .orderBy("seq")
    .execute();
  return {
    conversationId,
    status: row.status as ConversationStatus,
    language: row.language as ChatLanguage,
    messages: rows.map((m) => {
      const data = parseJson<{ articleId?: string; suggestions?: Suggestion[]; handover?: boolean }>(m.data, {});
      return {
        seq: Number(m.seq),
        author: m.author as ChatMessage["author"],
        text: m.text,
        at: new Date(Number(m.at)).toISOString(),
        ...data,
      };
    }),
  };
}
