import type { BranchId, ServiceId, TicketId } from "../../domain/ids.ts";
import { localDay } from "../../domain/local-day.ts";
import { availability, hasTimeRules, localMinuteOfDay } from "../../domain/opening/service-rules.ts";
import { CARE_CLASSES, type PriorityClass, type WaitingTicket } from "../../domain/ticket.ts";
import { findBranch, findServiceForIssue } from "../../store/branches.ts";
import { insertIssuedTicket, newTicketRow } from "../../store/issued-ticket.ts";
import type { AfterCommit, Tx } from "../../store/store.ts";
import { DailyCapReached, findTicketByIdempotencyKey, type Ticket, toWaitingTicket } from "../../store/tickets.ts";
import { requireBranchAccess, TRIAGE_ROLES } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { conflict, forbidden, invalid, notFound } from "../errors.ts";
import { auditEntry } from "../record.ts";
import { eventTicket, type TicketView, ticketView } from "../views.ts";
import { closedError } from "./service-availability.ts";
import { newcomerStanding, ticketStanding, waitEstimate } from "./standing.ts";

const KIOSK_CLASSES: ReadonlySet<PriorityClass> = new Set(["normal", ...CARE_CLASSES]);

export interface IssueTicketInput {
  readonly branchId: string;
  readonly serviceId: string;
  readonly priority?: PriorityClass;
  readonly appointmentAt?: number;
  readonly idempotencyKey?: string;
}

export interface IssuedTicket {
  readonly ticket: TicketView & { position: number };
  /** True when the idempotency key had already issued this ticket. */
  readonly replayed: boolean;
}

export interface IssueOptions {
  /** The chat bot takes the ticket for a customer (a remote ticket; the actor is the branch's chat "kiosk"). */
  readonly channel?: "chat";
}

/** A kiosk or the lobby manager takes a ticket for a business type; the answer says where it stands. */
export async function issueTicket(
  ctx: AppContext,
  actor: Actor,
  input: IssueTicketInput,
  options: IssueOptions = {},
): Promise<IssuedTicket> {
  requireBranchAccess(actor, input.branchId as BranchId, TRIAGE_ROLES, ["kiosk"]);
  // A kiosk is self-service: anyone may ask for care, but a VIP class or an appointment is staff's to grant.
  if (
    actor.type === "device" &&
    (input.appointmentAt !== undefined || !KIOSK_CLASSES.has(input.priority ?? "normal"))
  ) {
    throw forbidden(
      "A kiosk issues normal or care tickets; VIP and appointment tickets come from staff.",
      "取号机只能取普通号或关爱号；VIP 号和预约号须由员工发放。",
    );
  }
  // A string the schema takes for a date-time but Date cannot read ("…+08", a leap second "…:60Z") is NaN here.
  if (input.appointmentAt !== undefined && !Number.isFinite(input.appointmentAt))
    throw invalid(
      "appointmentAt is not a time this server can read; write it as 2026-11-23T09:30:00+08:00.",
      { field: "appointmentAt" },
      "appointmentAt 不是可识别的时间，请写成 2026-11-23T09:30:00+08:00 的形式。",
    );
  const now = ctx.clock();
  const prepared = await prepareIssue(ctx, input, now);
  const outcome = await ctx.store.write((tx, afterCommit) =>
    issueInTransaction(ctx, tx, afterCommit, actor, input, prepared, now, options.channel),
  );
  const { estimate } = prepared;
  if (outcome.replayed) return { ticket: await replayView(ctx, outcome.ticket, now), replayed: true };
  const wait = waitEstimate(estimate).estimatedWaitMinutes;
  return {
    ticket: { ...ticketView(outcome.ticket, null, { estimatedWaitMinutes: wait }), position: estimate.position },
    replayed: false,
  };
}

/** A ticket about to be issued: its row's values and where it will stand, worked out before the write. */
export interface PreparedIssue {
  readonly priority: PriorityClass;
  readonly candidate: WaitingTicket;
  readonly estimate: Awaited<ReturnType<typeof newcomerStanding>>;
}

/** The part of issuing done before the write (the estimate reads the in-memory line). */
export async function prepareIssue(ctx: AppContext, input: IssueTicketInput, now: number): Promise<PreparedIssue> {
  const priority = input.priority ?? (input.appointmentAt === undefined ? "normal" : "appointment");
  const candidate: WaitingTicket = {
    id: ctx.newId() as TicketId,
    branchId: input.branchId as BranchId,
    serviceId: input.serviceId as ServiceId,
    priority,
    issuedAt: now,
    queuedAt: now,
    appointmentAt: input.appointmentAt ?? null,
    targetCounterId: null,
  };
  // Estimated before the write, from the in-memory line: inside the single SQLite writer only writes remain.
  const estimate = await newcomerStanding(ctx.store.db, ctx.lines, candidate, now);
  return { priority, candidate, estimate };
}

/**
 * The write of issuing a ticket, inside a transaction the caller holds: an appointment's check-in issues its
 * ticket in the same transaction that marks the appointment checked in. Access is the caller's to check.
 */
export async function issueInTransaction(
  ctx: AppContext,
  tx: Tx,
  afterCommit: AfterCommit,
  actor: Actor,
  input: IssueTicketInput,
  prepared: PreparedIssue,
  now: number,
  channel?: "chat",
): Promise<{ replayed: boolean; ticket: Ticket }> {
  const { priority, candidate, estimate } = prepared;
  const service = await findServiceForIssue(tx, input.branchId, input.serviceId);
  if (!service) {
    if (!(await findBranch(tx, input.branchId))) throw notFound("Branch", input.branchId);
    throw notFound("Business type", input.serviceId);
  }
  const day = localDay(now, service.timezone);
  if (input.idempotencyKey !== undefined) {
    const earlier = await findRetried(tx, input.branchId, actor, input.idempotencyKey, now, service.timezone);
    if (earlier) {
      if (earlier.serviceId !== input.serviceId || earlier.priority !== priority) {
        throw conflict(
          "You already used this Idempotency-Key today for a different ticket request; use a new key.",
          undefined,
          "您今天已用此 Idempotency-Key 取过另一种号，请换用新的 Idempotency-Key。",
        );
      }
      return { replayed: true as const, ticket: earlier };
    }
  }
  if (!service.active)
    throw invalid(
      `Business type ${service.code} is not offered at the moment.`,
      undefined,
      `业务类型 ${service.code} 暂停办理。`,
    );
  // The hours are checked here; the daily cap on the queue's own row as it numbers the ticket (see below).
  if (hasTimeRules(service.rules)) {
    const open = availability(service.rules, localMinuteOfDay(now, service.timezone), 0);
    if (!open.open) throw closedError(service.code, open);
  }
  const ticket = newTicketRow({
    id: candidate.id,
    branchId: input.branchId,
    serviceId: input.serviceId,
    day,
    priority,
    channel: channel ?? (actor.type === "device" ? "kiosk" : "staff"),
    at: now,
    appointmentAt: candidate.appointmentAt,
    estimatedWaitMinutes: estimate.minutes,
    idempotencyKey: input.idempotencyKey === undefined ? null : storedKey(day, actor, input.idempotencyKey),
  });
  const entity = { type: "ticket", id: ticket.id, branchId: input.branchId };
  const issued = await insertIssuedTicket(
    tx,
    {
      ticket,
      prefix: service.prefix,
      dailyCap: service.rules.dailyCap,
      transition: {
        ticketId: ticket.id,
        branchId: input.branchId,
        action: "issue",
        from: null,
        to: "waiting",
        at: now,
        actorType: actor.type,
        actorId: actor.id,
      },
      audit:
        actor.type === "user"
          ? auditEntry(actor, now, "ticket.issue", entity, { serviceId: input.serviceId, priority })
          : undefined,
      event: (numbered) => ({
        type: "ticket.issued",
        at: new Date(now).toISOString(),
        branchId: input.branchId,
        ticket: eventTicket(numbered, null),
      }),
    },
    ctx.fanout.notice,
  ).catch((e: unknown) => {
    if (e instanceof DailyCapReached) throw closedError(service.code, { open: false, reason: "full", cap: e.cap });
    throw e;
  });
  afterCommit(() => ctx.bus.publish(issued.event));
  return { replayed: false as const, ticket: issued.ticket };
}

/**
 * How an Idempotency-Key is kept: per caller and per branch-local day. A key says "this request again", so it
 * is the caller's own (another kiosk using the same words gets its own ticket) and it is remembered for the
 * day it was used in (a kiosk whose keys start again each morning never gets yesterday's ticket back).
 */
function storedKey(day: string, actor: Actor, key: string): string {
  return `${day}/${actor.type}:${actor.id}/${key}`;
}

/** A retry that crosses the branch's midnight still finds its ticket, if the first try was this recent. */
const RETRY_ACROSS_MIDNIGHT_MS = 60 * 60_000;

/** The ticket an earlier try with this key issued: today's, or (a retry just after midnight) yesterday's. */
async function findRetried(
  tx: Tx,
  branchId: string,
  actor: Actor,
  key: string,
  now: number,
  timeZone: string,
): Promise<Ticket | undefined> {
  const today = localDay(now, timeZone);
  const found = await findTicketByIdempotencyKey(tx, branchId, storedKey(today, actor, key));
  if (found) return found;
  const recent = (t: Ticket | undefined) => (t && t.issuedAt >= now - RETRY_ACROSS_MIDNIGHT_MS ? t : undefined);
  const before = localDay(now - RETRY_ACROSS_MIDNIGHT_MS, timeZone);
  if (before !== today) {
    const late = recent(await findTicketByIdempotencyKey(tx, branchId, storedKey(before, actor, key)));
    if (late) return late;
  }
  // Stored as sent by a release before keys were scoped (a retry across the upgrade): the same recent window.
  return recent(await findTicketByIdempotencyKey(tx, branchId, key));
}

/** A replayed ticket reports where it stands now, not where it stood when first issued. */
async function replayView(ctx: AppContext, t: Ticket, now: number): Promise<TicketView & { position: number }> {
  if (t.status !== "waiting") return { ...ticketView(t, null), position: 0 };
  const standing = await ticketStanding(ctx.store.db, ctx.lines, toWaitingTicket(t), now);
  const wait = waitEstimate(standing).estimatedWaitMinutes;
  return { ...ticketView(t, null, { estimatedWaitMinutes: wait }), position: standing.position };
}
