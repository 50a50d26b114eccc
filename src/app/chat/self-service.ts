import { hoursText, type SelfService } from "../../domain/chat/self-service.ts";
import type { DeviceId } from "../../domain/ids.ts";
import { parseJson } from "../../store/json.ts";
import type { DeviceActor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { queueSnapshot } from "../queries/queue.ts";

/**
 * The bot's live answers: today's queue and hours of the branches (what their lobby screens show anyway), and
 * where to book. At most five branches are listed; a bank with more sends customers to the branch finder.
 */
const MAX_BRANCHES = 5;

/** The lobby screen's view of a branch: the same public figures, read without a device. */
function lobbyScreen(branchId: string): DeviceActor {
  return {
    type: "device",
    id: "bot" as DeviceId,
    kind: "display",
    name: "bot",
    branchId: branchId as DeviceActor["branchId"],
    counterId: null,
    ip: "",
  };
}

function weekdayIn(timeZone: string, at: number): number {
  const name = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short" }).format(new Date(at));
  return ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(name);
}

export async function selfServiceAnswer(
  ctx: AppContext,
  kind: SelfService,
  language: "zh" | "en",
  publicUrl: string,
): Promise<string> {
  const en = language === "en";
  if (kind === "book") {
    const link = `${publicUrl.replace(/\/$/, "")}/book`;
    return en
      ? `You can book a visit online: choose the branch, the business and a free time, and confirm with a code sent to your phone.\n${link}`
      : `您可以在线预约：选择网点、业务和空闲时段，用手机验证码确认即可，到店后在取号机签到优先办理。\n${link}`;
  }
  const branches = await ctx.store.db
    .selectFrom("branches")
    .select(["id", "name_zh", "name_en", "timezone", "opening_hours"])
    .orderBy("code")
    .limit(MAX_BRANCHES)
    .execute();
  const now = ctx.clock();
  const lines: string[] = [];
  for (const b of branches) {
    const name = en ? b.name_en || b.name_zh : b.name_zh;
    if (kind === "hours") {
      const hours = parseJson<Record<string, [string, string] | null>>(b.opening_hours, {});
      const today = weekdayIn(b.timezone, now);
      lines.push(`${name}  ${hoursText(hours, today, language)}`);
      continue;
    }
    const snapshot = await queueSnapshot(ctx, lobbyScreen(b.id), b.id);
    const services = await ctx.store.db
      .selectFrom("services")
      .select(["id", "name_zh", "name_en"])
      .where("branch_id", "=", b.id)
      .where("active", "=", 1)
      .execute();
    const names = new Map(services.map((s) => [s.id, en ? s.name_en || s.name_zh : s.name_zh]));
    const parts = snapshot.services
      .filter((s) => names.has(s.serviceId))
      .map((s) => {
        const wait =
          s.estimatedWaitMinutes === null
            ? en
              ? "no counter open"
              : "暂无窗口开放"
            : en
              ? `about ${s.estimatedWaitMinutes} min`
              : `约 ${s.estimatedWaitMinutes} 分钟`;
        return en
          ? `${names.get(s.serviceId)}: ${s.waiting} waiting, ${wait}`
          : `${names.get(s.serviceId)}：${s.waiting} 人等候，${wait}`;
      });
    lines.push(`${name}\n${parts.map((p) => `· ${p}`).join("\n")}`);
  }
  if (kind === "hours")
    return en ? `Today's opening hours:\n${lines.join("\n")}` : `今天的营业时间：\n${lines.join("\n")}`;
  return en
    ? `The queue right now (a new ticket's estimated wait):\n${lines.join("\n")}`
    : `现在的排队情况（新取号预计等候）：\n${lines.join("\n")}`;
}
