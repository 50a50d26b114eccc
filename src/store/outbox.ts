/**
 * The outbox: every message Datang sends is a row written in the SAME transaction as the change that causes
 * it, and the job runner (app/messages/runner.ts) delivers it. A rolled-back change leaves no message; a
 * committed one always has its message, even if the process dies before sending.
 *
 * Used by other capabilities (booking, tickets):
 * - `enqueueMessage(tx, msg): Promise<{ id: string; created: boolean }>` inside `store.write`. `msg.now` is
 *   the use case's clock; `notBefore` delays it (reminders at 24 h and 2 h); `quietHours` (with the branch's
 *   time zone) moves it out of the quiet period (its `hours`, else the branch's own (`branchId`, admin page,
 *   migration 039), else 21:00–08:00). `dedupeKey` makes enqueueing idempotent:
 *   a second message with the same key is not created (`created: false`, the first one's id).
 * - `cancelMessages(tx, { relatedId, kinds?, now })`: cancels the related entity's messages not yet sent
 *   (an appointment's reminders when it is cancelled). A reschedule is `cancelMessages` then `enqueueMessage`
 *   for the new time, in the same transaction. Answers how many were cancelled.
 *
 * Statuses: pending → sending → sent; sending → failed (retried later) → … → dead after permanent refusals
 * or too many attempts; pending → undeliverable when the channel is not configured (it goes back to pending
 * once it is: never lost, or to cancelled with the reason when its cause is gone); pending → cancelled.
 * Quiet hours hold for every (re)scheduling of a message queued with them, not only the first (`QUIET_KEY`).
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { DEFAULT_QUIET_HOURS, nextAllowedTime, type QuietHours } from "../domain/messages/quiet-hours.ts";
import { claimDue } from "./leases.ts";
import type { OutboxTable } from "./schema.ts";
import type { Tx } from "./store.ts";

export const MESSAGE_STATUS = Object.freeze({
  pending: "pending",
  sending: "sending",
  sent: "sent",
  failed: "failed",
  dead: "dead",
  undeliverable: "undeliverable",
  cancelled: "cancelled",
} as const);
export type MessageStatus = (typeof MESSAGE_STATUS)[keyof typeof MESSAGE_STATUS];

export type MessageChannel = "sms" | "email";
export type MessageLang = "zh-CN" | "en";

export interface NewMessage {
  /** The template in the catalogue: "otp", "appointment.confirmed", "appointment.reminder", … */
  readonly kind: string;
  readonly channel: MessageChannel;
  /** E.164 phone for SMS, address for e-mail. */
  readonly recipient: string;
  readonly lang: MessageLang;
  /** The template's data; kept as JSON and rendered when sent. */
  readonly data: Readonly<Record<string, unknown>>;
  /** The use case's clock. */
  readonly now: number;
  /** Not sent before this moment (default: now). */
  readonly notBefore?: number;
  /** Moves the sending time out of quiet hours in this time zone (default hours 21:00–08:00). */
  readonly quietHours?: { readonly timeZone: string; readonly hours?: QuietHours };
  readonly dedupeKey?: string;
  readonly branchId?: string;
  readonly customerId?: string;
  readonly relatedType?: string;
  readonly relatedId?: string;
  /** Default: a random UUID. It is the e-mail's Message-ID and the SMS gateway's idempotency key. */
  readonly id?: string;
}

/**
 * Where a message's quiet-hours rule is kept: in its data, under a key no template reads. Every later
 * (re)scheduling of the message (a retry after a temporary failure, a revival once its channel is configured,
 * staff's resend, an SMS instead of a dead e-mail) applies the rule it was queued with, so a reminder that
 * failed at 20:50 or is revived at 23:00 waits for 08:00 branch time. Messages queued without a rule (one-time
 * codes, staff notices) stay immediate.
 */
const QUIET_KEY = "_quietHours";

export interface QuietRule {
  readonly timeZone: string;
  readonly hours: QuietHours;
}

/** The quiet-hours rule a message was queued with, if any. */
export function quietRuleOf(row: Pick<OutboxTable, "data">): QuietRule | undefined {
  let data: unknown;
  try {
    data = JSON.parse(row.data);
  } catch {
    return undefined;
  }
  const rule = (data as Record<string, unknown> | null)?.[QUIET_KEY] as Record<string, unknown> | undefined;
  if (!rule || typeof rule.timeZone !== "string") return undefined;
  const start = typeof rule.start === "string" ? rule.start : DEFAULT_QUIET_HOURS.start;
  const end = typeof rule.end === "string" ? rule.end : DEFAULT_QUIET_HOURS.end;
  return { timeZone: rule.timeZone, hours: { start, end } };
}

/** The earliest moment from `at` on at which the message may go out: `at`, or the end of its quiet hours. */
export function allowedSendTime(row: Pick<OutboxTable, "data">, at: number): number {
  const rule = quietRuleOf(row);
  return rule ? nextAllowedTime(at, rule.timeZone, rule.hours) : at;
}

/** The message's data without the bookkeeping kept beside the template's fields. */
export function templateDataOf(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { [QUIET_KEY]: _rule, ...rest } = data;
  return rest;
}

const HHMM = /^(?:[01][0-9]|2[0-3]):[0-5][0-9]$/;

/**
 * The quiet hours a branch set on the admin page (migration 039), or undefined (the defaults apply). A message
 * queued with quiet hours in a branch's time zone but no hours of its own obeys them.
 */
export async function branchQuietHours(tx: Tx, branchId: string): Promise<QuietHours | undefined> {
  const row = await tx
    .selectFrom("branch_message_settings")
    .select(["quiet_start", "quiet_end"])
    .where("branch_id", "=", branchId)
    .executeTakeFirst();
  return row && HHMM.test(row.quiet_start) && HHMM.test(row.quiet_end)
    ? { start: row.quiet_start, end: row.quiet_end }
    : undefined;
}

export async function enqueueMessage(tx: Tx, msg: NewMessage): Promise<{ id: string; created: boolean }> {
  const id = msg.id ?? randomUUID();
  let due = Math.max(msg.notBefore ?? msg.now, msg.now);
  const rule = msg.quietHours && {
    timeZone: msg.quietHours.timeZone,
    ...(msg.quietHours.hours ??
      (msg.branchId !== undefined ? await branchQuietHours(tx, msg.branchId) : undefined) ??
      DEFAULT_QUIET_HOURS),
  };
  if (rule) due = nextAllowedTime(due, rule.timeZone, rule);
  const row: OutboxTable = {
    id,
    kind: msg.kind,
    channel: msg.channel,
    recipient: msg.recipient,
    lang: msg.lang,
    data: JSON.stringify(rule ? { ...templateDataOf(msg.data), [QUIET_KEY]: rule } : msg.data),
    status: MESSAGE_STATUS.pending,
    attempts: 0,
    next_attempt_at: due,
    lease_owner: null,
    lease_until: null,
    last_error: null,
    dedupe_key: msg.dedupeKey ?? null,
    branch_id: msg.branchId ?? null,
    customer_id: msg.customerId ?? null,
    related_type: msg.relatedType ?? null,
    related_id: msg.relatedId ?? null,
    created_at: msg.now,
    updated_at: msg.now,
    sent_at: null,
  };
  if (msg.dedupeKey === undefined) {
    await tx.insertInto("outbox").values(row).execute();
    return { id, created: true };
  }
  // ON CONFLICT DO NOTHING: on PostgreSQL a concurrent insert of the same key waits for the other transaction
  // and then does nothing, instead of failing the whole write.
  const inserted = await tx
    .insertInto("outbox")
    .values(row)
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .returning("id")
    .executeTakeFirst();
  if (inserted) return { id, created: true };
  const existing = await tx
    .selectFrom("outbox")
    .select("id")
    .where("dedupe_key", "=", msg.dedupeKey)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

const UNSENT: readonly MessageStatus[] = ["pending", "failed", "undeliverable"];

/**
 * Cancels the messages of a related entity that have not gone out (pending, failed, undeliverable; one being
 * sent right now is not stopped). Their dedupe keys are released so the same message can be enqueued again.
 */
export async function cancelMessages(
  tx: Tx,
  options: { readonly relatedId: string; readonly kinds?: readonly string[]; readonly now: number },
): Promise<number> {
  let query = tx
    .updateTable("outbox")
    .set({ status: MESSAGE_STATUS.cancelled, dedupe_key: null, updated_at: options.now })
    .where("related_id", "=", options.relatedId)
    .where("status", "in", UNSENT);
  if (options.kinds?.length) query = query.where("kind", "in", options.kinds);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Cancels a customer's messages of these kinds by these channels that have not gone out (as `cancelMessages`),
 * the reason in `last_error` where admin's Messages page shows it. Answers how many.
 */
export async function cancelMessagesOf(
  tx: Tx,
  options: {
    readonly customerId: string;
    readonly kinds: readonly string[];
    readonly channels: readonly MessageChannel[];
    readonly now: number;
    readonly reason: string;
  },
): Promise<number> {
  if (options.kinds.length === 0 || options.channels.length === 0) return 0;
  const result = await tx
    .updateTable("outbox")
    .set({ status: MESSAGE_STATUS.cancelled, dedupe_key: null, last_error: options.reason, updated_at: options.now })
    .where("customer_id", "=", options.customerId)
    .where("kind", "in", options.kinds)
    .where("channel", "in", options.channels)
    .where("status", "in", UNSENT)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Claims due messages of the channels this runner can deliver (see leases.ts). */
export function claimMessages(
  tx: Tx,
  options: { owner: string; now: number; leaseMs: number; limit: number; channels: readonly MessageChannel[] },
): Promise<OutboxTable[]> {
  if (!options.channels.length) return Promise.resolve([]);
  return claimDue<OutboxTable>(tx, "outbox", {
    ...options,
    where: sql`channel IN (${sql.join(options.channels.map((c) => sql`${c}`))})`,
  });
}

/**
 * A claimed message whose quiet hours have begun since it fell due (the runner was behind or down, or took
 * over the lease of one that died) is not sent now: it goes back to `pending` until they end, and its claim
 * does not count as an attempt. Only while the claim is still the caller's.
 */
export async function postponeClaimed(tx: Tx, id: string, owner: string, until: number, now: number): Promise<boolean> {
  const r = await tx
    .updateTable("outbox")
    .set({
      status: MESSAGE_STATUS.pending,
      next_attempt_at: until,
      attempts: sql<number>`attempts - 1`,
      lease_owner: null,
      lease_until: null,
      updated_at: now,
    })
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .where("status", "=", MESSAGE_STATUS.sending)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Why a message about to be revived must not go out any more (its appointment is past or cancelled). */
export type ObsoleteCheck = (tx: Tx, row: OutboxTable, now: number) => Promise<string | undefined>;

/**
 * Due messages whose channel is not configured become `undeliverable` (shown in admin, kept); undeliverable
 * ones of channels that are configured now go back to `pending`, at the first moment their quiet hours allow
 * (not "now": a reminder revived at 23:00 waits for 08:00). A message `obsolete` names a reason for (a reminder
 * of an appointment already past or cancelled) is not revived but `cancelled`, the reason in `last_error`,
 * where admin's Messages page shows it. Answers how many rows moved each way.
 */
export async function sortByChannel(
  tx: Tx,
  configured: readonly MessageChannel[],
  now: number,
  obsolete?: ObsoleteCheck,
): Promise<{ parked: number; revived: number; obsolete: number }> {
  const all: readonly MessageChannel[] = ["sms", "email"];
  const missing = all.filter((c) => !configured.includes(c));
  let parked = 0;
  let revived = 0;
  let cancelled = 0;
  if (missing.length) {
    const r = await tx
      .updateTable("outbox")
      .set({ status: MESSAGE_STATUS.undeliverable, last_error: "channel not configured", updated_at: now })
      .where("status", "in", ["pending", "failed"])
      .where("next_attempt_at", "<=", now)
      .where("channel", "in", missing)
      .executeTakeFirst();
    parked = Number(r.numUpdatedRows);
  }
  if (configured.length) {
    const waiting = await tx
      .selectFrom("outbox")
      .selectAll()
      .where("status", "=", MESSAGE_STATUS.undeliverable)
      .where("channel", "in", configured)
      .execute();
    for (const row of waiting) {
      const reason = obsolete ? await obsoleteReason(obsolete, tx, row, now) : undefined;
      // Conditional on the status: another instance reviving the same row at once changes it only once.
      const r = await tx
        .updateTable("outbox")
        .set(
          reason === undefined
            ? { status: MESSAGE_STATUS.pending, next_attempt_at: allowedSendTime(row, now), updated_at: now }
            : { status: MESSAGE_STATUS.cancelled, dedupe_key: null, last_error: reason, updated_at: now },
        )
        .where("id", "=", row.id)
        .where("status", "=", MESSAGE_STATUS.undeliverable)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) continue;
      if (reason === undefined) revived++;
      else cancelled++;
    }
  }
  return { parked, revived, obsolete: cancelled };
}

async function obsoleteReason(check: ObsoleteCheck, tx: Tx, row: OutboxTable, now: number) {
  const reason = await check(tx, row, now);
  return reason === undefined ? undefined : reason.slice(0, 1000);
}

/**
 * Staff's "resend": a dead, failed, undeliverable or sent message goes out again as soon as possible, and
 * no sooner than its quiet hours allow.
 */
export async function requeueMessage(tx: Tx, id: string, now: number): Promise<boolean> {
  const row = await tx.selectFrom("outbox").select("data").where("id", "=", id).executeTakeFirst();
  if (!row) return false;
  const r = await tx
    .updateTable("outbox")
    .set({ status: MESSAGE_STATUS.pending, next_attempt_at: allowedSendTime(row, now), updated_at: now, attempts: 0 })
    .where("id", "=", id)
    .where("status", "in", ["dead", "failed", "undeliverable", "sent"])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
