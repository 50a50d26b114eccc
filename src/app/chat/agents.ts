import { GENERAL_SKILL, route } from "../../domain/chat/routing.ts";
import { parseJson } from "../../store/json.ts";
import { isPostgres } from "../../store/sql.ts";
import type { Tx } from "../../store/store.ts";
import { requireRole } from "../access.ts";
import type { Actor, Role, StaffActor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { conflict, forbidden, invalid, notFound } from "../errors.ts";
import { conversationNames, freeTextFor } from "../personal-data/free-text.ts";
import { audit } from "../record.ts";
import { chatSignals } from "./signals.ts";

/**
 * The contact centre's side of the chat: agents with a presence, skills and a capacity; handed-over
 * conversations assigned to them by the pure routing rules (domain/chat/routing.ts); replies, transfers with
 * a note, closing with a satisfaction request. An assignment is a conditional update (only a conversation
 * still waiting is taken), and on PostgreSQL the online agents' rows are locked while routing, so two
 * instances never give one conversation to two agents or an agent more chats than their capacity.
 */

export type Presence = "online" | "away" | "offline";
export const PRESENCES: readonly Presence[] = ["online", "away", "offline"];

/** Who works the chat queue, and who configures it. */
export const AGENT_ROLES: readonly Role[] = ["agent"];
export const CHAT_ADMIN_ROLES: readonly Role[] = ["admin"];

/** A conversation waiting longer than this may go to an agent without its skill. */
export const OVERFLOW_AFTER_MS = 3 * 60_000;
/** Concurrent chats of a new agent. */
export const DEFAULT_MAX_CHATS = 3;
/** The skills of a new agent: every knowledge category of the demo, and general questions. */
export const DEFAULT_SKILLS: readonly string[] = [
  GENERAL_SKILL,
  "cards",
  "accounts",
  "payments",
  "branch",
  "digital",
  "loans",
  "wealth",
];

export interface AgentProfile {
  readonly userId: string;
  readonly presence: Presence;
  readonly skills: readonly string[];
  readonly senior: boolean;
  readonly maxChats: number;
}

function profileOf(row: {
  user_id: string;
  presence: string;
  skills: string;
  senior: number | boolean;
  max_chats: number;
}): AgentProfile {
  return {
    userId: row.user_id,
    presence: row.presence as Presence,
    skills: parseJson<string[]>(row.skills, []),
    senior: Boolean(Number(row.senior)),
    maxChats: Number(row.max_chats),
  };
}

async function agentRow(db: AppContext["store"]["db"] | Tx, userId: string) {
  return db.selectFrom("chat_agents").selectAll().where("user_id", "=", userId).executeTakeFirst();
}

/** The agent's profile; an agent who never set a presence is offline with the default skills. */
export async function myAgentProfile(ctx: AppContext, actor: Actor): Promise<AgentProfile> {
  const staff = requireRole(actor, AGENT_ROLES);
  const row = await agentRow(ctx.store.db, staff.id);
  return row
    ? profileOf(row)
    : { userId: staff.id, presence: "offline", skills: DEFAULT_SKILLS, senior: false, maxChats: DEFAULT_MAX_CHATS };
}

async function ensureAgent(tx: Tx, userId: string, now: number): Promise<void> {
  if (await agentRow(tx, userId)) return;
  await tx
    .insertInto("chat_agents")
    .values({
      user_id: userId,
      presence: "offline",
      skills: JSON.stringify(DEFAULT_SKILLS),
      senior: 0,
      max_chats: DEFAULT_MAX_CHATS,
      last_assigned_at: 0,
      updated_at: now,
    })
    .onConflict((oc) => oc.column("user_id").doNothing())
    .execute();
}

/** Online, away (keeps their chats, takes no new ones) or offline (their open chats go back to the queue). */
export async function setPresence(
  ctx: AppContext,
  actor: Actor,
  input: { presence: Presence; maxChats?: number },
): Promise<AgentProfile> {
  const staff = requireRole(actor, AGENT_ROLES);
  if (input.maxChats !== undefined && (!Number.isInteger(input.maxChats) || input.maxChats < 1 || input.maxChats > 20))
    throw invalid("maxChats must be a whole number from 1 to 20.", undefined, "最大并发会话数须为 1 到 20 的整数。");
  const profile = await ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    await ensureAgent(tx, staff.id, now);
    await tx
      .updateTable("chat_agents")
      .set({ presence: input.presence, updated_at: now, ...(input.maxChats ? { max_chats: input.maxChats } : {}) })
      .where("user_id", "=", staff.id)
      .execute();
    if (input.presence === "offline") {
      // Nobody is left holding a customer: the agent's open chats wait again, in their old place in the line.
      const open = await tx
        .selectFrom("chat_conversations")
        .select(["id", "last_seq"])
        .where("agent_id", "=", staff.id)
        .where("status", "=", "active")
        .execute();
      for (const c of open) {
        await requeue(tx, c.id, now, "agent_offline");
        afterCommit(() => chatSignals.conversation(c.id));
      }
    }
    await audit(tx, staff, now, "chat.presence", { type: "chat_agent", id: staff.id, branchId: null }, input);
    const row = await agentRow(tx, staff.id);
    if (!row) throw notFound("User", staff.id);
    return profileOf(row);
  });
  chatSignals.board();
  await assignWaiting(ctx);
  return profile;
}

/** Admin: an agent's skills (knowledge categories, "general"), seniority (VIP customers) and capacity. */
export async function configureAgent(
  ctx: AppContext,
  actor: Actor,
  userId: string,
  input: { skills?: readonly string[]; senior?: boolean; maxChats?: number },
): Promise<AgentProfile> {
  const staff = requireRole(actor, CHAT_ADMIN_ROLES);
  if (input.maxChats !== undefined && (!Number.isInteger(input.maxChats) || input.maxChats < 1 || input.maxChats > 20))
    throw invalid("maxChats must be a whole number from 1 to 20.", undefined, "最大并发会话数须为 1 到 20 的整数。");
  const skills = input.skills?.map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (skills && skills.length === 0)
    throw invalid("An agent needs at least one skill.", undefined, "坐席至少需要一项技能。");
  const profile = await ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const user = await tx.selectFrom("users").select(["id", "roles"]).where("id", "=", userId).executeTakeFirst();
    if (!user) throw notFound("User", userId);
    if (!parseJson<string[]>(user.roles, []).includes("agent"))
      throw invalid("This user is not an agent.", undefined, "该用户不是在线客服坐席。");
    await ensureAgent(tx, userId, now);
    await tx
      .updateTable("chat_agents")
      .set({
        updated_at: now,
        ...(skills ? { skills: JSON.stringify([...new Set(skills)]) } : {}),
        ...(input.senior !== undefined ? { senior: input.senior ? 1 : 0 } : {}),
        ...(input.maxChats !== undefined ? { max_chats: input.maxChats } : {}),
      })
      .where("user_id", "=", userId)
      .execute();
    await audit(tx, staff, now, "chat.agent.configure", { type: "chat_agent", id: userId, branchId: null }, input);
    const row = await agentRow(tx, userId);
    if (!row) throw notFound("User", userId);
    return profileOf(row);
  });
  await assignWaiting(ctx);
  return profile;
}

/** Puts a conversation back in the queue, keeping its original hand-over time (its place in line). */
async function requeue(tx: Tx, conversationId: string, now: number, reason: string, skill?: string): Promise<void> {
  const row = await tx
    .updateTable("chat_conversations")
    .set((eb) => ({
      status: "waiting",
      agent_id: null,
      assigned_at: null,
      updated_at: now,
      last_seq: eb("last_seq", "+", 1),
      ...(skill ? { skill } : {}),
    }))
    .where("id", "=", conversationId)
    .returning(["last_seq", "language"])
    .executeTakeFirstOrThrow();
  const text =
    row.language === "en"
      ? "You are back in the queue; the next available member of staff will continue."
      : "已为您重新排队，下一位空闲的客服会继续为您服务。";
  await insertChatMessage(tx, conversationId, Number(row.last_seq), "system", text, { reason }, now);
}

export async function insertChatMessage(
  tx: Tx,
  conversationId: string,
  seq: number,
  author: "customer" | "bot" | "agent" | "system",
  text: string,
  data: Record<string, unknown> | null,
  now: number,
): Promise<void> {
  await tx
    .insertInto("chat_messages")
    .values({ conversation_id: conversationId, seq, author, text, data: data ? JSON.stringify(data) : null, at: now })
    .execute();
}

/** Takes the next message number of a conversation (the row is the lock) and touches it. */
async function nextSeq(tx: Tx, conversationId: string, now: number): Promise<number> {
  const row = await tx
    .updateTable("chat_conversations")
    .set((eb) => ({ last_seq: eb("last_seq", "+", 1), updated_at: now }))
    .where("id", "=", conversationId)
    .returning("last_seq")
    .executeTakeFirst();
  if (!row) throw notFound("Conversation", conversationId);
  return Number(row.last_seq);
}

/**
 * Gives waiting conversations to online agents with room, by the routing rules. Runs after every change that
 * can make an assignment possible (a hand-over, an agent coming online, a chat closed or transferred) and on
 * the housekeeping tick (for the overflow time). Returns the assignments made.
 */
export async function assignWaiting(ctx: AppContext): Promise<Array<{ conversationId: string; agentId: string }>> {
  // Most of the time nobody waits or nobody is online: a read says so without opening a write (which would
  // take the writer's turn, and on a read-only disk would be a write that is not needed).
  const [someoneWaits, someoneOnline] = await Promise.all([
    ctx.store.db
      .selectFrom("chat_conversations")
      .select("id")
      .where("status", "=", "waiting")
      .limit(1)
      .executeTakeFirst(),
    ctx.store.db
      .selectFrom("chat_agents")
      .select("user_id")
      .where("presence", "=", "online")
      .limit(1)
      .executeTakeFirst(),
  ]);
  if (!someoneWaits || !someoneOnline) return [];
  const made = await ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    let agentsQuery = tx.selectFrom("chat_agents").selectAll().where("presence", "=", "online");
    if (isPostgres(tx)) agentsQuery = agentsQuery.forUpdate();
    const agentRows = await agentsQuery.execute();
    if (agentRows.length === 0) return [];
    const active = await tx
      .selectFrom("chat_conversations")
      .select(["agent_id", (eb) => eb.fn.countAll<number>().as("n")])
      .where("status", "=", "active")
      .where(
        "agent_id",
        "in",
        agentRows.map((a) => a.user_id),
      )
      .groupBy("agent_id")
      .execute();
    const activeBy = new Map(active.map((r) => [r.agent_id, Number(r.n)]));
    // Every online agent is full: nothing to route, and the queue need not be read.
    if (agentRows.every((a) => (activeBy.get(a.user_id) ?? 0) >= Number(a.max_chats))) return [];
    const waiting = await tx
      .selectFrom("chat_conversations")
      .select(["id", "skill", "vip", "handover_at"])
      .where("status", "=", "waiting")
      .orderBy("vip", "desc")
      .orderBy("handover_at")
      .limit(2000)
      .execute();
    if (waiting.length === 0) return [];
    const assignments = route(
      waiting.map((c) => ({
        id: c.id,
        skill: c.skill ?? GENERAL_SKILL,
        vip: Boolean(Number(c.vip)),
        waitingSince: Number(c.handover_at ?? 0),
      })),
      agentRows.map((a) => ({
        id: a.user_id,
        skills: parseJson<string[]>(a.skills, []),
        senior: Boolean(Number(a.senior)),
        online: true,
        maxChats: Number(a.max_chats),
        activeChats: activeBy.get(a.user_id) ?? 0,
        lastAssignedAt: Number(a.last_assigned_at),
      })),
      now,
      { overflowAfterMs: OVERFLOW_AFTER_MS },
    );
    if (assignments.length === 0) return [];
    const names = new Map(
      (
        await tx
          .selectFrom("users")
          .select(["id", "display_name"])
          .where("id", "in", [...new Set(assignments.map((a) => a.agentId))])
          .execute()
      ).map((u) => [u.id, u.display_name]),
    );
    const done: Array<{ conversationId: string; agentId: string }> = [];
    for (const a of assignments) {
      const taken = await tx
        .updateTable("chat_conversations")
        .set((eb) => ({
          status: "active",
          agent_id: a.agentId,
          assigned_at: now,
          updated_at: now,
          last_seq: eb("last_seq", "+", 1),
        }))
        .where("id", "=", a.conversationId)
        .where("status", "=", "waiting")
        .returning(["last_seq", "language"])
        .executeTakeFirst();
      if (!taken) continue;
      const name = names.get(a.agentId) ?? "";
      const text =
        taken.language === "en"
          ? `${name || "A member of staff"} has joined and can see your conversation so far.`
          : `客服${name}已接入，可以看到您之前的对话。`;
      await insertChatMessage(tx, a.conversationId, Number(taken.last_seq), "system", text, { joined: a.agentId }, now);
      await tx.updateTable("chat_agents").set({ last_assigned_at: now }).where("user_id", "=", a.agentId).execute();
      done.push(a);
      afterCommit(() => chatSignals.conversation(a.conversationId));
    }
    return done;
  });
  if (made.length > 0) chatSignals.board();
  return made;
}

export interface BoardConversation {
  readonly id: string;
  readonly status: string;
  readonly skill: string;
  readonly vip: boolean;
  readonly language: string;
  readonly lastSeq: number;
  readonly handoverAt: string | null;
  readonly assignedAt: string | null;
  readonly lastMessage: string | null;
  readonly lastAuthor: string | null;
}

export interface AgentBoard {
  readonly me: AgentProfile & { readonly activeChats: number };
  readonly conversations: readonly BoardConversation[];
  readonly waiting: { readonly total: number; readonly bySkill: Readonly<Record<string, number>> };
  readonly openCallbacks: number;
}

/** What an agent's workstation shows: their profile, their open chats, the queue, the open callbacks. */
export async function agentBoard(ctx: AppContext, actor: Actor): Promise<AgentBoard> {
  const me = await myAgentProfile(ctx, actor);
  const db = ctx.store.db;
  const mine = await db
    .selectFrom("chat_conversations")
    .select(["id", "status", "skill", "vip", "language", "last_seq", "handover_at", "assigned_at"])
    .where("agent_id", "=", me.userId)
    .where("status", "=", "active")
    .orderBy("assigned_at")
    .execute();
  const last = mine.length
    ? await db
        .selectFrom("chat_messages")
        .select(["conversation_id", "seq", "author", "text"])
        .where(
          "conversation_id",
          "in",
          mine.map((c) => c.id),
        )
        .where("author", "in", ["customer", "agent"])
        .orderBy("seq", "desc")
        .execute()
    : [];
  const lastBy = new Map<string, { text: string; author: string }>();
  for (const m of last) if (!lastBy.has(m.conversation_id)) lastBy.set(m.conversation_id, m);
  const waiting = await db
    .selectFrom("chat_conversations")
    .select(["skill", (eb) => eb.fn.countAll<number>().as("n")])
    .where("status", "=", "waiting")
    .groupBy("skill")
    .execute();
  const callbacks = await db
    .selectFrom("chat_callbacks")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("status", "=", "open")
    .executeTakeFirst();
  const iso = (v: number | null) => (v === null ? null : new Date(Number(v)).toISOString());
  return {
    me: { ...me, activeChats: mine.length },
    conversations: mine.map((c) => ({
      id: c.id,
      status: c.status,
      skill: c.skill ?? GENERAL_SKILL,
      vip: Boolean(Number(c.vip)),
      language: c.language,
      lastSeq: Number(c.last_seq),
      handoverAt: iso(c.handover_at),
      assignedAt: iso(c.assigned_at),
      lastMessage: lastBy.get(c.id)?.text.slice(0, 120) ?? null,
      lastAuthor: lastBy.get(c.id)?.author ?? null,
    })),
    waiting: {
      total: waiting.reduce((a, r) => a + Number(r.n), 0),
      bySkill: Object.fromEntries(waiting.map((r) => [r.skill ?? GENERAL_SKILL, Number(r.n)])),
    },
    openCallbacks: Number(callbacks?.n ?? 0),
  };
}

/** The assigned agent only (403 for anyone else; 409 when the conversation is not with an agent). */
async function requireMine(tx: Tx | AppContext["store"]["db"], staff: StaffActor, conversationId: string) {
  const row = await tx.selectFrom("chat_conversations").selectAll().where("id", "=", conversationId).executeTakeFirst();
  if (!row) throw notFound("Conversation", conversationId);
  if (row.status !== "active")
    throw conflict("This conversation is not with an agent now.", { status: row.status }, "该会话当前不在人工服务中。");
  if (row.agent_id !== staff.id)
    throw forbidden("This conversation is assigned to another agent.", "该会话已分配给其他客服。");
  return row;
}

export interface AgentMessage {
  readonly seq: number;
  readonly author: "customer" | "bot" | "agent" | "system";
  readonly text: string;
  readonly at: string;
  readonly internal: boolean;
  readonly articleId?: string;
  readonly suggestions?: ReadonlyArray<{ articleId: string; title: string }>;
}

export interface AgentConversation {
  readonly id: string;
  readonly status: string;
  readonly skill: string;
  readonly vip: boolean;
  readonly language: string;
  readonly agentId: string | null;
  readonly handoverAt: string | null;
  /** The customer proved their phone in the chat: their masked profile is at …/customer (each look recorded). */
  readonly identified: boolean;
  /** The articles the bot answered with or offered before the hand-over. */
  readonly botTried: ReadonlyArray<{ articleId: string; title: string }>;
  readonly messages: readonly AgentMessage[];
}

/**
 * The whole conversation for its agent: every message, the internal notes, what the bot tried. The agent it is
 * assigned to reads it as typed; anyone else (an admin supervising) reads it with phone and ID numbers and the
 * identified customer's names masked (free-text.ts).
 */
export async function agentConversation(
  ctx: AppContext,
  actor: Actor,
  conversationId: string,
): Promise<AgentConversation> {
  const staff = requireRole(actor, [...AGENT_ROLES, ...CHAT_ADMIN_ROLES]);
  const row = await ctx.store.db
    .selectFrom("chat_conversations")
    .selectAll()
    .where("id", "=", conversationId)
    .executeTakeFirst();
  if (!row) throw notFound("Conversation", conversationId);
  // An agent reads the conversations assigned to them; an admin (a supervisor) any.
  if (!staff.roles.includes("admin") && row.agent_id !== staff.id)
    throw forbidden("This conversation is assigned to another agent.", "该会话已分配给其他客服。");
  const rows = await ctx.store.db
    .selectFrom("chat_messages")
    .selectAll()
    .where("conversation_id", "=", conversationId)
    .orderBy("seq")
    .execute();
  const needsFull = row.agent_id === staff.id;
  const text = freeTextFor(needsFull, needsFull ? [] : (await conversationNames(ctx.store.db, [row.id])).get(row.id));
  const tried = new Map<string, string>();
  const messages = rows.map((m) => {
    const data = parseJson<{
      articleId?: string;
      suggestions?: Array<{ articleId: string; title: string }>;
      internal?: boolean;
    }>(m.data, {});
    if (m.author === "bot") {
      for (const s of data.suggestions ?? []) tried.set(s.articleId, s.title);
      if (data.articleId && !tried.has(data.articleId)) tried.set(data.articleId, m.text.split("\n")[0] ?? "");
    }
    return {
      seq: Number(m.seq),
      author: m.author as AgentMessage["author"],
      text: text(m.text),
      at: new Date(Number(m.at)).toISOString(),
      internal: Boolean(data.internal),
      ...(data.articleId ? { articleId: data.articleId } : {}),
      ...(data.suggestions ? { suggestions: data.suggestions } : {}),
    };
  });
  return {
    id: row.id,
    status: row.status,
    skill: row.skill ?? GENERAL_SKILL,
    vip: Boolean(Number(row.vip)),
    language: row.language,
    agentId: row.agent_id,
    handoverAt: row.handover_at === null ? null : new Date(Number(row.handover_at)).toISOString(),
    identified: row.customer_id !== null,
    botTried: [...tried].map(([articleId, title]) => ({ articleId, title })),
    messages,
  };
}

export const MAX_AGENT_MESSAGE = 2000;

/** The agent's reply to the customer. */
export async function agentReply(
  ctx: AppContext,
  actor: Actor,
  conversationId: string,
  rawText: string,
): Promise<{ seq: number }> {
  const staff = requireRole(actor, AGENT_ROLES);
  const text = rawText.trim();
  if (!text) throw invalid("The message is empty.", undefined, "消息不能为空。");
  if (text.length > MAX_AGENT_MESSAGE) throw invalid("The message is too long.", undefined, "消息过长。");
  const out = await ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const row = await requireMine(tx, staff, conversationId);
    const seq = await nextSeq(tx, conversationId, now);
    await insertChatMessage(tx, conversationId, seq, "agent", text, { agentId: staff.id }, now);
    if (row.first_response_at === null)
      await tx
        .updateTable("chat_conversations")
        .set({ first_response_at: now })
        .where("id", "=", conversationId)
        .execute();
    afterCommit(() => chatSignals.conversation(conversationId));
    return { seq };
  });
  chatSignals.board();
  return out;
}

/**
 * Passes a conversation on: to another skill's queue (it keeps its place in line) or straight to a named
 * agent who is online with room; the note is for staff only and the customer is told they are being passed on.
 */
export async function transferConversation(
  ctx: AppContext,
  actor: Actor,
  conversationId: string,
  input: { skill?: string; agentId?: string; note: string },
): Promise<{ status: string; agentId: string | null }> {
  const staff = requireRole(actor, AGENT_ROLES);
  const note = input.note.trim();
  if (!note) throw invalid("A transfer needs a note for the next agent.", undefined, "转接须填写给下一位客服的备注。");
  if (!input.skill && !input.agentId)
    throw invalid("Name a skill or an agent to transfer to.", undefined, "请选择要转接的技能组或客服。");
  if (input.agentId === staff.id) throw invalid("You cannot transfer to yourself.", undefined, "不能转接给自己。");
  const result = await ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const row = await requireMine(tx, staff, conversationId);
    const noteSeq = await nextSeq(tx, conversationId, now);
    await insertChatMessage(
      tx,
      conversationId,
      noteSeq,
      "system",
      note,
      { internal: true, transfer: { from: staff.id, skill: input.skill ?? null, to: input.agentId ?? null } },
      now,
    );
    let outcome: { status: string; agentId: string | null };
    if (input.agentId) {
      let q = tx.selectFrom("chat_agents").selectAll().where("user_id", "=", input.agentId);
      if (isPostgres(tx)) q = q.forUpdate();
      const target = await q.executeTakeFirst();
      if (target?.presence !== "online") throw conflict("That agent is not online.", undefined, "该客服当前不在线。");
      const load = await tx
        .selectFrom("chat_conversations")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("agent_id", "=", input.agentId)
        .where("status", "=", "active")
        .executeTakeFirst();
      if (Number(load?.n ?? 0) >= Number(target.max_chats))
        throw conflict("That agent has no free capacity.", undefined, "该客服当前会话已满。");
      if (Number(row.vip) && !Number(target.senior))
        throw conflict("VIP customers are served by senior agents only.", undefined, "贵宾客户仅由资深客服服务。");
      const seq = await nextSeq(tx, conversationId, now);
      await tx
        .updateTable("chat_conversations")
        .set({ agent_id: input.agentId, assigned_at: now, ...(input.skill ? { skill: input.skill } : {}) })
        .where("id", "=", conversationId)
        .execute();
      const text =
        row.language === "en"
          ? "You have been passed to a colleague who can see this conversation."
          : "已为您转接至其他客服，对方可以看到之前的对话。";
      await insertChatMessage(tx, conversationId, seq, "system", text, { transferredTo: input.agentId }, now);
      outcome = { status: "active", agentId: input.agentId };
    } else {
      await requeue(tx, conversationId, now, "transfer", input.skill);
      outcome = { status: "waiting", agentId: null };
    }
    await audit(
      tx,
      staff,
      now,
      "chat.transfer",
      { type: "chat_conversation", id: conversationId, branchId: null },
      {
        skill: input.skill ?? null,
        agentId: input.agentId ?? null,
      },
    );
    afterCommit(() => chatSignals.conversation(conversationId));
    return outcome;
  });
  chatSignals.board();
  await assignWaiting(ctx);
  return result;
}

const RATE_REQUEST = {
  zh: "本次服务已结束，感谢您的耐心。请为本次服务评分：满意 / 一般 / 不满意。",
  en: "This conversation has ended; thank you. Please rate our service: satisfied / neutral / dissatisfied.",
};

/** The agent ends the conversation; the customer is asked to rate it. */
export async function closeConversation(ctx: AppContext, actor: Actor, conversationId: string): Promise<void> {
  const staff = requireRole(actor, AGENT_ROLES);
  await ctx.store.write(async (tx, afterCommit) => {
    const now = ctx.clock();
    const row = await requireMine(tx, staff, conversationId);
    const seq = await nextSeq(tx, conversationId, now);
    await tx
      .updateTable("chat_conversations")
      .set({ status: "closed", closed_at: now, closed_by: staff.id })
      .where("id", "=", conversationId)
      .execute();
    await insertChatMessage(
      tx,
      conversationId,
      seq,
      "system",
      RATE_REQUEST[row.language === "en" ? "en" : "zh"],
      { rate: true },
      now,
    );
    await audit(tx, staff, now, "chat.close", { type: "chat_conversation", id: conversationId, branchId: null });
    afterCommit(() => chatSignals.conversation(conversationId));
  });
  chatSignals.board();
  await assignWaiting(ctx);
}

export interface AgentListing extends AgentProfile {
  readonly displayName: string;
  readonly activeChats: number;
}

/** Every active agent with presence, skills and load: to transfer to one, or to configure them. */
export async function listAgents(ctx: AppContext, actor: Actor): Promise<{ agents: AgentListing[] }> {
  requireRole(actor, [...AGENT_ROLES, ...CHAT_ADMIN_ROLES]);
  const users = (
    await ctx.store.db
      .selectFrom("users")
      .leftJoin("chat_agents", "chat_agents.user_id", "users.id")
      .select([
        "users.id",
        "users.display_name",
        "users.roles",
        "users.active",
        "chat_agents.presence",
        "chat_agents.skills",
        "chat_agents.senior",
        "chat_agents.max_chats",
      ])
      .orderBy("users.username")
      .execute()
  ).filter((u) => Number(u.active) === 1 && parseJson<string[]>(u.roles, []).includes("agent"));
  const load = await ctx.store.db
    .selectFrom("chat_conversations")
    .select(["agent_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("status", "=", "active")
    .groupBy("agent_id")
    .execute();
  const loadBy = new Map(load.map((r) => [r.agent_id, Number(r.n)]));
  return {
    agents: users.map((u) => ({
      userId: u.id,
      displayName: u.display_name,
      presence: (u.presence ?? "offline") as Presence,
      skills: u.skills ? parseJson<string[]>(u.skills, []) : [...DEFAULT_SKILLS],
      senior: Boolean(Number(u.senior ?? 0)),
      maxChats: Number(u.max_chats ?? DEFAULT_MAX_CHATS),
      activeChats: loadBy.get(u.id) ?? 0,
    })),
  };
}
