/**
 * The customer's own complaint, filed online (issue 14):
 *
 *   fileOnlineComplaint(ctx, { branchId, category, description, phone, otp, ticketNumber?, visitDate?, lang? }, ip)
 *     → { reference, status: "open", dueAt, visitLinked, statusPath }
 *   complaintStatus(ctx, token) → what the complainant's link shows: reference, category, dates, the reply once
 *     closed, and whether it may be reopened
 *
 * The phone is proven by the one-time code of POST /api/public/otp (checked, then consumed in the complaint's
 * transaction, as a booking does); the complainant becomes (or is) a customer record, which is how the reply
 * reaches them. The complaint gets the statutory clock of a simple case, like one recorded by staff, and is
 * linked to the visit when the ticket number and day name one of the branch's tickets. Filing is limited like
 * the codes: 3 complaints a day per phone and 10 an hour per address (429 `rate_limited`); each complaint also
 * needs a fresh code, which is itself limited per phone and address.
 */
import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Severity } from "../../domain/complaints/clock.ts";
import { isPostgres } from "../../store/sql.ts";
import type { AppContext } from "../context.ts";
import { findOrCreateCustomer } from "../customers/identify.ts";
import { checkOtp, verifyOtp } from "../customers/otp.ts";
import { AppError, invalid, notFound } from "../errors.ts";
import {
  complainantNames,
  complaintSummary,
  FURTHER_OPTIONS,
  newToken,
  openComplaint,
  referenceOf,
} from "./complaints.ts";

export const ONLINE_COMPLAINT_LIMITS = Object.freeze({ perPhonePerDay: 3, perAddressPerHour: 10 });
/** Categories a customer may choose (the desk's list). */
export const ONLINE_CATEGORIES = [
  "service_attitude",
  "wait_time",
  "service_quality",
  "fees",
  "product",
  "other",
] as const;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export interface OnlineComplaintInput {
  readonly branchId: string;
  readonly category: string;
  readonly description: string;
  readonly phone: string;
  readonly otp: string;
  readonly ticketNumber?: string;
  /** The visit's day, YYYY-MM-DD (branch-local). */
  readonly visitDate?: string;
  readonly lang?: "zh-CN" | "en";
}

function limited(retryAfterMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError(
    429,
    "rate_limited",
    `Too many complaints filed; try again in ${seconds} s, or call the branch.`,
    { retryAfterSeconds: seconds },
    `投诉提交过于频繁，请 ${seconds} 秒后再试，或致电网点。`,
  );
}

export async function fileOnlineComplaint(
  ctx: AppContext,
  input: OnlineComplaintInput,
  ip: string,
): Promise<{ reference: string; status: "open"; dueAt: string; visitLinked: boolean; statusPath: string }> {
  const description = input.description.trim();
  if (!description) throw invalid("Describe the complaint.", { field: "description" }, "请填写投诉内容。");
  if (!(ONLINE_CATEGORIES as readonly string[]).includes(input.category))
    throw invalid("Choose a category.", { field: "category" }, "请选择投诉类别。");
  if ((input.ticketNumber === undefined) !== (input.visitDate === undefined))
    throw invalid(
      "Give both the ticket number and the day of the visit, or neither.",
      { field: input.ticketNumber === undefined ? "ticketNumber" : "visitDate" },
      "号票号码与办理日期须同时填写或都不填。",
    );
  const branch = await ctx.store.db
    .selectFrom("branches")
    .select(["id"])
    .where("id", "=", input.branchId)
    .executeTakeFirst();
  if (!branch) throw notFound("Branch", input.branchId);
  // A wrong code counts a try and is refused here, in its own transaction (see otp.ts).
  await checkOtp(ctx, { phone: input.phone, code: input.otp });
  const ipHash = sha256(`complaint-ip:${ip}`);
  const token = newToken();
  const now = ctx.clock();
  const result = await ctx.store.write(async (tx) => {
    if (isPostgres(tx)) await sql`SELECT pg_advisory_xact_lock(hashtext(${`complaint:${ipHash}`}))`.execute(tx);
    const customer = await findOrCreateCustomer(tx, ctx, {
      phone: input.phone,
      ...(input.lang ? { lang: input.lang } : {}),
    });
    const dayAgo = now - 86_400_000;
    const byPhone = await tx
      .selectFrom("complaints")
      .select("created_at")
      .where("customer_id", "=", customer.id)
      .where("source", "=", "online")
      .where("created_at", ">", dayAgo)
      .orderBy("created_at")
      .execute();
    if (byPhone.length >= ONLINE_COMPLAINT_LIMITS.perPhonePerDay)
      throw limited(Number(byPhone[0]?.created_at ?? now) + 86_400_000 - now);
    const byAddress = await tx
      .selectFrom("complaints")
      .select("created_at")
      .where("ip_hash", "=", ipHash)
      .where("created_at", ">", now - 3_600_000)
      .orderBy("created_at")
      .execute();
    if (byAddress.length >= ONLINE_COMPLAINT_LIMITS.perAddressPerHour)
      throw limited(Number(byAddress[0]?.created_at ?? now) + 3_600_000 - now);
    await verifyOtp(tx, ctx, { phone: input.phone, code: input.otp });
    let ticketId: string | undefined;
    let visitNote = "";
    if (input.ticketNumber !== undefined && input.visitDate !== undefined) {
      const number = input.ticketNumber.trim().toUpperCase();
      const visit = await tx
        .selectFrom("tickets")
        .select("id")
        .where("branch_id", "=", input.branchId)
        .where("day", "=", input.visitDate)
        .where("number", "=", number)
        .executeTakeFirst();
      if (visit) ticketId = visit.id;
      // Kept in the text either way, so the desk can look for it when it names no ticket.
      visitNote = `\n（号票 Ticket ${number}，${input.visitDate}${visit ? "" : "，未找到 not found"}）`;
    }
    const severity: Severity = "simple";
    const row = await openComplaint(
      ctx,
      tx,
      {
        branchId: input.branchId,
        ...(ticketId ? { ticketId } : {}),
        customerId: customer.id,
        category: input.category,
        severity,
        description: `${description}${visitNote}`,
        source: "online",
        createdBy: null,
      },
      now,
    );
    await tx
      .updateTable("complaints")
      .set({ status_token_hash: sha256(token), ip_hash: ipHash })
      .where("id", "=", row.id)
      .execute();
    return { row, visitLinked: ticketId !== undefined };
  });
  return {
    reference: referenceOf(result.row.id),
    status: "open",
    dueAt: new Date(Number(result.row.due_at)).toISOString(),
    visitLinked: result.visitLinked,
    statusPath: `/complaint/${token}`,
  };
}

export interface PublicComplaintStatus {
  readonly reference: string;
  readonly category: string;
  readonly status: "open" | "closed";
  readonly receivedAt: string;
  readonly dueAt: string;
  readonly extended: boolean;
  readonly closedAt: string | null;
  /** The bank's reply and the complainant's further options, once closed. */
  readonly reply: string | null;
  readonly furtherOptions: { zh: string; en: string } | null;
  readonly mayReopen: boolean;
  readonly reopenCount: number;
}

/**
 * `GET /api/public/complaints/:token`: the complaint a link names, either the link given when it was filed
 * online or the one sent with the reply. No personal data: not the description, not the phone.
 */
export async function complaintStatus(ctx: AppContext, token: string): Promise<PublicComplaintStatus> {
  const hash = sha256(token);
  const c = await ctx.store.db
    .selectFrom("complaints")
    .selectAll()
    .where((eb) => eb.or([eb("status_token_hash", "=", hash), eb("reopen_token_hash", "=", hash)]))
    .executeTakeFirst();
  if (!c) throw notFound("Complaint", "(link)");
  // A public page: the reply's numbers and the complainant's names masked (complaintSummary masks for no viewer).
  const s = complaintSummary(c, ctx.clock(), "UTC", undefined, (await complainantNames(ctx.store.db, [c])).get(c.id));
  return {
    reference: s.reference,
    category: s.category,
    status: s.status,
    receivedAt: s.receivedAt,
    dueAt: s.dueAt,
    extended: s.extended,
    closedAt: s.closedAt,
    reply: s.status === "closed" ? s.reply : null,
    furtherOptions: s.status === "closed" ? FURTHER_OPTIONS : null,
    mayReopen: s.status === "closed",
    reopenCount: s.reopenCount,
  };
}
