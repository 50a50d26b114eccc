/**
 * The login-flood figure of issue 11: kiosk ticket issue latency, one ticket after another, undisturbed and
 * while 400 parallel sign-ins with unknown usernames are answered. Twice: all from one address, and each from
 * its own address (X-Forwarded-For through a trusted proxy: no per-address limit helps, only the bounded
 * hashing queue does).
 */
import { Agent, request } from "node:http";
import type { Datang } from "./datang.ts";
import { log } from "./procs.ts";
import { percentile, round } from "./stats.ts";

export const FLOOD = 400;
const UNDISTURBED = 100;
const MIN_DURING = 50;

export interface IssueLatency {
  tickets: number;
  p50: number;
  p99: number;
}
export interface FloodFigures extends IssueLatency {
  /** Sign-ins answered 401 (checked) and 429 (refused), and when the last answer came. */
  checked: number;
  refused: number;
  other: number;
  floodMs: number;
  /** Milliseconds from the flood's start to the 429 answers (p99): a refusal is fast. */
  refusedP99Ms: number;
}
export interface LoginFloodFigures {
  undisturbed: IssueLatency;
  oneAddress: FloodFigures;
  manyAddresses: FloodFigures;
}

function latency(samples: readonly number[]): IssueLatency {
  return { tickets: samples.length, p50: round(percentile(samples, 50), 1), p99: round(percentile(samples, 99), 1) };
}

/** One request (a POST with a JSON body, or a GET); resolves to the status once the answer is read. */
function post(url: string, agent: Agent, headers: Record<string, string>, body?: unknown): Promise<number> {
  const payload = body === undefined ? "" : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: body === undefined ? "GET" : "POST",
        agent,
        timeout: 30_000,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...headers },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${url}: no answer in 30 s`)));
    req.on("error", reject);
    req.end(payload);
  });
}

export async function loginFlood(d: Datang): Promise<LoginFloodFigures> {
  const kiosk = new Agent({ keepAlive: true, maxSockets: 1 });
  const flooders = new Agent({ keepAlive: true, maxSockets: FLOOD });
  const issue = async (): Promise<number> => {
    const started = performance.now();
    const status = await post(
      `${d.base}/api/branches/${d.branchId}/tickets`,
      kiosk,
      { authorization: `Bearer ${d.tokens.kiosk}` },
      { serviceId: d.services[0]?.id },
    );
    if (status !== 201) throw new Error(`issue during the login flood: ${status}`);
    return performance.now() - started;
  };
  const during = async (spread: boolean, pass: number): Promise<FloodFigures> => {
    const started = performance.now();
    let settled = false;
    const counts = { checked: 0, refused: 0, other: 0, floodMs: 0 };
    const refusedAt: number[] = [];
    const flood = Promise.all(
      Array.from({ length: FLOOD }, async (_, i) => {
        const status = await post(
          `${d.base}/api/auth/login`,
          flooders,
          spread ? { "x-forwarded-for": `10.${pass}.${i >> 8}.${i & 255}` } : {},
          { username: `nobody-${pass}-${i}`, password: "guess" },
        );
        if (status === 401) counts.checked++;
        else if (status === 429) {
          counts.refused++;
          refusedAt.push(performance.now() - started);
        } else counts.other++;
      }),
    ).then(() => {
      counts.floodMs = round(performance.now() - started, 1);
      settled = true;
    });
    const samples: number[] = [];
    while (!settled || samples.length < MIN_DURING) samples.push(await issue());
    await flood;
    return { ...latency(samples), ...counts, refusedP99Ms: round(percentile(refusedAt, 99), 1) };
  };

  try {
    for (let i = 0; i < 5; i++) await issue();
    // The flood's 400 connections are opened beforehand (and kept alive): the figure is about what answering
    // the sign-ins costs the ticket path, not about this client opening sockets on a shared machine.
    await Promise.all(Array.from({ length: FLOOD }, () => post(`${d.base}/api/health`, flooders, {})));
    const quiet: number[] = [];
    for (let i = 0; i < UNDISTURBED; i++) quiet.push(await issue());
    const undisturbed = latency(quiet);
    log(`login flood: undisturbed issue p50 ${undisturbed.p50} ms, p99 ${undisturbed.p99} ms`);
    const oneAddress = await during(false, 1);
    log(`login flood, one address: ${JSON.stringify(oneAddress)}`);
    const manyAddresses = await during(true, 2);
    log(`login flood, ${FLOOD} addresses: ${JSON.stringify(manyAddresses)}`);
    return { undisturbed, oneAddress, manyAddresses };
  } finally {
    kiosk.destroy();
    flooders.destroy();
  }
}
