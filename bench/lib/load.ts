/**
 * The autocannon loads: the bare ceiling, issue-ticket, and a mixed teller workload, all at the same
 * connection count and duration so the ratios compare like with like.
 */
import autocannon from "autocannon";
import type { Datang, TellerSeat } from "./datang.ts";
import { log } from "./procs.ts";
import { round } from "./stats.ts";

export const CONNECTIONS = 64;
export const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);

export interface LoadFigures {
  /** Successful (expected-status) responses per second. */
  rps: number;
  p50: number;
  p99: number;
  /** Responses with an unexpected status plus connection errors and timeouts. */
  errors: number;
  requests: number;
  /** Successful responses in the first and the last whole second: shows a rate that decays as data grows. */
  firstSecond: number;
  lastSecond: number;
}

function figures(result: autocannon.Result, expected: readonly number[], perSecond: readonly number[]): LoadFigures {
  let good = 0;
  let answered = 0;
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    answered += stat.count ?? 0;
    if (expected.includes(Number(code))) good += stat.count ?? 0;
  }
  return {
    rps: round(good / result.duration, 0),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: answered - good + result.errors + result.timeouts,
    requests: answered,
    firstSecond: perSecond[0] ?? 0,
    lastSecond: perSecond.length > 1 ? (perSecond[perSecond.length - 2] ?? 0) : 0,
  };
}

function run(title: string, options: autocannon.Options, expected: readonly number[]): Promise<LoadFigures> {
  log(`${title}: ${CONNECTIONS} connections for ${DURATION_S} s`);
  const perSecond: number[] = [];
  let startedAt = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { connections: CONNECTIONS, duration: DURATION_S, timeout: 10, pipelining: 1, title, ...options },
      (error, result) => {
        if (error) return reject(error);
        const f = figures(result, expected, perSecond);
        const codes = JSON.stringify(
          Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([c, s]) => [c, s.count ?? 0])),
        );
        log(`${title}: ${f.rps} ok/s, p50 ${f.p50} ms, p99 ${f.p99} ms, statuses ${codes}, errors ${f.errors}`);
        resolve(f);
      },
    );
    instance.on("response", (_client, statusCode) => {
      const now = Date.now();
      startedAt ||= now;
      if (!expected.includes(statusCode)) return;
      const second = Math.floor((now - startedAt) / 1000);
      perSecond[second] = (perSecond[second] ?? 0) + 1;
    });
  });
}

export function bareLoad(base: string, title = "bare fastify"): Promise<LoadFigures> {
  return run(
    title,
    {
      url: `${base}/bare`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ serviceId: "0190a0b0-0000-7000-8000-000000000000" }),
    },
    [200],
  );
}

/** Every connection a kiosk, the connections spread over the business types; only 201 counts as success. */
export function issueLoad(d: Datang): Promise<LoadFigures> {
  let next = 0;
  return run(
    "issue-ticket",
    {
      url: `${d.base}/api/branches/${d.branchId}/tickets`,
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${d.tokens.kiosk}` },
      body: JSON.stringify({ serviceId: d.services[0]?.id }),
      setupClient(client) {
        const service = d.services[next++ % d.services.length];
        client.setBody(JSON.stringify({ serviceId: service?.id }));
      },
    },
    [201],
  );
}

interface SeatState {
  ticketId: string | undefined;
}

/**
 * A branch at full tilt: each connection is one counter with its own teller, looping
 * issue (kiosk) → call-next → start → complete. Every ticket issued is also served, so the queue stays
 * short as in a real branch, and the four kinds of write share the database. A call-next that finds
 * nothing (204: another counter took the ticket) restarts the loop at issue.
 */
export function mixedLoad(d: Datang, seats: readonly TellerSeat[]): Promise<LoadFigures> {
  if (seats.length < CONNECTIONS) throw new Error(`mixed load needs ${CONNECTIONS} seats, has ${seats.length}`);
  let next = 0;
  const issuePath = `/api/branches/${d.branchId}/tickets`;
  return run(
    "mixed issue/call-next/start/complete",
    {
      url: d.base,
      setupClient(client) {
        const seat = seats[next++ % seats.length] as TellerSeat;
        const state: SeatState = { ticketId: undefined };
        const teller = { cookie: seat.cookie };
        // autocannon restarts the sequence when setupRequest returns nothing; its types do not say so.
        const skip = undefined as unknown as autocannon.Request;
        client.setRequests([
          {
            method: "POST",
            path: issuePath,
            headers: { "content-type": "application/json", authorization: `Bearer ${d.tokens.kiosk}` },
            body: JSON.stringify({ serviceId: seat.serviceId }),
          },
          {
            method: "POST",
            path: `/api/counters/${seat.counterId}/call-next`,
            headers: teller,
            onResponse(status, body) {
              state.ticketId = status === 200 ? (JSON.parse(body) as { ticket: { id: string } }).ticket.id : undefined;
            },
          },
          {
            method: "POST",
            headers: teller,
            setupRequest: (req) => (state.ticketId ? { ...req, path: `/api/tickets/${state.ticketId}/start` } : skip),
          },
          {
            method: "POST",
            headers: { ...teller, "content-type": "application/json" },
            body: "{}",
            setupRequest: (req) =>
              state.ticketId ? { ...req, path: `/api/tickets/${state.ticketId}/complete` } : skip,
          },
        ]);
      },
    },
    [200, 201, 204],
  );
}
