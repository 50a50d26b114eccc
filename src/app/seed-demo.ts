import type { CounterKind } from "../domain/counter.ts";
import { DEFAULT_POLICY } from "../domain/dispatch/index.ts";
import type { OpeningHours } from "../store/branches.ts";
import type { Tx } from "../store/store.ts";
import type { DeviceKind, Role } from "./actor.ts";
import { hashPassword, newSecret, secretHash } from "./auth/passwords.ts";
import { DEFAULT_MAX_CHATS, DEFAULT_SKILLS } from "./chat/agents.ts";
import { BRANCH_DEFAULTS } from "./config/branches.ts";
import type { AppContext } from "./context.ts";
import { seedKnowledge } from "./knowledge/articles.ts";

export interface DemoLogins {
  readonly branchId: string;
  readonly password: string;
  readonly usernames: readonly string[];
  readonly devices: ReadonlyArray<{ kind: DeviceKind; name: string; token: string }>;
}

/** Six business types A–F with the documents' service times: simple 1–6 min, complex 10–20 min. */
const SERVICES = [
  {
    code: "CASH",
    prefix: "A",
    category: "cash",
    minutes: 4,
    zh: "现金存取",
    en: "Cash deposit & withdrawal",
    dzh: "存款、取款、零钞兑换",
    den: "Deposits, withdrawals, change",
    docs: ["身份证 / ID card", "银行卡或存折 / Card or passbook"],
  },
  {
    code: "TRANSFER",
    prefix: "B",
    category: "payment",
    minutes: 6,
    zh: "转账汇款",
    en: "Transfers & remittance",
    dzh: "转账、汇款、缴费",
    den: "Transfers, remittance, bill payment",
    docs: ["身份证 / ID card", "银行卡 / Bank card", "收款人信息 / Payee details"],
    review: true,
  },
  {
    code: "ACCOUNT",
    prefix: "C",
    category: "account",
    minutes: 15,
    zh: "开户销户",
    en: "Open or close an account",
    dzh: "开户、销户、电子银行签约",
    den: "Accounts, e-banking sign-up",
    docs: ["身份证原件 / Original ID card", "手机号 / Mobile phone number"],
  },
  {
    code: "CARD",
    prefix: "D",
    category: "non_cash",
    minutes: 12,
    zh: "挂失冻结",
    en: "Card loss & freezing",
    dzh: "挂失、解挂、冻结、补卡",
    den: "Report loss, unfreeze, replace a card",
    docs: ["身份证原件 / Original ID card"],
  },
  {
    code: "WEALTH",
    prefix: "E",
    category: "wealth",
    minutes: 20,
    zh: "理财保险",
    en: "Wealth & insurance",
    dzh: "基金、理财、保险",
    den: "Funds, wealth products, insurance",
    docs: ["身份证 / ID card", "风险评估问卷 / Risk questionnaire"],
  },
  {
    code: "CORP",
    prefix: "F",
    category: "corporate",
    minutes: 18,
    zh: "对公业务",
    en: "Corporate banking",
    dzh: "企业开户、对公结算",
    den: "Business accounts and settlement",
    docs: ["营业执照 / Business licence", "法人身份证 / Legal representative ID", "公章 / Company seal"],
  },
] as const;

/**
 * The demo branches' week: the defaults (Monday–Friday 09:00–17:00, Saturday 09:00–16:00) and, as many city
 * branches do, Sunday 10:00–16:00, so the demo takes bookings for every business type on each of the next 14 days
 * (the booking contract; outside checks run on any day of the week).
 */
export const DEMO_OPENING_HOURS = {
  ...BRANCH_DEFAULTS.openingHours,
  "0": ["10:00", "16:00"],
} as const satisfies OpeningHours;

/** Counter number → kind and skills (business code → weight; higher is preferred). */
const COUNTERS: ReadonlyArray<{ number: number; kind: CounterKind; skills: Record<string, number> }> = [
  { number: 1, kind: "teller", skills: { CASH: 3, TRANSFER: 2 } },
  { number: 2, kind: "teller", skills: { CASH: 3, TRANSFER: 2 } },
  { number: 3, kind: "teller", skills: { TRANSFER: 3, CASH: 2 } },
  { number: 4, kind: "teller", skills: { ACCOUNT: 3, CARD: 3, CASH: 1 } },
  { number: 5, kind: "teller", skills: { CARD: 3, ACCOUNT: 2, TRANSFER: 1 } },
  { number: 6, kind: "vip", skills: { CASH: 1, TRANSFER: 1, ACCOUNT: 1, CARD: 1, WEALTH: 2 } },
  { number: 7, kind: "wealth", skills: { WEALTH: 3 } },
  { number: 8, kind: "teller", skills: { CORP: 3, TRANSFER: 1 } },
];

const USERS: ReadonlyArray<{ username: string; name: string; roles: Role[] }> = [
  { username: "admin", name: "系统管理员", roles: ["admin"] },
  { username: "manager", name: "王经理", roles: ["branch_manager"] },
  { username: "lobby", name: "李大堂", roles: ["lobby_manager"] },
  ...Array.from({ length: 8 }, (_, i) => ({
    username: `teller${i + 1}`,
    name: `柜员${i + 1}`,
    roles: ["teller"] as Role[],
  })),
  { username: "reviewer", name: "赵复核", roles: ["back_office"] },
  { username: "auditor", name: "钱审计", roles: ["auditor"] },
  { username: "agent1", name: "孙客服", roles: ["agent"] },
  { username: "agent2", name: "周客服", roles: ["agent"] },
  // Head office: every branch's analytics, read only; belongs to no branch (as the admin).
  { username: "headoffice", name: "吴总行", roles: ["head_office"] },
];

export async function isEmpty(ctx: AppContext): Promise<boolean> {
  const row = await ctx.store.db.selectFrom("branches").select("id").limit(1).executeTakeFirst();
  return row === undefined;
}

/** The demo branch: business types A–F, eight counters, the staff of a branch, a kiosk, a display and a rating pad. */
export async function seedDemo(
  ctx: AppContext,
  password: string,
  options: {
    /** Also the demo FAQ; false on a database whose schema predates the knowledge base (migration 009). */
    readonly knowledge?: boolean;
  } = {},
): Promise<DemoLogins> {
  const now = ctx.clock();
  const passwordHash = await hashPassword(password);
  const branchId = ctx.newId();
  const devices: Array<{ kind: DeviceKind; name: string; token: string }> = [];
  await ctx.store.write(async (tx) => {
    const { counterIds } = await insertDemoBranch(tx, ctx, now, {
      id: branchId,
      code: "SH001",
      nameZh: "上海南京西路支行",
      nameEn: "Shanghai Nanjing West Road Branch",
      services: SERVICES,
      counters: COUNTERS,
    });
    for (const [i, u] of USERS.entries()) {
      const id = ctx.newId();
      await tx
        .insertInto("users")
        .values({
          id,
          username: u.username,
          display_name: u.name,
          staff_no: String(1001 + i),
          password_hash: passwordHash,
          roles: JSON.stringify(u.roles),
          active: 1,
          failed_logins: 0,
          locked_until: 0,
          created_at: now,
        })
        .execute();
      if (!u.roles.includes("admin") && !u.roles.includes("head_office"))
        await tx.insertInto("memberships").values({ user_id: id, branch_id: branchId }).execute();
      // The senior agent takes VIP customers (chat agents came with the knowledge base's second part, migration 021).
      if (u.username === "agent1" && options.knowledge !== false)
        await tx
          .insertInto("chat_agents")
          .values({
            user_id: id,
            presence: "offline",
            skills: JSON.stringify(DEFAULT_SKILLS),
            senior: 1,
            max_chats: DEFAULT_MAX_CHATS,
            last_assigned_at: 0,
            updated_at: now,
          })
          .execute();
    }
    const deviceSpecs: Array<{ kind: DeviceKind; name: string; counterId: string | null }> = [
      { kind: "kiosk", name: "大堂取号机 Lobby kiosk", counterId: null },
      { kind: "display", name: "大堂叫号屏 Lobby display", counterId: null },
      { kind: "rating_pad", name: "1号窗口评价器 Counter 1 rating pad", counterId: counterIds.get(1) ?? null },
    ];
    for (const d of deviceSpecs) {
      const token = newSecret("dtd");
      devices.push({ kind: d.kind, name: d.name, token });
      await tx
        .insertInto("devices")
        .values({
          id: ctx.newId(),
          branch_id: branchId,
          kind: d.kind,
          name: d.name,
          counter_id: d.counterId,
          token_hash: secretHash(token),
          revoked_at: null,
          created_at: now,
        })
        .execute();
    }
  });
  if (options.knowledge ?? true) await seedKnowledge(ctx);
  return { branchId, password, usernames: USERS.map((u) => u.username), devices };
}

/**
 * The second demo branch, so branches can be compared: a business district branch with a heavier mix (foreign
 * exchange, wealth and corporate business, fewer simple cash customers), six counters and its own staff.
 */
const SECOND_SERVICES = [
  SERVICES[0],
  SERVICES[1],
  {
    code: "FX",
    prefix: "G",
    category: "payment",
    minutes: 10,
    zh: "外汇业务",
    en: "Foreign exchange",
    dzh: "购汇、结汇、境外汇款",
    den: "Buying and selling currency, remittance abroad",
    docs: ["身份证或护照 / ID card or passport"],
  },
  SERVICES[4],
  SERVICES[5],
] as const;

const SECOND_COUNTERS: ReadonlyArray<{ number: number; kind: CounterKind; skills: Record<string, number> }> = [
  { number: 1, kind: "teller", skills: { CASH: 3, TRANSFER: 2, FX: 1 } },
  { number: 2, kind: "teller", skills: { TRANSFER: 3, CASH: 2 } },
  { number: 3, kind: "teller", skills: { FX: 3, CASH: 1 } },
  { number: 4, kind: "wealth", skills: { WEALTH: 3 } },
  { number: 5, kind: "teller", skills: { CORP: 3, TRANSFER: 1 } },
  { number: 6, kind: "vip", skills: { CORP: 2, WEALTH: 2, FX: 1 } },
];

const SECOND_USERS: ReadonlyArray<{ username: string; name: string; roles: Role[] }> = [
  { username: "manager2", name: "陈经理", roles: ["branch_manager"] },
  ...Array.from({ length: SECOND_COUNTERS.length }, (_, i) => ({
    username: `teller${i + 9}`,
    name: `柜员${i + 9}`,
    roles: ["teller"] as Role[],
  })),
];

export interface SecondDemoBranch {
  readonly branchId: string;
  readonly usernames: readonly string[];
}

/**
 * Adds the second demo branch (SH002) with its business types, counters and staff; no devices (pair them in
 * /admin), right after `seedDemo` with the same password: its staff share it, and the first branch's stored hash is
 * reused (hashing again would cost the first start a deliberately slow key derivation).
 */
export async function seedSecondDemoBranch(ctx: AppContext, password: string): Promise<SecondDemoBranch> {
  const now = ctx.clock();
  const first = await ctx.store.db
    .selectFrom("users")
    .select("password_hash")
    .where("username", "=", "manager")
    .executeTakeFirst();
  // Called right after seedDemo with the same password: the first branch's manager already has its hash.
  const passwordHash = first?.password_hash ?? (await hashPassword(password));
  const branchId = ctx.newId();
  await ctx.store.write(async (tx) => {
    await insertDemoBranch(tx, ctx, now, {
      id: branchId,
      code: "SH002",
      nameZh: "上海陆家嘴支行",
      nameEn: "Shanghai Lujiazui Branch",
      services: SECOND_SERVICES,
      counters: SECOND_COUNTERS,
    });
    for (const [i, u] of SECOND_USERS.entries()) {
      const id = ctx.newId();
      await tx
        .insertInto("users")
        .values({
          id,
          username: u.username,
          display_name: u.name,
          staff_no: String(2001 + i),
          password_hash: passwordHash,
          roles: JSON.stringify(u.roles),
          active: 1,
          failed_logins: 0,
          locked_until: 0,
          created_at: now,
        })
        .execute();
      await tx.insertInto("memberships").values({ user_id: id, branch_id: branchId }).execute();
    }
  });
  return { branchId, usernames: SECOND_USERS.map((u) => u.username) };
}

interface DemoService {
  readonly code: string;
  readonly prefix: string;
  readonly category: string;
  readonly minutes: number;
  readonly zh: string;
  readonly en: string;
  readonly dzh: string;
  readonly den: string;
  readonly docs: readonly string[];
  readonly review?: boolean;
}

/** A demo branch with its business types and (closed) counters, the counters' skills by business code. */
async function insertDemoBranch(
  tx: Tx,
  ctx: AppContext,
  now: number,
  branch: {
    readonly id: string;
    readonly code: string;
    readonly nameZh: string;
    readonly nameEn: string;
    readonly services: readonly DemoService[];
    readonly counters: ReadonlyArray<{ number: number; kind: CounterKind; skills: Record<string, number> }>;
  },
): Promise<{ counterIds: Map<number, string> }> {
  await tx
    .insertInto("branches")
    .values({
      id: branch.id,
      code: branch.code,
      name_zh: branch.nameZh,
      name_en: branch.nameEn,
      timezone: BRANCH_DEFAULTS.timezone,
      opening_hours: JSON.stringify(DEMO_OPENING_HOURS),
      target_wait_minutes: BRANCH_DEFAULTS.targetWaitMinutes,
      alarm_wait_minutes: BRANCH_DEFAULTS.alarmWaitMinutes,
      max_recalls: BRANCH_DEFAULTS.maxRecalls,
      dispatch_policy: DEFAULT_POLICY,
      event_seq: 0,
      created_at: now,
    })
    .execute();
  const serviceIds = new Map<string, string>();
  for (const [i, s] of branch.services.entries()) {
    const id = ctx.newId();
    serviceIds.set(s.code, id);
    await tx
      .insertInto("services")
      .values({
        id,
        branch_id: branch.id,
        code: s.code,
        name_zh: s.zh,
        name_en: s.en,
        description_zh: s.dzh,
        description_en: s.den,
        category: s.category,
        expected_minutes: s.minutes,
        prefix: s.prefix,
        needs_review: s.review ? 1 : 0,
        required_documents: JSON.stringify(s.docs),
        sort_order: i,
        active: 1,
        created_at: now,
      })
      .execute();
  }
  const counterIds = new Map<number, string>();
  for (const c of branch.counters) {
    const id = ctx.newId();
    counterIds.set(c.number, id);
    const skills = Object.entries(c.skills).map(([code, weight]) => ({ serviceId: serviceIds.get(code), weight }));
    await tx
      .insertInto("counters")
      .values({
        id,
        branch_id: branch.id,
        number: c.number,
        name: `${c.number}号窗口`,
        kind: c.kind,
        state: "closed",
        skills: JSON.stringify(skills),
        dispatch_policy: null,
        signed_in_user_id: null,
        current_ticket_id: null,
        last_ticket_id: null,
        pause_reason: null,
        created_at: now,
      })
      .execute();
  }
  return { counterIds };
}
