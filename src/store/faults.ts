/**
 * Failures of the storage itself rather than of a request: the database cannot be reached, or the disk
 * refuses to write. The HTTP layer answers them with 503 and Retry-After, the health route reports them.
 */
export type StoreFault = "database_unavailable" | "storage_full" | "storage_read_only";

/** Node socket errors that mean the database's connection is gone or cannot be made. */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTCONN"]);

/**
 * PostgreSQL SQLSTATEs of a server that is going away or not accepting connections: 57P01 admin shutdown,
 * 57P02 crash shutdown, 57P03 cannot connect now, 53300 too many connections, and class 08 (connection
 * exceptions).
 */
const PG_UNAVAILABLE = /^(57P0[1-3]|53300|08[0-9A-Z]{3})$/;

/** Messages of node-postgres for a connection that broke while in use (they carry no code). */
const PG_LOST =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed)/;

function faultOf(error: unknown): StoreFault | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string") {
    if (code === "SQLITE_FULL" || code === "ENOSPC") return "storage_full";
    if (code.startsWith("SQLITE_READONLY") || code === "EROFS") return "storage_read_only";
    if (PG_UNAVAILABLE.test(code) || SOCKET_CODES.has(code)) return "database_unavailable";
  }
  if (typeof message === "string" && PG_LOST.test(message)) return "database_unavailable";
  return undefined;
}

/** The storage fault behind an error (looking through its causes), or undefined for any other error. */
export function storeFaultOf(error: unknown): StoreFault | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const fault = faultOf(current);
    if (fault) return fault;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
