import type { Kysely } from "kysely";
import type { BranchId } from "../../domain/ids.ts";
import { type Counter, findCounter } from "../../store/counters.ts";
import type { Database } from "../../store/schema.ts";
import { requireBranchAccess } from "../access.ts";
import type { Actor, Role, StaffActor } from "../actor.ts";
import { conflict, forbidden, notFound } from "../errors.ts";

export async function loadCounter(tx: Kysely<Database>, counterId: string): Promise<Counter> {
  const counter = await findCounter(tx, counterId);
  if (!counter) throw notFound("Counter", counterId);
  return counter;
}

/** The teller signed in at the counter, and nobody else, serves from it. */
export function requireSignedInTeller(actor: Actor, counter: Counter): StaffActor {
  requireBranchAccess(actor, counter.branchId as BranchId, [
    "admin",
    "branch_manager",
    "lobby_manager",
    "teller",
  ] satisfies Role[]);
  if (actor.type !== "user") throw forbidden();
  if (counter.signedInUserId !== actor.id) {
    throw counter.signedInUserId === null
      ? conflict(
          `Counter ${counter.number} has nobody signed in; sign in first.`,
          undefined,
          `${counter.number}号窗口尚无人签到，请先签到。`,
        )
      : forbidden(
          `Another teller is signed in at counter ${counter.number}.`,
          `${counter.number}号窗口已有其他柜员签到。`,
        );
  }
  return actor;
}
