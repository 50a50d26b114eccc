/**
 * Optimistic concurrency for rows that carry a `version` column (complaints, follow-ups): a change applies only
 * if the row is still as it was read, and bumps the version; otherwise 409 with the caller's words for what
 * changed ("The complaint was changed meanwhile…"), so that two members of staff never overwrite each other.
 */
import type { Updateable } from "kysely";
import type { Database } from "../store/schema.ts";
import type { Tx } from "../store/store.ts";
import { conflict } from "./errors.ts";

/** Tables whose rows have `id` and `version`, changed through updateIfUnchanged. */
export type VersionedTable = "complaints" | "followups";

export async function updateIfUnchanged<T extends VersionedTable>(
  tx: Tx,
  table: T,
  read: { readonly id: string; readonly version: number },
  patch: Omit<Updateable<Database[T]>, "id" | "version">,
  what: { readonly en: string; readonly zh: string },
): Promise<void> {
  // Both tables have `id` and `version`; Kysely cannot see that through the generic, hence the one cast.
  const r = await (tx as unknown as Tx)
    .updateTable(table as "complaints")
    .set({ ...(patch as Updateable<Database["complaints"]>), version: Number(read.version) + 1 })
    .where("id", "=", read.id)
    .where("version", "=", Number(read.version))
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1)
    throw conflict(
      `The ${what.en} was changed meanwhile; reload and try again.`,
      undefined,
      `该${what.zh}刚被他人修改，请刷新后重试。`,
    );
}
