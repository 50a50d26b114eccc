/**
 * The one job runner: delivers the outbox (e-mail, SMS) and webhook deliveries, and turns branch events into
 * webhook deliveries. Started by `datang serve`, one per instance; any number of instances share the work.
 *
 * Guarantees (see store/leases.ts for the mechanism):
 * - A committed message is delivered even if the process dies between commit and send: it is a row, and a
 *   runner (this one after a restart, or another instance) claims it.
 * - At most one runner holds a message at a time: claims are leases (`FOR UPDATE SKIP LOCKED` on PostgreSQL).
 * - Delivery is at-least-once, not exactly-once: a crash after the SMTP server or gateway accepted a message
 *   and before "sent" was recorded sends it again once the lease expires. Every attempt carries the same id
 *   (the e-mail's Message-ID, the SMS `idempotency-key` header, the `webhook-id`), so receivers can drop the
 *   repeat. Without a crash a message is sent once.
 * - Temporary failures retry with exponential backoff (30 s … 1 h); a permanent refusal, or MAX_ATTEMPTS
 *   failures, makes it `dead` (kept, shown in admin, resendable).
 */
import { randomUUID } from "node:crypto";
import { createEvent, type EventAttributes } from "ics";
import { type AttemptResult, backoffMs, recordAttempt } from "../../store/leases.ts";
import {
  allowedSendTime,
  claimMessages,
  enqueueMessage,
  type MessageChannel,
  postponeClaimed,
  quietRuleOf,
  sortByChannel,
  templateDataOf,
} from "../../store/outbox.ts";
import type { OutboxTable, WebhookDeliveryTable } from "../../store/schema.ts";
import type { Tx } from "../../store/store.ts";
import { claimDeliveries } from "../../store/webhooks.ts";
import { obsoleteAppointmentMessage } from "../appointments/messages.ts";
import { sweepComplaintClocks } from "../complaints/complaints.ts";
import type { AppContext } from "../context.ts";
import { runCustomerJobs } from "../customers/jobs.ts";
import { sweepReviewAlarms } from "../reviews/alarms.ts";
import { sendWebhook } from "../webhooks/deliver.ts";
import { deriveFromBranchEvents } from "../webhooks/from-events.ts";
import type { Attachment, Channel, DeliveryOutcome } from "./channels/channel.ts";
import { smsHttpChannel } from "./channels/sms-http.ts";
import { smtpChannel } from "./channels/smtp.ts";
import type { MessagingConfig } from "./config.ts";
import { renderMessage } from "./render.ts";

export const MAX_ATTEMPTS = 10;

export interface RunnerOptions {
  readonly config: MessagingConfig;
  /** How often the runner looks for work (default 1 s). */
  readonly intervalMs?: number;
  /** How long a claim lasts before another runner may take the message over (default 2 min). */
  readonly leaseMs?: number;
  /** Messages claimed per round (default 20). */
  readonly batch?: number;
  /** Channels to use instead of those built from `config` (tests). */
  readonly channels?: readonly Channel[];
  readonly onError?: (error: unknown) => void;
  /** Scheduled jobs run by the same loop (appointments becoming no-shows, waitlist offers lapsing, …). */
  readonly jobs?: readonly ScheduledJob[];
}

/**
 * A job the runner runs every `everyMs` (at the first round after that much time passed). Every instance
 * runs its own; jobs must therefore be safe to run on several instances at once (conditional updates), or take the
 * job's lease (store/leases.ts, `takeJobLease`) to run on one instance at a time.
 */
export interface ScheduledJob {
  readonly name: string;
  readonly everyMs: number;
  run(ctx: AppContext): Promise<unknown>;
}

export class JobRunner {
  readonly owner = randomUUID();
  private readonly channels: ReadonlyMap<MessageChannel, Channel>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastClockSweep: number | undefined;
  private readonly lastRun = new Map<string, number>();

  constructor(
    private readonly ctx: AppContext,
    private readonly options: RunnerOptions,
  ) {
    const list =
      options.channels ??
      [
        options.config.smtp ? smtpChannel(options.config.smtp) : undefined,
        options.config.sms ? smsHttpChannel(options.config.sms) : undefined,
      ].filter((c): c is Channel => c !== undefined);
    this.channels = new Map(list.map((c) => [c.name, c]));
  }

  /** Channels that can deliver now; messages of the others stay `undeliverable`. */
  get configuredChannels(): MessageChannel[] {
    return [...this.channels.keys()];
  }

  start(): void {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .then(() => undefined)
        .catch((error) => this.options.onError?.(error))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.timer = setTimeout(loop, this.options.intervalMs ?? 1000);
        });
    };
    loop();
  }

  /** Stops taking work and waits for the round in progress (its deliveries are recorded). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    for (const c of this.channels.values()) c.close();
  }

  /**
   * One round: park or revive by channel, derive webhook deliveries, run the clocks (complaint reminders and
   * escalations inside working hours, late reviews warning the lobby), deliver what is due.
   */
  async tick(): Promise<{ messages: number; webhooks: number }> {
    const now = this.ctx.clock();
    // Reminders of appointments that are past or cancelled by now are not revived but cancelled, with the reason.
    await this.ctx.store.write((tx) => sortByChannel(tx, this.configuredChannels, now, obsoleteAppointmentMessage));
    // What is already due goes first (a one-time code the customer is waiting for), before the jobs and clocks
    // below, which can take seconds on a busy instance; what they queue goes at the end of the round.
    const first = await this.deliverMessages();
    await deriveFromBranchEvents(this.ctx);
    // The clocks count minutes and days: once a minute (by the context's clock) is often enough.
    if (this.lastClockSweep === undefined || now - this.lastClockSweep >= 60_000) {
      this.lastClockSweep = now;
      await sweepComplaintClocks(this.ctx);
      await sweepReviewAlarms(this.ctx);
    }
    await this.runJobs(now);
    // Customer records: service reports of finished tickets, and the daily retention run (issue 14).
    await runCustomerJobs(this.ctx);
    const messages = first + (await this.deliverMessages());
    const webhooks = await this.deliverWebhooks();
    return { messages, webhooks };
  }

  /** The scheduled jobs that are due; one failing does not stop the others or the deliveries. */
  private async runJobs(now: number): Promise<void> {
    for (const job of this.options.jobs ?? []) {
      const last = this.lastRun.get(job.name);
      if (last !== undefined && now - last < job.everyMs && now >= last) continue;
      this.lastRun.set(job.name, now);
      try {
        await job.run(this.ctx);
      } catch (error) {
        this.options.onError?.(error);
      }
    }
  }

  private async deliverMessages(): Promise<number> {
    const now = this.ctx.clock();
    const claimed = await this.ctx.store.write((tx) =>
      claimMessages(tx, {
        owner: this.owner,
        now,
        leaseMs: this.options.leaseMs ?? this.options.config.leaseMs ?? 120_000,
        limit: this.options.batch ?? 20,
        channels: this.configuredChannels,
      }),
    );
    await Promise.all(claimed.map((row) => this.deliverMessage(row)));
    return claimed.length;
  }

  private async deliverMessage(row: OutboxTable): Promise<void> {
    // Due before its quiet hours began but claimed inside them: it waits for their end, unsent.
    const now = this.ctx.clock();
    const allowed = allowedSendTime(row, now);
    if (allowed > now) {
      await this.ctx.store.write((tx) => postponeClaimed(tx, row.id, this.owner, allowed, now));
      return;
    }
    const channel = this.channels.get(row.channel as MessageChannel);
    let outcome: DeliveryOutcome;
    if (!channel) outcome = { ok: false, permanent: false, error: "channel not configured" };
    else {
      try {
        const data = templateDataOf(JSON.parse(row.data) as Record<string, unknown>);
        const rendered = renderMessage(row.kind, row.lang, data, { publicUrl: this.options.config.publicUrl });
        outcome = await channel.send({
          id: row.id,
          recipient: row.recipient,
          rendered,
          attachments: row.channel === "email" ? attachmentsOf(data) : [],
        });
      } catch (error) {
        outcome = {
          ok: false,
          permanent: true,
          error: `cannot render: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    }
    const attempt = this.resultOf(outcome, row.attempts);
    // A retry, too, waits for the end of the message's quiet hours (a reminder failing at 20:50 is not retried
    // at 21:20).
    const result: AttemptResult =
      attempt.kind === "retry" ? { ...attempt, nextAttemptAt: allowedSendTime(row, attempt.nextAttemptAt) } : attempt;
    await this.ctx.store.write(async (tx) => {
      const ours = await recordAttempt(tx, "outbox", row.id, this.owner, result);
      // A one-time code is needed only until its SMS is out; it is not kept afterwards.
      if (ours && row.kind === "otp" && result.kind !== "retry")
        await tx.updateTable("outbox").set({ data: '{"code":"******"}' }).where("id", "=", row.id).execute();
      if (ours && result.kind === "dead" && row.channel === "email") await smsInstead(tx, row, this.ctx.clock());
    });
  }

  private async deliverWebhooks(): Promise<number> {
    const now = this.ctx.clock();
    const claimed = await this.ctx.store.write((tx) =>
      claimDeliveries(tx, {
        owner: this.owner,
        now,
        leaseMs: this.options.leaseMs ?? this.options.config.leaseMs ?? 120_000,
        limit: this.options.batch ?? 20,
      }),
    );
    await Promise.all(claimed.map((row) => this.deliverWebhook(row)));
    return claimed.length;
  }

  private async deliverWebhook(row: WebhookDeliveryTable): Promise<void> {
    const sub = await this.ctx.store.db
      .selectFrom("webhook_subscriptions")
      .select(["url", "secret", "active"])
      .where("id", "=", row.subscription_id)
      .executeTakeFirst();
    const outcome =
      sub && sub.active === 1
        ? await sendWebhook(sub.url, sub.secret, row, this.ctx.clock())
        : { ok: false as const, permanent: true, error: "subscription removed" };
    const result = this.resultOf(outcome, row.attempts);
    await this.ctx.store.write(async (tx) => {
      const ours = await recordAttempt(tx, "webhook_deliveries", row.id, this.owner, result);
      if (ours && "statusCode" in outcome && outcome.statusCode !== undefined)
        await tx
          .updateTable("webhook_deliveries")
          .set({ last_status_code: outcome.statusCode })
          .where("id", "=", row.id)
          .execute();
    });
  }

  private resultOf(outcome: DeliveryOutcome, attempts: number): AttemptResult {
    const at = this.ctx.clock();
    if (outcome.ok) return { kind: "sent", at };
    if (outcome.permanent || attempts >= MAX_ATTEMPTS) return { kind: "dead", error: outcome.error, at };
    return { kind: "retry", error: outcome.error, at, nextAttemptAt: at + backoffMs(attempts) };
  }
}

/**
 * An e-mail refused for good (dead) goes to the customer's phone by SMS instead, unless the same message
 * already went out by SMS (booking messages go by both): one more outbox row, in the transaction that records
 * the death, with the same kind and data (no attachment), at most once per e-mail.
 */
async function smsInstead(tx: Tx, row: OutboxTable, now: number): Promise<void> {
  if (row.customer_id === null) return;
  const customer = await tx
    .selectFrom("customers")
    .select("phone_e164")
    .where("id", "=", row.customer_id)
    .executeTakeFirst();
  if (!customer) return;
  if (row.related_id !== null) {
    const bySms = await tx
      .selectFrom("outbox")
      .select("id")
      .where("related_id", "=", row.related_id)
      .where("kind", "=", row.kind)
      .where("channel", "=", "sms")
      // Its SMS twin was queued in the same transaction (the same clock); an earlier reminder's SMS sent instead
      // of its own dead e-mail is not this message's (a customer preferring e-mail gets every reminder so).
      .where("created_at", "=", row.created_at)
      .where("status", "!=", "cancelled")
      .executeTakeFirst();
    if (bySms) return;
  }
  const { ics: _ics, icsFilename: _name, ...data } = templateDataOf(JSON.parse(row.data) as Record<string, unknown>);
  const quiet = quietRuleOf(row);
  await enqueueMessage(tx, {
    kind: row.kind,
    channel: "sms",
    recipient: customer.phone_e164,
    lang: row.lang === "en" ? "en" : "zh-CN",
    data,
    now,
    // The e-mail's quiet hours hold for the SMS sent instead.
    ...(quiet && { quietHours: quiet }),
    dedupeKey: `sms-instead:${row.id}`,
    ...(row.branch_id !== null && { branchId: row.branch_id }),
    customerId: row.customer_id,
    ...(row.related_type !== null && { relatedType: row.related_type }),
    ...(row.related_id !== null && { relatedId: row.related_id }),
  });
}

/**
 * An `.ics` file from the message's `ics` data, attached to e-mails: either the event's fields, or the calendar
 * already rendered (the booking use cases store the same text the manage page downloads).
 */
function attachmentsOf(data: Readonly<Record<string, unknown>>): Attachment[] {
  const filename = typeof data.icsFilename === "string" ? data.icsFilename : "appointment.ics";
  const contentType = "text/calendar; charset=utf-8; method=PUBLISH";
  if (typeof data.ics === "string" && data.ics.startsWith("BEGIN:VCALENDAR"))
    return [{ filename, content: data.ics, contentType }];
  // A service report (app/customers/service-record.ts): the PDF, base64.
  const pdf = data.pdf as { filename?: unknown; base64?: unknown } | undefined;
  if (pdf && typeof pdf.filename === "string" && typeof pdf.base64 === "string")
    return [{ filename: pdf.filename, content: pdf.base64, contentType: "application/pdf", encoding: "base64" }];
  // Scheduled reports (app/analytics/reports.ts): files given as `attachments: [{filename, contentType, base64}]`.
  if (Array.isArray(data.attachments))
    return (data.attachments as Array<Record<string, unknown>>).flatMap((a) =>
      typeof a.filename === "string" && typeof a.base64 === "string"
        ? [
            {
              filename: a.filename,
              content: a.base64,
              contentType: typeof a.contentType === "string" ? a.contentType : "application/octet-stream",
              encoding: "base64" as const,
            },
          ]
        : [],
    );
  if (!data.ics || typeof data.ics !== "object") return [];
  const { error, value } = createEvent(data.ics as EventAttributes);
  if (error || !value) throw new Error(`the calendar event is not valid: ${error?.message ?? "empty"}`);
  return [{ filename, content: value, contentType }];
}
