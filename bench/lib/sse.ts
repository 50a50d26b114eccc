/**
 * SSE fan-out: many display clients on one branch's event stream (raw sockets, one per client, as browsers
 * would have), held by child processes (sse-clients.ts) so that reading 2,000 streams does not run on the
 * event loop that times the call-next; then call-next rounds, and for each the time from the call-next
 * response arriving at the bench to each client receiving that ticket's `ticket.called` event.
 */
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { api, type Datang, login } from "./datang.ts";
import { log, rssMb, type Started, startNode } from "./procs.ts";
import { percentile, round, sleep } from "./stats.ts";

export interface SseFigures {
  clients: number;
  clientProcesses: number;
  rounds: number;
  /** Latency from the call-next response to each client's receipt; an event that beat the response counts 0. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The same, measured from when the call-next request was sent (an upper bound including the write itself). */
  fromRequestP99Ms: number;
  /** Client receipts expected but not seen within the round's 5 s bound. */
  missed: number;
  rssMb: number;
  rssIdleMb: number;
}

const CLIENT_PROCESSES = 2;
const now = (): number => performance.timeOrigin + performance.now();

interface ClientProcess {
  readonly started: Started;
  readonly count: number;
  /** Resolves with the receipt times of one ticket's event. */
  report(ticketId: string): Promise<number[]>;
}

async function startClients(d: Datang, count: number): Promise<ClientProcess> {
  const started = await startNode(
    join(import.meta.dirname, "sse-clients.ts"),
    [d.base, d.branchId, d.tokens.display, String(count)],
    /ready \d+/,
    {},
    60_000,
  );
  const waiting = new Map<string, (times: number[]) => void>();
  const stdout = started.child.stdout;
  if (!stdout) throw new Error("SSE client process has no stdout");
  createInterface({ input: stdout }).on("line", (line) => {
    const [kind, ticketId = "", list = ""] = line.split(" ");
    if (kind !== "times") return;
    waiting.get(ticketId)?.(list ? list.split(",").map(Number) : []);
    waiting.delete(ticketId);
  });
  return {
    started,
    count,
    report(ticketId) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("SSE client process did not report")), 10_000);
        waiting.set(ticketId, (times) => {
          clearTimeout(timer);
          resolve(times);
        });
        started.child.stdin?.write(`report ${ticketId}\n`);
      });
    },
  };
}

export async function sseFanout(d: Datang, clientCount: number, rounds: number): Promise<SseFigures> {
  const processes: ClientProcess[] = [];
  try {
    // Tickets to call, issued before the clients attach so only the rounds' events reach them.
    for (let i = 0; i < rounds; i++) {
      const a = await api(
        d.base,
        "POST",
        `/api/branches/${d.branchId}/tickets`,
        { bearer: d.tokens.kiosk },
        { serviceId: d.counters[0]?.skills[0]?.serviceId },
      );
      if (a.status !== 201) throw new Error(`issue for SSE: ${a.status}`);
    }
    const counterId = d.counters[0]?.id ?? "";
    const teller = await login(d.base, "teller1");
    const signIn = await api(d.base, "POST", `/api/counters/${counterId}/sign-in`, { cookie: teller });
    if (signIn.status !== 200) throw new Error(`sign-in for SSE: ${signIn.status}`);
    const rssIdleMb = rssMb(d.pid);

    const attachStarted = performance.now();
    const share = Math.ceil(clientCount / CLIENT_PROCESSES);
    for (let i = 0; i < CLIENT_PROCESSES; i++) {
      const count = Math.min(share, clientCount - i * share);
      if (count > 0) processes.push(await startClients(d, count));
    }
    const clients = processes.reduce((s, p) => s + p.count, 0);
    log(
      `SSE: ${clients} clients in ${processes.length} processes attached in ${Math.round(performance.now() - attachStarted)} ms`,
    );
    await sleep(500);
    let rss = rssMb(d.pid);

    const fromResponse: number[] = [];
    const fromRequest: number[] = [];
    let missed = 0;
    for (let r = 0; r < rounds; r++) {
      const sent = now();
      const call = await api(d.base, "POST", `/api/counters/${counterId}/call-next`, { cookie: teller });
      const answered = now();
      if (call.status !== 200) throw new Error(`call-next for SSE: ${call.status}`);
      const ticketId = (call.body as { ticket: { id: string } }).ticket.id;
      const reports = await Promise.all(processes.map((p) => p.report(ticketId)));
      for (const [i, times] of reports.entries()) {
        missed += (processes[i]?.count ?? 0) - times.length;
        for (const t of times) {
          fromResponse.push(Math.max(0, t - answered));
          fromRequest.push(t - sent);
        }
      }
      rss = Math.max(rss, rssMb(d.pid));
      for (const action of ["start", "complete"] as const) {
        const a = await api(d.base, "POST", `/api/tickets/${ticketId}/${action}`, { cookie: teller }, {});
        if (a.status !== 200) throw new Error(`${action} for SSE: ${a.status}`);
      }
      // Rounds ~200 ms apart, as a busy branch's calls would be, and so rounds do not overlap.
      await sleep(200);
    }
    const figures: SseFigures = {
      clients,
      clientProcesses: processes.length,
      rounds,
      p50Ms: round(percentile(fromResponse, 50), 1),
      p99Ms: round(percentile(fromResponse, 99), 1),
      maxMs: round(
        fromResponse.reduce((m, x) => Math.max(m, x), 0),
        1,
      ),
      fromRequestP99Ms: round(percentile(fromRequest, 99), 1),
      missed,
      rssMb: rss,
      rssIdleMb,
    };
    log(`SSE: ${JSON.stringify(figures)}`);
    return figures;
  } finally {
    for (const p of processes) {
      p.started.child.stdin?.end();
      await p.started.stop();
    }
  }
}
