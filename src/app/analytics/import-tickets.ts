/**
 * Importing the history of a bank's old queue system, so that the planner, the wait predictor and the analytics
 * learn from it at once. All or nothing: every line is checked first, and a file with any bad line is refused
 * with every bad line's number and reason. Each imported ticket's id is derived from its branch, day and
 * number (unique per branch-day), so importing the same file twice finds its tickets already there.
 */
import { createHash } from "node:crypto";
import { localMidnight } from "../../domain/analytics/counter-time.ts";
import { dayAfter } from "../../domain/analytics/keys.ts";
import { localDay } from "../../domain/local-day.ts";
import type { Rating } from "../../domain/ticket.ts";
import { deleteDayMarks } from "../../store/analytics-marks.ts";
import { insertAudit } from "../../store/audit.ts";
import { type Branch, findBranch } from "../../store/branches.ts";
import { insertRows } from "../../store/bulk-insert.ts";
import type { ImportedTicketTable, TicketTable } from "../../store/schema.ts";
import type { Tx } from "../../store/store.ts";
import { TICKET_COLUMNS } from "../../store/tickets.ts";
import type { AppContext } from "../context.ts";
import { type DeferredMonths, rebuildBranchDay, refreshDeferredMonths } from "./build-cells.ts";
import { type CsvRecord, readCsvRecords } from "./read-csv.ts";

export const IMPORT_COLUMNS = [
  "branch_code",
  "service_code",
  "number",
  "issued_at",
  "first_called_at",
  "started_at",
  "finished_at",
  "counter_number",
  "teller_username",
  "outcome",
  "rating",
] as const;

const OUTCOMES = ["served", "no_show", "walked_away", "cancelled"] as const;
type Outcome = (typeof OUTCOMES)[number];

export interface ImportProblem {
  /** The file's line number (the header is line 1). */
  readonly line: number;
  readonly reason: string;
}

export type ImportResult =
  | { readonly ok: true; readonly imported: number; readonly alreadyPresent: number; readonly days: number }
  | { readonly ok: false; readonly problems: readonly ImportProblem[] };

/** ISO 8601 with a date, a time and an offset (Z or ±hh:mm): a time without its zone would be guessed. */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const RATINGS: Readonly<Record<string, Rating>> = { "3": "satisfied", "2": "neutral", "1": "dissatisfied" };
const TICKET_STATUS: Readonly<Record<Outcome, TicketTable["status"]>> = {
  served: "done",
  no_show: "no_show",
  walked_away: "cancelled",
  cancelled: "cancelled",
};
const IMPORTED_COLUMNS = ["ticket_id", "counter_label", "staff_label", "imported_at"] as const satisfies ReadonlyArray<
  keyof ImportedTicketTable
>;

interface Lookup {
  readonly branches: Map<string, Branch>;
  readonly services: Map<string, string>;
  readonly counters: Map<string, string>;
  readonly users: Map<string, string>;
}

async function lookup(ctx: AppContext): Promise<Lookup> {
  const db = ctx.store.db;
  const [branchRows, services, counters, users] = await Promise.all([
    db.selectFrom("branches").select(["id", "code"]).execute(),
    db.selectFrom("services").select(["id", "branch_id", "code"]).execute(),
    db.selectFrom("counters").select(["id", "branch_id", "number"]).execute(),
    db.selectFrom("users").select(["id", "username"]).execute(),
  ]);
  const branches = new Map<string, Branch>();
  for (const b of branchRows) {
    const branch = await findBranch(db, b.id);
    if (branch) branches.set(b.code, branch);
  }
  return {
    branches,
    services: new Map(services.map((s) => [`${s.branch_id}\u0000${s.code}`, s.id])),
    counters: new Map(counters.map((c) => [`${c.branch_id}\u0000${Number(c.number)}`, c.id])),
    users: new Map(users.map((u) => [u.username, u.id])),
  };
}

interface Parsed {
  readonly ticket: TicketTable;
  readonly counterLabel: string | null;
  readonly staffLabel: string | null;
}

function time(value: string, column: string, problems: string[]): number | null {
  if (value === "") return null;
  const at = ISO_WITH_OFFSET.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) {
    problems.push(`${column} "${value}" is not an ISO 8601 time with an offset (2026-09-01T09:30:00+08:00)`);
    return null;
  }
  return at;
}

/** An imported ticket's id, from its branch, day and number: importing the same line again finds it. */
export function importedId(branchId: string, day: string, number: string): string {
  return `imp_${createHash("sha256").update(`${branchId}\u0000${day}\u0000${number}`).digest("hex").slice(0, 32)}`;
}

function parseLine(record: Readonly<Record<string, string>>, look: Lookup, now: number): Parsed | string[] {
  const problems: string[] = [];
  const v = (c: (typeof IMPORT_COLUMNS)[number]) => (record[c] ?? "").trim();
  const branch = look.branches.get(v("branch_code"));
  if (!branch) problems.push(`branch_code "${v("branch_code")}" is not a branch here`);
  const serviceId = branch ? look.services.get(`${branch.id}\u0000${v("service_code")}`) : undefined;
  if (branch && !serviceId)
    problems.push(`service_code "${v("service_code")}" is not a business type of ${branch.code}`);
  const number = v("number");
  if (number === "" || number.length > 16) problems.push("number must be 1 to 16 characters");
  const issued = time(v("issued_at"), "issued_at", problems);
  if (v("issued_at") === "") problems.push("issued_at is required");
  const firstCall = time(v("first_called_at"), "first_called_at", problems);
  const started = time(v("started_at"), "started_at", problems);
  const finished = time(v("finished_at"), "finished_at", problems);
  const outcome = v("outcome") as Outcome;
  if (!OUTCOMES.includes(outcome)) problems.push(`outcome "${v("outcome")}" is not one of ${OUTCOMES.join(", ")}`);
  const ratingText = v("rating");
  const rating = ratingText === "" ? null : (RATINGS[ratingText] ?? undefined);
  if (rating === undefined) problems.push(`rating "${ratingText}" is not 1, 2, 3 or empty`);
  // The steps happen in order; each names the step it follows.
  const steps: Array<[string, number | null]> = [
    ["issued_at", issued],
    ["first_called_at", firstCall],
    ["started_at", started],
    ["finished_at", finished],
  ];
  let previous: [string, number] | null = null;
  for (const [name, at] of steps) {
    if (at === null) continue;
    if (previous && at < previous[1]) problems.push(`${name} is before ${previous[0]}`);
    previous = [name, at];
  }
  if (outcome === "served" && (started === null || finished === null))
    problems.push("a served ticket needs started_at and finished_at");
  if (outcome === "no_show" && firstCall === null)
    problems.push("a no-show needs first_called_at (the call not answered)");
  if (outcome === "walked_away" && firstCall !== null)
    problems.push("a walk-away left before a call: first_called_at must be empty");
  if (rating && outcome !== "served") problems.push("only a served ticket can have a rating");
  if (problems.length || !branch || !serviceId || issued === null || rating === undefined) return problems;

  const day = localDay(issued, branch.timezone);
  const counterNumber = v("counter_number");
  const counterId =
    counterNumber === "" ? null : (look.counters.get(`${branch.id}\u0000${Number(counterNumber)}`) ?? null);
  const username = v("teller_username");
  const userId = username === "" ? null : (look.users.get(username) ?? null);
  const seq = Number(/(\d+)$/.exec(number)?.[1] ?? 0);
  return {
    ticket: {
      id: importedId(branch.id, day, number),
      branch_id: branch.id,
      service_id: serviceId,
      day,
      seq: Number.isSafeInteger(seq) ? seq : 0,
      number,
      priority: "normal",
      status: TICKET_STATUS[outcome],
      channel: "import",
      counter_id: counterId,
      target_counter_id: null,
      issued_at: issued,
      queued_at: issued,
      called_at: firstCall,
      first_called_at: firstCall,
      started_at: started,
      completed_at: finished,
      recall_count: 0,
      appointment_at: null,
      outcome,
      notes: null,
      redirect_reason: null,
      rating,
      rating_comment: null,
      served_by: userId,
      estimated_wait_minutes: 0,
      idempotency_key: null,
      version: 0,
      updated_at: now,
    },
    counterLabel: counterNumber !== "" && counterId === null ? counterNumber : null,
    staffLabel: username !== "" && userId === null ? username : null,
  };
}

export interface ImportOptions {
  /**
   * More rows to write in the import's own transaction, after its tickets and before the days are tallied: the
   * demo's simulated history adds its surveys, complaints, reviews and appointments so (demo-history.ts).
   */
  readonly alongside?: (tx: Tx) => Promise<void>;
}

/** Checks the whole file, then imports all of it in one transaction, or nothing. */
export async function importTickets(
  ctx: AppContext,
  csv: string,
  source = "datang import",
  options: ImportOptions = {},
): Promise<ImportResult> {
  let records: CsvRecord[];
  try {
    records = readCsvRecords(csv);
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { ok: false, problems: [{ line, reason: `not readable as CSV: ${(error as Error).message}` }] };
  }
  const header =
    csv
      .replace(/^\uFEFF/, "")
      .split(/\r?\n/, 1)[0]
      ?.split(",")
      .map((h) => h.trim()) ?? [];
  const missing = IMPORT_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) return { ok: false, problems: [{ line: 1, reason: `the header lacks ${missing.join(", ")}` }] };

  const look = await lookup(ctx);
  const now = ctx.clock();
  const problems: ImportProblem[] = [];
  const parsed: Array<Parsed & { line: number }> = [];
  const seen = new Map<string, number>();
  for (const { record, line } of records) {
    if (Object.keys(record).length !== header.length) {
      problems.push({ line, reason: `${Object.keys(record).length} fields where the header has ${header.length}` });
      continue;
    }
    const result = parseLine(record, look, now);
    if (Array.isArray(result)) {
      for (const reason of result) problems.push({ line, reason });
      continue;
    }
    const first = seen.get(result.ticket.id);
    if (first !== undefined) {
      problems.push({ line, reason: `ticket ${result.ticket.number} of ${result.ticket.day} also on line ${first}` });
      continue;
    }
    seen.set(result.ticket.id, line);
    parsed.push({ ...result, line });
  }
  if (problems.length) return { ok: false, problems };

  // A number already taken that day by a ticket of this system (not an earlier import) is a clash, not a repeat.
  const byBranchDay = new Map<string, { branchId: string; day: string }>();
  for (const p of parsed)
    byBranchDay.set(`${p.ticket.branch_id}\u0000${p.ticket.day}`, { branchId: p.ticket.branch_id, day: p.ticket.day });
  const existing = new Map<string, string>();
  for (const { branchId, day } of byBranchDay.values()) {
    const rows = await ctx.store.db
      .selectFrom("tickets")
      .select(["id", "number"])
      .where("branch_id", "=", branchId)
      .where("day", "=", day)
      .execute();
    for (const r of rows) existing.set(`${branchId}\u0000${day}\u0000${r.number}`, r.id);
  }
  const fresh: Parsed[] = [];
  let alreadyPresent = 0;
  for (const p of parsed) {
    const id = existing.get(`${p.ticket.branch_id}\u0000${p.ticket.day}\u0000${p.ticket.number}`);
    if (id === undefined) fresh.push(p);
    else if (id === p.ticket.id) alreadyPresent++;
    else
      problems.push({
        line: p.line,
        reason: `ticket ${p.ticket.number} of ${p.ticket.day} already exists at this branch and was not imported`,
      });
  }
  if (problems.length) return { ok: false, problems };

  const branches = new Map<string, Branch>([...look.branches.values()].map((b) => [b.id, b]));
  // The days to tally: those that got new tickets (all of them when rows are written alongside). A file imported
  // again adds nothing and leaves the tallies as they are.
  const toTally = options.alongside ? byBranchDay : new Map<string, { branchId: string; day: string }>();
  if (!options.alongside)
    for (const p of fresh)
      toTally.set(`${p.ticket.branch_id}\u0000${p.ticket.day}`, { branchId: p.ticket.branch_id, day: p.ticket.day });
  await ctx.store.write(async (tx) => {
    // Multi-row statements prepared once (src/store/bulk-insert.ts): the import's rows are most of its time.
    await insertRows(
      tx,
      "tickets",
      TICKET_COLUMNS,
      fresh.map((p) => p.ticket),
    );
    await insertRows(
      tx,
      "imported_tickets",
      IMPORTED_COLUMNS,
      fresh
        .filter((p) => p.counterLabel !== null || p.staffLabel !== null)
        .map((p) => ({
          ticket_id: p.ticket.id,
          counter_label: p.counterLabel,
          staff_label: p.staffLabel,
          imported_at: now,
        })),
    );
    if (options.alongside) await options.alongside(tx);
    // The marks of the days about to be tallied below (the rows written alongside, the demo's counter events)
    // would only have the tally job do the same again.
    for (const { branchId, day } of toTally.values()) {
      const tz = branches.get(branchId)?.timezone;
      if (tz) await deleteDayMarks(tx, branchId, day, localMidnight(day, tz), localMidnight(dayAfter(day), tz));
    }
    await insertAudit(tx, {
      at: now,
      actorType: "system",
      actorId: null,
      actorName: source,
      action: "tickets.import",
      entityType: "tickets",
      entityId: null,
      branchId: null,
      ip: null,
      details: { imported: fresh.length, alreadyPresent, days: byBranchDay.size },
    });
  });

  const months: DeferredMonths = new Set();
  for (const { branchId, day } of toTally.values()) {
    const branch = branches.get(branchId);
    if (branch) await rebuildBranchDay(ctx, branch, day, months);
  }
  await refreshDeferredMonths(ctx, months);
  return { ok: true, imported: fresh.length, alreadyPresent, days: byBranchDay.size };
}
