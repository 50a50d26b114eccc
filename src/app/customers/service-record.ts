/**
 * The teller's service record and the service report (issue 14).
 *
 *   setServiceRecord(ctx, staff, ticketId, { needs, products, outcome }) → the record (teller, lobby manager,
 *     branch manager, admin of the branch; while the ticket is called, serving or parked, or done without a
 *     report yet); audited.
 *   generateServiceReports(ctx) → how many reports it made: for each finished ticket ("done") that has a
 *     service record or a customer and no report, a bilingual PDF (CJK font) with the branch, ticket,
 *     business, teller, times, needs, products and outcome, and a footer with the SHA-256 of those content
 *     lines. The free text in it is masked as for staff without need (phone and ID numbers, the customer's names):
 *     the PDF leaves the bank and is kept, and its hash is of what it says. Stored; sent through the outbox (e-mail with the PDF attached, or an SMS with a short link to it)
 *     when the customer's current consent for "service" messages is granted, in the customer's language. Run by
 *     the job runner each round, so completion itself never waits for a PDF.
 *   publicServiceReport(ctx, token) → the PDF behind an SMS's short link `/api/public/reports/<token>` (128 random
 *     bits, only its SHA-256 stored; no personal data in the URL; valid REPORT_LINK_DAYS days): 404 for a token
 *     that names no report, 410 once it expired or the report's PDF was erased (retention, erasure).
 *   serviceReport(ctx, staff, ticketId) → the stored PDF and its hash (staff of the branch).
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { DateTime } from "luxon";
import type { BranchId } from "../../domain/ids.ts";
import { restoreMasked } from "../../domain/personal-data/mask.ts";
import { maskCustomerPhone, maskName } from "../../domain/personal-data/mask-customer.ts";
import { customerIdOfTicket } from "../../store/customer-records.ts";
import { enqueueMessage } from "../../store/outbox.ts";
import { findTicket, type Ticket } from "../../store/tickets.ts";
import { BRANCH_READERS, requireBranchAccess } from "../access.ts";
import type { Actor, Role } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { AppError, conflict, notFound } from "../errors.ts";
import { loadPdfKit } from "../lazy-modules.ts";
import { asTyped, type FreeText, maskedFor, ticketNames } from "../personal-data/free-text.ts";
import { audit } from "../record.ts";
import { servesIt, viewerIdOf } from "../views.ts";
import { currentConsent } from "./identify.ts";

/** How long the short link of a report sent by SMS opens it. */
export const REPORT_LINK_DAYS = 30;
export const RECORD_ROLES: readonly Role[] = ["admin", "branch_manager", "lobby_manager", "teller"];
/** DATANG_CJK_FONT overrides; the default is Debian's fonts-wqy-microhei. */
export const CJK_FONT = process.env.DATANG_CJK_FONT || "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

export interface ServiceRecord {
  readonly ticketId: string;
  readonly needs: string;
  readonly products: string[];
  readonly outcome: string;
  readonly updatedAt: string | null;
  readonly reportId: string | null;
  readonly reportSha256: string | null;
}

/**
 * How `actor` reads a ticket's service record: as typed when serving the ticket, else with numbers and the
 * customer's names masked.
 */
async function recordText(ctx: AppContext, actor: Actor, ticket: Ticket): Promise<FreeText> {
  if (servesIt(ticket, viewerIdOf(actor))) return asTyped;
  return maskedFor((await ticketNames(ctx.store.db, [ticket.id])).get(ticket.id));
}

async function recordOf(ctx: AppContext, ticketId: string, text: FreeText): Promise<ServiceRecord> {
  const [row, report] = await Promise.all([
    ctx.store.db.selectFrom("service_records").selectAll().where("ticket_id", "=", ticketId).executeTakeFirst(),
    ctx.store.db
      .selectFrom("service_reports")
      .select(["id", "sha256"])
      .where("ticket_id", "=", ticketId)
      .executeTakeFirst(),
  ]);
  return {
    ticketId,
    needs: text(row?.needs ?? ""),
    products: row ? (JSON.parse(row.products) as string[]).map((p) => text(p)) : [],
    outcome: text(row?.outcome ?? ""),
    updatedAt: row ? new Date(row.updated_at).toISOString() : null,
    reportId: report?.id ?? null,
    reportSha256: report?.sha256 ?? null,
  };
}

export async function getServiceRecord(ctx: AppContext, actor: Actor, ticketId: string): Promise<ServiceRecord> {
  const ticket = await findTicket(ctx.store.db, ticketId);
  if (!ticket) throw notFound("Ticket", ticketId);
  requireBranchAccess(actor, ticket.branchId as BranchId, BRANCH_READERS);
  return recordOf(ctx, ticketId, await recordText(ctx, actor, ticket));
}

export async function setServiceRecord(
  ctx: AppContext,
  actor: Actor,
  ticketId: string,
  input: { needs: string; products: string[]; outcome: string },
): Promise<ServiceRecord> {
  const ticket = await findTicket(ctx.store.db, ticketId);
  if (!ticket) throw notFound("Ticket", ticketId);
  requireBranchAccess(actor, ticket.branchId as BranchId, RECORD_ROLES);
  // Shown masked to all but the serving teller: what is still masked in an edit is the stored text, kept.
  const serving = servesIt(ticket, viewerIdOf(actor));
  const names = serving ? [] : ((await ticketNames(ctx.store.db, [ticketId])).get(ticketId) ?? []);
  const text = serving ? asTyped : maskedFor(names);
  await ctx.store.write(async (tx) => {
    if (!["called", "serving", "parked", "done"].includes(ticket.status))
      throw conflict(
        "Only a ticket being served has a service record.",
        { status: ticket.status },
        "只有正在办理的号票才能填写服务记录。",
      );
    const report = await tx
      .selectFrom("service_reports")
      .select("id")
      .where("ticket_id", "=", ticketId)
      .executeTakeFirst();
    if (report)
      throw conflict(
        "The service report was already issued.",
        { reason: "report_issued" },
        "服务报告已生成，记录不可再改。",
      );
    const now = ctx.clock();
    const stored = serving
      ? undefined
      : await tx
          .selectFrom("service_records")
          .select(["needs", "products", "outcome"])
          .where("ticket_id", "=", ticketId)
          .executeTakeFirst();
    const keep = (edited: string, old: string | undefined) =>
      old === undefined ? edited : restoreMasked(edited, old, names);
    const oldProducts = stored ? (JSON.parse(stored.products) as string[]) : [];
    const values = {
      needs: keep(input.needs.trim(), stored?.needs),
      products: JSON.stringify(
        input.products.map((p) => keep(p.trim(), stored ? oldProducts.join("\n") : undefined)).filter(Boolean),
      ),
      outcome: keep(input.outcome.trim(), stored?.outcome),
      updated_by: actor.id,
      updated_at: now,
    };
    await tx
      .insertInto("service_records")
      .values({ ticket_id: ticketId, branch_id: ticket.branchId, ...values })
      .onConflict((oc) => oc.column("ticket_id").doUpdateSet(values))
      .execute();
    await audit(tx, actor, now, "ticket.service_record", { type: "ticket", id: ticketId, branchId: ticket.branchId });
  });
  return recordOf(ctx, ticketId, text);
}

/** The report's content lines (what the hash covers), in the branch's time zone. */
export function reportLines(r: {
  branch: { code: string; nameZh: string; nameEn: string; timezone: string };
  number: string;
  service: { nameZh: string; nameEn: string };
  teller: string;
  issuedAt: number;
  startedAt: number | null;
  completedAt: number | null;
  customer: string;
  needs: string;
  products: string[];
  outcome: string;
}): string[] {
  const t = (ms: number | null) =>
    ms === null ? "-" : DateTime.fromMillis(ms, { zone: r.branch.timezone }).toFormat("yyyy-MM-dd HH:mm:ss");
  return [
    `网点 Branch: ${r.branch.nameZh} ${r.branch.nameEn} (${r.branch.code})`,
    `号票 Ticket: ${r.number}`,
    `业务 Business: ${r.service.nameZh} / ${r.service.nameEn}`,
    `柜员 Teller: ${r.teller}`,
    `取号 Issued: ${t(r.issuedAt)} (${r.branch.timezone})`,
    `开始 Started: ${t(r.startedAt)}`,
    `完成 Completed: ${t(r.completedAt)}`,
    `客户 Customer: ${r.customer}`,
    `需求 Needs: ${r.needs || "-"}`,
    `产品 Products: ${r.products.join(", ") || "-"}`,
    `结果 Outcome: ${r.outcome || "-"}`,
  ];
}

export const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** A PDF of the lines with the hash in its footer. Deterministic: fixed creation date, no random ids. */
export async function renderReportPdf(lines: readonly string[], hash: string, createdAt: number): Promise<Buffer> {
  const PDFDocument = await loadPdfKit();
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: "A4",
      margin: 56,
      info: {
        Title: "Service report 服务报告",
        Producer: "Datang",
        Creator: "Datang",
        CreationDate: new Date(createdAt),
      },
    });
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    if (existsSync(CJK_FONT)) {
      doc.registerFont("cjk", CJK_FONT, "WenQuanYiMicroHei");
      doc.font("cjk");
    }
    doc.fontSize(18).text("服务报告 Service report");
    doc.moveDown(0.8);
    doc.fontSize(11);
    for (const line of lines) doc.text(line, { width: 480 });
    doc.moveDown(2);
    doc.fontSize(8).text(`SHA-256: ${hash}`);
    doc.end();
  });
}

/** Finished tickets with a record or a customer and no report yet, oldest first. */
async function ticketsWanting(ctx: AppContext, limit: number): Promise<string[]> {
  const since = ctx.clock() - 7 * 86_400_000;
  const db = ctx.store.db;
  const rows = await db
    .selectFrom("tickets")
    .leftJoin("service_reports", "service_reports.ticket_id", "tickets.id")
    .select("tickets.id")
    .where("tickets.status", "=", "done")
    .where("tickets.completed_at", ">=", since)
    .where("service_reports.id", "is", null)
    .where((eb) =>
      eb.or([
        eb.exists(
          eb.selectFrom("service_records").select("ticket_id").whereRef("service_records.ticket_id", "=", "tickets.id"),
        ),
        eb.exists(
          eb
            .selectFrom("ticket_customers")
            .select("ticket_id")
            .whereRef("ticket_customers.ticket_id", "=", "tickets.id"),
        ),
        eb.exists(
          eb
            .selectFrom("appointments")
            .select("id")
            .whereRef("appointments.ticket_id", "=", "tickets.id")
            .where("appointments.customer_id", "is not", null),
        ),
      ]),
    )
    .orderBy("tickets.completed_at")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export async function generateServiceReports(ctx: AppContext, limit = 20): Promise<number> {
  let made = 0;
  for (const ticketId of await ticketsWanting(ctx, limit)) if (await generateServiceReport(ctx, ticketId)) made++;
  return made;
}

export async function generateServiceReport(ctx: AppContext, ticketId: string): Promise<boolean> {
  const db = ctx.store.db;
  const t = await db.selectFrom("tickets").selectAll().where("id", "=", ticketId).executeTakeFirst();
  if (!t || t.status !== "done") return false;
  const [branch, service, teller, record, customerId] = await Promise.all([
    db.selectFrom("branches").selectAll().where("id", "=", t.branch_id).executeTakeFirstOrThrow(),
    db.selectFrom("services").selectAll().where("id", "=", t.service_id).executeTakeFirstOrThrow(),
    t.served_by
      ? db.selectFrom("users").select(["display_name", "staff_no"]).where("id", "=", t.served_by).executeTakeFirst()
      : undefined,
    db.selectFrom("service_records").selectAll().where("ticket_id", "=", ticketId).executeTakeFirst(),
    customerIdOfTicket(db, ticketId),
  ]);
  const customer = customerId
    ? await db.selectFrom("customers").selectAll().where("id", "=", customerId).executeTakeFirst()
    : undefined;
  // The report leaves the bank (a link by SMS, an e-mail attachment) and is kept: its free text carries no full
  // phone or ID number (the customer's own or anyone else's, such as a payee's) and the customer's names as the
  // header shows them (王*明), masked once here so that the stored PDF and its hash are of the masked text.
  const text = maskedFor((await ticketNames(db, [ticketId])).get(ticketId));
  const lines = reportLines({
    branch: { code: branch.code, nameZh: branch.name_zh, nameEn: branch.name_en, timezone: branch.timezone },
    number: t.number,
    service: { nameZh: service.name_zh, nameEn: service.name_en },
    teller: teller ? `${teller.display_name} (${teller.staff_no})` : "-",
    issuedAt: t.issued_at,
    startedAt: t.started_at,
    completedAt: t.completed_at,
    customer:
      customer && !customer.anonymised_at
        ? `${maskName(customer.name)} ${maskCustomerPhone(customer.phone_e164)}`
        : "-",
    needs: text(record?.needs ?? ""),
    products: record ? (JSON.parse(record.products) as string[]).map((p) => text(p)) : [],
    outcome: text(record?.outcome || t.outcome || ""),
  });
  const hash = sha256Hex(lines.join("\n"));
  const now = ctx.clock();
  const pdf = await renderReportPdf(lines, hash, t.completed_at ?? now);
  // An SMS cannot carry the PDF: it carries a short link to it, made with the report (an e-mail attaches it).
  const byEmail = customer?.preferred_channel === "email" && customer.email !== null;
  const linkToken = randomBytes(16).toString("base64url");
  const linkExpiresAt = now + REPORT_LINK_DAYS * 86_400_000;
  return ctx.store.write(async (tx) => {
    const id = ctx.newId();
    const inserted = await tx
      .insertInto("service_reports")
      .values({
        id,
        ticket_id: ticketId,
        customer_id: customerId,
        branch_id: t.branch_id,
        sha256: hash,
        pdf: pdf.toString("base64"),
        sent_message_id: null,
        created_at: now,
        link_token_hash: byEmail ? null : sha256Hex(linkToken),
        link_expires_at: byEmail ? null : linkExpiresAt,
      })
      .onConflict((oc) => oc.column("ticket_id").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) return false; // another runner made it meanwhile
    if (
      customer &&
      !customer.anonymised_at &&
      (await currentConsent(tx, customer.id, "service", byEmail ? "email" : "sms")) === true
    ) {
      const lang = customer.lang === "en" ? "en" : "zh-CN";
      const message = await enqueueMessage(tx, {
        kind: "service.report",
        channel: byEmail ? "email" : "sms",
        recipient: byEmail ? (customer.email as string) : customer.phone_e164,
        lang,
        // Rendered in the customer's language by the catalogue's `service.report` (app/messages/catalogue).
        data: {
          number: t.number,
          branch: { zh: branch.name_zh, en: branch.name_en },
          service: { zh: service.name_zh, en: service.name_en },
          sha256: hash,
          timeZone: branch.timezone,
          ...(byEmail
            ? { pdf: { filename: `service-report-${t.number}.pdf`, base64: pdf.toString("base64") } }
            : { reportPath: `/api/public/reports/${linkToken}`, expiresAt: new Date(linkExpiresAt).toISOString() }),
        },
        now,
        quietHours: { timeZone: branch.timezone },
        dedupeKey: `service.report:${ticketId}`,
        branchId: t.branch_id,
        customerId: customer.id,
        relatedType: "service_report",
        relatedId: id,
      });
      await tx.updateTable("service_reports").set({ sent_message_id: message.id }).where("id", "=", id).execute();
    }
    return true;
  });
}

/** `GET /api/public/reports/:token`: the report behind an SMS's short link (see the module's comment). */
export async function publicServiceReport(
  ctx: AppContext,
  token: string,
): Promise<{ pdf: Buffer; sha256: string; number: string }> {
  const row = await ctx.store.db
    .selectFrom("service_reports")
    .innerJoin("tickets", "tickets.id", "service_reports.ticket_id")
    .select(["service_reports.pdf", "service_reports.sha256", "service_reports.link_expires_at", "tickets.number"])
    .where("service_reports.link_token_hash", "=", sha256Hex(token))
    .executeTakeFirst();
  if (!row)
    throw new AppError(
      404,
      "not_found",
      "This link does not lead to a service report. Check the link in your SMS.",
      { reason: "unknown_link" },
      "该链接没有对应的业务办理报告，请核对短信中的链接。",
    );
  if (row.link_expires_at == null || ctx.clock() > Number(row.link_expires_at))
    throw new AppError(
      410,
      "link_expired",
      `This link has expired (links work for ${REPORT_LINK_DAYS} days). Ask the branch for your service report.`,
      { reason: "expired", days: REPORT_LINK_DAYS },
      `该链接已过期（有效期 ${REPORT_LINK_DAYS} 天），请到网点索取业务办理报告。`,
    );
  if (row.pdf === "")
    throw new AppError(
      410,
      "report_removed",
      "This service report is no longer kept. Ask the branch.",
      { reason: "removed" },
      "该业务办理报告已不再保存，请咨询网点。",
    );
  return { pdf: Buffer.from(row.pdf, "base64"), sha256: row.sha256, number: row.number };
}

export async function serviceReport(
  ctx: AppContext,
  actor: Actor,
  ticketId: string,
): Promise<{ pdf: Buffer; sha256: string; number: string }> {
  const ticket = await findTicket(ctx.store.db, ticketId);
  if (!ticket) throw notFound("Ticket", ticketId);
  requireBranchAccess(actor, ticket.branchId as BranchId, BRANCH_READERS);
  const row = await ctx.store.db
    .selectFrom("service_reports")
    .selectAll()
    .where("ticket_id", "=", ticketId)
    .executeTakeFirst();
  if (!row) throw notFound("Service report", ticketId);
  return { pdf: Buffer.from(row.pdf, "base64"), sha256: row.sha256, number: ticket.number };
}
