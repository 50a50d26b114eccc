import { type Choice, pickChoice, wantsCancel } from "../../domain/chat/choices.ts";
import type { DeviceId } from "../../domain/ids.ts";
import { FINAL_STATUSES } from "../../domain/ticket.ts";
import { parseJson } from "../../store/json.ts";
import { findTicket } from "../../store/tickets.ts";
import type { DeviceActor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { queueSnapshot } from "../queries/queue.ts";
import { issueTicket } from "../tickets/issue-ticket.ts";
import type { ServiceAvailability } from "../tickets/service-availability.ts";

/**
 * Guided self-service: the bot takes a remote ticket for the customer, step by step.
 * 1. "帮我取个号": the bot names the branches (or skips this when there is one, or the message named one);
 * 2. it offers the branch's business types with the live wait of each (and which are closed now, and why);
 * 3. the customer picks one (a number, the name, a part of it); the ticket is issued through the same use
 *    case as the kiosk's (`issueTicket`: opening hours, cut-off, daily cap), channel "chat", and the reply
 *    gives the number and the live ticket page `/t/:id`. A refusal is answered in words and the customer may
 *    pick another type or cancel.
 * One conversation holds one live ticket at a time: asking again while it waits answers with that ticket.
 * A retried message (same conversation, same message number) gets the same ticket back (idempotency key).
 */

export type TicketFlow =
  | {
      readonly kind: "ticket";
      readonly step: "branch";
      readonly branchIds: readonly string[];
      readonly retries: number;
    }
  | {
      readonly kind: "ticket";
      readonly step: "service";
      readonly branchId: string;
      readonly serviceIds: readonly string[];
      readonly retries: number;
    };

export interface ChatChoice {
  /** What the button sends as the customer's message. */
  readonly value: string;
  readonly label: string;
}

export interface ChatTicket {
  readonly id: string;
  readonly number: string;
  readonly url: string;
}

export interface FlowReply {
  readonly text: string;
  readonly choices?: readonly ChatChoice[];
  readonly ticket?: ChatTicket;
  /** The flow after this message (null: finished or left). */
  readonly flow: TicketFlow | null;
  /** A ticket was issued by this message. */
  readonly issuedTicketId?: string;
}

type Lang = "zh" | "en";

/** At most this many branches are offered as buttons; any branch can still be named. */
const MAX_BRANCH_CHOICES = 8;

/** The branch's chat "kiosk": issues normal tickets of its own branch only, like a kiosk. */
function chatKiosk(branchId: string): DeviceActor {
  return {
    type: "device",
    id: "chat" as DeviceId,
    kind: "kiosk",
    name: "chat",
    branchId: branchId as DeviceActor["branchId"],
    counterId: null,
    ip: "",
  };
}

export function parseFlow(raw: string | null): TicketFlow | null {
  const f = parseJson<TicketFlow | null>(raw, null);
  return f && f.kind === "ticket" ? f : null;
}

const nameOf = (r: { name_zh: string; name_en: string }, lang: Lang) =>
  lang === "en" ? r.name_en || r.name_zh : r.name_zh;

async function branchRows(ctx: AppContext) {
  return ctx.store.db.selectFrom("branches").select(["id", "code", "name_zh", "name_en"]).orderBy("code").execute();
}

async function serviceRows(ctx: AppContext, branchId: string) {
  return ctx.store.db
    .selectFrom("services")
    .select(["id", "code", "name_zh", "name_en"])
    .where("branch_id", "=", branchId)
    .where("active", "=", 1)
    .orderBy("sort_order")
    .orderBy("code")
    .execute();
}

const choicesOf = (rows: ReadonlyArray<{ id: string; code: string; name_zh: string; name_en: string }>): Choice[] =>
  rows.map((r) => ({ id: r.id, names: [r.name_zh, r.name_en, r.code].filter(Boolean) }));

function closedWords(a: ServiceAvailability, lang: Lang): string | null {
  if (a.open) return null;
  const en = lang === "en";
  switch (a.reason) {
    case "not_open_yet":
      return en ? `opens for tickets at ${a.at}` : `${a.at} 起取号`;
    case "cut_off":
      return en ? `tickets stopped at ${a.at} today` : `今日已于 ${a.at} 停止取号`;
    case "full":
      return en ? "today's tickets are all taken" : "今日号已取完";
    default:
      return en ? "not offered now" : "暂停办理";
  }
}

/** The branches to choose from. */
async function offerBranches(ctx: AppContext, lang: Lang, retry: number): Promise<FlowReply> {
  const rows = await branchRows(ctx);
  const shown = rows.slice(0, MAX_BRANCH_CHOICES);
  const list = shown.map((b, i) => `${i + 1}. ${nameOf(b, lang)}`).join("\n");
  const more = rows.length > shown.length;
  const en = lang === "en";
  const head =
    retry > 0
      ? en
        ? "Sorry, I did not catch which branch. Reply with its number or name, or say “cancel”."
        : "抱歉，没有看懂您选的网点。请回复序号或网点名称，或发送“取消”。"
      : en
        ? "Which branch would you like a ticket for?"
        : "请问您要在哪个网点取号？";
  const tail = more ? (en ? "\n(Or write the name of another branch.)" : "\n（也可以直接输入其他网点的名称。）") : "";
  return {
    text: `${head}\n${list}${tail}`,
    choices: shown.map((b) => ({ value: nameOf(b, lang), label: nameOf(b, lang) })),
    flow: { kind: "ticket", step: "branch", branchIds: rows.map((b) => b.id), retries: retry },
  };
}

/** The branch's business types with the live wait of each; those closed now say why. */
async function offerServices(ctx: AppContext, branchId: string, lang: Lang, lead: string | null): Promise<FlowReply> {
  const en = lang === "en";
  const branch = await ctx.store.db
    .selectFrom("branches")
    .select(["id", "name_zh", "name_en"])
    .where("id", "=", branchId)
    .executeTakeFirst();
  const services = await serviceRows(ctx, branchId);
  if (!branch || services.length === 0)
    return {
      text: en ? "Sorry, this branch takes no tickets online." : "抱歉，该网点暂不支持在线取号。",
      flow: null,
    };
  const snapshot = await queueSnapshot(ctx, chatKiosk(branchId), branchId);
  const live = new Map(snapshot.services.map((s) => [s.serviceId, s]));
  const lines = services.map((s, i) => {
    const l = live.get(s.id);
    const closed = l ? closedWords(l.availability, lang) : null;
    const wait =
      closed ??
      (l?.estimatedWaitMinutes === null || l === undefined
        ? en
          ? `${l?.waiting ?? 0} waiting, no counter open now`
          : `${l?.waiting ?? 0} 人等候，暂无窗口开放`
        : en
          ? `${l.waiting} waiting, about ${l.estimatedWaitMinutes} min`
          : `${l.waiting} 人等候，约 ${l.estimatedWaitMinutes} 分钟`);
    return `${i + 1}. ${nameOf(s, lang)}（${wait}）`;
  });
  const head = en
    ? `${nameOf(branch, lang)}: which business is it for? The wait is for a ticket taken now.`
    : `${nameOf(branch, lang)}：请选择要办理的业务（预计等候为现在取号的等候时间）：`;
  return {
    text: `${lead ? `${lead}\n` : ""}${head}\n${lines.join("\n")}`,
    choices: services.map((s) => ({ value: nameOf(s, lang), label: nameOf(s, lang) })),
    flow: { kind: "ticket", step: "service", branchId, serviceIds: services.map((s) => s.id), retries: 0 },
  };
}

function liveUrl(publicUrl: string, ticketId: string): string {
  return `${publicUrl.replace(/\/$/, "")}/t/${ticketId}`;
}

/** The customer asked for a ticket: the branch first (unless there is one, or they named it), then the type. */
export async function startTicketFlow(
  ctx: AppContext,
  text: string,
  lang: Lang,
  conversation: { readonly ticketId: string | null },
  publicUrl: string,
): Promise<FlowReply> {
  const held = await liveTicketOf(ctx, conversation.ticketId, lang, publicUrl);
  if (held) return held;
  const rows = await branchRows(ctx);
  if (rows.length === 0)
    return {
      text: lang === "en" ? "Sorry, no branch takes tickets online." : "抱歉，暂无可在线取号的网点。",
      flow: null,
    };
  const only = rows.length === 1 ? rows[0]?.id : null;
  // A branch named in the question itself ("帮我在人民路支行取个号").
  const named = only ?? pickNamedBranch(text, rows);
  if (named) return offerServices(ctx, named, lang, null);
  return offerBranches(ctx, lang, 0);
}

function pickNamedBranch(
  text: string,
  rows: ReadonlyArray<{ id: string; code: string; name_zh: string; name_en: string }>,
): string | null {
  const lower = text.toLowerCase();
  // Customers leave out the city ("西单支行" for 北京西单支行): a Chinese name is also tried without its first two
  // characters when four or more remain.
  const names = (r: { name_zh: string; name_en: string }): string[] => [
    r.name_zh,
    r.name_en,
    ...(r.name_zh && r.name_zh.length >= 6 ? [r.name_zh.slice(2)] : []),
  ];
  const hits = rows.filter((r) => names(r).some((n) => n && n.length >= 2 && lower.includes(n.toLowerCase())));
  return hits.length === 1 ? (hits[0]?.id ?? null) : null;
}

/** The ticket this conversation already holds, while it is still live: asked again, the bot gives it again. */
async function liveTicketOf(
  ctx: AppContext,
  ticketId: string | null,
  lang: Lang,
  publicUrl: string,
): Promise<FlowReply | null> {
  if (!ticketId) return null;
  const t = await findTicket(ctx.store.db, ticketId);
  if (!t || FINAL_STATUSES.has(t.status)) return null;
  const url = liveUrl(publicUrl, t.id);
  return {
    text:
      lang === "en"
        ? `You already have ticket ${t.number} from this chat. Follow it live here:\n${url}`
        : `您在本次会话中已取号 ${t.number}，可在此实时查看：\n${url}`,
    ticket: { id: t.id, number: t.number, url },
    flow: null,
  };
}

/**
 * The customer's answer to an offered step. Null when the answer is not a choice twice in a row: the flow is
 * left and the message goes to the bot's ordinary answers.
 */
export async function continueTicketFlow(
  ctx: AppContext,
  flow: TicketFlow,
  text: string,
  lang: Lang,
  conversation: { readonly id: string; readonly lastSeq: number; readonly ticketId: string | null },
  publicUrl: string,
): Promise<FlowReply | null> {
  const en = lang === "en";
  if (wantsCancel(text))
    return {
      text: en ? "All right, no ticket taken. Anything else I can help with?" : "好的，已取消取号。还有什么可以帮您？",
      flow: null,
    };
  if (flow.step === "branch") {
    const rows = (await branchRows(ctx)).filter((b) => flow.branchIds.includes(b.id));
    const picked = pickChoice(text, choicesOf(rows)) ?? pickNamedBranch(text, rows);
    if (picked) return offerServices(ctx, picked, lang, null);
    if (flow.retries >= 1) return null;
    return offerBranches(ctx, lang, flow.retries + 1);
  }
  const rows = (await serviceRows(ctx, flow.branchId)).filter((s) => flow.serviceIds.includes(s.id));
  // The numbers the customer saw are the positions in the list offered.
  const ordered = flow.serviceIds.flatMap((id) => rows.filter((r) => r.id === id));
  const picked = pickChoice(text, choicesOf(ordered));
  if (!picked) {
    if (flow.retries >= 1) return null;
    const again = await offerServices(
      ctx,
      flow.branchId,
      lang,
      en
        ? "Sorry, I did not catch which business. Reply with its number or name, or say “cancel”."
        : "抱歉，没有看懂您选的业务。请回复序号或业务名称，或发送“取消”。",
    );
    return again.flow ? { ...again, flow: { ...again.flow, retries: flow.retries + 1 } } : again;
  }
  const held = await liveTicketOf(ctx, conversation.ticketId, lang, publicUrl);
  if (held) return held;
  const service = ordered.find((s) => s.id === picked);
  const serviceName = service ? nameOf(service, lang) : "";
  try {
    const issued = await issueTicket(
      ctx,
      chatKiosk(flow.branchId),
      {
        branchId: flow.branchId,
        serviceId: picked,
        // The same message retried (it was not stored) gets the same ticket.
        idempotencyKey: `chat:${conversation.id}:${conversation.lastSeq}`,
      },
      { channel: "chat" },
    );
    const t = issued.ticket;
    const url = liveUrl(publicUrl, t.id);
    const wait =
      t.estimatedWaitMinutes === null
        ? en
          ? "no counter for it is open yet; calling starts when one opens"
          : "目前暂无窗口开放，开放后开始叫号"
        : en
          ? `about ${t.estimatedWaitMinutes} min wait`
          : `预计等候约 ${t.estimatedWaitMinutes} 分钟`;
    const text2 = en
      ? `Your ticket: ${t.number} (${serviceName}). ${t.position} ahead of you; ${wait}.\nFollow it live and come to the branch when your turn is near; a number not present when called is missed:\n${url}`
      : `已为您取号：${t.number}（${serviceName}）。前面还有 ${t.position} 人，${wait}。\n请在叫号前到达网点，叫号未到将视为过号。实时进度：\n${url}`;
    return {
      text: text2,
      ticket: { id: t.id, number: t.number, url },
      flow: null,
      issuedTicketId: t.id,
    };
  } catch (e) {
    if (!(e instanceof AppError) || e.status === 401 || e.status === 403) throw e;
    const again = await offerServices(ctx, flow.branchId, lang, refusalWords(e, serviceName, lang));
    return again;
  }
}

/** Why a ticket was refused, in the customer's words (the opening rules' 409s, a type no longer offered). */
function refusalWords(e: AppError, serviceName: string, lang: Lang): string {
  const en = lang === "en";
  const d = (e.details ?? {}) as { reason?: string; at?: string; cap?: number };
  const sorry = en ? `Sorry, no ticket for ${serviceName}: ` : `抱歉，${serviceName}现在无法取号：`;
  let why: string;
  if (e.code === "service_full") why = en ? `today's ${d.cap} tickets are all taken.` : `今日 ${d.cap} 个号已取完。`;
  else if (e.code === "service_closed" && d.reason === "not_open_yet")
    why = en ? `tickets are taken from ${d.at}.` : `${d.at} 起才能取号。`;
  else if (e.code === "service_closed" && d.reason === "cut_off")
    why = en ? `tickets stopped at ${d.at} today.` : `今日已于 ${d.at} 停止取号。`;
  else why = en ? e.message : (e.messageZh ?? e.message);
  return `${sorry}${why}${en ? " You may choose another business, or say “cancel”." : "您可以选择其他业务，或发送“取消”。"}`;
}
