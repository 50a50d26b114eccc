/**
 * Who gets a notice meant for staff (a follow-up or complaint reminder, an escalation), how, and in which
 * language:
 *
 *   staffContact(db, userId) → their own contact (staff_contacts), else their account's, on the channels they
 *     want (staff_contacts.notify_email / notify_sms); none when inactive
 *   branchManagers(db, branchId) → the active branch managers of the branch
 *   staffLangOf(db, userId, branchId) → the member of staff's language (users.lang) where set, else the
 *     branch's default for staff notices (branch_feedback_settings.staff_lang), else Chinese
 *   staffRecipients(db, userIds, branchId) + enqueueStaffNotice(tx, recipients, notice) → the notice by
 *     e-mail and SMS through the outbox, each in the recipient's language
 */
import type { Kysely } from "kysely";
import { enqueueMessage, type MessageLang } from "../store/outbox.ts";
import type { Database } from "../store/schema.ts";
import type { Tx } from "../store/store.ts";

export const STAFF_LANGS: readonly MessageLang[] = ["zh-CN", "en"];
const asLang = (v: string | null | undefined): MessageLang | null =>
  v && (STAFF_LANGS as readonly string[]).includes(v) ? (v as MessageLang) : null;

export async function staffContact(
  db: Kysely<Database>,
  userId: string,
): Promise<{ email: string | null; phone: string | null }> {
  const [own, user] = await Promise.all([
    db
      .selectFrom("staff_contacts")
      .select(["email", "phone", "notify_email", "notify_sms"])
      .where("user_id", "=", userId)
      .executeTakeFirst(),
    db.selectFrom("users").select(["email", "phone", "active"]).where("id", "=", userId).executeTakeFirst(),
  ]);
  if (user?.active !== 1) return { email: null, phone: null };
  // A channel they turned off in their settings is not used, whatever address is known.
  return {
    email: own?.notify_email === 0 ? null : (own?.email ?? user.email ?? null),
    phone: own?.notify_sms === 0 ? null : (own?.phone ?? user.phone ?? null),
  };
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

/** A member of staff a notice goes to: their contact and language. */
export interface StaffRecipient {
  readonly userId: string;
  readonly lang: MessageLang;
  readonly email: string | null;
  readonly phone: string | null;
}

/** The contacts and languages of members of staff of a branch, for a notice. */
export function staffRecipients(
  db: Kysely<Database>,
  userIds: readonly string[],
  branchId: string,
): Promise<StaffRecipient[]> {
  return Promise.all(
    userIds.map(async (u) => ({ userId: u, lang: await staffLangOf(db, u, branchId), ...(await staffContact(db, u)) })),
  );
}

/**
 * A notice to each recipient by e-mail and SMS (whichever they have) through the outbox, in their language, once
 * per `dedupe` (the thing and its deadline): the dedupe key adds the recipient and the channel.
 */
export async function enqueueStaffNotice(
  tx: Tx,
  recipients: readonly StaffRecipient[],
  notice: {
    readonly kind: string;
    readonly data: Readonly<Record<string, unknown>>;
    readonly now: number;
    readonly dedupe: string;
    readonly branchId: string;
    readonly relatedType: string;
    readonly relatedId: string;
  },
): Promise<void> {
  for (const r of recipients)
    for (const [channel, recipient] of [
      ["email", r.email],
      ["sms", r.phone],
    ] as const)
      if (recipient)
        await enqueueMessage(tx, {
          kind: notice.kind,
          channel,
          recipient,
          lang: r.lang,
          data: notice.data,
          now: notice.now,
          dedupeKey: `${notice.kind}:${notice.dedupe}:${r.userId}:${channel}`,
          branchId: notice.branchId,
          relatedType: notice.relatedType,
          relatedId: notice.relatedId,
        });
}
