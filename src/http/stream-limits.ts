import type { ServerResponse } from "node:http";
import type { Actor } from "../app/actor.ts";
import { AppError } from "../app/errors.ts";
import { wholeNumberFromEnv } from "./env-number.ts";

/** Open event streams one credential (a session's user, a device) may hold: a few tabs and screens. */
export const STREAMS_PER_CREDENTIAL = 8;
/** Open event streams from one address: a branch's displays, consoles and customers' phones behind one NAT. */
export const STREAMS_PER_ADDRESS = 200;

/**
 * `DATANG_STREAMS_PER_CREDENTIAL` and `DATANG_STREAMS_PER_ADDRESS` (defaults 8 and 200): e.g. a proxy that hides
 * the customers' addresses without DATANG_TRUST_PROXY, or a load test holding thousands of streams from one host.
 */
export function streamLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): {
  perCredential: number;
  perAddress: number;
} {
  return {
    perCredential: wholeNumberFromEnv(env, "DATANG_STREAMS_PER_CREDENTIAL", {
      min: 1,
      max: 1_000_000,
      fallback: STREAMS_PER_CREDENTIAL,
    }),
    perAddress: wholeNumberFromEnv(env, "DATANG_STREAMS_PER_ADDRESS", {
      min: 1,
      max: 1_000_000,
      fallback: STREAMS_PER_ADDRESS,
    }),
  };
}

/**
 * Counts open event streams per credential and per address; a stream past either limit is refused 429 before
 * it is opened, and its count is given back when the connection closes. Each open stream holds a socket and
 * a place in the fan-out: without a bound one credential could hold thousands.
 */
export class StreamLimits {
  readonly #open = new Map<string, number>();
  constructor(
    readonly perCredential = STREAMS_PER_CREDENTIAL,
    readonly perAddress = STREAMS_PER_ADDRESS,
  ) {}

  /** Takes a place for a stream about to open on `res`, or throws 429; the place is freed when `res` closes. */
  open(res: ServerResponse, ip: string, actor: Actor | null): void {
    const keys = [`ip:${ip}`];
    if (actor) keys.push(actor.type === "user" ? `user:${actor.id}` : `device:${actor.id}`);
    for (const key of keys) {
      const limit = key.startsWith("ip:") ? this.perAddress : this.perCredential;
      if ((this.#open.get(key) ?? 0) >= limit) {
        const what = key.startsWith("ip:") ? "this address" : "this sign-in or device";
        const whatZh = key.startsWith("ip:") ? "此地址" : "此账号或设备";
        throw new AppError(
          429,
          "too_many_streams",
          `Too many open event streams for ${what} (at most ${limit}); close one and try again.`,
          { limit, retryAfterSeconds: 5 },
          `${whatZh}打开的实时连接过多（最多 ${limit} 个），请关闭其中一个后重试。`,
        );
      }
    }
    for (const key of keys) this.#open.set(key, (this.#open.get(key) ?? 0) + 1);
    res.once("close", () => {
      for (const key of keys) {
        const n = (this.#open.get(key) ?? 1) - 1;
        if (n <= 0) this.#open.delete(key);
        else this.#open.set(key, n);
      }
    });
  }

  /** Streams open for a key (`ip:…`, `user:…`, `device:…`), for tests. */
  count(key: string): number {
    return this.#open.get(key) ?? 0;
  }
}
