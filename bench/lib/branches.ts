import type { AppContext } from "../../src/app/context.ts";

/** The demo branch copied under new codes, so every branch has business types, counters and tellers. */
export async function addBranches(ctx: AppContext, templateId: string, branches: number): Promise<string[]> {
  const db = ctx.store.db;
  const template = await db.selectFrom("branches").selectAll().where("id", "=", templateId).executeTakeFirstOrThrow();
  const services = await db.selectFrom("services").selectAll().where("branch_id", "=", templateId).execute();
  const counters = await db.selectFrom("counters").selectAll().where("branch_id", "=", templateId).execute();
  const codes = [template.code];
  await ctx.store.write(async (tx) => {
    for (let b = 2; b <= branches; b++) {
      const id = ctx.newId();
      const code = `BR${String(b).padStart(3, "0")}`;
      codes.push(code);
      await tx
        .insertInto("branches")
        .values({ ...template, id, code, name_zh: `测试网点${b}`, name_en: `Branch ${b}` })
        .execute();
      for (const s of services)
        await tx
          .insertInto("services")
          .values({ ...s, id: ctx.newId(), branch_id: id })
          .execute();
      for (const c of counters)
        await tx
          .insertInto("counters")
          .values({
            ...c,
            id: ctx.newId(),
            branch_id: id,
            signed_in_user_id: null,
            current_ticket_id: null,
            last_ticket_id: null,
          })
          .execute();
    }
  });
  return codes;
}
