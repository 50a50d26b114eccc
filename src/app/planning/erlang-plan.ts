import { type ErlangInput, type ErlangResult, erlangPlan } from "../../domain/erlang.ts";
import { requireStaff } from "../access.ts";
import type { Actor } from "../actor.ts";

/** Erlang C for one interval: any staff member may ask; it reads nothing of any branch. */
export function planErlang(actor: Actor, input: ErlangInput): ErlangResult {
  requireStaff(actor);
  return erlangPlan(input);
}
