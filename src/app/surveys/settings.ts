/**
 * A branch's survey and review settings (issue 14), edited on the admin page:
 *
 *   feedbackSettings(ctx, actor, branchId) → { survey: { enabled, intervalDays, defaultIntervalDays, channel },
 *     review: { targetMinutes, alarmMinutes, central } }
 *   updateFeedbackSettings(ctx, actor, branchId, patch) → the same, after the change (admin, the branch's
 *     manager; audited with the fields changed)
 *   surveySettingsOf(db, branchId) → what the survey after service obeys
 *   centralReviewBranches(db) → the branches whose reviews are in the central queue
 *
 * The review target and alarm are the branch's own columns (migration 016); the rest is one row of
 * `branch_feedback_settings` (migration 025), absent until first changed (then the defaults apply).
 */
import type { Kysely } from "kysely";
import type { BranchId } from "../../domain/ids.ts";
import type { Database } from "../../store/schema.ts";
import { requireBranchAccess, requireStaff } from "../access.ts";
import type { Actor, Role } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { audit } from "../record.ts";

/** Who may read and change a branch's survey and review settings. */
export const FEEDBACK_SETTINGS_ROLES: readonly Role[] = ["admin", "branch_manager"];

export type SurveyChannel = "preferred" | "sms";

export interface FeedbackSettings {
  readonly branchId: string;
  readonly survey: {
    readonly enabled: boolean;
    readonly intervalDays: number;
    /** The instance's default (DATANG_SURVEY_INTERVAL_DAYS), used when the branch sets none. */
    readonly defaultIntervalDays: number;
    readonly channel: SurveyChannel;
  };
  readonly review: { readonly targetMinutes: number; readonly alarmMinutes: number; readonly central: boolean };
  /** The language of staff notices in this branch (a member of staff's own wins); null: Chinese. */
  readonly staff: { readonly lang: StaffLang | null };
}

export type StaffLang = "zh-CN" | "en";

export interface FeedbackSettingsPatch {
  readonly survey?: { enabled?: boolean; intervalDays?: number | null; channel?: SurveyChannel };
  readonly review?: { targetMinutes?: number; alarmMinutes?: number; central?: boolean };
  readonly staff?: { lang: StaffLang | null };
}

export const DEFAULT_SURVEY_INTERVAL_DAYS = 30;

/** Days between two surveys of one customer (DATANG_SURVEY_INTERVAL_DAYS, a whole number ≥ 0; default 30). */
export function surveyIntervalDays(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DATANG_SURVEY_INTERVAL_DAYS;
  if (raw === undefined || raw === "") return DEFAULT_SURVEY_INTERVAL_DAYS;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : DEFAULT_SURVEY_INTERVAL_DAYS;
}

/** What the survey after service obeys in a branch. */
export async function surveySettingsOf(
  db: Kysely<Database>,
  branchId: string,
): Promise<{ enabled: boolean; intervalDays: number; channel: SurveyChannel }> {
  const row = await db
    .selectFrom("branch_feedback_settings")
    .selectAll()
    .where("branch_id", "=", branchId)
    .executeTakeFirst();
  return {
    enabled: row ? Number(row.survey_enabled) === 1 : true,
    intervalDays:
      row?.survey_interval_days === null || row?.survey_interval_days === undefined
        ? surveyIntervalDays()
        : Number(row.survey_interval_days),
    channel: row?.survey_channel === "sms" ? "sms" : "preferred",
  };
}

/** Branches whose reviews are NOT in the central queue (a branch without settings is in it). */
export async function branchesOutOfCentralQueue(db: Kysely<Database>): Promise<Set<string>> {
  const rows = await db
    .selectFrom("branch_feedback_settings")
    .select("branch_id")
    .where("review_central", "=", 0)
    .execute();
  return new Set(rows.map((r) => r.branch_id));
}

export async function feedbackSettings(ctx: AppContext, actor: Actor, branchId: string): Promise<FeedbackSettings> {
  requireBranchAccess(requireStaff(actor), branchId as BranchId, FEEDBACK_SETTINGS_ROLES);
  return readSettings(ctx.store.db, branchId);
}

async function readSettings(db: Kysely<Database>, branchId: string): Promise<FeedbackSettings> {
  const branch = await db
    .selectFrom("branches")
    .select(["id", "review_target_minutes", "review_alarm_minutes"])
    .where("id", "=", branchId)
    .executeTakeFirst();
  if (!branch) throw notFound("Branch", branchId);
  const row = await db
    .selectFrom("branch_feedback_settings")
    .selectAll()
    .where("branch_id", "=", branchId)
    .executeTakeFirst();
  const survey = await surveySettingsOf(db, branchId);
  return {
    branchId,
    survey: { ...survey, defaultIntervalDays: surveyIntervalDays() },
    review: {
      targetMinutes: Number(branch.review_target_minutes),
      alarmMinutes: Number(branch.review_alarm_minutes),
      central: row ? Number(row.review_central) === 1 : true,
    },
    staff: { lang: row?.staff_lang === "en" || row?.staff_lang === "zh-CN" ? row.staff_lang : null },
  };
}

export async function updateFeedbackSettings(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  patch: FeedbackSettingsPatch,
): Promise<FeedbackSettings> {
  const staff = requireStaff(actor);
  requireBranchAccess(staff, branchId as BranchId, FEEDBACK_SETTINGS_ROLES);
  const before = await readSettings(ctx.store.db, branchId);
  const target = patch.review?.targetMinutes ?? before.review.targetMinutes;
  const alarm = patch.review?.alarmMinutes ?? before.review.alarmMinutes;
  if (alarm <= target)
    throw invalid(
      "The review alarm must come after the review target.",
      { field: "review.alarmMinutes", targetMinutes: target, alarmMinutes: alarm },
      "复核告警时间须晚于复核目标时间。",
    );
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    if (patch.review?.targetMinutes !== undefined || patch.review?.alarmMinutes !== undefined)
      await tx
        .updateTable("branches")
        .set({ review_target_minutes: target, review_alarm_minutes: alarm })
        .where("id", "=", branchId)
        .execute();
    const intervalDays =
      patch.survey?.intervalDays !== undefined
        ? patch.survey.intervalDays
        : ((
            await tx
              .selectFrom("branch_feedback_settings")
              .select("survey_interval_days")
              .where("branch_id", "=", branchId)
              .executeTakeFirst()
          )?.survey_interval_days ?? null);
    const values = {
      branch_id: branchId,
      survey_enabled: (patch.survey?.enabled ?? before.survey.enabled) ? 1 : 0,
      survey_interval_days: intervalDays === null ? null : Number(intervalDays),
      survey_channel: (patch.survey?.channel ?? before.survey.channel) === "sms" ? "sms" : null,
      review_central: (patch.review?.central ?? before.review.central) ? 1 : 0,
      staff_lang: patch.staff !== undefined ? patch.staff.lang : before.staff.lang,
      updated_at: now,
      updated_by: staff.id,
    };
    await tx
      .insertInto("branch_feedback_settings")
      .values(values)
      .onConflict((oc) =>
        oc.column("branch_id").doUpdateSet({
          survey_enabled: values.survey_enabled,
          survey_interval_days: values.survey_interval_days,
          survey_channel: values.survey_channel,
          review_central: values.review_central,
          staff_lang: values.staff_lang,
          updated_at: now,
          updated_by: staff.id,
        }),
      )
      .execute();
    await audit(tx, staff, now, "branch.feedback_settings", { type: "branch", id: branchId, branchId }, patch);
  });
  return readSettings(ctx.store.db, branchId);
}
