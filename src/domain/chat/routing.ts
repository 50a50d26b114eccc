/**
 * Hand-over routing, pure: which waiting conversations go to which online agents now.
 * - An agent takes only conversations of a skill they have, up to their maximum of concurrent chats.
 * - Conversations are served oldest first (by the time they were handed over), VIP customers before others.
 * - A VIP conversation goes only to a senior agent.
 * - Among the agents who may take a conversation, the least loaded (share of capacity in use) gets it,
 *   ties to the one idle longest, so the work is balanced.
 * - A conversation of the skill "general", or one that waited longer than `overflowAfterMs`, may go to any
 *   agent (still senior only for VIP): nobody waits forever for a skill no one online has.
 */

/** The skill of a conversation whose subject is unknown: any agent may take it. */
export const GENERAL_SKILL = "general";

export interface RouteOptions {
  /** After this long waiting, a conversation may go to an agent without its skill (undefined: never). */
  readonly overflowAfterMs?: number;
}

export interface WaitingConversation {
  readonly id: string;
  readonly skill: string;
  readonly vip: boolean;
  /** Epoch ms of the hand-over. */
  readonly waitingSince: number;
}

export interface AgentState {
  readonly id: string;
  readonly skills: readonly string[];
  readonly senior: boolean;
  readonly online: boolean;
  readonly maxChats: number;
  readonly activeChats: number;
  /** Epoch ms of the agent's last assignment (0 when none). */
  readonly lastAssignedAt: number;
}

export interface Assignment {
  readonly conversationId: string;
  readonly agentId: string;
}

export function route(
  waiting: readonly WaitingConversation[],
  agents: readonly AgentState[],
  now: number,
  options: RouteOptions = {},
): Assignment[] {
  const load = new Map(agents.map((a) => [a.id, { active: a.activeChats, last: a.lastAssignedAt }]));
  const order = [...waiting].sort(
    (a, b) => Number(b.vip) - Number(a.vip) || a.waitingSince - b.waitingSince || a.id.localeCompare(b.id),
  );
  // Places free in all; and the kinds of conversation (skill, VIP, overflowing) already found no agent: places
  // only fill up during a pass, so a later one of the same kind finds none either. With 1,000 waiting behind a
  // few free places a pass is a few scans, not 1,000.
  let free = 0;
  for (const a of agents) if (a.online) free += Math.max(0, a.maxChats - a.activeChats);
  const hopeless = new Set<string>();
  const out: Assignment[] = [];
  for (const c of order) {
    if (free <= 0) break;
    const anySkill =
      c.skill === GENERAL_SKILL ||
      (options.overflowAfterMs !== undefined && now - c.waitingSince >= options.overflowAfterMs);
    const kind = `${anySkill ? "*" : c.skill}|${c.vip ? 1 : 0}`;
    if (hopeless.has(kind)) continue;
    let best: AgentState | undefined;
    let bestShare = Number.POSITIVE_INFINITY;
    let bestLast = Number.POSITIVE_INFINITY;
    for (const a of agents) {
      const state = load.get(a.id);
      if (!state || !a.online || state.active >= a.maxChats || (!anySkill && !a.skills.includes(c.skill))) continue;
      if (c.vip && !a.senior) continue;
      const share = state.active / a.maxChats;
      if (share < bestShare || (share === bestShare && state.last < bestLast)) {
        best = a;
        bestShare = share;
        bestLast = state.last;
      }
    }
    if (!best) {
      hopeless.add(kind);
      continue;
    }
    const state = load.get(best.id);
    if (state) {
      state.active++;
      state.last = now;
    }
    free--;
    out.push({ conversationId: c.id, agentId: best.id });
  }
  return out;
}
