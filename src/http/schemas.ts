import { type StringOptions, type TSchema, Type } from "@sinclair/typebox";
import { DEVICE_KINDS, ROLES } from "../app/actor.ts";
import { SERVICE_CATEGORIES } from "../app/config/services.ts";
import { COUNTER_KINDS, COUNTER_STATES } from "../domain/counter.ts";
import { POLICY_NAMES } from "../domain/dispatch/index.ts";
import { PRIORITY_CLASSES, RATINGS, TICKET_STATUSES } from "../domain/ticket.ts";

/** Schemas declared once: Fastify validates with them and the OpenAPI document is generated from them. */

/** Each pattern of the schemas below, said in Chinese for the error that names it (validation-zh.ts). */
export const PATTERNS_ZH = new Map<string, string>();

/** A string that must match `pattern`; `zh` says in words what that means, for the Chinese error message. */
export function Pattern(pattern: string, zh: string, options: StringOptions = {}) {
  PATTERNS_ZH.set(pattern, zh);
  return Type.String({ ...options, pattern });
}

/** Ids are opaque; control characters (a NUL byte) can never be part of one. */
export const Id = Pattern("^[^\\u0000-\\u001f]+$", "不能含控制字符", { minLength: 1, maxLength: 64 });
/** Query-string numbers arrive as text: types are never coerced, so they are parsed where used. */
export const DigitsQuery = Pattern("^[0-9]{1,15}$", "1 至 15 位数字");
export const ShortText = Type.String({ minLength: 1, maxLength: 100 });
export const LongText = Type.String({ maxLength: 2000 });
const literalUnion = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const Priority = literalUnion(PRIORITY_CLASSES);
export const TicketStatusSchema = literalUnion(TICKET_STATUSES);
export const RatingSchema = literalUnion(RATINGS);
export const RoleSchema = literalUnion(ROLES);
export const DeviceKindSchema = literalUnion(DEVICE_KINDS);
export const CounterKindSchema = literalUnion(COUNTER_KINDS);
export const CounterStateSchema = literalUnion(COUNTER_STATES);
export const PolicySchema = literalUnion(POLICY_NAMES);
export const CategorySchema = literalUnion(SERVICE_CATEGORIES);

export const ErrorSchema = Type.Object(
  { error: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) },
  { $id: "Error" },
);

/**
 * What a customer ticked on the booking page (a booking, or joining a waitlist): service messages and, separately,
 * marketing, with the version of the texts shown; recorded on their customer record (channel "web").
 */
export const BookingConsentsSchema = Type.Object(
  {
    service: Type.Boolean(),
    marketing: Type.Boolean(),
    textVersion: Type.String({ pattern: "^[A-Za-z0-9._-]{1,40}$" }),
  },
  { additionalProperties: false },
);

export const BranchParams = Type.Object({ branchId: Id });
export const TicketParams = Type.Object({ ticketId: Id });
export const CounterParams = Type.Object({ counterId: Id });

export const TicketSchema = Type.Object({
  id: Type.String(),
  branchId: Type.String(),
  serviceId: Type.String(),
  number: Type.String(),
  day: Type.String(),
  priority: Priority,
  status: TicketStatusSchema,
  channel: Type.String(),
  counterId: Type.Union([Type.String(), Type.Null()]),
  counterNumber: Type.Union([Type.Integer(), Type.Null()]),
  targetCounterId: Type.Union([Type.String(), Type.Null()]),
  issuedAt: Type.String({ format: "date-time" }),
  queuedAt: Type.String({ format: "date-time" }),
  calledAt: Type.Union([Type.String(), Type.Null()]),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  completedAt: Type.Union([Type.String(), Type.Null()]),
  recallCount: Type.Integer(),
  appointmentAt: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.Union([Type.String(), Type.Null()]),
  notes: Type.Union([Type.String(), Type.Null()]),
  redirectReason: Type.Union([Type.String(), Type.Null()]),
  rating: Type.Union([RatingSchema, Type.Null()]),
  ratingComment: Type.Union([Type.String(), Type.Null()]),
  estimatedWaitMinutes: Type.Union([Type.Integer(), Type.Null()], {
    description: "null when no open counter serves the business type: no wait is promised",
  }),
  waitUnknownReason: Type.Union([Type.Literal("no_open_counter"), Type.Null()]),
  position: Type.Optional(Type.Integer()),
});

/** Standard error responses of a route, for the OpenAPI document. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, Type.Ref("Error")]));
}
