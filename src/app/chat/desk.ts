import { maskEmail, maskPhone, normalisePhone } from "../../domain/customers/phone.ts";
import { maskFreeText } from "../../domain/personal-data/mask.ts";
import { requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { conversationNames, freeTextFor } from "../personal-data/free-text.ts";
import { audit } from "../record.ts";
import { AGENT_ROLES, CHAT_ADMIN_ROLES } from "./agents.ts";

/** Canned answers (admin edits, agents use) and callback tasks (left when no agent was online). */

export interface CannedAnswer {
  readonly id: string;
  readonly title: string;
  readonly textZh: string;
  readonly textEn: string;
  readonly updatedAt: string;
}

const MAX_TITLE = 100;
const MAX_TEXT = 2000;

function cannedOf(r: {
  id: string;
  title: string;
  text_zh: string;
  text_en: string;
  updated_at: number;
}): CannedAnswer {
  return {
    id: r.id,
    title: r.title,
    textZh: r.text_zh,
    textEn: r.text_en,
    updatedAt: new Date(Number(r.updated_at)).toISOString(),
  };
}

export async function listCanned(ctx: AppContext, actor: Actor): Promise<{ answers: CannedAnswer[] }> {
  requireRole(actor, [...AGENT_ROLES, ...CHAT_ADMIN_ROLES]);
  const rows = await ctx.store.db.selectFrom("chat_canned_answers").selectAll().orderBy("title").execute();
  return { answers: rows.map(cannedOf) };
}

function checkCanned(input: { title: string; textZh: string; textEn?: string }) {
  const title = input.title.trim();
  const textZh = input.textZh.trim();
  const textEn = (input.textEn ?? "").trim();
  if (!title || title.length > MAX_TITLE)
    throw invalid("A title of 1–100 characters is required.", undefined, "标题须为 1–100 个字符。");
  if (!textZh || textZh.length > MAX_TEXT || textEn.length > MAX_TEXT)
    throw invalid("The Chinese text (up to 2,000 characters) is required.", undefined, "中文内容必填，最多 2000 字。");
  return { title, textZh, textEn };
}

export async function saveCanned(
  ctx: AppContext,
  actor: Actor,
  id: string | null,
  input: { title: string; textZh: string; textEn?: string },
): Promise<CannedAnswer> {
  const staff = requireRole(actor, CHAT_ADMIN_ROLES);
  const v = checkCanned(input);
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const values = { title: v.title, text_zh: v.textZh, text_en: v.textEn, updated_by: staff.id, updated_at: now };
    let key = id;
    if (key) {
      const done = await tx.updateTable("chat_canned_answers").set(values).where("id", "=", key).executeTakeFirst();
      if (Number(done.numUpdatedRows) === 0) throw notFound("Canned answer", key);
    } else {
      key = ctx.newId();
      await tx
        .insertInto("chat_canned_answers")
        .values({ id: key, ...values })
        .execute();
    }
    await audit(
      tx,
      staff,
      now,
      id ? "chat.canned.update" : "chat.canned.create",
      {
        type: "chat_canned_answer",
        id: key,
        branchId: null,
      },
      { title: v.title },
    );
    return cannedOf({ id: key, ...values });
  });
}

export async function deleteCanned(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const staff = requireRole(actor, CHAT_ADMIN_ROLES);
  await ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const done = await tx.deleteFrom("chat_canned_answers").where("id", "=", id).executeTakeFirst();
    if (Number(done.numDeletedRows) === 0) throw notFound("Canned answer", id);
    await audit(tx, staff, now, "chat.canned.delete", { type: "chat_canned_answer", id, branchId: null });
  });
}

export interface Callback {
  readonly id: string;
  readonly conversationId: string;
  readonly contact: string;
  readonly message: string;
  readonly skill: string;
  readonly status: "open" | "done";
  readonly dueAt: string;
  readonly createdAt: string;
  readonly overdue: boolean;
  readonly doneAt: string | null;
  readonly doneBy: string | null;
  readonly outcome: string | null;
}

/** A callback's contact for a reader who does not call back: a phone or an e-mail address masked. */
export function maskContact(contact: string): string {
  if (contact.includes("@")) return maskEmail(contact.trim());
  const phone = normalisePhone(contact);
  return phone.ok ? maskPhone(phone.e164) : maskFreeText(contact);
}

/**
 * Callbacks, the earliest due first. Personal data as for every free text (free-text.ts): the contact is what
 * an agent calls or writes to, so agents read it as typed and everyone else (an admin) masked; the customer's
 * message and the outcome are read as typed only by the agent who did the callback, and masked for everyone
 * else (an open callback is no one agent's yet: its message is masked for all, the contact is enough to call).
 * The names masked are the chat's (`conversationNames`: its identified customer, the customer the contact's phone
 * is).
 */
export async function listCallbacks(
  ctx: AppContext,
  actor: Actor,
  status: "open" | "done" = "open",
): Promise<{ callbacks: Callback[] }> {
  const staff = requireRole(actor, [...AGENT_ROLES, ...CHAT_ADMIN_ROLES]);
  const now = ctx.clock();
  const db = ctx.store.db;
  const rows = await db
    .selectFrom("chat_callbacks")
    .selectAll()
    .where("status", "=", status)
    .orderBy(status === "open" ? "due_at" : "done_at", status === "open" ? "asc" : "desc")
    .limit(500)
    .execute();
  const callsBack = staff.roles.some((r) => AGENT_ROLES.includes(r));
  const names = await conversationNames(
    db,
    rows.filter((r) => r.done_by !== staff.id).map((r) => r.conversation_id),
  );
  const iso = (v: number | null) => (v === null ? null : new Date(Number(v)).toISOString());
  return {
    callbacks: rows.map((r) => {
      const text = freeTextFor(r.done_by === staff.id, names.get(r.conversation_id));
      return {
        id: r.id,
        conversationId: r.conversation_id,
        contact: callsBack ? r.contact : maskContact(r.contact),
        message: text(r.message),
        skill: r.skill,
        status: r.status as Callback["status"],
        dueAt: new Date(Number(r.due_at)).toISOString(),
        createdAt: new Date(Number(r.created_at)).toISOString(),
        overdue: r.status === "open" && Number(r.due_at) < now,
        doneAt: iso(r.done_at),
        doneBy: r.done_by,
        outcome: text(r.outcome),
      };
    }),
  };
}

export async function completeCallback(ctx: AppContext, actor: Actor, id: string, rawOutcome: string): Promise<void> {
  const staff = requireRole(actor, AGENT_ROLES);
  const outcome = rawOutcome.trim();
  if (!outcome || outcome.length > 1000)
    throw invalid(
      "Say what came of the callback (up to 1,000 characters).",
      undefined,
      "请填写回访结果（最多 1000 字）。",
    );
  await ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const done = await tx
      .updateTable("chat_callbacks")
      .set({ status: "done", done_at: now, done_by: staff.id, outcome })
      .where("id", "=", id)
      .where("status", "=", "open")
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) {
      const exists = await tx.selectFrom("chat_callbacks").select("id").where("id", "=", id).executeTakeFirst();
      if (!exists) throw notFound("Callback", id);
      throw conflict("This callback is already done.", undefined, "该回访任务已完成。");
    }
    await audit(tx, staff, now, "chat.callback.done", { type: "chat_callback", id, branchId: null });
  });
}
