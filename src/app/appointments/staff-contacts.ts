/**
 * A member of staff's own settings for the messages Datang sends them (a customer manager told of an arrival,
 * complaint and follow-up reminders, escalations): their phone and e-mail, the channels they want, and the
 * language of their notices (which the staff consoles also follow). Nothing is masked: it is their own data.
 */

import { isMobilePhone } from "../../domain/customers/phone.ts";
import { requireStaff } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { requirePhone } from "../customers/identify.ts";
import { AppError, invalid } from "../errors.ts";
import { audit } from "../record.ts";

export const NOTICE_CHANNELS = ["email", "sms"] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

export interface StaffContact {
  readonly phone: string | null;
  readonly email: string | null;
  /** The language of their notices (reminders, escalations); null: the branch's. Unchanged when not given. */
  readonly lang?: "zh-CN" | "en" | null;
  /** The channels they want notices on; unchanged when not given (both, until they choose). */
  readonly channels?: readonly NoticeChannel[];
}

/** What GET answers: every field, with the account's own phone and e-mail (the fallback when none is set here). */
export interface StaffContactView {
  readonly phone: string | null;
  readonly email: string | null;
  readonly lang: "zh-CN" | "en" | null;
  readonly channels: NoticeChannel[];
  readonly account: { readonly phone: string | null; readonly email: string | null };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function myContact(ctx: AppContext, actor: Actor): Promise<StaffContactView> {
  const me = requireStaff(actor);
  const [row, user] = await Promise.all([
    ctx.store.db
      .selectFrom("staff_contacts")
      .select(["phone", "email", "notify_email", "notify_sms"])
      .where("user_id", "=", me.id)
      .executeTakeFirst(),
    ctx.store.db.selectFrom("users").select(["lang", "phone", "email"]).where("id", "=", me.id).executeTakeFirst(),
  ]);
  const lang = user?.lang === "en" || user?.lang === "zh-CN" ? user.lang : null;
  const channels = NOTICE_CHANNELS.filter((c) => (c === "email" ? row?.notify_email : row?.notify_sms) !== 0);
  return {
    phone: row?.phone ?? null,
    email: row?.email ?? null,
    lang,
    channels,
    account: { phone: user?.phone ?? null, email: user?.email ?? null },
  };
}

/** Sets the signed-in member of staff's own phone and e-mail (either may be null: not reached that way). */
export async function setMyContact(ctx: AppContext, actor: Actor, input: StaffContact): Promise<StaffContactView> {
  const me = requireStaff(actor);
  const phone = input.phone?.trim() ? requirePhone(input.phone) : null;
  const email = input.email?.trim() || null;
  if (email !== null && !EMAIL.test(email))
    throw invalid("That is not an e-mail address.", { field: "email" }, "电子邮件地址格式不正确。");
  const channels = input.channels === undefined ? undefined : new Set(input.channels);
  if (phone !== null && channels?.has("sms") && !isMobilePhone(phone))
    throw new AppError(
      400,
      "invalid_phone",
      "Notices by SMS need a mobile phone number.",
      { field: "phone", reason: "not_mobile" },
      "短信提醒需要手机号码（不能是固定电话）。",
    );
  if (channels !== undefined) {
    // A channel chosen without an address to reach: say so rather than send nothing.
    const account = await ctx.store.db
      .selectFrom("users")
      .select(["phone", "email"])
      .where("id", "=", me.id)
      .executeTakeFirst();
    if (channels.has("sms") && phone === null && !account?.phone)
      throw invalid(
        "To get notices by SMS, give a mobile phone number.",
        { field: "phone", reason: "required_for_sms" },
        "选择短信提醒时，请填写手机号码。",
      );
    if (channels.has("email") && email === null && !account?.email)
      throw invalid(
        "To get notices by e-mail, give an e-mail address.",
        { field: "email", reason: "required_for_email" },
        "选择邮件提醒时，请填写电子邮件地址。",
      );
  }
  const wanted =
    channels === undefined
      ? {}
      : { notify_email: channels.has("email") ? 1 : 0, notify_sms: channels.has("sms") ? 1 : 0 };
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    await tx
      .insertInto("staff_contacts")
      .values({ user_id: me.id, phone, email, updated_at: now, ...wanted })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ phone, email, updated_at: now, ...wanted }))
      .execute();
    if (input.lang !== undefined)
      await tx.updateTable("users").set({ lang: input.lang }).where("id", "=", me.id).execute();
    await audit(
      tx,
      me,
      now,
      "staff.contact.set",
      { type: "user", id: me.id, branchId: null },
      {
        phone: phone !== null,
        email: email !== null,
        ...(input.lang !== undefined ? { lang: input.lang } : {}),
        ...(channels !== undefined ? { channels: NOTICE_CHANNELS.filter((c) => channels.has(c)) } : {}),
      },
    );
  });
  return myContact(ctx, me);
}
