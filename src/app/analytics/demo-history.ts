/**
 * Ninety days of made-up history for a demo branch, so that the dashboard, the planner and the wait predictor
 * show real figures on the first start. The days are simulated on the branch's own business types, counters and
 * tellers (the production dispatch policy decides every call), written out as the importer's CSV and imported
 * through the same path as a bank's real history.
 */

import { dayBefore } from "../../domain/analytics/keys.ts";
import type { PolicyName } from "../../domain/dispatch/index.ts";
import { MINUTE_MS } from "../../domain/ids.ts";
import { localDay } from "../../domain/local-day.ts";
import { createRandom } from "../../sim/random.ts";
import type { Scenario } from "../../sim/scenario.ts";
import { simulate } from "../../sim/simulate.ts";
import { type Branch, listServices } from "../../store/branches.ts";
import { listCounters } from "../../store/counters.ts";
import type { AppContext } from "../context.ts";
import { weekdayOf } from "../planning/branch-scenario.ts";
import { shippedScenario } from "../planning/shipped-scenarios.ts";
import { IMPORT_COLUMNS, importTickets } from "./import-tickets.ts";

export const DEMO_HISTORY_DAYS = 90;

/** Busier on Mondays and Fridays, as branches report. */
const WEEKDAY_LOAD = [0.7, 1.15, 1, 0.95, 1, 1.1, 0.8];

const minuteOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Midnight of a branch-local day as an instant (the offset is found from the zone at noon that day). */
function localMidnight(day: string, timeZone: string): number {
  const noonUtc = Date.parse(`${day}T12:00:00Z`);
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .format(noonUtc)
    .split(":");
  const offsetMinutes = Number(parts[0]) * 60 + Number(parts[1]) - 12 * 60;
  return Date.parse(`${day}T00:00:00Z`) - offsetMinutes * MINUTE_MS;
}

/** The CSV of the branch's last `days` days before today, simulated. */
export async function demoHistoryCsv(ctx: AppContext, branch: Branch, days = DEMO_HISTORY_DAYS): Promise<string> {
  const [services, counters, users] = await Promise.all([
    listServices(ctx.store.db, branch.id),
    listCounters(ctx.store.db, branch.id),
    ctx.store.db.selectFrom("users").select("username").execute(),
  ]);
  const usernames = new Set(users.map((u) => u.username));
  const base = shippedScenario("weekday");
  const perHourBase = base.arrivals.kind === "poisson" ? base.arrivals.perHour : new Array<number>(24).fill(0);
  const lines: string[] = [IMPORT_COLUMNS.join(",")];
  const iso = (ms: number) => new Date(ms).toISOString();
  let day = localDay(ctx.clock(), branch.timezone);
  for (let k = 0; k < days; k++) {
    day = dayBefore(day);
    const weekday = weekdayOf(day);
    const hours = branch.openingHours[String(weekday)];
    if (!hours) continue;
    const open = minuteOf(hours[0]);
    const close = minuteOf(hours[1]);
    const load = WEEKDAY_LOAD[weekday] ?? 1;
    const scenario: Scenario = {
      ...base,
      name: `${branch.code} ${day}`,
      openMinute: open,
      closeMinute: close,
      targetWaitMinutes: branch.targetWaitMinutes,
      alarmWaitMinutes: branch.alarmWaitMinutes,
      services: services.map((s) => ({
        id: s.id,
        name: s.nameEn,
        // Simple business is the most common (PRODUCT.md: 1–6 min against 10–20).
        share: s.expectedMinutes <= 6 ? 3 : 1,
        expectedMinutes: s.expectedMinutes,
        serviceTime: { dist: "lognormal", meanMinutes: s.expectedMinutes, cv: 0.6 },
        classMix: null,
      })),
      arrivals: {
        kind: "poisson",
        perHour: perHourBase.map((n, h) => (h * 60 >= open && h * 60 < close ? n * load : 0)),
      },
      appointments: null,
      counters: counters
        .filter((c) => c.skills.some((s) => s.weight > 0))
        .map((c) => ({ id: c.id, kind: c.kind, skills: c.skills, intervals: [[open, close]], speed: 1 })),
    };
    const midnight = localMidnight(day, branch.timezone);
    const seed = Number(day.replaceAll("-", ""));
    const rating = createRandom(seed, 99);
    const prefixOf = new Map(services.map((s) => [s.id, s.prefix]));
    const codeOf = new Map(services.map((s) => [s.id, s.code]));
    const seqs = new Map<string, number>();
    simulate(scenario, {
      policy: branch.dispatchPolicy as PolicyName,
      seed,
      predictor: false,
      onOutcomes(customers, outcomes) {
        customers.forEach((c, i) => {
          const o = outcomes[i];
          if (!o) return;
          const serviceId = c.ticket.serviceId;
          const prefix = prefixOf.get(serviceId) ?? "X";
          const seq = (seqs.get(prefix) ?? 0) + 1;
          seqs.set(prefix, seq);
          const issued = midnight + c.arrivalMs;
          const called = o.callMs >= 0 ? midnight + o.callMs : null;
          const counter = called === null ? undefined : scenario.counters[o.counter];
          const counterNumber = counter ? counters.find((x) => x.id === counter.id)?.number : undefined;
          const teller =
            counterNumber !== undefined && usernames.has(`teller${counterNumber}`) ? `teller${counterNumber}` : "";
          const outcome =
            called === null ? (o.walkedAway ? "walked_away" : "cancelled") : c.noShow ? "no_show" : "served";
          const finished = outcome === "served" && called !== null ? called + c.serviceMinutes * MINUTE_MS : null;
          // Satisfaction falls with the wait; four in ten customers do not rate.
          const waitMin = called === null ? 0 : (called - issued) / MINUTE_MS;
          const r = rating.next();
          const p =
            waitMin <= branch.targetWaitMinutes
              ? [0.85, 0.97]
              : waitMin <= branch.alarmWaitMinutes
                ? [0.6, 0.9]
                : [0.3, 0.7];
          const rated = outcome === "served" && rating.next() < 0.6;
          const score = !rated ? "" : r < (p[0] ?? 0) ? "3" : r < (p[1] ?? 0) ? "2" : "1";
          lines.push(
            [
              branch.code,
              codeOf.get(serviceId) ?? "",
              `${prefix}${String(seq).padStart(3, "0")}`,
              iso(issued),
              called === null ? "" : iso(called),
              finished === null || called === null ? "" : iso(called),
              finished === null ? "" : iso(finished),
              counterNumber === undefined ? "" : String(counterNumber),
              teller,
              outcome,
              score,
            ].join(","),
          );
        });
      },
    });
  }
  return `${lines.join("\n")}\n`;
}

/** Simulates and imports the demo history of a branch; returns the tickets imported. */
export async function seedDemoHistory(ctx: AppContext, branch: Branch, days = DEMO_HISTORY_DAYS): Promise<number> {
  const result = await importTickets(ctx, await demoHistoryCsv(ctx, branch, days), "demo history");
  if (!result.ok)
    throw new Error(
      `demo history refused: ${result.problems
        .slice(0, 3)
        .map((p) => `line ${p.line}: ${p.reason}`)
        .join("; ")}`,
    );
  return result.imported;
}
