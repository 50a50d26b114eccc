import { Socket } from "node:net";

/** What a receipt printer says of itself, from its real-time status (ESC/POS DLE EOT). */
export type PrinterState = "ok" | "paper_low" | "paper_out" | "offline" | "unreachable";
export const PRINTER_STATES: readonly PrinterState[] = ["ok", "paper_low", "paper_out", "offline", "unreachable"];

/** `tcp://host:port` (port 9100 when left out, the raw printing port); undefined for anything else. */
export function parsePrinterUrl(url: string): { host: string; port: number } | undefined {
  const m = /^tcp:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?\/?$/.exec(url);
  if (!m) return undefined;
  const port = m[2] === undefined ? 9100 : Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (m[1] as string).replace(/^\[|\]$/g, ""), port };
}

/**
 * ESC/POS real-time status requests: DLE EOT 1 (printer status: bit 3 set = offline, e.g. cover open) and
 * DLE EOT 4 (roll paper sensor: bits 2-3 = paper near its end, bits 5-6 = paper out). Every answer byte has
 * bit 4 set and bits 0 and 7 clear, which tells an answer from noise.
 */
const STATUS_PRINTER = Uint8Array.of(0x10, 0x04, 0x01);
const STATUS_PAPER = Uint8Array.of(0x10, 0x04, 0x04);
const isStatusByte = (b: number) => (b & 0x91) === 0x10;

/** The printer's state from its two status bytes. */
export function stateFromStatus(printer: number, paper: number): PrinterState {
  if (!isStatusByte(printer) || !isStatusByte(paper)) return "unreachable";
  if (printer & 0x08) return "offline";
  if (paper & 0x60) return "paper_out";
  if (paper & 0x0c) return "paper_low";
  return "ok";
}

export interface PrintOutcome {
  readonly state: PrinterState;
  /** Whether the slip was sent (only to a printer that answered "ok" or "paper_low"). */
  readonly printed: boolean;
}

/**
 * Asks the printer at `url` for its status and, if it can print, sends `job`. Bounded in time: a printer that
 * does not connect or answer within `timeoutMs` is "unreachable", and nothing waits on it any longer.
 */
export function printOnNetworkPrinter(url: string, job: Uint8Array | null, timeoutMs = 3000): Promise<PrintOutcome> {
  const target = parsePrinterUrl(url);
  if (!target) return Promise.resolve({ state: "unreachable", printed: false });
  return new Promise((resolve) => {
    const socket = new Socket();
    const answers: number[] = [];
    let settled = false;
    const finish = (outcome: PrintOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome.printed) socket.end();
      else socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ state: "unreachable", printed: false }), timeoutMs);
    socket.on("error", () => finish({ state: "unreachable", printed: false }));
    socket.on("close", () => finish({ state: "unreachable", printed: false }));
    socket.on("data", (chunk: Buffer) => {
      for (const b of chunk) answers.push(b);
      if (answers.length === 1) socket.write(STATUS_PAPER);
      if (answers.length < 2) return;
      const state = stateFromStatus(answers[0] as number, answers[1] as number);
      if (job === null || (state !== "ok" && state !== "paper_low")) return finish({ state, printed: false });
      socket.write(job, () => finish({ state, printed: true }));
    });
    socket.connect(target.port, target.host, () => socket.write(STATUS_PRINTER));
  });
}
