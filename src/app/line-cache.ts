import { byLinePosition } from "../domain/dispatch/eligibility.ts";
import type { CounterId, ServiceId, TicketId } from "../domain/ids.ts";
import type { PriorityClass, WaitingTicket } from "../domain/ticket.ts";
import type { BranchEvent, EventTicket } from "../realtime/branch-event.ts";
import type { EventBus } from "../realtime/event-bus.ts";
import type { InServiceTicket, LiveLine } from "../store/live-tickets.ts";

/** A line older than this is read again from the database, whatever the events said: cheap insurance. */
const MAX_AGE_MS = 60_000;
/**
 * A branch's setup (configuration, learned times) is reused this long for estimates; a counter or branch event
 * drops it at once, so an opened counter or a changed policy counts immediately, on every instance.
 */
const SETUP_TTL_MS = 1_000;

interface CachedLine {
  readonly waiting: Map<string, WaitingTicket>;
  /** Waiting tickets per business type and class: a newcomer's standing without walking the line. */
  readonly counts: Map<ServiceId, Map<PriorityClass, number>>;
  readonly inService: Map<string, InServiceTicket>;
  seq: number;
  readonly loadedAt: number;
  stale: boolean;
  unsubscribe: () => void;
}

const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/**
 * Every branch's live line (waiting tickets, tickets at counters) in memory, kept current by the branch's own
 * events, which every instance receives in commit order. Reading the line from the database on each ticket
 * would cost a scan of the whole line inside the single SQLite writer; here a ticket's estimate costs nothing
 * but the prediction itself. A gap in event numbers (an event missed or out of order across instances)
 * marks the line stale, and the next read loads it again.
 */
export class LineCache {
  readonly #lines = new Map<string, CachedLine>();
  readonly #loading = new Map<string, Promise<CachedLine | undefined>>();
  readonly #bus: EventBus;
  readonly #load: (branchId: string) => Promise<LiveLine | undefined>;
  readonly #wallClock: () => number;
  readonly #setups = new Map<string, { value: Promise<unknown>; at: number }>();

  constructor(
    bus: EventBus,
    load: (branchId: string) => Promise<LiveLine | undefined>,
    wallClock: () => number = Date.now,
  ) {
    this.#bus = bus;
    this.#load = load;
    this.#wallClock = wallClock;
  }

  /** The branch's line now, in line order; undefined for an unknown branch. */
  async line(branchId: string): Promise<{ waiting: WaitingTicket[]; inService: InServiceTicket[] } | undefined> {
    let cached = this.#lines.get(branchId);
    if (!cached || cached.stale || this.#wallClock() - cached.loadedAt > MAX_AGE_MS)
      cached = await this.#reload(branchId);
    if (!cached) return undefined;
    const waiting = [...cached.waiting.values()].sort(byLinePosition);
    return { waiting, inService: [...cached.inService.values()] };
  }

  /**
   * The branch's setup for estimates, loaded by `load` at most once a second per branch and dropped when its
   * counters or settings change. Estimates only: a use case that decides something reads the database itself.
   */
  setup<T>(branchId: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#setups.get(branchId);
    const now = this.#wallClock();
    if (hit && now - hit.at < SETUP_TTL_MS) return hit.value as Promise<T>;
    const value = load();
    this.#setups.set(branchId, { value, at: now });
    value.catch(() => this.#setups.delete(branchId));
    return value;
  }

  /** How many wait, per business type and class, and who is at the counters: enough for a newcomer's estimate. */
  async summary(branchId: string): Promise<LineSummary | undefined> {
    let cached = this.#lines.get(branchId);
    if (!cached || cached.stale || this.#wallClock() - cached.loadedAt > MAX_AGE_MS)
      cached = await this.#reload(branchId);
    if (!cached) return undefined;
    return { waitingCount: cached.waiting.size, counts: cached.counts, inService: [...cached.inService.values()] };
  }

  #reload(branchId: string): Promise<CachedLine | undefined> {
    const pending = this.#loading.get(branchId);
    if (pending) return pending;
    const loading = this.#doReload(branchId).finally(() => this.#loading.delete(branchId));
    this.#loading.set(branchId, loading);
    return loading;
  }

  async #doReload(branchId: string): Promise<CachedLine | undefined> {
    // Subscribe before reading, buffering, so that no event falls between the read and the subscription.
    const buffered: BranchEvent[] = [];
    let target: CachedLine | undefined;
    const unsubscribe = this.#bus.subscribe(branchId, (event) => {
      if (target) this.#apply(target, event);
      else buffered.push(event);
    });
    let live: LiveLine | undefined;
    try {
      live = await this.#load(branchId);
    } catch (error) {
      unsubscribe();
      throw error;
    }
    this.#lines.get(branchId)?.unsubscribe();
    if (!live) {
      unsubscribe();
      this.#lines.delete(branchId);
      return undefined;
    }
    const line: CachedLine = {
      waiting: new Map(),
      counts: new Map(),
      inService: new Map(live.inService.map((t) => [t.id as string, t])),
      seq: live.seq,
      loadedAt: this.#wallClock(),
      stale: false,
      unsubscribe,
    };
    for (const t of live.waiting) addWaiting(line, t);
    target = line;
    for (const event of buffered) this.#apply(line, event);
    this.#lines.set(branchId, line);
    return line;
  }

  #apply(line: CachedLine, event: BranchEvent): void {
    if (event.seq <= line.seq) return;
    if (event.seq !== line.seq + 1) {
      line.stale = true;
      return;
    }
    line.seq = event.seq;
    // Anything but a ticket event (a counter, the branch's settings, its business types) changes the setup.
    if (!event.ticket) this.#setups.delete(event.branchId);
    if (event.ticket) this.#applyTicket(line, event.ticket, event.branchId);
    // Closing a counter sends the tickets waiting for it back to their business type's line (in the same commit).
    if (event.type === "counter.closed" && event.counter) releaseTargets(line, event.counter.id);
  }

  #applyTicket(line: CachedLine, t: EventTicket, branchId: string): void {
    removeWaiting(line, t.id);
    line.inService.delete(t.id);
    if (t.status === "waiting") {
      addWaiting(line, {
        id: t.id as TicketId,
        branchId: branchId as WaitingTicket["branchId"],
        serviceId: t.serviceId as ServiceId,
        priority: t.priority,
        issuedAt: Date.parse(t.issuedAt),
        queuedAt: Date.parse(t.queuedAt),
        appointmentAt: ms(t.appointmentAt),
        targetCounterId: t.targetCounterId as CounterId | null,
      });
    } else if (t.status === "called" || t.status === "serving") {
      line.inService.set(t.id, {
        id: t.id as TicketId,
        serviceId: t.serviceId as ServiceId,
        counterId: t.counterId as CounterId | null,
        calledAt: ms(t.calledAt),
        startedAt: ms(t.startedAt),
      });
    }
  }

  /** Marks every line and setup stale: the next read loads them again (after events may have been missed). */
  invalidateAll(): void {
    for (const line of this.#lines.values()) line.stale = true;
    this.#setups.clear();
  }

  close(): void {
    for (const line of this.#lines.values()) line.unsubscribe();
    this.#lines.clear();
    this.#setups.clear();
  }
}

export interface LineSummary {
  readonly waitingCount: number;
  readonly counts: ReadonlyMap<ServiceId, ReadonlyMap<PriorityClass, number>>;
  readonly inService: readonly InServiceTicket[];
}

function addWaiting(line: CachedLine, t: WaitingTicket): void {
  line.waiting.set(t.id, t);
  let byClass = line.counts.get(t.serviceId);
  if (!byClass) {
    byClass = new Map();
    line.counts.set(t.serviceId, byClass);
  }
  byClass.set(t.priority, (byClass.get(t.priority) ?? 0) + 1);
}

function releaseTargets(line: CachedLine, counterId: string): void {
  for (const [id, t] of line.waiting)
    if (t.targetCounterId === counterId) line.waiting.set(id, { ...t, targetCounterId: null });
}

function removeWaiting(line: CachedLine, id: string): void {
  const t = line.waiting.get(id);
  if (!t) return;
  line.waiting.delete(id);
  const byClass = line.counts.get(t.serviceId);
  const n = (byClass?.get(t.priority) ?? 0) - 1;
  if (byClass && n > 0) byClass.set(t.priority, n);
  else byClass?.delete(t.priority);
}
