/**
 * The PostgreSQL outage figure of issue 11: a kiosk issues tickets one after another and a display follows the
 * branch's events (reconnecting with Last-Event-ID as a browser does) while the database is stopped
 * (`pg_ctl stop -m fast`, then `-m immediate`), kept down for 3 s, and started again. Reported per stop mode:
 * seconds from the database's return (pg_ctl start has returned: it accepts connections) to the first ticket
 * issued again, what the kiosk got meanwhile, and events lost: acknowledged tickets whose `ticket.issued` event
 * the display never received, plus event ids the stream skipped (both must be 0).
 */
import { Agent, request } from "node:http";
import type { Datang } from "./datang.ts";
import { log } from "./procs.ts";
import { round } from "./stats.ts";

const DOWN_MS = 3_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface OutageRound {
  mode: "fast" | "immediate";
  /** Seconds from the database's return to the first acknowledged ticket. */
  recoveryS: number;
  /** Kiosk answers during the outage, by status (503 expected; 500 would be a defect). */
  answers: Record<string, number>;
  acknowledged: number;
  eventsLost: number;
  idsSkipped: number;
}

export interface OutageControl {
  stopServer(mode: "fast" | "immediate"): void;
  startServer(): void;
}

/** A display's stream that resumes with Last-Event-ID and records every issued ticket and any skipped id. */
function follow(d: Datang) {
  const state = { last: undefined as number | undefined, issued: new Set<string>(), skipped: 0, connected: false };
  let stopped = false;
  let current: ReturnType<typeof request> | undefined;
  const connect = (): void => {
    if (stopped) return;
    const headers: Record<string, string> = {
      accept: "text/event-stream",
      authorization: `Bearer ${d.tokens.display}`,
    };
    if (state.last !== undefined) headers["last-event-id"] = String(state.last);
    let buffer = "";
    const retry = () => {
      current = undefined;
      if (!stopped) setTimeout(connect, 200);
    };
    const req = request(`${d.base}/api/branches/${d.branchId}/events`, { headers }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        res.on("end", retry);
        return;
      }
      res.setEncoding("utf8");
      state.connected = true;
      res.on("data", (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const lines = buffer.slice(0, end).split("\n");
          buffer = buffer.slice(end + 2);
          const data = lines.find((l) => l.startsWith("data: "));
          const idLine = lines.find((l) => l.startsWith("id: "));
          if (!data || !idLine) continue;
          const id = Number(idLine.slice(4));
          const event = JSON.parse(data.slice(6)) as { type: string; ticket?: { id: string } };
          if (state.last !== undefined && id !== state.last + 1 && event.type !== "stream.reset") state.skipped++;
          state.last = id;
          if (event.type === "ticket.issued" && event.ticket) state.issued.add(event.ticket.id);
        }
      });
      res.on("end", retry);
      res.on("error", retry);
    });
    req.on("error", retry);
    req.end();
    current = req;
  };
  connect();
  return {
    state,
    stop() {
      stopped = true;
      current?.destroy();
    },
  };
}

function issue(d: Datang, agent: Agent): Promise<{ status: number; id?: string }> {
  const body = JSON.stringify({ serviceId: d.services[0]?.id });
  return new Promise((resolve) => {
    const req = request(
      `${d.base}/api/branches/${d.branchId}/tickets`,
      {
        method: "POST",
        agent,
        timeout: 10_000,
        headers: {
          authorization: `Bearer ${d.tokens.kiosk}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          text += c;
        });
        res.on("end", () => {
          let id: string | undefined;
          try {
            id = (JSON.parse(text) as { id?: string }).id;
          } catch {}
          resolve({ status: res.statusCode ?? 0, id });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer")));
    req.on("error", () => resolve({ status: 0 }));
    req.end(body);
  });
}

export async function pgOutage(d: Datang, control: OutageControl): Promise<OutageRound[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const rounds: OutageRound[] = [];
  try {
    for (const mode of ["fast", "immediate"] as const) {
      const display = follow(d);
      // A display without a Last-Event-ID starts from now: the kiosk waits until it listens, or the first
      // ticket's event could come before the stream and be counted as lost.
      const listening = Date.now() + 10_000;
      while (!display.state.connected && Date.now() < listening) await sleep(10);
      const acknowledged = new Set<string>();
      const answers: Record<string, number> = {};
      let back: number | undefined;
      let firstAfter: number | undefined;
      const run = { phase: "before" as "before" | "outage" | "after" | "done" };
      const kiosk = (async () => {
        while (run.phase !== "done") {
          const r = await issue(d, agent);
          if (r.status === 201 && r.id) {
            acknowledged.add(r.id);
            if (back !== undefined && firstAfter === undefined) firstAfter = performance.now();
          } else if (run.phase !== "before") answers[r.status] = (answers[r.status] ?? 0) + 1;
          await sleep(20);
        }
      })();
      await sleep(1_000);
      run.phase = "outage";
      control.stopServer(mode);
      await sleep(DOWN_MS);
      control.startServer();
      back = performance.now();
      run.phase = "after";
      const deadline = Date.now() + 30_000;
      while (firstAfter === undefined && Date.now() < deadline) await sleep(10);
      await sleep(2_000);
      run.phase = "done";
      await kiosk;
      // Let the display catch up with the last tickets.
      const caughtUp = Date.now() + 5_000;
      while ([...acknowledged].some((id) => !display.state.issued.has(id)) && Date.now() < caughtUp) await sleep(50);
      display.stop();
      const lost = [...acknowledged].filter((id) => !display.state.issued.has(id)).length;
      const round_: OutageRound = {
        mode,
        recoveryS: firstAfter === undefined ? -1 : round((firstAfter - back) / 1000, 2),
        answers,
        acknowledged: acknowledged.size,
        eventsLost: lost,
        idsSkipped: display.state.skipped,
      };
      log(`PostgreSQL outage (${mode}): ${JSON.stringify(round_)}`);
      rounds.push(round_);
    }
    return rounds;
  } finally {
    agent.destroy();
  }
}
