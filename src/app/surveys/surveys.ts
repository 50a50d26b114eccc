/**
 * Satisfaction after service. When a ticket is done (completed, or approved by the back office), a survey link
 * goes by SMS or e-mail through the outbox if the visit's customer consented to service messages, at most once
 * per customer per N days (DATANG_SURVEY_INTERVAL_DAYS, default 30). The phone page asks CSAT (满意 / 一般 /
 * 不满意, the rating pad's scale), NPS 0–10 and free text; the pad's answer lands in the same record. 不满意
 * or NPS ≤ 6 opens a complaint by itself.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { maskFreeText } from "../../domain/personal-data/mask.ts";
import type { Rating } from "../../domain/ticket.ts";
import { findBranch } from "../../store/branches.ts";
import { customerIdOfTicket } from "../../store/customer-records.ts";
import { enqueueMessage, type MessageChannel, type MessageLang } from "../../store/outbox.ts";
import type { Database, SurveyTable } from "../../store/schema.ts";
import type { Tx } from "../../store/store.ts";
import type { Ticket } from "../../store/tickets.ts";
import { openComplaint } from "../complaints/complaints.ts";
import type { AppContext } from "../context.ts";
import { currentConsent } from "../customers/identify.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { surveySettingsOf } from "./settings.ts";

export { DEFAULT_SURVEY_INTERVAL_DAYS, surveyIntervalDays } from "./settings.ts";

const sha256 = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * The customer of a visit: the one staff or the kiosk attached to the ticket (`ticket_customers`), else the one
 * the ticket's appointment was booked for.
 */
async function customerOfTicket(
  db: Kysely<Database>,
  ticketId: string,
): Promise<{ id: string; channel: MessageChannel; recipient: string; phone: string; lang: MessageLang } | undefined> {
  const customerId = await customerIdOfTicket(db, ticketId);
  if (!customerId) return undefined;
  const c = await db.selectFrom("customers").selectAll().where("id", "=", customerId).executeTakeFirst();
  if (!c) return undefined;
  const email = c.preferred_channel === "email" && c.email ? c.email : null;
  return {
    id: c.id,
    channel: email ? "email" : "sms",
    recipient: email ?? c.phone_e164,
    phone: c.phone_e164,
    lang: c.lang === "en" ? "en" : "zh-CN",
  };
}

async function surveyOfTicket(db: Kysely<Database>, ticketId: string): Promise<SurveyTable | undefined> {
  return db.selectFrom("surveys").selectAll().where("ticket_id", "=", ticketId).executeTakeFirst();
}

/**
 * Inside the transaction that makes a ticket done: sends the survey link when the rules allow. Answers the
 * survey's token when one was sent (tests follow the link with it), else undefined and why.
 */
export async function afterServiceDone(
  ctx: AppContext,
  tx: Tx,
  t: Ticket,
  now: number,
): Promise<{
  token?: string;
  skipped?: "disabled" | "no_customer" | "no_consent" | "recently_surveyed" | "already_sent";
}> {
  const settings = await surveySettingsOf(tx, t.branchId);
  if (!settings.enabled) return { skipped: "disabled" };
  const found = await customerOfTicket(tx, t.id);
  if (!found) return { skipped: "no_customer" };
  // The branch may send every survey by SMS, whatever the customer's preferred channel.
  const customer = settings.channel === "sms" ? { ...found, channel: "sms" as const, recipient: found.phone } : found;
  // The consent read is the one about the channel the survey goes by (SMS or e-mail).
  if ((await currentConsent(tx, customer.id, "service", customer.channel)) !== true) return { skipped: "no_consent" };
  const existing = await surveyOfTicket(tx, t.id);
  if (existing?.sent_at !== null && existing?.sent_at !== undefined) return { skipped: "already_sent" };
  const since = now - settings.intervalDays * 86_400_000;
  const recent = await tx
    .selectFrom("surveys")
    .select("id")
    .where("customer_id", "=", customer.id)
    .where("sent_at", ">", since)
    .executeTakeFirst();
  if (recent) return { skipped: "recently_surveyed" };
  const branch = await findBranch(tx, t.branchId);
  const token = randomBytes(24).toString("base64url");
  if (existing) {
    await tx
      .updateTable("surveys")
      .set({ token_hash: sha256(token), channel: customer.channel, sent_at: now, customer_id: customer.id })
      .where("id", "=", existing.id)
      .execute();
  } else {
    await tx
      .insertInto("surveys")
      .values({
        id: ctx.newId(),
        ticket_id: t.id,
        branch_id: t.branchId,
        customer_id: customer.id,
        token_hash: sha256(token),
        channel: customer.channel,
        sent_at: now,
        csat: null,
        csat_source: null,
        nps: null,
        comment: null,
        answered_at: null,
        complaint_id: null,
        created_at: now,
      })
      .execute();
  }
  await enqueueMessage(tx, {
    kind: "survey.invite",
    channel: customer.channel,
    recipient: customer.recipient,
    lang: customer.lang,
    data: {
      number: t.number,
      branch: branch ? { zh: branch.nameZh, en: branch.nameEn } : "",
      surveyPath: `/survey/${token}`,
    },
    now,
    ...(branch ? { quietHours: { timeZone: branch.timezone } } : {}),
    branchId: t.branchId,
    customerId: customer.id,
    relatedType: "ticket",
    relatedId: t.id,
    dedupeKey: `survey.invite:${t.id}`,
  });
  return { token };
}

/** Whether answers ask for a complaint: 不满意, or NPS 6 or lower (a detractor). */
export function asksForComplaint(csat: Rating | null, nps: number | null): boolean {
  return csat === "dissatisfied" || (nps !== null && nps <= 6);
}

/** The pad's rating joins the ticket's survey record; 不满意 opens a complaint. Inside the rating's transaction. */
export async function recordPadRating(
  ctx: AppContext,
  tx: Tx,
  t: Ticket,
  rating: Rating,
  comment: string | undefined,
  now: number,
): Promise<void> {
  let survey = await surveyOfTicket(tx, t.id);
  if (!survey) {
    const customer = await customerOfTicket(tx, t.id);
    survey = {
      id: ctx.newId(),
      ticket_id: t.id,
      branch_id: t.branchId,
      customer_id: customer?.id ?? null,
      token_hash: null,
      channel: null,
      sent_at: null,
      csat: null,
      csat_source: null,
      nps: null,
      comment: null,
      answered_at: null,
      complaint_id: null,
      created_at: now,
    };
    await tx.insertInto("surveys").values(survey).execute();
  }
  let complaintId = survey.complaint_id;
  if (complaintId === null && asksForComplaint(rating, null)) {
    const complaint = await openComplaint(
      ctx,
      tx,
      {
        branchId: t.branchId,
        ticketId: t.id,
        ...(survey.customer_id ? { customerId: survey.customer_id } : {}),
        category: "service_quality",
        severity: "simple",
        description: `评价器：不满意 / Rating pad: dissatisfied${comment ? ` — ${comment}` : ""}`,
        source: "rating_pad",
        surveyId: survey.id,
        createdBy: null,
      },
      now,
    );
    complaintId = complaint.id;
  }
  await tx
    .updateTable("surveys")
    .set({ csat: rating, csat_source: "rating_pad", complaint_id: complaintId })
    .where("id", "=", survey.id)
    .execute();
}

/** What the survey page shows: no personal data, only the visit it asks about. */
export interface PublicSurvey {
  readonly number: string;
  readonly branchNameZh: string;
  readonly branchNameEn: string;
  readonly serviceNameZh: string;
  readonly serviceNameEn: string;
  readonly servedAt: string | null;
  /** Already given on the counter's pad (then the page does not ask it again). */
  readonly csat: Rating | null;
  readonly csatFromPad: boolean;
  readonly answered: boolean;
}

async function surveyByToken(db: Kysely<Database>, token: string): Promise<SurveyTable> {
  if (token.length < 20 || token.length > 100) throw notFound("Survey", "(link)");
  const s = await db.selectFrom("surveys").selectAll().where("token_hash", "=", sha256(token)).executeTakeFirst();
  if (!s) throw notFound("Survey", "(link)");
  return s;
}

/** `GET /api/public/surveys/:token`. */
export async function publicSurvey(ctx: AppContext, token: string): Promise<PublicSurvey> {
  const db = ctx.store.db;
  const s = await surveyByToken(db, token);
  const row = await db
    .selectFrom("tickets")
    .innerJoin("branches", "branches.id", "tickets.branch_id")
    .innerJoin("services", "services.id", "tickets.service_id")
    .select([
      "tickets.number",
      "tickets.completed_at",
      "branches.name_zh as branch_zh",
      "branches.name_en as branch_en",
      "services.name_zh as service_zh",
      "services.name_en as service_en",
    ])
    .where("tickets.id", "=", s.ticket_id)
    .executeTakeFirstOrThrow();
  return {
    number: row.number,
    branchNameZh: row.branch_zh,
    branchNameEn: row.branch_en,
    serviceNameZh: row.service_zh,
    serviceNameEn: row.service_en,
    servedAt: row.completed_at === null ? null : new Date(Number(row.completed_at)).toISOString(),
    csat: s.csat,
    csatFromPad: s.csat_source === "rating_pad",
    answered: s.answered_at !== null,
  };
}

export interface SurveyAnswer {
  readonly csat?: Rating;
  readonly nps?: number;
  readonly comment?: string;
}

/**
 * `POST /api/public/surveys/:token`: the answers, once. 不满意 or NPS ≤ 6 opens a complaint (source "survey")
 * linked to the visit and the customer, unless the pad's 不满意 opened one already.
 */
export async function answerSurvey(
  ctx: AppContext,
  token: string,
  answer: SurveyAnswer,
): Promise<{ answered: true; complaintOpened: boolean }> {
  if (answer.csat === undefined && answer.nps === undefined && !answer.comment?.trim())
    throw invalid("Answer at least one question.", undefined, "请至少回答一个问题。");
  if (answer.nps !== undefined && (!Number.isInteger(answer.nps) || answer.nps < 0 || answer.nps > 10))
    throw invalid("NPS is a whole number from 0 to 10.", { nps: answer.nps }, "推荐度须为 0 到 10 的整数。");
  const now = ctx.clock();
  return ctx.store.write(async (tx) => {
    const s = await surveyByToken(tx, token);
    if (s.answered_at !== null) throw conflict("This survey has been answered.", undefined, "此问卷已提交过。");
    // The pad's answer stands: the page does not ask CSAT again when the pad gave it.
    const csat = s.csat_source === "rating_pad" ? s.csat : (answer.csat ?? null);
    const nps = answer.nps ?? null;
    const comment = answer.comment?.trim() || null;
    let complaintId = s.complaint_id;
    let opened = false;
    if (complaintId === null && asksForComplaint(csat, nps)) {
      const parts = [
        csat ? `CSAT: ${csat}` : "",
        nps !== null ? `NPS: ${nps}` : "",
        // The comment stays whole in the survey's own record; the complaint carries it with mobile and ID
        // numbers masked, as the customer's profile shows it (whoever handles the complaint reaches the
        // customer through the linked record, break-glass, not through a number copied into the description).
        comment ? `“${maskFreeText(comment)}”` : "",
      ].filter(Boolean);
      const complaint = await openComplaint(
        ctx,
        tx,
        {
          branchId: s.branch_id,
          ticketId: s.ticket_id,
          ...(s.customer_id ? { customerId: s.customer_id } : {}),
          category: "service_quality",
          severity: "simple",
          description: `满意度调查 / Survey — ${parts.join(" · ")}`,
          source: "survey",
          surveyId: s.id,
          createdBy: null,
        },
        now,
      );
      complaintId = complaint.id;
      opened = true;
    }
    const r = await tx
      .updateTable("surveys")
      .set({
        csat,
        csat_source: csat === null ? null : s.csat_source === "rating_pad" ? "rating_pad" : "survey",
        nps,
        comment,
        answered_at: now,
        complaint_id: complaintId,
      })
      .where("id", "=", s.id)
      .where("answered_at", "is", null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw conflict("This survey has been answered.", undefined, "此问卷已提交过。");
    return { answered: true, complaintOpened: opened };
  });
}
