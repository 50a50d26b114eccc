/**
 * The rest of booking (issue 13): holds while the form is filled in, the waitlist and its offers, "your turn
 * is near" for live tickets, and staff contacts (a customer manager told of an arrival).
 */
import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { holdSlot, releaseHold } from "../../app/appointments/holds.ts";
import { myContact, setMyContact } from "../../app/appointments/staff-contacts.ts";
import { acceptOffer, declineOffer, joinWaitlist, showOffer } from "../../app/appointments/waitlist.ts";
import type { AppContext } from "../../app/context.ts";
import { askTurnAlert } from "../../app/tickets/turn-alerts.ts";
import { actorOf } from "../auth-plugin.ts";
import { BookingConsentsSchema, errors, Id } from "../schemas.ts";

const HoldId = Type.String({ minLength: 16, maxLength: 64 });
const DateTime = Type.String({ minLength: 10, maxLength: 40 });

export function bookingRoutes(app: FastifyInstance, ctx: AppContext): void {
  const pub = { public: true };
  const tags = ["appointments"];

  const HoldBody = Type.Object({ branchId: Id, serviceId: Id, start: DateTime }, { additionalProperties: false });
  app.post<{ Body: Static<typeof HoldBody> }>(
    "/api/public/holds",
    {
      config: pub,
      schema: {
        tags,
        operationId: "holdSlot",
        summary: "Hold a place in a slot while the booking form is filled in (10 minutes by default)",
        body: HoldBody,
        response: {
          201: Type.Object({
            holdId: Type.String(),
            start: Type.String(),
            end: Type.String(),
            expiresAt: Type.String(),
          }),
          ...errors(400, 404, 409, 429),
        },
      },
    },
    async (req, reply) => reply.status(201).send(await holdSlot(ctx, { ...req.body, ip: req.ip })),
  );

  const HoldParams = Type.Object({ holdId: HoldId });
  app.post<{ Params: Static<typeof HoldParams> }>(
    "/api/public/holds/:holdId/release",
    {
      config: pub,
      schema: {
        tags,
        operationId: "releaseHold",
        summary: "Give a held place back (the customer left the form)",
        params: HoldParams,
        response: { 200: Type.Object({ released: Type.Boolean() }), ...errors(400) },
      },
    },
    (req) => releaseHold(ctx, req.params.holdId),
  );

  const HHMM = Type.String({ pattern: "^([01]\\d|2[0-3]):[0-5]\\d$" });
  const WaitlistBody = Type.Object(
    {
      branchId: Id,
      serviceId: Id,
      day: Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$" }),
      from: Type.Optional(HHMM),
      to: Type.Optional(HHMM),
      name: Type.String({ minLength: 1, maxLength: 100 }),
      phone: Type.String({ minLength: 3, maxLength: 30 }),
      otp: Type.String({ minLength: 1, maxLength: 10 }),
      email: Type.Optional(Type.String({ maxLength: 254 })),
      lang: Type.Optional(Type.Union([Type.Literal("zh-CN"), Type.Literal("en")])),
      /**
       * As with a booking: what the customer agreed to on the page, recorded on their customer record with the
       * join (channel "web"). The offer itself goes whatever they chose: it is the message they asked for.
       */
      consents: Type.Optional(BookingConsentsSchema),
    },
    { additionalProperties: false },
  );
  app.post<{ Body: Static<typeof WaitlistBody> }>(
    "/api/public/waitlist",
    {
      config: pub,
      schema: {
        tags,
        operationId: "joinWaitlist",
        summary: "Wait for a place on a full day (business types that keep a waitlist), with the SMS code",
        body: WaitlistBody,
        response: {
          201: Type.Object({
            id: Type.String(),
            day: Type.String(),
            status: Type.String(),
            position: Type.Integer(),
          }),
          ...errors(400, 404, 429),
        },
      },
    },
    async (req, reply) => reply.status(201).send(await joinWaitlist(ctx, req.body)),
  );
  const OfferBody = Type.Object(
    { token: Type.String({ minLength: 16, maxLength: 200 }) },
    { additionalProperties: false },
  );
  app.post<{ Body: Static<typeof OfferBody> }>(
    "/api/public/waitlist/accept",
    {
      config: pub,
      schema: {
        tags,
        operationId: "acceptWaitlistOffer",
        summary: "Book the place a waitlist offer holds (the token from the offer's link)",
        body: OfferBody,
        response: {
          201: Type.Object({
            id: Type.String(),
            code: Type.String(),
            start: Type.String(),
            end: Type.String(),
            status: Type.String(),
            manageToken: Type.String(),
            manageUrl: Type.String(),
          }),
          ...errors(400, 403, 404, 409),
        },
      },
    },
    async (req, reply) => reply.status(201).send(await acceptOffer(ctx, req.body.token)),
  );

  const Names = Type.Object({ nameZh: Type.String(), nameEn: Type.String() });
  const OfferQuery = Type.Object({ token: Type.String({ minLength: 16, maxLength: 200 }) });
  app.get<{ Querystring: Static<typeof OfferQuery> }>(
    "/api/public/waitlist/offer",
    {
      config: pub,
      schema: {
        tags,
        operationId: "showWaitlistOffer",
        summary: "The place a waitlist offer holds, and until when (the token from the offer's link)",
        querystring: OfferQuery,
        response: {
          200: Type.Object({
            status: Type.Union([Type.Literal("offered"), Type.Literal("lapsed")]),
            branchId: Type.String(),
            serviceId: Type.String(),
            start: Type.String(),
            end: Type.String(),
            expiresAt: Type.String(),
            timezone: Type.String(),
            branch: Names,
            service: Names,
            requiredDocuments: Type.Array(Type.String()),
            lang: Type.Union([Type.Literal("zh-CN"), Type.Literal("en")]),
          }),
          ...errors(400, 404),
        },
      },
    },
    (req) => showOffer(ctx, req.query.token),
  );
  app.post<{ Body: Static<typeof OfferBody> }>(
    "/api/public/waitlist/decline",
    {
      config: pub,
      schema: {
        tags,
        operationId: "declineWaitlistOffer",
        summary: "Refuse the place a waitlist offer holds: it goes to the next in line at once",
        body: OfferBody,
        response: { 200: Type.Object({ declined: Type.Boolean() }), ...errors(400, 404) },
      },
    },
    (req) => declineOffer(ctx, req.body.token),
  );

  const AlertParams = Type.Object({ ticketId: Id });
  const AlertBody = Type.Object(
    {
      phone: Type.Optional(Type.String({ minLength: 3, maxLength: 30 })),
      email: Type.Optional(Type.String({ maxLength: 254 })),
      ahead: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
      lang: Type.Optional(Type.Union([Type.Literal("zh-CN"), Type.Literal("en")])),
    },
    { additionalProperties: false },
  );
  app.post<{ Params: Static<typeof AlertParams>; Body: Static<typeof AlertBody> }>(
    "/api/public/tickets/:ticketId/near-alert",
    {
      config: pub,
      schema: {
        tags,
        operationId: "askTurnAlert",
        summary: "Be told by SMS or e-mail, once, when N people (default 3) are ahead of this live ticket",
        params: AlertParams,
        body: AlertBody,
        response: {
          201: Type.Object({
            ticketId: Type.String(),
            channel: Type.String(),
            ahead: Type.Integer(),
            status: Type.String(),
          }),
          ...errors(400, 404),
        },
      },
    },
    async (req, reply) => reply.status(201).send(await askTurnAlert(ctx, req.params.ticketId, req.body)),
  );

  const StaffLang = Type.Union([Type.Literal("zh-CN"), Type.Literal("en"), Type.Null()], {
    description: "The language of their notices (reminders, escalations); null: the branch's",
  });
  const NoticeChannels = Type.Array(Type.Union([Type.Literal("email"), Type.Literal("sms")]), {
    maxItems: 2,
    uniqueItems: true,
    description: "The channels they want staff notices on (none: no notices by message)",
  });
  const Contact = Type.Object({
    phone: Type.Union([Type.String(), Type.Null()]),
    email: Type.Union([Type.String(), Type.Null()]),
    lang: StaffLang,
    channels: NoticeChannels,
    account: Type.Object(
      {
        phone: Type.Union([Type.String(), Type.Null()]),
        email: Type.Union([Type.String(), Type.Null()]),
      },
      { description: "The account's own phone and e-mail, used where none is set here" },
    ),
  });
  const ContactBody = Type.Object(
    {
      phone: Type.Union([Type.String({ maxLength: 30 }), Type.Null()]),
      email: Type.Union([Type.String({ maxLength: 254 }), Type.Null()]),
      lang: Type.Optional(StaffLang),
      channels: Type.Optional(NoticeChannels),
    },
    { additionalProperties: false },
  );
  app.get(
    "/api/me/contact",
    {
      schema: {
        tags,
        operationId: "getMyContact",
        summary:
          "The signed-in member of staff's own settings for notices: phone, e-mail, channels, language (unmasked)",
        response: { 200: Contact, ...errors(401, 403) },
      },
    },
    (req) => myContact(ctx, actorOf(req)),
  );
  app.put<{ Body: Static<typeof ContactBody> }>(
    "/api/me/contact",
    {
      schema: {
        tags,
        operationId: "setMyContact",
        summary:
          "Set the signed-in member of staff's phone, e-mail, notice channels and language (audited; 400 for a bad phone or e-mail, or a channel without an address)",
        body: ContactBody,
        response: { 200: Contact, ...errors(400, 401, 403) },
      },
    },
    (req) => setMyContact(ctx, actorOf(req), req.body),
  );
}
