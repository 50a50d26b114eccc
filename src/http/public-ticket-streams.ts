import type { ServerResponse } from "node:http";
import type { AppContext } from "../app/context.ts";
import { type PublicTicket, publicTicketsOfBranch } from "../app/queries/tickets.ts";

/** Changes in a branch are gathered this long before the phones following its tickets are refreshed. */
const REFRESH_DELAY_MS = 300;
const HEARTBEAT_MS = 20_000;

interface Follower {
  readonly ticketId: string;
  last: string;
}

interface BranchFollowers {
  readonly followers: Map<ServerResponse, Follower>;
  readonly unsubscribe: () => void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The customers' phones, each following one ticket. A change in the branch refreshes all of a branch's
 * followed tickets with one query and one prediction, and each phone is sent its view only when it changed.
 */
export class PublicTicketStreams {
  readonly #ctx: AppContext;
  readonly #branches = new Map<string, BranchFollowers>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(ctx: AppContext) {
    this.#ctx = ctx;
    this.#heartbeat = setInterval(() => {
      for (const { followers } of this.#branches.values()) for (const res of followers.keys()) res.write(": ping\n\n");
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  attach(res: ServerResponse, first: PublicTicket): void {
    let entry = this.#branches.get(first.branchId);
    if (!entry) {
      const created: BranchFollowers = {
        followers: new Map(),
        timer: undefined,
        unsubscribe: this.#ctx.bus.subscribe(first.branchId, () => {
          created.timer ??= setTimeout(() => this.#refresh(first.branchId, created), REFRESH_DELAY_MS);
        }),
      };
      entry = created;
      this.#branches.set(first.branchId, entry);
    }
    const last = JSON.stringify(first);
    entry.followers.set(res, { ticketId: first.id, last });
    res.write(`data: ${last}\n\n`);
    res.on("close", () => this.#detach(first.branchId, res));
  }

  #refresh(branchId: string, entry: BranchFollowers): void {
    entry.timer = undefined;
    const ids = [...new Set([...entry.followers.values()].map((f) => f.ticketId))];
    publicTicketsOfBranch(this.#ctx, branchId, ids)
      .then((views) => {
        for (const [res, follower] of entry.followers) {
          const view = views.get(follower.ticketId);
          if (!view || res.writableEnded) continue;
          const text = JSON.stringify(view);
          if (text === follower.last) continue;
          follower.last = text;
          res.write(`data: ${text}\n\n`);
        }
      })
      // A failed refresh (the database restarting) is retried by the branch's next event.
      .catch(() => {});
  }

  #detach(branchId: string, res: ServerResponse): void {
    const entry = this.#branches.get(branchId);
    if (!entry) return;
    entry.followers.delete(res);
    if (entry.followers.size > 0) return;
    entry.unsubscribe();
    if (entry.timer) clearTimeout(entry.timer);
    this.#branches.delete(branchId);
  }

  close(): void {
    clearInterval(this.#heartbeat);
    for (const entry of this.#branches.values()) {
      entry.unsubscribe();
      if (entry.timer) clearTimeout(entry.timer);
      for (const res of entry.followers.keys()) res.end();
    }
    this.#branches.clear();
  }
}
