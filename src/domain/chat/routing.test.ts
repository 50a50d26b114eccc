import { describe, expect, it } from "vitest";
import { type AgentState, GENERAL_SKILL, route, type WaitingConversation } from "./routing.ts";

const agent = (id: string, over: Partial<AgentState> = {}): AgentState => ({
  id,
  skills: ["cards", "payments"],
  senior: false,
  online: true,
  maxChats: 2,
  activeChats: 0,
  lastAssignedAt: 0,
  ...over,
});
const conv = (id: string, waitingSince: number, over: Partial<WaitingConversation> = {}): WaitingConversation => ({
  id,
  skill: "cards",
  vip: false,
  waitingSince,
  ...over,
});

describe("hand-over routing", () => {
  it("gives a conversation only to an online agent with the skill and free capacity", () => {
    const agents = [
      agent("offline", { online: false }),
      agent("full", { activeChats: 2 }),
      agent("loans", { skills: ["loans"] }),
      agent("free"),
    ];
    expect(route([conv("c1", 1)], agents, 100)).toEqual([{ conversationId: "c1", agentId: "free" }]);
    expect(route([conv("c2", 1, { skill: "wealth" })], agents, 100)).toEqual([]);
  });

  it("serves the oldest first when there is not room for all", () => {
    const out = route([conv("new", 30), conv("old", 10), conv("mid", 20)], [agent("a", { maxChats: 2 })], 100);
    expect(out.map((x) => x.conversationId)).toEqual(["old", "mid"]);
  });

  it("balances: the least loaded agent first, ties to the one idle longest", () => {
    const agents = [agent("busy", { activeChats: 1, maxChats: 2 }), agent("idle", { maxChats: 2, lastAssignedAt: 50 })];
    const out = route([conv("c1", 1), conv("c2", 2), conv("c3", 3)], agents, 100);
    expect(out).toEqual([
      { conversationId: "c1", agentId: "idle" },
      { conversationId: "c2", agentId: "busy" },
      { conversationId: "c3", agentId: "idle" },
    ]);
  });

  it("puts VIP customers first and only with senior agents", () => {
    const agents = [agent("junior"), agent("senior", { senior: true, maxChats: 1 })];
    const out = route([conv("plain", 1), conv("vip", 50, { vip: true })], agents, 100);
    expect(out).toEqual([
      { conversationId: "vip", agentId: "senior" },
      { conversationId: "plain", agentId: "junior" },
    ]);
    expect(route([conv("vip", 1, { vip: true })], [agent("junior")], 100)).toEqual([]);
  });
  it("lets any agent take a general conversation, and one that waited past the overflow time", () => {
    const agents = [agent("cards", { skills: ["cards"] })];
    expect(route([conv("g", 1, { skill: "general" })], agents, 100)).toEqual([
      { conversationId: "g", agentId: "cards" },
    ]);
    const loans = conv("loan", 1, { skill: "loans" });
    expect(route([loans], agents, 100)).toEqual([]);
    expect(route([loans], agents, 100, { overflowAfterMs: 200 })).toEqual([]);
    expect(route([loans], agents, 300, { overflowAfterMs: 200 })).toEqual([
      { conversationId: "loan", agentId: "cards" },
    ]);
    // Overflow never gives a VIP customer to a junior agent.
    expect(route([conv("vip", 1, { skill: "loans", vip: true })], agents, 300, { overflowAfterMs: 200 })).toEqual([]);
  });
  it("gives the same assignments as the plain rule (every conversation tries every agent) on random queues", () => {
    // The plain statement of the rules, without the pass's shortcuts (stop when full, skip kinds that found none).
    const plain = (waiting: WaitingConversation[], list: AgentState[], now: number, overflow: number) => {
      const load = new Map(list.map((a) => [a.id, { active: a.activeChats, last: a.lastAssignedAt }]));
      const out: Array<{ conversationId: string; agentId: string }> = [];
      const order = [...waiting].sort(
        (a, b) => Number(b.vip) - Number(a.vip) || a.waitingSince - b.waitingSince || a.id.localeCompare(b.id),
      );
      for (const c of order) {
        const anySkill = c.skill === GENERAL_SKILL || now - c.waitingSince >= overflow;
        let best: AgentState | undefined;
        for (const a of list) {
          const s = load.get(a.id);
          if (!s || !a.online || s.active >= a.maxChats || (!anySkill && !a.skills.includes(c.skill))) continue;
          if (c.vip && !a.senior) continue;
          const b = best ? load.get(best.id) : undefined;
          if (!best || !b) best = a;
          else {
            const share = s.active / a.maxChats;
            const bestShare = b.active / best.maxChats;
            if (share < bestShare || (share === bestShare && s.last < b.last)) best = a;
          }
        }
        if (!best) continue;
        const s = load.get(best.id);
        if (s) {
          s.active++;
          s.last = now;
        }
        out.push({ conversationId: c.id, agentId: best.id });
      }
      return out;
    };
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const skills = ["general", "cards", "loans", "wealth"];
    for (let round = 0; round < 200; round++) {
      const waiting = Array.from({ length: 1 + Math.floor(rand() * 40) }, (_, i) =>
        conv(`c${i}`, Math.floor(rand() * 1000), {
          skill: skills[Math.floor(rand() * skills.length)] as string,
          vip: rand() < 0.2,
        }),
      );
      const list = Array.from({ length: 1 + Math.floor(rand() * 8) }, (_, i) => {
        const maxChats = 1 + Math.floor(rand() * 3);
        return agent(`a${i}`, {
          skills: skills.filter(() => rand() < 0.5),
          senior: rand() < 0.3,
          online: rand() < 0.8,
          maxChats,
          activeChats: Math.floor(rand() * (maxChats + 1)),
          lastAssignedAt: Math.floor(rand() * 100),
        });
      });
      expect(route(waiting, list, 1000, { overflowAfterMs: 500 })).toEqual(plain(waiting, list, 1000, 500));
    }
  });
});
