import { hashPassword } from "./auth/passwords.ts";
import { MIN_PASSWORD_LENGTH } from "./config/users.ts";
import type { AppContext } from "./context.ts";
import { invalid } from "./errors.ts";

/**
 * A production database starts without staff. The first administrator's password comes from the
 * environment (DATANG_ADMIN_PASSWORD), never from a default, and is used only while no account exists.
 */
export async function bootstrapAdmin(ctx: AppContext, password: string): Promise<boolean> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw invalid(
      `DATANG_ADMIN_PASSWORD needs at least ${MIN_PASSWORD_LENGTH} characters.`,
      undefined,
      `DATANG_ADMIN_PASSWORD 至少需要 ${MIN_PASSWORD_LENGTH} 个字符。`,
    );
  }
  const anyone = await ctx.store.db.selectFrom("users").select("id").limit(1).executeTakeFirst();
  if (anyone) return false;
  const passwordHash = await hashPassword(password);
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    await tx
      .insertInto("users")
      .values({
        id: ctx.newId(),
        username: "admin",
        display_name: "Administrator",
        staff_no: "",
        password_hash: passwordHash,
        roles: JSON.stringify(["admin"]),
        active: 1,
        failed_logins: 0,
        locked_until: 0,
        created_at: now,
      })
      .execute();
  });
  return true;
}
