/**
 * A credential that stopped being valid: a session logged out, a user deactivated (or their password changed,
 * which ends their sessions), a device revoked. Every instance ends the event streams opened with it and forgets
 * it from its credential cache as soon as it hears of it (PostgreSQL: through NOTIFY, see fanout.ts).
 */
export interface Revocation {
  readonly kind: "session" | "user" | "device";
  /** The session's stored id (the hash of its token), the user's id or the device's id. */
  readonly id: string;
}

export type RevocationListener = (revocation: Revocation) => void;

/** The in-process path of revocations: this instance's own, and those other instances announced. */
export class Revocations {
  readonly #listeners = new Set<RevocationListener>();

  subscribe(listener: RevocationListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(revocation: Revocation): void {
    for (const listener of this.#listeners) {
      try {
        listener(revocation);
      } catch (error) {
        console.error("a revocation listener failed", error);
      }
    }
  }
}

export function isRevocation(value: unknown): value is Revocation {
  if (typeof value !== "object" || value === null) return false;
  const { kind, id } = value as { kind?: unknown; id?: unknown };
  return (kind === "session" || kind === "user" || kind === "device") && typeof id === "string";
}
