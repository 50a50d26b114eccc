/**
 * For the use-case tests (imported only by them): the state machine's refusals, checked the same way for every
 * group of ticket actions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/support/databases.ts";
import { TICKET_STATUSES, type TicketStatus } from "../../domain/ticket.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { makeTestContext, type TestContext, ticketsInEveryStatus, writtenState } from "../test-context.ts";

/** Every (action, status) pair an action does not accept: the cases a state-machine test must see refused. */
function illegalCases<R>(actions: ReadonlyArray<{ name: string; run: R; from: readonly TicketStatus[] }>) {
  return actions.flatMap((a) =>
    TICKET_STATUSES.filter((s) => !a.from.includes(s)).map((status) => ({ action: a.name, run: a.run, status })),
  );
}

export type TicketAction = (ctx: AppContext, actor: Actor, ticketId: string, t: TestContext) => Promise<unknown>;

/**
 * A describe block in which every action, on a ticket in each status it does not accept, is refused with 409
 * naming that status and leaves the ticket, its transitions, the events and the audit trail as they were.
 */
export function refusesIllegalActions(
  title: string,
  actions: ReadonlyArray<{ name: string; run: TicketAction; from: readonly TicketStatus[] }>,
): void {
  describe.each(DB_KINDS)(`${title} on %s`, (kind) => {
    let t: TestContext;
    let tickets: Record<TicketStatus, string>;
    beforeAll(async () => {
      t = await makeTestContext(kind);
      tickets = await ticketsInEveryStatus(t);
    });
    afterAll(async () => {
      await t.close();
    });

    it("has built one ticket in each status", async () => {
      for (const status of TICKET_STATUSES) {
        const row = await t.ctx.store.db
          .selectFrom("tickets")
          .select("status")
          .where("id", "=", tickets[status])
          .executeTakeFirstOrThrow();
        expect(row.status).toBe(status);
      }
    });

    it.each(illegalCases(actions))(
      "$action on a $status ticket: 409 with the status, nothing written",
      async ({ run, status }) => {
        const lobby = await t.staff("lobby");
        const before = await writtenState(t, tickets[status]);
        await expect(run(t.ctx, lobby, tickets[status], t)).rejects.toMatchObject({
          status: 409,
          code: "conflict",
          details: { status },
        });
        expect(await writtenState(t, tickets[status])).toEqual(before);
      },
    );
  });
}
