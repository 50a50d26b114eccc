/** How a member of staff is reached by the messages Datang sends them (a customer manager told of an arrival). */

import { requireStaff } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { requirePhone } from "../customers/identify.ts";
import { invalid } from "../errors.ts";
import { audit } from "../record.ts";

export interface StaffContact {
  readonly phone: string | null;
  readonly email: string | null;
  /** The language of their notices (reminders, escalations); null: the branch's. Unchanged when not given. */
  readonly lang?: "zh-CN" | "en" | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function myContact(ctx: AppContext, actor: Actor): Promise<StaffContact> {
  const me = requireStaff(actor);
  const [row, user] = await Promise.all([
    ctx.store.db
      .selectFrom("staff_contacts")
      .select(["phone", "email"])
      .where("user_id", "=", me.id)
      .executeTakeFirst(),
    ctx.store.db.selectFrom("users").select("lang").where("id", "=", me.id).executeTakeFirst(),
  ]);
  const lang = user?.lang === "en" || user?.lang === "zh-CN" ? user.lang : null;
  return { phone: row?.phone ?? null, email: row?.email ?? null, lang };
}

/** Sets the signed-in member of staff's own phone and e-mail (either may be null: not reached that way). */
export async function setMyContact(ctx: AppContext, actor: Actor, input: StaffContact): Promise<StaffContact> {
  const me = requireStaff(actor);
  const phone = input.phone?.trim() ? requirePhone(input.phone) : null;
  const email = input.email?.trim() || null;
  if (email !== null && !EMAIL.test(email))
    throw invalid("That is not an e-mail address.", { field: "email" }, "电子邮件地址格式不正确。");
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    await tx
      .insertInto("staff_contacts")
      .values({ user_id: me.id, phone, email, updated_at: now })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ phone, email, updated_at: now }))
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
      },
    );
  });
  return myContact(ctx, me);
}
