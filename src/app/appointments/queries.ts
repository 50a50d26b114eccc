import { type RawBuilder, sql } from "kysely";
import { type Answers, answerProblems, type FormField } from "../../domain/appointments/forms.ts";
import { withDefaults } from "../../domain/appointments/rules.ts";
import { dayInZone } from "../../domain/appointments/slots.ts";
import type { BranchId } from "../../domain/ids.ts";
import { restoreMasked } from "../../domain/personal-data/mask.ts";
import { answersOfTicket, formOf, rulesOf, toAppointment } from "../../store/appointments.ts";
import { findBranch, findService, listBranches, listServices } from "../../store/branches.ts";
import { findTicket, type Ticket } from "../../store/tickets.ts";
import { BRANCH_READERS, requireBranchAccess, TRIAGE_ROLES } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { asTyped, maskedFor, textsIn, ticketNames } from "../personal-data/free-text.ts";
import { audit } from "../record.ts";
import { servesIt, viewerIdOf } from "../views.ts";
import { BOOKING_ROLES } from "./book.ts";
import { requirePhone } from "./identity.ts";
import { type AppointmentView, appointmentView } from "./view.ts";

export interface PublicBranch {
  readonly id: string;
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly timezone: string;
}

export async function bookableBranches(ctx: AppContext): Promise<PublicBranch[]> {
  return (await listBranches(ctx.store.db)).map((b) => ({
    id: b.id,
    code: b.code,
    nameZh: b.nameZh,
    nameEn: b.nameEn,
    timezone: b.timezone,
  }));
}

export interface PublicService {
  readonly id: string;
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly descriptionZh: string;
  readonly descriptionEn: string;
  readonly expectedMinutes: number;
  /** Told once, in full, before the customer picks a time. */
  readonly requiredDocuments: readonly string[];
  readonly form: readonly FormField[];
  readonly daysAhead: number;
  /** True when a full day of this business type takes a waitlist (`POST /api/public/waitlist`). */
  readonly waitlist: boolean;
}

/** The branch's business types taking online bookings, each with its documents and its form. */
export async function bookableServices(ctx: AppContext, branchId: string): Promise<PublicService[]> {
  if (!(await findBranch(ctx.store.db, branchId))) throw notFound("Branch", branchId);
  const out: PublicService[] = [];
  for (const s of await listServices(ctx.store.db, branchId)) {
    if (!s.active) continue;
    const rules = withDefaults(await rulesOf(ctx.store.db, s.id));
    if (!rules.bookable) continue;
    out.push({
      id: s.id,
      code: s.code,
      nameZh: s.nameZh,
      nameEn: s.nameEn,
      descriptionZh: s.descriptionZh,
      descriptionEn: s.descriptionEn,
      expectedMinutes: s.expectedMinutes,
      requiredDocuments: s.requiredDocuments,
      form: await formOf(ctx.store.db, s.id),
      daysAhead: rules.daysAhead,
      waitlist: rules.waitlist,
    });
  }
  return out;
}

const UPPER_ASCII = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER_ASCII = UPPER_ASCII.toLowerCase();

/**
 * The customer's name with its ASCII letters lower-cased, the same on both databases: SQLite's lower() folds
 * only ASCII, so PostgreSQL folds exactly those too (translate) instead of its locale-dependent lower(). Other
 * letters match as written on both; Chinese names have no case.
 */
function foldedName(ctx: AppContext): RawBuilder<string> {
  return ctx.store.dialect === "postgres"
    ? sql<string>`translate(customer_name, ${UPPER_ASCII}, ${LOWER_ASCII})`
    : sql<string>`lower(customer_name)`;
}

const foldAscii = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());
/** A LIKE pattern matching `text` anywhere, its own %, _ and \ taken literally (with ESCAPE '\'). */
const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * A branch's appointments on a day (by time), or found by code, phone or name across days (staff). A search
 * answers the upcoming ones first (today onward, soonest first), then the past ones, newest first, at most 500:
 * a common surname must not push today's caller out of the list behind years of old visits. Name matching
 * ignores ASCII case on both databases.
 */
export async function listAppointments(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  input: { date?: string; q?: string },
): Promise<AppointmentView[]> {
  requireBranchAccess(actor, branchId as BranchId, BOOKING_ROLES);
  const branch = await findBranch(ctx.store.db, branchId);
  if (!branch) throw notFound("Branch", branchId);
  const today = dayInZone(ctx.clock(), branch.timezone);
  let query = ctx.store.db.selectFrom("appointments").selectAll().where("branch_id", "=", branchId);
  const q = input.q?.trim();
  if (q) {
    // A search looks across days: a caller rarely remembers the date, and the code or phone is enough.
    let phone: string | undefined;
    try {
      phone = requirePhone(q);
    } catch {
      phone = undefined;
    }
    const code = q.toUpperCase().replace(/[\s-]/g, "");
    const pattern = containsPattern(foldAscii(q));
    query = query
      .where((eb) =>
        eb.or([
          eb("code", "=", code),
          sql<boolean>`${foldedName(ctx)} LIKE ${pattern} ESCAPE '\\'`,
          ...(phone !== undefined ? [eb("customer_phone", "=", phone)] : []),
        ]),
      )
      .orderBy(sql`CASE WHEN day >= ${today} THEN 0 ELSE 1 END`)
      .orderBy(sql`CASE WHEN day >= ${today} THEN start_at ELSE -start_at END`);
  } else query = query.where("day", "=", input.date ?? today).orderBy("start_at");
  const rows = await query.orderBy("id").limit(500).execute();
  return rows.map((r) => appointmentView(toAppointment(r), branch.timezone, { maskPhone: false, staff: true }));
}

export interface TicketAnswers {
  readonly ticketId: string;
  readonly appointmentId: string | null;
  readonly answers: Answers;
  readonly fields: readonly FormField[];
  readonly requiredDocuments: readonly string[];
}

/** What the ticket's customer filled in, with the form and the documents checklist, for the counter. */
export async function ticketAnswers(ctx: AppContext, actor: Actor, ticketId: string): Promise<TicketAnswers> {
  const ticket = await findTicket(ctx.store.db, ticketId);
  if (!ticket) throw notFound("Ticket", ticketId);
  requireBranchAccess(actor, ticket.branchId as BranchId, BRANCH_READERS);
  const service = await findService(ctx.store.db, ticket.serviceId);
  const stored = await answersOfTicket(ctx.store.db, ticketId);
  const answers = stored?.answers ?? {};
  return {
    ticketId,
    appointmentId: stored?.appointmentId ?? null,
    // As typed to the teller serving the ticket; numbers and the customer's names masked for everyone else.
    answers: textsIn(answers, await answersText(ctx, actor, ticket, answers)),
    fields: await formOf(ctx.store.db, ticket.serviceId),
    requiredDocuments: service?.requiredDocuments ?? [],
  };
}

/** How `actor` reads a ticket's form answers: as typed when serving it, else masked (names looked up if needed). */
async function answersText(ctx: AppContext, actor: Actor, ticket: Ticket, answers: Answers) {
  if (servesIt(ticket, viewerIdOf(actor))) return asTyped;
  if (!Object.values(answers).some((v) => typeof v === "string" && v !== "")) return maskedFor();
  return maskedFor((await ticketNames(ctx.store.db, [ticket.id])).get(ticket.id));
}

/**
 * The lobby manager fills in the form with a walk-in customer while they wait. Answers were shown masked to all
 * but the serving teller: a masked number or name still in an edited answer is the stored one, kept as typed.
 */
export async function setTicketAnswers(
  ctx: AppContext,
  actor: Actor,
  ticketId: string,
  answers: Answers,
): Promise<TicketAnswers> {
  const ticket = await findTicket(ctx.store.db, ticketId);
  if (!ticket) throw notFound("Ticket", ticketId);
  requireBranchAccess(actor, ticket.branchId as BranchId, [...TRIAGE_ROLES, "teller"]);
  const fields = await formOf(ctx.store.db, ticket.serviceId);
  const before = (await answersOfTicket(ctx.store.db, ticketId))?.answers ?? {};
  if (!servesIt(ticket, viewerIdOf(actor)) && Object.keys(before).length) {
    const names = (await ticketNames(ctx.store.db, [ticketId])).get(ticketId) ?? [];
    const kept = (key: string, value: Answers[string]) => {
      const old = before[key];
      return typeof value === "string" && typeof old === "string" ? restoreMasked(value, old, names) : value;
    };
    answers = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, kept(k, v)]));
  }
  const problems = answerProblems(fields, answers);
  if (problems.length > 0)
    throw invalid("Some answers of the form are missing or wrong.", { fields: problems }, "表单有未填或填写有误的项。");
  const now = ctx.clock();
  const text = JSON.stringify(answers);
  await ctx.store.write(async (tx) => {
    await tx
      .insertInto("ticket_answers")
      .values({ ticket_id: ticketId, appointment_id: null, answers: text, updated_by: actor.id, updated_at: now })
      .onConflict((oc) => oc.column("ticket_id").doUpdateSet({ answers: text, updated_by: actor.id, updated_at: now }))
      .execute();
    await audit(tx, actor, now, "ticket.answers", { type: "ticket", id: ticketId, branchId: ticket.branchId });
  });
  return ticketAnswers(ctx, actor, ticketId);
}
