import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/**
 * Password hashing (scrypt, ~16 MiB and tens of milliseconds of CPU each) runs on a few worker threads of its
 * own, never on libuv's thread pool: that pool also runs the fdatasync of SQLite's WAL that every durable write
 * waits for (src/store/wal-flusher.ts), and a flood of sign-ins once queued hundreds of hashes in front of it.
 * The workers call the synchronous scrypt, so the hash runs on the worker's own thread, at a lower CPU priority
 * than the event loop (where the system allows it per thread, as Linux does).
 *
 * In front of the workers is a bounded queue. A sign-in that finds it full is refused at once (`PoolBusy`,
 * answered 429) instead of waiting; setting a password (staff administration, seeding) waits its turn.
 */
export interface ScryptJob {
  readonly password: string;
  readonly salt: Buffer;
  readonly n: number;
  readonly r: number;
  readonly p: number;
  readonly keyLength: number;
}

export class PoolBusy extends Error {
  constructor() {
    super("password hashing is saturated");
    this.name = "PoolBusy";
  }
}

// Plain JavaScript evaluated in the worker: no loader or build step is needed to start it.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { scryptSync } = require("node:crypto");
// On Linux a nice value belongs to a thread: this one yields the CPU to the event loop that serves tickets.
try { require("node:os").setPriority(0, 10); } catch {}
parentPort.on("message", (job) => {
  try {
    const key = scryptSync(job.password, Buffer.from(job.salt), job.keyLength, {
      N: job.n, r: job.r, p: job.p, maxmem: 64 * 1024 * 1024,
    });
    parentPort.postMessage({ id: job.id, key });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String(error && error.message || error) });
  }
});
`;

interface Pending {
  readonly id: number;
  readonly job: ScryptJob;
  resolve(key: Buffer): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
}

export class HashPool {
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 1;
  #admitted = 0;

  /**
   * `threads`: hashes at once (default: half the cores, at least one, at most four, so the event loop keeps a
   * core); `maxQueued`: sign-ins that may wait for a thread before further ones are refused.
   */
  constructor(
    readonly threads = Math.max(1, Math.min(4, Math.floor(availableParallelism() / 2))),
    readonly maxQueued = 8 * threads,
  ) {}

  /** Whether `admit` would refuse now: a sign-in may be answered 429 before any of its work is done. */
  get saturated(): boolean {
    return this.#admitted >= this.threads + this.maxQueued;
  }

  /** Hashes waiting for a thread (not those running). */
  get queued(): number {
    return this.#queue.length;
  }

  /**
   * Admits one sign-in before any of its work is done (the user lookup included), or throws `PoolBusy` at
   * once when as many are already admitted as there are threads and queue places. Call the returned function
   * when its hash is done.
   */
  admit(): () => void {
    if (this.saturated) throw new PoolBusy();
    this.#admitted++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#admitted--;
    };
  }

  /**
   * Runs one scrypt. `refuseWhenFull`: a sign-in; throws `PoolBusy` without waiting when the queue is full.
   */
  run(job: ScryptJob, refuseWhenFull: boolean): Promise<Buffer> {
    const free = this.#freeSlot();
    if (!free && refuseWhenFull && this.#queue.length >= this.maxQueued) return Promise.reject(new PoolBusy());
    return new Promise<Buffer>((resolve, reject) => {
      const pending: Pending = { id: this.#nextId++, job, resolve, reject };
      if (free) this.#start(free, pending);
      else this.#queue.push(pending);
    });
  }

  /** Stops the workers; hashes still waiting fail. (Workers are unreferenced: they never hold the process open.) */
  async close(): Promise<void> {
    for (const pending of this.#queue.splice(0)) pending.reject(new Error("hash pool closed"));
    const slots = this.#slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  #freeSlot(): Slot | undefined {
    const idle = this.#slots.find((s) => s.busy === null);
    if (idle) return idle;
    if (this.#slots.length >= this.threads) return undefined;
    const slot: Slot = { worker: this.#spawn(), busy: null };
    this.#slots.push(slot);
    return slot;
  }

  #spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.on("message", (msg: { id: number; key?: Uint8Array; error?: string }) => {
      const slot = this.#slots.find((s) => s.worker === worker);
      const pending = slot?.busy;
      if (!slot || !pending || pending.id !== msg.id) return;
      slot.busy = null;
      if (msg.key) pending.resolve(Buffer.from(msg.key));
      else pending.reject(new Error(msg.error ?? "scrypt failed"));
      this.#next(slot);
    });
    worker.on("error", (error) => this.#lost(worker, error));
    worker.on("exit", () => this.#lost(worker, new Error("hash worker exited")));
    // Idle workers never hold the process open; a busy one does, until its hash is answered (see #start).
    worker.unref();
    return worker;
  }

  /** A worker died: its hash fails, and a fresh worker takes the queue on. */
  #lost(worker: Worker, error: Error): void {
    const index = this.#slots.findIndex((s) => s.worker === worker);
    if (index < 0) return;
    const [slot] = this.#slots.splice(index, 1);
    slot?.busy?.reject(error);
    const next = this.#queue.shift();
    if (next) {
      const fresh = this.#freeSlot();
      if (fresh) this.#start(fresh, next);
      else this.#queue.unshift(next);
    }
  }

  #start(slot: Slot, pending: Pending): void {
    slot.busy = pending;
    slot.worker.ref();
    const { password, salt, n, r, p, keyLength } = pending.job;
    slot.worker.postMessage({ id: pending.id, password, salt, n, r, p, keyLength });
  }

  #next(slot: Slot): void {
    const next = this.#queue.shift();
    if (next) this.#start(slot, next);
    else slot.worker.unref();
  }
}
