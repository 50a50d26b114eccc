/**
 * `npm run bench:routing`: prints ONE JSON line. Hand-over routing with 1,000 conversations waiting and 100 agents:
 * - `pure`: one pass of the routing rules (src/domain/chat/routing.ts) over the whole queue, p50/p99/max in ms, over
 *   many rounds with agents' loads and skills varied;
 * - `database`: one `assignWaiting` (the real path: read the queue and the online agents, route, conditional
 *   claims, a "joined" message each) on SQLite, with the agents nearly full so each pass makes a few assignments;
 * - the same pass of a BASELINE measured in the same run: a naive router that, for each conversation, sorts every
 *   agent by load (what a first version would write), to show what the single-scan rule saves.
 * Target: p99 under 10 ms for a routing pass.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assignWaiting } from "../src/app/chat/agents.ts";
import { createAppContext } from "../src/app/create-context.ts";
import { type AgentState, route, type WaitingConversation } from "../src/domain/chat/routing.ts";
import { migrateToLatest, openStore } from "../src/store/connect.ts";
import { percentile, round } from "./lib/stats.ts";

const WAITING = 1000;
const AGENTS = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const SKILLS = ["general", "cards", "accounts", "payments", "branch", "digital", "loans", "wealth"];

let seed = 42;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

function queue(now: number): WaitingConversation[] {
  return Array.from({ length: WAITING }, (_, i) => ({
    id: `c${i}`,
    skill: pick(SKILLS),
    vip: rand() < 0.05,
    waitingSince: now - Math.floor(rand() * 600_000),
  }));
}

function agents(): AgentState[] {
  return Array.from({ length: AGENTS }, (_, i) => {
    const maxChats = 2 + Math.floor(rand() * 4);
    return {
      id: `a${i}`,
      skills: SKILLS.filter(() => rand() < 0.5),
      senior: rand() < 0.2,
      online: rand() < 0.9,
      maxChats,
      activeChats: Math.floor(rand() * (maxChats + 1)),
      lastAssignedAt: Math.floor(rand() * 1000),
    };
  });
}

/** The naive router: for each conversation, filter and sort every agent. */
function naive(waiting: readonly WaitingConversation[], list: readonly AgentState[]): number {
  const load = new Map(list.map((a) => [a.id, a.activeChats]));
  let made = 0;
  for (const c of [...waiting].sort((a, b) => Number(b.vip) - Number(a.vip) || a.waitingSince - b.waitingSince)) {
    const best = list
      .filter(
        (a) => a.online && (load.get(a.id) ?? 0) < a.maxChats && a.skills.includes(c.skill) && (!c.vip || a.senior),
      )
      .sort((a, b) => (load.get(a.id) ?? 0) / a.maxChats - (load.get(b.id) ?? 0) / b.maxChats)[0];
    if (best) {
      load.set(best.id, (load.get(best.id) ?? 0) + 1);
      made++;
    }
  }
  return made;
}

function time(fn: () => unknown): { p50: number; p99: number; max: number } {
  for (let i = 0; i < 20; i++) fn();
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return {
    p50: round(percentile(samples, 50), 3),
    p99: round(percentile(samples, 99), 3),
    max: round(Math.max(...samples), 3),
  };
}

const now = Date.now();
const cases = Array.from({ length: 16 }, () => ({ waiting: queue(now), agents: agents() }));
let k = 0;
const pure = time(() => {
  const c = cases[k++ % cases.length] as (typeof cases)[number];
  return route(c.waiting, c.agents, now, { overflowAfterMs: 180_000 });
});
k = 0;
const baseline = time(() => {
  const c = cases[k++ % cases.length] as (typeof cases)[number];
  return naive(c.waiting, c.agents);
});

/** The real path on SQLite: 1,000 waiting, 100 agents online and all but a few places taken. */
async function database(): Promise<{ p50: number; p99: number; max: number; assignedPerPass: number }> {
  const dir = mkdtempSync(join(tmpdir(), "datang-routing-"));
  const store = openStore(join(dir, "routing.db"));
  try {
    await migrateToLatest(store);
    let clock = now;
    const ctx = createAppContext({ store, clock: () => clock });
    const agentIds = Array.from({ length: AGENTS }, (_, i) => `agent-${i}`);
    await store.write(async (tx) => {
      for (const id of agentIds)
        await tx
          .insertInto("chat_agents")
          .values({
            user_id: id,
            presence: "online",
            skills: JSON.stringify(SKILLS),
            senior: 1,
            max_chats: 3,
            last_assigned_at: 0,
            updated_at: now,
          })
          .execute();
    });
    const addWaiting = async (n: number, from: number) =>
      store.write(async (tx) => {
        for (let i = 0; i < n; i++)
          await tx
            .insertInto("chat_conversations")
            .values({
              id: `w-${from + i}`,
              token_hash: "x",
              status: "waiting",
              language: "zh",
              misses: 0,
              skill: pick(SKILLS),
              handover_at: now - 600_000 + from + i,
              last_seq: 1,
              created_at: now,
              updated_at: now,
              vip: 0,
              answered_by_bot: 0,
            })
            .execute();
      });
    // Fill every agent to capacity, then keep 1,000 waiting behind them.
    await addWaiting(AGENTS * 3, 0);
    await assignWaiting(ctx);
    let next = AGENTS * 3;
    await addWaiting(WAITING, next);
    next += WAITING;
    const samples: number[] = [];
    let assigned = 0;
    const passes = Math.min(ROUNDS, 100);
    for (let r = 0; r < passes; r++) {
      // Three agents each finish a chat: three places free up, and the pass fills them.
      clock += 1000;
      const done = await store.db
        .selectFrom("chat_conversations")
        .select("id")
        .where("status", "=", "active")
        .orderBy("assigned_at")
        .limit(3)
        .execute();
      await store.write(async (tx) => {
        for (const d of done)
          await tx
            .updateTable("chat_conversations")
            .set({ status: "closed", closed_at: clock })
            .where("id", "=", d.id)
            .execute();
      });
      await addWaiting(3, next);
      next += 3;
      const t0 = performance.now();
      assigned += (await assignWaiting(ctx)).length;
      samples.push(performance.now() - t0);
    }
    return {
      p50: round(percentile(samples, 50), 2),
      p99: round(percentile(samples, 99), 2),
      max: round(Math.max(...samples), 2),
      assignedPerPass: round(assigned / passes, 2),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const db = await database();
console.log(
  JSON.stringify({
    bench: "routing",
    waiting: WAITING,
    agents: AGENTS,
    rounds: ROUNDS,
    pureMs: pure,
    baselineNaiveMs: baseline,
    databaseSqliteMs: db,
    targets: { pureP99Under10ms: pure.p99 < 10, databaseP99Under10ms: db.p99 < 10 },
  }),
);
