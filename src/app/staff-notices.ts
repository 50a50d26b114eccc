/**
 * Who gets a notice meant for staff (a follow-up or complaint reminder, an escalation), how, and in which
 * language:
 *
 *   staffContact(db, userId) → their own contact (staff_contacts), else their account's; none when inactive
 *   branchManagers(db, branchId) → the active branch managers of the branch
 *   staffLangOf(db, userId, branchId) → the member of staff's language (users.lang) where set, else the
 *     branch's default for staff notices (branch_feedback_settings.staff_lang), else Chinese
 */
import type { Kysely } from "kysely";
import type { MessageLang } from "../store/outbox.ts";
import type { Database } from "../store/schema.ts";

export const STAFF_LANGS: readonly MessageLang[] = ["zh-CN", "en"];
const asLang = (v: string | null | undefined): MessageLang | null =>
  v && (STAFF_LANGS as readonly string[]).includes(v) ? (v as MessageLang) : null;

export async function staffContact(
  db: Kysely<Database>,
  userId: string,
): Promise<{ email: string | null; phone: string | null }> {
  const [own, user] = await Promise.all([
    db.selectFrom("staff_contacts").select(["email", "phone"]).where("user_id", "=", userId).executeTakeFirst(),
    db.selectFrom("users").select(["email", "phone", "active"]).where("id", "=", userId).executeTakeFirst(),
  ]);
  if (user?.active !== 1) return { email: null, phone: null };
  return { email: own?.email ?? user.email ?? null, phone: own?.phone ?? user.phone ?? null };
}

export async function branchManagers(db: Kysely<Database>, branchId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .select(["users.id", "users.roles"])
    .where("memberships.branch_id", "=", branchId)
    .where("users.active", "=", 1)
    .execute();
  return rows.filter((r) => (JSON.parse(r.roles) as string[]).includes("branch_manager")).map((r) => r.id);
}

export async function staffLangOf(db: Kysely<Database>, userId: string, branchId: string): Promise<MessageLang> {
  const [user, branch] = await Promise.all([
    db.selectFrom("users").select("lang").where("id", "=", userId).executeTakeFirst(),
    db.selectFrom("branch_feedback_settings").select("staff_lang").where("branch_id", "=", branchId).executeTakeFirst(),
  ]);
  return asLang(user?.lang) ?? asLang(branch?.staff_lang) ?? "zh-CN";
}
