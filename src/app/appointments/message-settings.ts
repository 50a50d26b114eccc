/**
 * A branch's appointment reminder times and quiet hours (issue 13), edited on the admin page:
 *
 *   getMessageSettings(ctx, actor, branchId) → { branchId, timeZone, reminderOffsetsMinutes, quietHours, isDefault }
 *   setMessageSettings(ctx, actor, branchId, patch) → the same after the change (admin, the branch's manager;
 *     audited with the fields changed)
 *   messageTimesOf(db, branchId) → what the appointment messages obey (the defaults without a row)
 *
 * Reminders already queued and not yet sent for appointments still to come are planned again at the new times and
 * out of the new quiet hours, in the settings' own transaction (messages.ts `replanQueuedReminders`); the next
 * booking, reschedule or resend uses them too.
 */
import type { Kysely } from "kysely";
import type { BranchId } from "../../domain/ids.ts";
import {
  DEFAULT_MESSAGE_TIMES,
  type MessageTimes,
  messageTimesProblems,
  normaliseOffsets,
} from "../../domain/messages/reminder-settings.ts";
import type { Database } from "../../store/schema.ts";
import { CONFIG_ROLES, requireBranchAccess, requireStaff } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { audit } from "../record.ts";
import { replanQueuedReminders } from "./messages.ts";

export interface MessageSettings extends MessageTimes {
  readonly branchId: string;
  /** The branch's time zone, which the quiet hours are in. */
  readonly timeZone: string;
  /** True while the branch has never changed them (the defaults apply). */
  readonly isDefault: boolean;
}

export interface MessageSettingsPatch {
  readonly reminderOffsetsMinutes?: readonly number[];
  readonly quietHours?: { readonly start?: string; readonly end?: string };
}

function parseOffsets(text: string): number[] | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) && v.every((n) => typeof n === "number") ? (v as number[]) : undefined;
  } catch {
    return undefined;
  }
}

/** What the branch's appointment messages obey: its row, or the defaults (also for a row that does not parse). */
export async function messageTimesOf(db: Kysely<Database>, branchId: string): Promise<MessageTimes> {
  const row = await db
    .selectFrom("branch_message_settings")
    .selectAll()
    .where("branch_id", "=", branchId)
    .executeTakeFirst();
  if (!row) return DEFAULT_MESSAGE_TIMES;
  const times: MessageTimes = {
    reminderOffsetsMinutes: parseOffsets(row.reminder_offsets) ?? DEFAULT_MESSAGE_TIMES.reminderOffsetsMinutes,
    quietHours: { start: row.quiet_start, end: row.quiet_end },
  };
  return messageTimesProblems(times).length === 0 ? times : DEFAULT_MESSAGE_TIMES;
}

async function read(db: Kysely<Database>, branchId: string): Promise<MessageSettings> {
  const branch = await db.selectFrom("branches").select("timezone").where("id", "=", branchId).executeTakeFirst();
  if (!branch) throw notFound("Branch", branchId);
  const exists = await db
    .selectFrom("branch_message_settings")
    .select("branch_id")
    .where("branch_id", "=", branchId)
    .executeTakeFirst();
  const times = await messageTimesOf(db, branchId);
  return { branchId, timeZone: branch.timezone, ...times, isDefault: !exists };
}

export async function getMessageSettings(ctx: AppContext, actor: Actor, branchId: string): Promise<MessageSettings> {
  requireBranchAccess(requireStaff(actor), branchId as BranchId, CONFIG_ROLES);
  return read(ctx.store.db, branchId);
}

export async function setMessageSettings(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  patch: MessageSettingsPatch,
): Promise<MessageSettings> {
  const staff = requireStaff(actor);
  requireBranchAccess(staff, branchId as BranchId, CONFIG_ROLES);
  const before = await read(ctx.store.db, branchId);
  const next: MessageTimes = {
    reminderOffsetsMinutes: patch.reminderOffsetsMinutes ?? before.reminderOffsetsMinutes,
    quietHours: { ...before.quietHours, ...patch.quietHours },
  };
  const wrong = messageTimesProblems(next);
  if (wrong.length > 0)
    throw invalid(
      `Reminder settings: ${wrong.map((p) => p.en).join(" ")}`,
      { fields: wrong },
      `提醒设置有误：${wrong.map((p) => p.zh).join("")}`,
    );
  const offsets = JSON.stringify(normaliseOffsets(next.reminderOffsetsMinutes));
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    const values = {
      reminder_offsets: offsets,
      quiet_start: next.quietHours.start,
      quiet_end: next.quietHours.end,
      updated_at: now,
      updated_by: staff.id,
    };
    await tx
      .insertInto("branch_message_settings")
      .values({ branch_id: branchId, ...values })
      .onConflict((oc) => oc.column("branch_id").doUpdateSet(values))
      .execute();
    // The reminders already queued follow the change in the same transaction: none lost, none doubled.
    const n = await replanQueuedReminders(
      tx,
      branchId,
      before.timeZone,
      { reminderOffsetsMinutes: normaliseOffsets(next.reminderOffsetsMinutes), quietHours: next.quietHours },
      now,
    );
    await audit(
      tx,
      staff,
      now,
      "branch.message_settings",
      { type: "branch", id: branchId, branchId },
      { ...patch, appointmentsReplanned: n },
    );
  });
  return read(ctx.store.db, branchId);
}
