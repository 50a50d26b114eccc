import { findBranch } from "../../store/branches.ts";
import type { AppContext } from "../context.ts";
import { publicTicket } from "../queries/tickets.ts";
import { type PrinterState, printOnNetworkPrinter } from "./network-printer.ts";
import { encodeTicketSlip } from "./ticket-slip.ts";

/**
 * Which kiosks have a network printer, remembered briefly: a kiosk's ticket costs no extra read while the kiosk
 * keeps issuing, and an edit in admin on this instance is seen at once (`forgetPrinter`), on another within
 * the remembered time.
 */
const REMEMBER_MS = 10_000;
interface KnownPrinter {
  until: number;
  url: string | null;
  state: PrinterState | null;
}
const printers = new Map<string, KnownPrinter>();
/** Lookups in flight: a burst of tickets from one kiosk reads its row once, not once each. */
const reading = new Map<string, Promise<KnownPrinter>>();

export function forgetPrinter(deviceId: string): void {
  printers.delete(deviceId);
}

function printerOf(ctx: AppContext, deviceId: string, now: number): Promise<KnownPrinter> {
  const hit = printers.get(deviceId);
  if (hit && hit.until > now) return Promise.resolve(hit);
  const pending = reading.get(deviceId);
  if (pending) return pending;
  const read = ctx.store.db
    .selectFrom("devices")
    .select(["printer_url", "printer_state"])
    .where("id", "=", deviceId)
    .executeTakeFirst()
    .then((row) => {
      const entry: KnownPrinter = {
        until: now + REMEMBER_MS,
        url: row?.printer_url ?? null,
        state: (row?.printer_state ?? null) as PrinterState | null,
      };
      if (printers.size > 1000) printers.clear();
      printers.set(deviceId, entry);
      return entry;
    })
    .finally(() => reading.delete(deviceId));
  reading.set(deviceId, read);
  return read;
}

/** Stores a printer's state when it changed, so that admin and the kiosk see it; one write per change. */
export async function recordPrinterState(
  ctx: AppContext,
  deviceId: string,
  state: PrinterState,
  now: number,
  known: PrinterState | null,
): Promise<void> {
  const hit = printers.get(deviceId);
  if (hit) hit.state = state;
  if (state === known) return;
  await ctx.store.write((tx) =>
    tx
      .updateTable("devices")
      .set({ printer_state: state, printer_checked_at: now })
      .where("id", "=", deviceId)
      .execute(),
  );
}

const localTime = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat("sv-SE", { timeZone, dateStyle: "short", timeStyle: "short" }).format(new Date(iso));

/**
 * Prints a ticket the kiosk just issued on the kiosk's network printer, if it has one. Called once the ticket is
 * durably issued and never awaited by the answer: it cannot delay or fail the issue. It never throws; what it
 * learns of the printer is stored for the kiosk's page and admin.
 */
export async function printKioskTicket(
  ctx: AppContext,
  deviceId: string,
  ticketId: string,
  origin: string,
  timeoutMs = 3000,
): Promise<PrinterState | null> {
  try {
    const printer = await printerOf(ctx, deviceId, ctx.clock());
    if (printer.url === null) return null;
    const ticket = await publicTicket(ctx, ticketId);
    const timeZone = (await findBranch(ctx.store.db, ticket.branchId))?.timezone ?? "Asia/Shanghai";
    const job = encodeTicketSlip({
      branchNameZh: ticket.branchNameZh,
      branchNameEn: ticket.branchNameEn,
      number: ticket.number,
      serviceNameZh: ticket.serviceNameZh,
      serviceNameEn: ticket.serviceNameEn,
      ahead: ticket.position,
      estimatedWaitMinutes: ticket.estimatedWaitMinutes,
      liveUrl: `${origin.replace(/\/$/, "")}/t/${ticket.id}`,
      issuedAt: localTime(ticket.issuedAt, timeZone),
    });
    const outcome = await printOnNetworkPrinter(printer.url, job, timeoutMs);
    await recordPrinterState(ctx, deviceId, outcome.state, ctx.clock(), printer.state);
    return outcome.state;
  } catch {
    return null;
  }
}

/** Asks a kiosk's printer for its state without printing (the kiosk's heartbeat); null without a printer. */
export async function probeKioskPrinter(
  ctx: AppContext,
  deviceId: string,
  timeoutMs = 2000,
): Promise<PrinterState | null> {
  const printer = await printerOf(ctx, deviceId, ctx.clock());
  if (printer.url === null) return null;
  const outcome = await printOnNetworkPrinter(printer.url, null, timeoutMs);
  printer.state = outcome.state;
  return outcome.state;
}
