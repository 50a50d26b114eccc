import type { FastifyInstance } from "fastify";
import type { AppContext } from "../app/context.ts";
import { maskAnswer } from "../app/redact.ts";

/**
 * Personal data typed into free text (ID and mobile numbers in notes, reasons, comments) is masked in every
 * staff answer, except to the teller serving that ticket: a user signed in at the ticket's counter. Devices
 * get no free text at all (src/app/redact.ts); the customer's public view has none.
 */
export function registerAnswerMasking(app: FastifyInstance, ctx: AppContext): void {
  app.addHook("preSerialization", async (req, _reply, payload) => {
    const actor = req.actor;
    if (actor?.type !== "user" || payload === null || typeof payload !== "object") return payload;
    let counters: Promise<Set<string>> | undefined;
    const mine = () =>
      ctx.store.db
        .selectFrom("counters")
        .select("id")
        .where("signed_in_user_id", "=", actor.id)
        .execute()
        .then((rows) => new Set(rows.map((r) => r.id)));
    return maskAnswer(payload, async (ticket) => {
      if (ticket.counterId === null) return false;
      counters ??= mine();
      return (await counters).has(ticket.counterId);
    });
  });
}
