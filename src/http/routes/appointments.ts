import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { bookAppointment } from "../../app/appointments/book.ts";
import { checkInByCode, checkInByToken } from "../../app/appointments/check-in.ts";
import { freeSlots, staffSlots } from "../../app/appointments/free-slots.ts";
import {
  appointmentForToken,
  cancelAppointment,
  cancelRange,
  rescheduleAppointment,
  resendConfirmation,
  showAppointment,
} from "../../app/appointments/manage.ts";
import { getMessageSettings, setMessageSettings } from "../../app/appointments/message-settings.ts";
import { appointmentIcs } from "../../app/appointments/messages.ts";
import {
  bookableBranches,
  bookableServices,
  listAppointments,
  setTicketAnswers,
  ticketAnswers,
} from "../../app/appointments/queries.ts";
import { getBookingForm, getBookingRules, setBookingForm, setBookingRules } from "../../app/appointments/settings.ts";
import type { AppContext } from "../../app/context.ts";
import { FIELD_TYPES } from "../../domain/appointments/forms.ts";
import { findBranch, findService } from "../../store/branches.ts";
import { actorOf } from "../auth-plugin.ts";
import { BookingConsentsSchema, BranchParams, errors, Id, Pattern, TicketParams, TicketSchema } from "../schemas.ts";

const AppointmentParams = Type.Object({ appointmentId: Id });
const ServiceParams = Type.Object({ serviceId: Id });
const DateString = Pattern("^\\d{4}-\\d{2}-\\d{2}$", "YYYY-MM-DD 格式的日期");
const DateTime = Type.String({ minLength: 10, maxLength: 40 });
const Token = Type.String({ minLength: 16, maxLength: 200 });
const AnswerValue = Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean()]);
const AnswersSchema = Type.Record(Type.String({ maxLength: 40 }), AnswerValue, { maxProperties: 50 });

const FieldSchema = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 40 }),
    type: Type.Union(FIELD_TYPES.map((t) => Type.Literal(t))),
    labelZh: Type.String({ minLength: 1, maxLength: 100 }),
    labelEn: Type.String({ minLength: 1, maxLength: 100 }),
    required: Type.Boolean(),
    helpZh: Type.Optional(Type.String({ maxLength: 500 })),
    helpEn: Type.Optional(Type.String({ maxLength: 500 })),
    options: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 30 })),
  },
  { additionalProperties: false },
);

const RulesSchema = Type.Object(
  {
    bookable: Type.Boolean(),
    daysAhead: Type.Integer(),
    minNoticeBookMinutes: Type.Integer(),
    minNoticeCancelMinutes: Type.Integer(),
    minNoticeRescheduleMinutes: Type.Integer(),
    capPerCustomerPerDay: Type.Integer(),
    holdMinutes: Type.Integer(),
    waitlist: Type.Boolean(),
    bufferMinutes: Type.Integer(),
    share: Type.Number(),
    shareByHour: Type.Record(Type.String(), Type.Number()),
    checkInEarlyMinutes: Type.Integer(),
    checkInLateMinutes: Type.Integer(),
    noShowLimit: Type.Integer(),
    noShowWindowDays: Type.Integer(),
  },
  { additionalProperties: false },
);

const Booked = Type.Object({
  id: Type.String(),
  code: Type.String(),
  start: Type.String(),
  end: Type.String(),
  status: Type.String(),
  manageToken: Type.String(),
  manageUrl: Type.String(),
});

const AppointmentSchema = Type.Object({
  id: Type.String(),
  branchId: Type.String(),
  serviceId: Type.String(),
  code: Type.String(),
  start: Type.String(),
  end: Type.String(),
  status: Type.String(),
  name: Type.String(),
  phone: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  channel: Type.String(),
  answers: AnswersSchema,
  ticketId: Type.Union([Type.String(), Type.Null()]),
  cancelReason: Type.Union([Type.String(), Type.Null()]),
  managerUserId: Type.Union([Type.String(), Type.Null()]),
});

// The ticket's fields at the top level (the contract), the same ticket under `ticket`, and the appointment's side.
const CheckedIn = Type.Object({
  ...TicketSchema.properties,
  ticket: TicketSchema,
  appointmentId: Type.String(),
  appointmentStart: Type.String(),
  late: Type.Boolean(),
  message: Type.String(),
  messageZh: Type.String(),
});

const Slots = Type.Object({
  timezone: Type.String(),
  slots: Type.Array(Type.Object({ start: Type.String(), end: Type.String(), free: Type.Integer() })),
});

const PublicBookBody = Type.Object(
  {
    branchId: Id,
    serviceId: Id,
    start: DateTime,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    phone: Type.String({ minLength: 3, maxLength: 30 }),
    otp: Type.String({ minLength: 1, maxLength: 10 }),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    lang: Type.Optional(Type.Union([Type.Literal("zh-CN"), Type.Literal("en")])),
    answers: Type.Optional(AnswersSchema),
    /** The hold taken while the form was filled in (`POST /api/public/holds`): its place becomes the booking's. */
    holdId: Type.Optional(Type.String({ minLength: 16, maxLength: 64 })),
    /**
     * What the customer agreed to on the booking page, recorded on their customer record with the booking
     * (channel "web", the version of the texts shown): service messages (reminders) and, separately, marketing.
     */
    consents: Type.Optional(BookingConsentsSchema),
  },
  { additionalProperties: false },
);

const StaffBookBody = Type.Object(
  {
    serviceId: Id,
    start: DateTime,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    phone: Type.String({ minLength: 3, maxLength: 30 }),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    lang: Type.Optional(Type.Union([Type.Literal("zh-CN"), Type.Literal("en")])),
    answers: Type.Optional(AnswersSchema),
    managerUserId: Type.Optional(Id),
    holdId: Type.Optional(Type.String({ minLength: 16, maxLength: 64 })),
  },
  { additionalProperties: false },
);

const TokenBody = Type.Object({ token: Token }, { additionalProperties: false });
/** `walkIn: true` after a 409 `too_late`: take a walk-in ticket instead (the appointment becomes a no-show). */
const WalkIn = Type.Optional(Type.Boolean());
const PhoneCheckInBody = Type.Object({ token: Token, walkIn: WalkIn }, { additionalProperties: false });
const TokenQuery = Type.Object({ token: Token });

export function appointmentRoutes(app: FastifyInstance, ctx: AppContext): void {
  const pub = { public: true };
  const tags = ["appointments"];

  app.get(
    "/api/public/branches",
    {
      config: pub,
      schema: {
        tags,
        operationId: "listBookableBranches",
        summary: "Branches taking online bookings",
        response: {
          200: Type.Object({
            branches: Type.Array(
              Type.Object({
                id: Type.String(),
                code: Type.String(),
                nameZh: Type.String(),
                nameEn: Type.String(),
                timezone: Type.String(),
              }),
            ),
          }),
        },
      },
    },
    async () => ({ branches: await bookableBranches(ctx) }),
  );

  app.get<{ Params: Static<typeof BranchParams> }>(
    "/api/public/branches/:branchId/services",
    {
      config: pub,
      schema: {
        tags,
        operationId: "listBookableServices",
        summary: "A branch's bookable business types with their required documents and forms",
        params: BranchParams,
        response: {
          200: Type.Object({
            services: Type.Array(
              Type.Object({
                id: Type.String(),
                code: Type.String(),
                nameZh: Type.String(),
                nameEn: Type.String(),
                descriptionZh: Type.String(),
                descriptionEn: Type.String(),
                expectedMinutes: Type.Integer(),
                requiredDocuments: Type.Array(Type.String()),
                form: Type.Array(FieldSchema),
                daysAhead: Type.Integer(),
                waitlist: Type.Boolean({ description: "A full day takes a waitlist (POST /api/public/waitlist)" }),
              }),
            ),
          }),
          ...errors(400, 404),
        },
      },
    },
    async (req) => ({ services: await bookableServices(ctx, req.params.branchId) }),
  );

  const SlotQuery = Type.Object({ serviceId: Id, date: DateString });
  app.get<{ Params: Static<typeof BranchParams>; Querystring: Static<typeof SlotQuery> }>(
    "/api/public/branches/:branchId/slots",
    {
      config: pub,
      schema: {
        tags,
        operationId: "listFreeSlots",
        summary: "Free slots of a business type on a day (times with the branch's offset)",
        params: BranchParams,
        querystring: SlotQuery,
        response: { 200: Slots, ...errors(400, 404) },
      },
    },
    (req) => freeSlots(ctx, req.params.branchId, req.query.serviceId, req.query.date),
  );

  app.post<{ Body: Static<typeof PublicBookBody> }>(
    "/api/public/appointments",
    {
      config: pub,
      schema: {
        tags,
        operationId: "bookAppointment",
        summary: "Book a slot with the one-time code sent to the phone",
        body: PublicBookBody,
        response: { 201: Booked, ...errors(400, 403, 404, 409, 429) },
      },
    },
    async (req, reply) => reply.status(201).send(await bookAppointment(ctx, "public", req.body)),
  );

  app.get<{ Params: Static<typeof AppointmentParams>; Querystring: Static<typeof TokenQuery> }>(
    "/api/public/appointments/:appointmentId",
    {
      config: pub,
      schema: {
        tags,
        operationId: "showOwnAppointment",
        summary: "The customer's appointment, opened with the manage link's token",
        params: AppointmentParams,
        querystring: TokenQuery,
        response: { 200: AppointmentSchema, ...errors(400, 404) },
      },
    },
    (req) => showAppointment(ctx, req.params.appointmentId, req.query.token),
  );

  app.get<{ Params: Static<typeof AppointmentParams>; Querystring: Static<typeof TokenQuery> }>(
    "/api/public/appointments/:appointmentId/ics",
    {
      config: pub,
      schema: {
        tags,
        operationId: "downloadAppointmentIcs",
        summary: "The appointment as a calendar file",
        params: AppointmentParams,
        querystring: TokenQuery,
        response: { 200: Type.String(), ...errors(400, 404) },
      },
    },
    async (req, reply) => {
      const a = await appointmentForToken(ctx, req.params.appointmentId, req.query.token);
      const branch = await findBranch(ctx.store.db, a.branchId);
      const service = await findService(ctx.store.db, a.serviceId);
      const en = a.lang === "en";
      const ics = appointmentIcs({
        id: a.id,
        start: a.start,
        end: a.end,
        title: `${(en ? service?.nameEn : service?.nameZh) ?? ""} – ${(en ? branch?.nameEn : branch?.nameZh) ?? ""}`,
        location: (en ? branch?.nameEn : branch?.nameZh) ?? "",
        description: `${en ? "Booking code" : "预约码"}: ${a.code}`,
      });
      return reply
        .type("text/calendar; charset=utf-8")
        .header("content-disposition", 'attachment; filename="appointment.ics"')
        .send(ics);
    },
  );

  app.post<{ Params: Static<typeof AppointmentParams>; Body: Static<typeof TokenBody> }>(
    "/api/public/appointments/:appointmentId/cancel",
    {
      config: pub,
      schema: {
        tags,
        operationId: "cancelOwnAppointment",
        summary: "The customer cancels with the manage link's token",
        params: AppointmentParams,
        body: TokenBody,
        response: { 200: AppointmentSchema, ...errors(400, 404, 409) },
      },
    },
    (req) => cancelAppointment(ctx, { token: req.body.token }, req.params.appointmentId),
  );

  const RescheduleToken = Type.Object({ token: Token, start: DateTime }, { additionalProperties: false });
  app.post<{ Params: Static<typeof AppointmentParams>; Body: Static<typeof RescheduleToken> }>(
    "/api/public/appointments/:appointmentId/reschedule",
    {
      config: pub,
      schema: {
        tags,
        operationId: "rescheduleOwnAppointment",
        summary: "The customer moves the appointment with the manage link's token",
        params: AppointmentParams,
        body: RescheduleToken,
        response: { 200: AppointmentSchema, ...errors(400, 404, 409) },
      },
    },
    (req) => rescheduleAppointment(ctx, { token: req.body.token }, req.params.appointmentId, { start: req.body.start }),
  );

  app.post<{ Params: Static<typeof AppointmentParams>; Body: Static<typeof PhoneCheckInBody> }>(
    "/api/public/appointments/:appointmentId/check-in",
    {
      config: pub,
      schema: {
        tags,
        operationId: "checkInFromPhone",
        summary: "The customer checks in from the phone, inside the window",
        params: AppointmentParams,
        body: PhoneCheckInBody,
        response: { 201: CheckedIn, ...errors(400, 404, 409) },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await checkInByToken(ctx, req.params.appointmentId, req.body.token, { walkIn: req.body.walkIn === true }),
        ),
  );

  // Staff.
  const ListQuery = Type.Object({ date: Type.Optional(DateString), q: Type.Optional(Type.String({ maxLength: 100 })) });
  app.get<{ Params: Static<typeof BranchParams>; Querystring: Static<typeof ListQuery> }>(
    "/api/branches/:branchId/appointments",
    {
      schema: {
        tags,
        operationId: "listAppointments",
        summary: "A branch's appointments on a day, or found by code, phone or name",
        params: BranchParams,
        querystring: ListQuery,
        response: { 200: Type.Object({ appointments: Type.Array(AppointmentSchema) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => ({
      appointments: await listAppointments(ctx, actorOf(req), req.params.branchId, {
        ...(req.query.date !== undefined && { date: req.query.date }),
        ...(req.query.q !== undefined && { q: req.query.q }),
      }),
    }),
  );

  app.get<{ Params: Static<typeof BranchParams>; Querystring: Static<typeof SlotQuery> }>(
    "/api/branches/:branchId/appointment-slots",
    {
      schema: {
        tags,
        operationId: "listSlotsForStaff",
        summary: "Slots staff may book for a caller (no notice needed)",
        params: BranchParams,
        querystring: SlotQuery,
        response: { 200: Slots, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => staffSlots(ctx, actorOf(req), req.params.branchId, req.query.serviceId, req.query.date),
  );

  app.post<{ Params: Static<typeof BranchParams>; Body: Static<typeof StaffBookBody> }>(
    "/api/branches/:branchId/appointments",
    {
      schema: {
        tags,
        operationId: "bookAppointmentForCaller",
        summary: "Staff book for a caller (no one-time code)",
        params: BranchParams,
        body: StaffBookBody,
        response: { 201: Booked, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await bookAppointment(ctx, actorOf(req), { ...req.body, branchId: req.params.branchId })),
  );

  const ReasonBody = Type.Object(
    { reason: Type.Optional(Type.String({ maxLength: 500 })) },
    { additionalProperties: false },
  );
  app.post<{ Params: Static<typeof AppointmentParams>; Body: Static<typeof ReasonBody> }>(
    "/api/appointments/:appointmentId/cancel",
    {
      schema: {
        tags,
        operationId: "cancelAppointment",
        summary: "Staff cancel an appointment with a reason (the customer is told)",
        params: AppointmentParams,
        body: ReasonBody,
        response: { 200: AppointmentSchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) =>
      cancelAppointment(ctx, actorOf(req), req.params.appointmentId, {
        ...(req.body.reason !== undefined && { reason: req.body.reason }),
      }),
  );

  const StartBody = Type.Object({ start: DateTime }, { additionalProperties: false });
  app.post<{ Params: Static<typeof AppointmentParams>; Body: Static<typeof StartBody> }>(
    "/api/appointments/:appointmentId/reschedule",
    {
      schema: {
        tags,
        operationId: "rescheduleAppointment",
        summary: "Staff move an appointment (the customer is told)",
        params: AppointmentParams,
        body: StartBody,
        response: { 200: AppointmentSchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => rescheduleAppointment(ctx, actorOf(req), req.params.appointmentId, req.body),
  );

  app.post<{ Params: Static<typeof AppointmentParams> }>(
    "/api/appointments/:appointmentId/resend",
    {
      schema: {
        tags,
        operationId: "resendAppointmentConfirmation",
        summary: "Send the confirmation again, with a new manage link",
        params: AppointmentParams,
        body: Type.Object({}, { additionalProperties: false }),
        response: { 200: AppointmentSchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    (req) => resendConfirmation(ctx, actorOf(req), req.params.appointmentId),
  );

  const RangeBody = Type.Object(
    {
      from: DateTime,
      to: DateTime,
      reason: Type.String({ minLength: 1, maxLength: 500 }),
      serviceId: Type.Optional(Id),
    },
    { additionalProperties: false },
  );
  app.post<{ Params: Static<typeof BranchParams>; Body: Static<typeof RangeBody> }>(
    "/api/branches/:branchId/appointments/cancel-range",
    {
      schema: {
        tags,
        operationId: "cancelAppointmentRange",
        summary: "Cancel every appointment in a time range (the branch must close); everyone is told",
        params: BranchParams,
        body: RangeBody,
        response: { 200: Type.Object({ cancelled: Type.Integer() }), ...errors(400, 401, 403, 404) },
      },
    },
    (req) =>
      cancelRange(ctx, actorOf(req), req.params.branchId, {
        from: req.body.from,
        to: req.body.to,
        reason: req.body.reason,
        ...(req.body.serviceId !== undefined && { serviceId: req.body.serviceId }),
      }),
  );

  const CodeBody = Type.Object(
    { code: Type.String({ minLength: 4, maxLength: 20 }), walkIn: WalkIn },
    { additionalProperties: false },
  );
  app.post<{ Params: Static<typeof BranchParams>; Body: Static<typeof CodeBody> }>(
    "/api/branches/:branchId/check-in",
    {
      schema: {
        tags,
        operationId: "checkInAppointment",
        summary: "Check in an appointment by its code (kiosk or staff): a ticket with priority appointment",
        params: BranchParams,
        body: CodeBody,
        response: { 201: CheckedIn, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(
        await checkInByCode(ctx, actorOf(req), req.params.branchId, req.body.code, {
          walkIn: req.body.walkIn === true,
        }),
      ),
  );

  // Rules and forms of a business type.
  app.get<{ Params: Static<typeof ServiceParams> }>(
    "/api/services/:serviceId/booking-rules",
    {
      schema: {
        tags,
        operationId: "getBookingRules",
        summary: "A business type's booking rules",
        params: ServiceParams,
        response: { 200: RulesSchema, ...errors(401, 403, 404) },
      },
    },
    (req) => getBookingRules(ctx, actorOf(req), req.params.serviceId),
  );
  app.put<{ Params: Static<typeof ServiceParams>; Body: Partial<Static<typeof RulesSchema>> }>(
    "/api/services/:serviceId/booking-rules",
    {
      schema: {
        tags,
        operationId: "setBookingRules",
        summary: "Change a business type's booking rules",
        params: ServiceParams,
        body: Type.Partial(RulesSchema, { minProperties: 1 }),
        response: { 200: RulesSchema, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => setBookingRules(ctx, actorOf(req), req.params.serviceId, req.body),
  );
  const FormBody = Type.Object({ fields: Type.Array(FieldSchema, { maxItems: 40 }) }, { additionalProperties: false });
  app.get<{ Params: Static<typeof ServiceParams> }>(
    "/api/services/:serviceId/booking-form",
    {
      schema: {
        tags,
        operationId: "getBookingForm",
        summary: "A business type's pre-filled form",
        params: ServiceParams,
        response: { 200: FormBody, ...errors(401, 403, 404) },
      },
    },
    async (req) => ({ fields: await getBookingForm(ctx, actorOf(req), req.params.serviceId) }),
  );
  app.put<{ Params: Static<typeof ServiceParams>; Body: Static<typeof FormBody> }>(
    "/api/services/:serviceId/booking-form",
    {
      schema: {
        tags,
        operationId: "setBookingForm",
        summary: "Change a business type's pre-filled form",
        params: ServiceParams,
        body: FormBody,
        response: { 200: FormBody, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => ({ fields: await setBookingForm(ctx, actorOf(req), req.params.serviceId, req.body.fields) }),
  );

  // Issue 13: a branch's reminder times and quiet hours (admin page, "Booking rules and reminders").
  const QuietHoursSchema = Type.Object(
    { start: Type.String({ maxLength: 5 }), end: Type.String({ maxLength: 5 }) },
    { additionalProperties: false },
  );
  const MessageSettingsSchema = Type.Object({
    branchId: Type.String(),
    timeZone: Type.String(),
    reminderOffsetsMinutes: Type.Array(Type.Integer()),
    quietHours: QuietHoursSchema,
    isDefault: Type.Boolean(),
  });
  const MessageSettingsBody = Type.Object(
    {
      reminderOffsetsMinutes: Type.Optional(Type.Array(Type.Integer(), { maxItems: 10 })),
      quietHours: Type.Optional(Type.Partial(QuietHoursSchema, { minProperties: 1 })),
    },
    { additionalProperties: false, minProperties: 1 },
  );
  app.get<{ Params: Static<typeof BranchParams> }>(
    "/api/branches/:branchId/reminder-settings",
    {
      schema: {
        tags,
        operationId: "getReminderSettings",
        summary: "A branch's appointment reminder times and quiet hours (defaults 24 h and 2 h; 21:00–08:00)",
        params: BranchParams,
        response: { 200: MessageSettingsSchema, ...errors(401, 403, 404) },
      },
    },
    (req) => getMessageSettings(ctx, actorOf(req), req.params.branchId),
  );
  app.put<{ Params: Static<typeof BranchParams>; Body: Static<typeof MessageSettingsBody> }>(
    "/api/branches/:branchId/reminder-settings",
    {
      schema: {
        tags,
        operationId: "setReminderSettings",
        summary: "Change a branch's appointment reminder times and quiet hours",
        params: BranchParams,
        body: MessageSettingsBody,
        response: { 200: MessageSettingsSchema, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => setMessageSettings(ctx, actorOf(req), req.params.branchId, req.body),
  );

  // The form's answers on a ticket.
  const TicketAnswersSchema = Type.Object({
    ticketId: Type.String(),
    appointmentId: Type.Union([Type.String(), Type.Null()]),
    answers: AnswersSchema,
    fields: Type.Array(FieldSchema),
    requiredDocuments: Type.Array(Type.String()),
  });
  app.get<{ Params: Static<typeof TicketParams> }>(
    "/api/tickets/:ticketId/answers",
    {
      schema: {
        tags,
        operationId: "getTicketAnswers",
        summary: "The form's answers and the documents checklist of a ticket (for the counter)",
        params: TicketParams,
        response: { 200: TicketAnswersSchema, ...errors(401, 403, 404) },
      },
    },
    (req) => ticketAnswers(ctx, actorOf(req), req.params.ticketId),
  );
  const AnswersBody = Type.Object({ answers: AnswersSchema }, { additionalProperties: false });
  app.put<{ Params: Static<typeof TicketParams>; Body: Static<typeof AnswersBody> }>(
    "/api/tickets/:ticketId/answers",
    {
      schema: {
        tags,
        operationId: "setTicketAnswers",
        summary: "The lobby manager fills in the form for a walk-in ticket",
        params: TicketParams,
        body: AnswersBody,
        response: { 200: TicketAnswersSchema, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => setTicketAnswers(ctx, actorOf(req), req.params.ticketId, req.body.answers),
  );
}
