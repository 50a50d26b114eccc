import { localDay } from "../../domain/local-day.ts";
import { requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { invalid } from "../errors.ts";
import { AGENT_ROLES, CHAT_ADMIN_ROLES } from "./agents.ts";

/**
 * The chat's figures for a period of days (conversations opened in it, days in the contact centre's time zone):
 * - containment: share of conversations with a customer message that the bot answered and never handed over;
 * - hand-over rate: share of those handed over to a person;
 * - queue wait: hand-over → an agent took it (taken ones); first response: taken → the agent's first message;
 * - handling time: taken → closed (closed by an agent);
 * - satisfaction per agent: 满意 share and the mean of the 1–3 ratings.
 * An agent sees their own line only; an admin sees every agent.
 */

export interface AgentFigures {
  readonly agentId: string;
  readonly name: string;
  readonly handled: number;
  readonly meanHandlingSeconds: number | null;
  readonly meanFirstResponseSeconds: number | null;
  readonly rated: number;
  readonly satisfiedShare: number | null;
  readonly meanRating: number | null;
}

export interface ChatFigures {
  readonly from: string;
  readonly to: string;
  readonly conversations: number;
  readonly containment: number | null;
  readonly handoverRate: number | null;
  readonly meanQueueWaitSeconds: number | null;
  readonly meanFirstResponseSeconds: number | null;
  readonly meanHandlingSeconds: number | null;
  readonly callbacks: number;
  readonly agents: readonly AgentFigures[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** The contact centre's day boundaries. */
const TIME_ZONE = "Asia/Shanghai";

const mean = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length / 100) / 10 : null);
const share = (n: number, d: number) => (d ? Math.round((n / d) * 1000) / 1000 : null);

export async function chatFigures(ctx: AppContext, actor: Actor, from: string, to: string): Promise<ChatFigures> {
  const staff = requireRole(actor, [...AGENT_ROLES, ...CHAT_ADMIN_ROLES]);
  if (!DAY.test(from) || !DAY.test(to) || from > to)
    throw invalid(
      "from and to are days (YYYY-MM-DD), from not after to.",
      undefined,
      "from、to 须为日期（YYYY-MM-DD），且 from 不晚于 to。",
    );
  // Opened within a day either side of the period (time zones), then filtered by the local day exactly.
  const lo = Date.parse(`${from}T00:00:00Z`) - 86_400_000;
  const hi = Date.parse(`${to}T00:00:00Z`) + 2 * 86_400_000;
  const rows = (
    await ctx.store.db
      .selectFrom("chat_conversations")
      .select([
        "id",
        "created_at",
        "handover_at",
        "assigned_at",
        "first_response_at",
        "closed_at",
        "closed_by",
        "agent_id",
        "csat",
        "answered_by_bot",
        "last_seq",
      ])
      .where("created_at", ">=", lo)
      .where("created_at", "<", hi)
      .execute()
  ).filter((r) => {
    const day = localDay(Number(r.created_at), TIME_ZONE);
    return day >= from && day <= to;
  });
  // A conversation in which the customer never wrote (only the greeting) counts for nothing.
  const engaged = rows.filter((r) => Number(r.last_seq) > 1);
  const handedOver = engaged.filter((r) => r.handover_at !== null);
  const contained = engaged.filter((r) => r.handover_at === null && Number(r.answered_by_bot) === 1);
  const taken = handedOver.filter((r) => r.assigned_at !== null);
  const secs = (a: number | null, b: number | null) => (Number(b) - Number(a)) / 1000;
  const byAgent = new Map<string, typeof rows>();
  for (const r of taken) {
    if (!r.agent_id) continue;
    const list = byAgent.get(r.agent_id) ?? [];
    list.push(r);
    byAgent.set(r.agent_id, list);
  }
  const visible = staff.roles.includes("admin") ? [...byAgent.keys()] : [staff.id];
  const names = new Map(
    visible.length
      ? (
          await ctx.store.db.selectFrom("users").select(["id", "display_name"]).where("id", "in", visible).execute()
        ).map((u) => [u.id, u.display_name])
      : [],
  );
  const callbacks = rows.filter((r) => r.closed_by === "callback").length;
  const agents: AgentFigures[] = visible.map((id) => {
    const list = byAgent.get(id) ?? [];
    const closed = list.filter((r) => r.closed_at !== null && r.closed_by === id);
    const rated = list.filter((r) => r.csat !== null);
    return {
      agentId: id,
      name: names.get(id) ?? "",
      handled: closed.length,
      meanHandlingSeconds: mean(closed.map((r) => secs(r.assigned_at, r.closed_at) * 1000)),
      meanFirstResponseSeconds: mean(
        list.filter((r) => r.first_response_at !== null).map((r) => secs(r.assigned_at, r.first_response_at) * 1000),
      ),
      rated: rated.length,
      satisfiedShare: share(rated.filter((r) => Number(r.csat) === 3).length, rated.length),
      meanRating: rated.length
        ? Math.round((rated.reduce((a, r) => a + Number(r.csat), 0) / rated.length) * 100) / 100
        : null,
    };
  });
  const closedByAgent = taken.filter((r) => r.closed_at !== null && r.closed_by === r.agent_id);
  return {
    from,
    to,
    conversations: engaged.length,
    containment: share(contained.length, engaged.length),
    handoverRate: share(handedOver.length, engaged.length),
    meanQueueWaitSeconds: mean(taken.map((r) => secs(r.handover_at, r.assigned_at) * 1000)),
    meanFirstResponseSeconds: mean(
      taken.filter((r) => r.first_response_at !== null).map((r) => secs(r.assigned_at, r.first_response_at) * 1000),
    ),
    meanHandlingSeconds: mean(closedByAgent.map((r) => secs(r.assigned_at, r.closed_at) * 1000)),
    callbacks,
    agents,
  };
}
