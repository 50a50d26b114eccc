import { timingSafeEqual } from "node:crypto";
import { type Decision, decide, wantsPerson } from "../../domain/chat/decide.ts";
import { GENERAL_SKILL } from "../../domain/chat/routing.ts";
import { selfServiceIntent } from "../../domain/chat/self-service.ts";
import type { Article } from "../../domain/knowledge/article.ts";
import { maskCustomerPhone } from "../../domain/personal-data/mask-customer.ts";
import { parseJson } from "../../store/json.ts";
import { listArticles } from "../../store/knowledge.ts";
import type { Tx } from "../../store/store.ts";
import { newSecret, secretHash } from "../auth/passwords.ts";
import type { AppContext } from "../context.ts";
import { attach as attachTicketCustomer } from "../customers/ticket-customer.ts";
import { AppError, invalid, notFound } from "../errors.ts";
import { knowledgeIndex } from "../knowledge/search-index.ts";
import { messagingConfigFromEnv } from "../messages/config.ts";
import { assignWaiting, OVERFLOW_AFTER_MS } from "./agents.ts";
import {
  type ChatChoice,
  type ChatTicket,
  continueTicketFlow,
  type FlowReply,
  parseFlow,
  startTicketFlow,
} from "./remote-ticket.ts";
import { selfServiceAnswer } from "./self-service.ts";
import { chatSignals } from "./signals.ts";

/**
 * The customer's side of the bot: a conversation opened without an account, guarded by a token only its
 * customer holds (stored hashed). Every message and every reply is stored before the reply is sent, so a
 * reload or a lost connection loses nothing. A handed-over conversation waits for an agent; the bot stays
 * quiet in it.
 */

export type ChatLanguage = "zh" | "en";
export type ConversationStatus = "bot" | "waiting" | "active" | "closed";

export interface Suggestion {
  readonly articleId: string;
  readonly title: string;
}

/** Where a handed-over conversation stands in the agents' queue. */
export interface QueueInfo {
  /** 1 for the next to be taken. */
  readonly position: number;
  /** Agents online who may take it. */
  readonly agentsOnline: number;
  /** null when no agent who may take it is online: no wait is promised. */
  readonly estimatedWaitMinutes: number | null;
}

export interface BotReply {
  readonly text: string;
  readonly articleId?: string;
  readonly suggestions?: readonly Suggestion[];
  readonly handover: boolean;
  /** While waiting for an agent. */
  readonly queue?: QueueInfo;
  /** No agent is online: the customer may leave a message and a contact for a callback. */
  readonly leaveMessage?: boolean;
  /** Guided self-service: the choices offered (buttons that send `value`). */
  readonly choices?: readonly ChatChoice[];
  /** Guided self-service: the ticket the bot took (or holds) for the customer. */
  readonly ticket?: ChatTicket;
}

export interface ChatMessage {
  readonly seq: number;
  readonly author: "customer" | "bot" | "agent" | "system";
  readonly text: string;
  readonly at: string;
  readonly articleId?: string;
  readonly suggestions?: readonly Suggestion[];
  readonly handover?: boolean;
  readonly choices?: readonly ChatChoice[];
  readonly ticket?: ChatTicket;
}

export interface Transcript {
  readonly conversationId: string;
  readonly status: ConversationStatus;
  readonly language: ChatLanguage;
  readonly messages: readonly ChatMessage[];
  readonly queue?: QueueInfo;
  /** Closed by an agent and not rated yet: the page offers the rating. */
  readonly canRate: boolean;
  /** The customer proved their phone in this chat: its masked form (138****5678). */
  readonly identified?: { readonly phone: string };
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
const NO_AGENT: Record<ChatLanguage, string> = {
  zh: "现在没有在线的人工客服。请留下您的电话或邮箱和留言，我们会在一个工作日内联系您。",
  en: "No member of staff is online right now. Leave your phone number or e-mail and a message, and we will contact you within one working day.",
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
        vip: 0,
        answered_by_bot: 0,
        flow: null,
        ticket_id: null,
        customer_id: null,
        identified_at: null,
      })
      .execute();
    await insertMessage(tx, conversationId, 1, "bot", GREETING[language], null, now);
  });
  return { conversationId, token };
}

/** 401 without a token; 404 for a wrong token or an unknown conversation (which of the two is not told). */
export async function requireConversation(ctx: AppContext | Tx, conversationId: string, token: string | undefined) {
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
  // Guided self-service: today's queue, hours, booking answered from live data rather than an article.
  // A step-by-step exchange in progress (taking a remote ticket) reads the answer first; a request for a person
  // leaves it, and an answer that is not one of the choices twice in a row leaves it for the ordinary replies.
  const publicUrl = messagingConfigFromEnv(process.env).publicUrl ?? "";
  const askingBot = known.status === "bot" && !wantsPerson(text);
  const flow = askingBot ? parseFlow(known.flow) : null;
  const conversationNow = { id: conversationId, lastSeq: Number(known.last_seq), ticketId: known.ticket_id };
  let guided: FlowReply | null = flow
    ? await continueTicketFlow(ctx, flow, text, language, conversationNow, publicUrl)
    : null;
  const intent = askingBot && !guided ? selfServiceIntent(text) : null;
  if (intent === "ticket") guided = await startTicketFlow(ctx, text, language, conversationNow, publicUrl);
  const live = intent && intent !== "ticket" ? await selfServiceAnswer(ctx, intent, language, publicUrl) : null;
  const hits = known.status === "bot" && !live && !guided ? await knowledgeIndex(ctx).query(text, 3) : [];
  const articles = new Map(
    (await listArticles(ctx.store.db, { ids: hits.map((h) => h.id) })).map((a) => [a.id, a] as const),
  );
  const result = await ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const withAgent = known.status === "active";
    // With an agent, the customer's message goes to them and the bot says nothing: one number, not two.
    const row = await tx
      .updateTable("chat_conversations")
      .set((eb) => ({ last_seq: eb("last_seq", "+", withAgent ? 1 : 2), updated_at: now }))
      .where("id", "=", conversationId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound("Conversation", conversationId);
    if (withAgent && row.status === "active") {
      const seq = Number(row.last_seq);
      await insertMessage(tx, conversationId, seq, "customer", text, null, now);
      return { reply: { text: "", handover: true } as BotReply, handedOver: false };
    }
    // The status changed between the read and the write (an agent took it just now): number it as the bot would.
    const seq = Number(row.last_seq) - (withAgent ? 0 : 1);
    await insertMessage(tx, conversationId, seq, "customer", text, null, now);
    let reply: BotReply;
    let handedOver = false;
    if (row.status === "closed") reply = { text: CLOSED[language], handover: false };
    else if (row.status === "waiting" || row.status === "active" || known.status !== "bot")
      reply = { text: WAITING[language], handover: true };
    else if (guided) {
      reply = {
        text: guided.text,
        handover: false,
        ...(guided.choices ? { choices: guided.choices } : {}),
        ...(guided.ticket ? { ticket: guided.ticket } : {}),
      };
      await tx
        .updateTable("chat_conversations")
        .set({
          flow: guided.flow ? JSON.stringify(guided.flow) : null,
          misses: 0,
          // A ticket taken is a request the bot fulfilled itself.
          ...(guided.issuedTicketId ? { ticket_id: guided.issuedTicketId, answered_by_bot: 1 } : {}),
        })
        .where("id", "=", conversationId)
        .execute();
      // An identified customer's ticket is theirs: the counter's call card shows them.
      if (guided.issuedTicketId && row.customer_id) {
        const ticket = await tx
          .selectFrom("tickets")
          .select(["id", "branch_id"])
          .where("id", "=", guided.issuedTicketId)
          .executeTakeFirst();
        if (ticket)
          await attachTicketCustomer(
            tx,
            { id: ticket.id, branchId: ticket.branch_id },
            row.customer_id,
            "chat",
            null,
            now,
          );
      }
    } else if (live) {
      reply = { text: live, handover: false };
      if (row.flow !== null)
        await tx.updateTable("chat_conversations").set({ flow: null }).where("id", "=", conversationId).execute();
    } else {
      const decision = decide(text, hits, Number(row.misses));
      reply = replyFor(decision, articles, language);
      handedOver = decision.kind === "handover";
      const missed = decision.kind === "suggest" || decision.kind === "miss";
      await tx
        .updateTable("chat_conversations")
        .set({
          misses: decision.kind === "answer" ? 0 : missed ? Number(row.misses) + 1 : Number(row.misses),
          flow: null,
          ...(decision.kind === "answer" ? { answered_by_bot: 1 } : {}),
          ...(decision.skill ? { skill: decision.skill } : {}),
          ...(decision.kind === "handover"
            ? { status: "waiting", handover_at: now, skill: decision.skill ?? row.skill ?? GENERAL_SKILL }
            : {}),
        })
        .where("id", "=", conversationId)
        .execute();
      if (handedOver && (await onlineAgents(tx, decision.skill ?? row.skill ?? GENERAL_SKILL, now)).length === 0)
        reply = { ...reply, text: `${reply.text}\n${NO_AGENT[language]}`, leaveMessage: true };
    }
    if (withAgent) {
      // The agent left between the read and the write: the bot's answer needs a number of its own.
      await tx
        .updateTable("chat_conversations")
        .set((eb) => ({ last_seq: eb("last_seq", "+", 1) }))
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
        ...(reply.leaveMessage ? { leaveMessage: true } : {}),
        ...(reply.choices ? { choices: reply.choices } : {}),
        ...(reply.ticket ? { ticket: reply.ticket } : {}),
      },
      now,
    );
    return { reply, handedOver };
  });
  chatSignals.conversation(conversationId);
  if (result.handedOver) await assignWaiting(ctx);
  if (result.reply.handover && result.reply.text !== "") {
    const queue = await queueInfo(ctx, conversationId);
    if (queue) return { reply: { ...result.reply, queue } };
  }
  return { reply: result.reply };
}

/** Online agents who may take a conversation of this skill (any of them for a general one, or after the overflow time). */
async function onlineAgents(db: Tx | AppContext["store"]["db"], skill: string, waitedMs: number) {
  const rows = await db.selectFrom("chat_agents").selectAll().where("presence", "=", "online").execute();
  return rows.filter(
    (a) =>
      skill === GENERAL_SKILL || waitedMs >= OVERFLOW_AFTER_MS || parseJson<string[]>(a.skills, []).includes(skill),
  );
}

/** How long an agent's chat took lately (the mean of the last 200 they closed), or 5 minutes before there is any. */
async function meanHandlingMs(db: AppContext["store"]["db"]): Promise<number> {
  const rows = await db
    .selectFrom("chat_conversations")
    .select(["assigned_at", "closed_at"])
    .where("closed_at", "is not", null)
    .where("assigned_at", "is not", null)
    // Closed by the agent who had it (not left behind by a callback or a test).
    .whereRef("closed_by", "=", "agent_id")
    .orderBy("closed_at", "desc")
    .limit(200)
    .execute();
  if (rows.length === 0) return 5 * 60_000;
  return rows.reduce((a, r) => a + (Number(r.closed_at) - Number(r.assigned_at)), 0) / rows.length;
}

/** A waiting conversation's place in the agents' queue and an honest estimate (none when nobody is online). */
export async function queueInfo(ctx: AppContext, conversationId: string): Promise<QueueInfo | undefined> {
  const db = ctx.store.db;
  const c = await db
    .selectFrom("chat_conversations")
    .select(["skill", "vip", "handover_at", "status"])
    .where("id", "=", conversationId)
    .executeTakeFirst();
  if (c?.status !== "waiting") return undefined;
  const skill = c.skill ?? GENERAL_SKILL;
  const since = Number(c.handover_at ?? 0);
  const vip = Number(c.vip);
  const ahead = await db
    .selectFrom("chat_conversations")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("status", "=", "waiting")
    .where("skill", "=", skill)
    .where((eb) =>
      eb.or([
        eb("vip", ">", vip),
        eb.and([eb("vip", "=", vip), eb("handover_at", "<", since)]),
        eb.and([eb("vip", "=", vip), eb("handover_at", "=", since), eb("id", "<", conversationId)]),
      ]),
    )
    .executeTakeFirst();
  const position = Number(ahead?.n ?? 0) + 1;
  const agents = await onlineAgents(db, skill, ctx.clock() - since);
  if (agents.length === 0) return { position, agentsOnline: 0, estimatedWaitMinutes: null };
  const capacity = agents.reduce((a, r) => a + Number(r.max_chats), 0);
  const busy = await db
    .selectFrom("chat_conversations")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("status", "=", "active")
    .where(
      "agent_id",
      "in",
      agents.map((a) => a.user_id),
    )
    .executeTakeFirst();
  const free = Math.max(0, capacity - Number(busy?.n ?? 0));
  if (free >= position) return { position, agentsOnline: agents.length, estimatedWaitMinutes: 0 };
  const handling = await meanHandlingMs(db);
  // Each of the capacity's places frees up about once per handling time.
  const minutes = Math.ceil(((position - free) * handling) / capacity / 60_000);
  return { position, agentsOnline: agents.length, estimatedWaitMinutes: minutes };
}

const RATINGS = { 3: "满意 / satisfied", 2: "一般 / neutral", 1: "不满意 / dissatisfied" } as const;

/** The customer rates a conversation an agent closed: 3 满意, 2 一般, 1 不满意 (the rating pad's scale); once. */
export async function rateConversation(
  ctx: AppContext,
  conversationId: string,
  token: string | undefined,
  score: number,
): Promise<void> {
  if (score !== 1 && score !== 2 && score !== 3)
    throw invalid("A rating is 1, 2 or 3.", undefined, "评分须为 1、2 或 3。");
  await requireConversation(ctx, conversationId, token);
  await ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const done = await tx
      .updateTable("chat_conversations")
      .set((eb) => ({ csat: score, last_seq: eb("last_seq", "+", 1), updated_at: now }))
      .where("id", "=", conversationId)
      .where("status", "=", "closed")
      .where("agent_id", "is not", null)
      .where("csat", "is", null)
      .returning("last_seq")
      .executeTakeFirst();
    if (!done)
      throw new AppError(
        409,
        "conflict",
        "Only a conversation closed by an agent can be rated, and only once.",
        undefined,
        "只能对客服已结束的会话评价一次。",
      );
    await insertMessage(tx, conversationId, Number(done.last_seq), "customer", RATINGS[score], { rating: score }, now);
  });
  chatSignals.conversation(conversationId);
}

/** A callback is due within this long (one working day, counted simply). */
export const CALLBACK_DUE_MS = 24 * 60 * 60_000;

/** No agent online: the customer leaves a contact and a message; an agent calls or writes back. */
export async function leaveCallback(
  ctx: AppContext,
  conversationId: string,
  token: string | undefined,
  input: { contact: string; message: string },
): Promise<{ callbackId: string; dueAt: string }> {
  const contact = input.contact.trim();
  const message = input.message.trim();
  if (!contact || contact.length > 200)
    throw invalid("Leave a phone number or e-mail to be contacted at.", undefined, "请留下联系电话或邮箱。");
  if (!message || message.length > MAX_MESSAGE_LENGTH)
    throw invalid("The message is empty or too long.", undefined, "留言为空或过长。");
  const known = await requireConversation(ctx, conversationId, token);
  if (known.status !== "waiting")
    throw new AppError(
      409,
      "conflict",
      "A message for a callback can be left while waiting for an agent.",
      undefined,
      "仅在等待人工客服时可以留言。",
    );
  const out = await ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const row = await tx
      .updateTable("chat_conversations")
      .set((eb) => ({
        status: "closed",
        closed_at: now,
        closed_by: "callback",
        last_seq: eb("last_seq", "+", 2),
        updated_at: now,
      }))
      .where("id", "=", conversationId)
      .where("status", "=", "waiting")
      .returning(["last_seq", "skill", "language"])
      .executeTakeFirst();
    if (!row)
      throw new AppError(
        409,
        "conflict",
        "An agent has just taken this conversation.",
        undefined,
        "客服刚刚接入了该会话。",
      );
    const callbackId = ctx.newId();
    const dueAt = now + CALLBACK_DUE_MS;
    await tx
      .insertInto("chat_callbacks")
      .values({
        id: callbackId,
        conversation_id: conversationId,
        contact,
        message,
        skill: row.skill ?? GENERAL_SKILL,
        status: "open",
        due_at: dueAt,
        created_at: now,
        done_at: null,
        done_by: null,
        outcome: null,
      })
      .execute();
    const seq = Number(row.last_seq) - 1;
    await insertMessage(tx, conversationId, seq, "customer", message, { callback: callbackId }, now);
    const lang = (row.language === "en" ? "en" : "zh") as ChatLanguage;
    const text =
      lang === "en"
        ? `Thank you. We will contact you at ${contact} before ${new Date(dueAt).toISOString().slice(0, 16).replace("T", " ")} UTC.`
        : "谢谢，我们已收到您的留言，会在一个工作日内与您联系。";
    await insertMessage(tx, conversationId, seq + 1, "bot", text, { handover: false }, now);
    return { callbackId, dueAt: new Date(dueAt).toISOString() };
  });
  chatSignals.conversation(conversationId);
  return out;
}

/** The whole conversation, for the customer's page after a reload. */
export async function transcript(
  ctx: AppContext,
  conversationId: string,
  token: string | undefined,
  afterSeq = 0,
): Promise<Transcript> {
  const row = await requireConversation(ctx, conversationId, token);
  const rows = await ctx.store.db
    .selectFrom("chat_messages")
    .selectAll()
    .where("conversation_id", "=", conversationId)
    .where("seq", ">", afterSeq)
    .orderBy("seq")
    .execute();
  const queue = row.status === "waiting" ? await queueInfo(ctx, conversationId) : undefined;
  return {
    conversationId,
    status: row.status as ConversationStatus,
    language: row.language as ChatLanguage,
    messages: rows.flatMap((m) => {
      const { internal, ...data } = parseJson<{
        articleId?: string;
        suggestions?: Suggestion[];
        handover?: boolean;
        internal?: boolean;
        choices?: ChatChoice[];
        ticket?: ChatTicket;
      }>(m.data, {});
      // Staff's notes (a transfer's note) are not the customer's to read.
      if (internal) return [];
      return [
        {
          seq: Number(m.seq),
          author: m.author as ChatMessage["author"],
          text: m.text,
          at: new Date(Number(m.at)).toISOString(),
          ...(data.articleId ? { articleId: data.articleId } : {}),
          ...(data.suggestions ? { suggestions: data.suggestions } : {}),
          ...(data.handover !== undefined ? { handover: data.handover } : {}),
          ...(data.choices ? { choices: data.choices } : {}),
          ...(data.ticket ? { ticket: data.ticket } : {}),
        },
      ];
    }),
    ...(queue ? { queue } : {}),
    canRate: row.status === "closed" && row.agent_id !== null && row.csat === null,
    ...(await identifiedAs(ctx, row.customer_id)),
  };
}

/** The identified customer's masked phone, for the customer's own page. */
async function identifiedAs(ctx: AppContext, customerId: string | null): Promise<{ identified?: { phone: string } }> {
  if (!customerId) return {};
  const c = await ctx.store.db
    .selectFrom("customers")
    .select(["phone_e164", "anonymised_at"])
    .where("id", "=", customerId)
    .executeTakeFirst();
  if (!c || c.anonymised_at !== null) return {};
  return { identified: { phone: maskCustomerPhone(c.phone_e164) } };
}
