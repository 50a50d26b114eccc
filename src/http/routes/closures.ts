import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import {
  type Closure,
  type ClosureChange,
  listClosures,
  removeClosure,
  setClosure,
  setClosureRange,
} from "../../app/config/closures.ts";
import type { AppContext } from "../../app/context.ts";
import { actorOf } from "../auth-plugin.ts";
import { errors, Id, Pattern } from "../schemas.ts";

// A branch's closed days and days with other hours (issue 13: slots, complaint clocks and follow-ups read them).
const HHMM = Pattern("^([01][0-9]|2[0-3]):[0-5][0-9]$", "时:分，如 09:30");
const Hours = Type.Union([Type.Tuple([HHMM, HHMM]), Type.Null()], {
  description: "null: closed all day; else [open, close] branch-local",
});
const ClosureSchema = Type.Object({ day: Type.String(), hours: Hours, reason: Type.String() });
const ClosureChangeSchema = Type.Object({
  day: Type.String(),
  hours: Hours,
  reason: Type.String(),
  appointmentsAffected: Type.Integer({
    description: "booked appointments the day's new hours leave out; none is cancelled (see cancelAppointmentRange)",
  }),
});
const Reason = Type.Optional(Type.String({ maxLength: 200 }));
const DayParams = Type.Object({ branchId: Id, day: Type.String({ minLength: 1, maxLength: 64 }) });
const ClosureBody = Type.Object({ hours: Hours, reason: Reason }, { additionalProperties: false });
const RangeBody = Type.Object(
  {
    from: Type.String({ minLength: 1, maxLength: 64 }),
    to: Type.String({ minLength: 1, maxLength: 64 }),
    hours: Hours,
    reason: Reason,
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object({ from: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) });

// A field the schema lacked would be dropped from the answer, one it invented would be documented but never sent.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const closureIsTheAnswer: Same<Static<typeof ClosureSchema>["day"], Closure["day"]> = true;
const changeIsTheAnswer: Same<keyof Static<typeof ClosureChangeSchema>, keyof ClosureChange> = true;
void closureIsTheAnswer;
void changeIsTheAnswer;

export function closureRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tags = ["branches"];
  app.get<{ Params: { branchId: string }; Querystring: Static<typeof ListQuery> }>(
    "/api/branches/:branchId/closures",
    {
      schema: {
        tags,
        operationId: "listBranchClosures",
        summary: "The branch's closed days and days with other hours, from a day (default today) on",
        params: Type.Object({ branchId: Id }),
        querystring: ListQuery,
        response: { 200: Type.Object({ closures: Type.Array(ClosureSchema) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => ({ closures: await listClosures(ctx, actorOf(req), req.params.branchId, req.query.from) }),
  );
  app.put<{ Params: Static<typeof DayParams>; Body: Static<typeof ClosureBody> }>(
    "/api/branches/:branchId/closures/:day",
    {
      schema: {
        tags,
        operationId: "setBranchClosure",
        summary:
          "Close the branch on a day (hours null) or give the day other hours; existing appointments are counted, never cancelled",
        params: DayParams,
        body: ClosureBody,
        response: { 200: ClosureChangeSchema, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => setClosure(ctx, actorOf(req), req.params.branchId, req.params.day, req.body),
  );
  app.delete<{ Params: Static<typeof DayParams> }>(
    "/api/branches/:branchId/closures/:day",
    {
      schema: {
        tags,
        operationId: "removeBranchClosure",
        summary: "The day keeps the branch's weekly hours again",
        params: DayParams,
        response: { 200: Type.Object({ removed: Type.Boolean() }), ...errors(400, 401, 403, 404) },
      },
    },
    (req) => removeClosure(ctx, actorOf(req), req.params.branchId, req.params.day),
  );
  app.post<{ Params: { branchId: string }; Body: Static<typeof RangeBody> }>(
    "/api/branches/:branchId/closures/range",
    {
      schema: {
        tags,
        operationId: "setBranchClosureRange",
        summary: "Set every day from `from` to `to` (included, at most 31) the same way: a holiday week at once",
        params: Type.Object({ branchId: Id }),
        body: RangeBody,
        response: {
          200: Type.Object({ closures: Type.Array(ClosureChangeSchema) }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (req) => ({ closures: await setClosureRange(ctx, actorOf(req), req.params.branchId, req.body) }),
  );
}
