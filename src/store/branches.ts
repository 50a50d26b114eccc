import type { Kysely, Selectable } from "kysely";
import type { BranchId, ServiceId } from "../domain/ids.ts";
import type { ServiceRules } from "../domain/opening/service-rules.ts";
import { parseJson } from "./json.ts";
import type { BranchTable, Database, ServiceTable } from "./schema.ts";
import { allColumns, queryRow, queryRows, sql } from "./sql.ts";

// Hot-path statements (see sql.ts): read on every ticket operation.
const BRANCH = allColumns<BranchTable>()([
  "id",
  "code",
  "name_zh",
  "name_en",
  "timezone",
  "opening_hours",
  "target_wait_minutes",
  "alarm_wait_minutes",
  "max_recalls",
  "dispatch_policy",
  "event_seq",
  "created_at",
  "no_show_after_seconds",
  "min_recall_gap_seconds",
  "review_target_minutes",
  "review_alarm_minutes",
]);
const SERVICE = allColumns<ServiceTable>()([
  "id",
  "branch_id",
  "code",
  "name_zh",
  "name_en",
  "description_zh",
  "description_en",
  "category",
  "expected_minutes",
  "prefix",
  "needs_review",
  "required_documents",
  "sort_order",
  "active",
  "created_at",
  "opens_at",
  "closes_at",
  "ticket_cutoff",
  "daily_cap",
]);
const FIND_BRANCH = sql(`SELECT ${BRANCH} FROM branches WHERE id = ?`);
const LIST_SERVICES = sql(`SELECT ${SERVICE} FROM services WHERE branch_id = ? ORDER BY sort_order, code`);
const NEXT_EVENT_SEQ = sql("UPDATE branches SET event_seq = event_seq + 1 WHERE id = ? RETURNING event_seq");
/** What call-next needs of its branch: policy, waits, and each business type's expected minutes (one read). */
const DISPATCH_SETTINGS = sql(
  "SELECT branches.dispatch_policy, branches.target_wait_minutes, branches.alarm_wait_minutes, " +
    "services.id AS service_id, services.expected_minutes FROM branches " +
    "LEFT JOIN services ON services.branch_id = branches.id WHERE branches.id = ?",
);
const FIND_SERVICE_FOR_ISSUE = sql(
  "SELECT branches.timezone, services.prefix, services.code, services.active, services.opens_at, " +
    "services.closes_at, services.ticket_cutoff, services.daily_cap FROM services " +
    "INNER JOIN branches ON branches.id = services.branch_id WHERE services.id = ? AND services.branch_id = ?",
);

export interface OpeningHours {
  /** Weekday 0 (Sunday) … 6 → [open "HH:MM", close "HH:MM"], or null when closed that day. */
  readonly [weekday: string]: readonly [string, string] | null;
}

export interface Branch {
  readonly id: BranchId;
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly timezone: string;
  readonly openingHours: OpeningHours;
  readonly targetWaitMinutes: number;
  readonly alarmWaitMinutes: number;
  readonly maxRecalls: number;
  readonly dispatchPolicy: string;
  /** A called customer not come after this long is marked no-show by housekeeping; 0: never. */
  readonly noShowAfterSeconds: number;
  /** The least time between two calls of one ticket (a recall sooner is refused). */
  readonly minRecallGapSeconds: number;
}

export interface Service {
  readonly id: ServiceId;
  readonly branchId: BranchId;
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly descriptionZh: string;
  readonly descriptionEn: string;
  readonly category: string;
  readonly expectedMinutes: number;
  readonly prefix: string;
  readonly needsReview: boolean;
  readonly requiredDocuments: readonly string[];
  readonly sortOrder: number;
  readonly active: boolean;
  readonly opensAt: string | null;
  readonly closesAt: string | null;
  readonly ticketCutoff: string | null;
  readonly dailyCap: number | null;
}

export function toBranch(row: Selectable<BranchTable>): Branch {
  return {
    id: row.id as BranchId,
    code: row.code,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    timezone: row.timezone,
    openingHours: parseJson<OpeningHours>(row.opening_hours, {}),
    targetWaitMinutes: row.target_wait_minutes,
    alarmWaitMinutes: row.alarm_wait_minutes,
    maxRecalls: row.max_recalls,
    dispatchPolicy: row.dispatch_policy,
    noShowAfterSeconds: Number(row.no_show_after_seconds),
    minRecallGapSeconds: Number(row.min_recall_gap_seconds),
  };
}

export function toService(row: ServiceTable): Service {
  return {
    id: row.id as ServiceId,
    branchId: row.branch_id as BranchId,
    code: row.code,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    descriptionZh: row.description_zh,
    descriptionEn: row.description_en,
    category: row.category,
    expectedMinutes: row.expected_minutes,
    prefix: row.prefix,
    needsReview: row.needs_review === 1,
    requiredDocuments: parseJson<string[]>(row.required_documents, []),
    sortOrder: row.sort_order,
    active: row.active === 1,
    ...rulesOf(row),
  };
}

/** A business type's opening rules from its row (PostgreSQL answers a nullable integer as a number or null). */
export function rulesOf(
  row: Pick<ServiceTable, "opens_at" | "closes_at" | "ticket_cutoff" | "daily_cap">,
): ServiceRules {
  return {
    opensAt: row.opens_at,
    closesAt: row.closes_at,
    ticketCutoff: row.ticket_cutoff,
    dailyCap: row.daily_cap === null ? null : Number(row.daily_cap),
  };
}

export async function findBranch(db: Kysely<Database>, id: string): Promise<Branch | undefined> {
  const row = await queryRow<Selectable<BranchTable>>(db, FIND_BRANCH, [id]);
  return row && toBranch(row);
}

/** The number of the branch's latest event, or undefined for an unknown branch. */
export async function latestEventSeq(db: Kysely<Database>, id: string): Promise<number | undefined> {
  const row = await db.selectFrom("branches").select("event_seq").where("id", "=", id).executeTakeFirst();
  return row && Number(row.event_seq);
}

export async function listBranches(db: Kysely<Database>, ids?: readonly string[]): Promise<Branch[]> {
  let q = db.selectFrom("branches").selectAll().orderBy("code");
  if (ids) {
    if (ids.length === 0) return [];
    q = q.where("id", "in", ids);
  }
  return (await q.execute()).map(toBranch);
}

export async function listServices(db: Kysely<Database>, branchId: string): Promise<Service[]> {
  const rows = await queryRows<ServiceTable>(db, LIST_SERVICES, [branchId]);
  return rows.map(toService);
}

export interface DispatchSettings {
  readonly dispatchPolicy: string;
  readonly targetWaitMinutes: number;
  readonly alarmWaitMinutes: number;
  readonly expectedMinutes: ReadonlyMap<ServiceId, number>;
}

/**
 * The branch's dispatch settings, read in the calling transaction: only the columns the policy uses, not the
 * whole branch and its business types (whose documents lists and opening hours call-next would parse for
 * nothing on every call).
 */
export async function findDispatchSettings(
  db: Kysely<Database>,
  branchId: string,
): Promise<DispatchSettings | undefined> {
  const rows = await queryRows<{
    dispatch_policy: string;
    target_wait_minutes: number;
    alarm_wait_minutes: number;
    service_id: string | null;
    expected_minutes: number | null;
  }>(db, DISPATCH_SETTINGS, [branchId]);
  const first = rows[0];
  if (!first) return undefined;
  const expectedMinutes = new Map<ServiceId, number>();
  for (const r of rows)
    if (r.service_id !== null) expectedMinutes.set(r.service_id as ServiceId, Number(r.expected_minutes));
  return {
    dispatchPolicy: first.dispatch_policy,
    targetWaitMinutes: Number(first.target_wait_minutes),
    alarmWaitMinutes: Number(first.alarm_wait_minutes),
    expectedMinutes,
  };
}

export async function findService(db: Kysely<Database>, id: string): Promise<Service | undefined> {
  const row = await db.selectFrom("services").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toService(row);
}

/**
 * Hands out the branch's next event number. In PostgreSQL the row stays locked until commit, so events
 * of one branch commit in the order of their numbers and a client resuming from id N never misses an
 * event numbered below N that committed later. Use cases call this last, to hold the lock briefly.
 */
export async function nextEventSeq(db: Kysely<Database>, branchId: string): Promise<number> {
  const row = await queryRow<{ event_seq: number }>(db, NEXT_EVENT_SEQ, [branchId]);
  if (!row) throw new Error(`no branch ${branchId} to number an event in`);
  return Number(row.event_seq);
}

/** A business type with its branch's time zone and its opening rules, in one read: all that issuing a ticket needs. */
export async function findServiceForIssue(
  db: Kysely<Database>,
  branchId: string,
  serviceId: string,
): Promise<{ timezone: string; prefix: string; code: string; active: boolean; rules: ServiceRules } | undefined> {
  const row = await queryRow<
    { timezone: string; prefix: string; code: string; active: number } & Pick<
      ServiceTable,
      "opens_at" | "closes_at" | "ticket_cutoff" | "daily_cap"
    >
  >(db, FIND_SERVICE_FOR_ISSUE, [serviceId, branchId]);
  return (
    row && { timezone: row.timezone, prefix: row.prefix, code: row.code, active: row.active === 1, rules: rulesOf(row) }
  );
}
