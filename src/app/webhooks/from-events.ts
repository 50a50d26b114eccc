/**
 * Ticket and counter events reach webhooks from the branch's event stream (the `events` table every ticket
 * and counter change already writes in its transaction): for each branch, the events after its cursor become
 * deliveries to the subscriptions that want them, and the cursor moves, in one transaction. So no use case
 * had to change, nothing committed is missed (the stream is numbered without gaps in commit order), and
 * nothing is derived twice (the cursor row is locked on PostgreSQL; SQLite has one writer).
 *
 * A branch seen for the first time starts at its current end: a new subscription receives events from now on.
 */
import { parseJson } from "../../store/json.ts";
import type { WebhookSubscriptionTable } from "../../store/schema.ts";
import { insertDelivery, lockCursor, setCursor, typeMatches } from "../../store/webhooks.ts";
import type { AppContext } from "../context.ts";
import { webhookBody } from "./publish.ts";

const BATCH = 500;

/** Answers how many deliveries were made. */
export async function deriveFromBranchEvents(ctx: AppContext): Promise<number> {
  const branches = await ctx.store.db.selectFrom("branches").select("id").execute();
  let made = 0;
  for (const { id: branchId } of branches) {
    // Most rounds find nothing new: a read tells, so that no write (and no lock) is taken for them.
    const seen = await ctx.store.db
      .selectFrom("webhook_cursors")
      .select("last_seq")
      .where("branch_id", "=", branchId)
      .executeTakeFirst();
    const newest = await ctx.store.db
      .selectFrom("events")
      .select((eb) => eb.fn.max("seq").as("seq"))
      .where("branch_id", "=", branchId)
      .executeTakeFirst();
    if (seen !== undefined && seen.last_seq >= Number(newest?.seq ?? 0)) continue;
    made += await ctx.store.write(async (tx) => {
      const cursor = await lockCursor(tx, branchId);
      const end = await tx
        .selectFrom("events")
        .select((eb) => eb.fn.max("seq").as("seq"))
        .where("branch_id", "=", branchId)
        .executeTakeFirst();
      const last = Number(end?.seq ?? 0);
      if (cursor === undefined || cursor >= last) {
        if (cursor === undefined) await setCursor(tx, branchId, last, false);
        return 0;
      }
      const subs = (
        await tx
          .selectFrom("webhook_subscriptions")
          .selectAll()
          .where("active", "=", 1)
          .where((eb) => eb.or([eb("branch_id", "is", null), eb("branch_id", "=", branchId)]))
          .execute()
      ).map((s): [WebhookSubscriptionTable, string[]] => [s, parseJson<string[]>(s.event_types, [])]);
      const events = await tx
        .selectFrom("events")
        .selectAll()
        .where("branch_id", "=", branchId)
        .where("seq", ">", cursor)
        .orderBy("seq")
        .limit(BATCH)
        .execute();
      let n = 0;
      for (const event of events) {
        for (const [sub, types] of subs) {
          if (sub.created_at > event.at || !typeMatches(types, event.type)) continue;
          const data = parseJson<Record<string, unknown>>(event.payload, {});
          await insertDelivery(tx, {
            id: `msg_${ctx.newId()}`,
            subscriptionId: sub.id,
            type: event.type,
            branchId,
            payload: webhookBody(event.type, event.at, data),
            now: ctx.clock(),
          });
          n++;
        }
      }
      await setCursor(tx, branchId, events.at(-1)?.seq ?? cursor, true);
      return n;
    });
  }
  return made;
}
