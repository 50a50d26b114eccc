import type { SimulationReport } from "./report.ts";

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const min = (x: number): string => x.toFixed(1);

/** One line per policy: the table `simulate --compare` prints. */
export function formatComparison(reports: readonly SimulationReport[]): string {
  const header = [
    "policy",
    "customers",
    "mean",
    "p50",
    "p90",
    "p95",
    "max",
    "within",
    ">alarm",
    "walk",
    "pred.med.err",
  ];
  const rows = reports.map((r) => [
    r.policy,
    String(r.customers),
    min(r.meanWaitMinutes),
    min(r.p50WaitMinutes),
    min(r.p90WaitMinutes),
    min(r.p95WaitMinutes),
    min(r.maxWaitMinutes),
    pct(r.withinTargetShare),
    String(r.overAlarm),
    String(r.walkAways),
    min(r.predictor.medianAbsErrorMinutes),
  ]);
  return table([header, ...rows]);
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  "))
    .join("\n");
}

/** The human-readable report of one run; `--json` prints the object itself. */
export function formatReport(r: SimulationReport): string {
  const out: string[] = [];
  out.push(`${r.scenario} · policy ${r.policy} · seed ${r.seed}`);
  out.push(
    `${r.customers} customers, ${r.served} served, ${r.walkAways} walked away, ${r.noShows} no-shows, ${r.unserved} unserved; last service ended at ${clock(r.lastCompletionMinute)}`,
  );
  out.push(
    `wait (min): mean ${min(r.meanWaitMinutes)}, p50 ${min(r.p50WaitMinutes)}, p90 ${min(r.p90WaitMinutes)}, p95 ${min(r.p95WaitMinutes)}, max ${min(r.maxWaitMinutes)}; within target ${pct(r.withinTargetShare)}; over alarm ${r.overAlarm}`,
  );
  out.push(
    `predictor: mean abs error ${min(r.predictor.meanAbsErrorMinutes)} min, median ${min(r.predictor.medianAbsErrorMinutes)} min, bias ${min(r.predictor.meanErrorMinutes)} min`,
  );
  if (r.appointments.booked > 0)
    out.push(
      `appointments: ${r.appointments.booked} booked, ${r.appointments.missed} missed, ${pct(r.appointments.onTimeShare)} called within grace`,
    );
  const group = (title: string, groups: Readonly<Record<string, SimulationReport["byService"][string]>>) => {
    const rows: string[][] = [[title, "customers", "mean", "p90", "max", "within", "walk"]];
    for (const [k, g] of Object.entries(groups))
      rows.push([
        k,
        String(g.customers),
        min(g.meanWaitMinutes),
        min(g.p90WaitMinutes),
        min(g.maxWaitMinutes),
        pct(g.withinTargetShare),
        String(g.walkAways),
      ]);
    out.push("", table(rows));
  };
  group("service", r.byService);
  group("class", r.byClass);
  const hours: string[][] = [["hour", "arrivals", "counters", "mean", "p90", "within"]];
  for (const h of r.byHour)
    hours.push([
      `${String(h.hour).padStart(2, "0")}:00`,
      String(h.customers),
      String(h.openCounters),
      min(h.meanWaitMinutes),
      min(h.p90WaitMinutes),
      pct(h.withinTargetShare),
    ]);
  out.push("", table(hours));
  out.push("", table([["counter", "utilisation"], ...Object.entries(r.utilization).map(([id, u]) => [id, pct(u)])]));
  return out.join("\n");
}

function clock(minute: number): string {
  const h = Math.floor(minute / 60);
  const m = Math.floor(minute % 60);
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}
