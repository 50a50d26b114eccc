/** The lobby display's settings, a branch's own voice clips and its notices (migration 012). */
import type { Kysely } from "kysely";
import type { Database, DisplayNoticeTable, DisplaySettingsTable, VoiceClipTable } from "./schema.ts";
import type { Tx } from "./store.ts";

type Db = Kysely<Database> | Tx;

export function findDisplaySettings(db: Db, branchId: string): Promise<DisplaySettingsTable | undefined> {
  return db.selectFrom("display_settings").selectAll().where("branch_id", "=", branchId).executeTakeFirst();
}

export async function saveDisplaySettings(tx: Tx, row: DisplaySettingsTable): Promise<void> {
  const { branch_id, ...rest } = row;
  const updated = await tx
    .updateTable("display_settings")
    .set(rest)
    .where("branch_id", "=", branch_id)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await tx.insertInto("display_settings").values(row).execute();
}

export type ClipInfo = Omit<VoiceClipTable, "data">;

export function listVoiceClips(db: Db, branchId: string): Promise<ClipInfo[]> {
  return db
    .selectFrom("voice_clips")
    .select(["branch_id", "token", "mime", "size", "updated_at"])
    .where("branch_id", "=", branchId)
    .orderBy("token")
    .execute();
}

export function findVoiceClip(db: Db, branchId: string, token: string): Promise<VoiceClipTable | undefined> {
  return db
    .selectFrom("voice_clips")
    .selectAll()
    .where("branch_id", "=", branchId)
    .where("token", "=", token)
    .executeTakeFirst();
}

export async function saveVoiceClip(tx: Tx, row: VoiceClipTable): Promise<void> {
  await tx.deleteFrom("voice_clips").where("branch_id", "=", row.branch_id).where("token", "=", row.token).execute();
  await tx.insertInto("voice_clips").values(row).execute();
}

export async function deleteVoiceClip(tx: Tx, branchId: string, token: string): Promise<boolean> {
  const result = await tx
    .deleteFrom("voice_clips")
    .where("branch_id", "=", branchId)
    .where("token", "=", token)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export function listNotices(db: Db, branchId: string): Promise<DisplayNoticeTable[]> {
  return db
    .selectFrom("display_notices")
    .selectAll()
    .where("branch_id", "=", branchId)
    .orderBy("sort_order")
    .orderBy("created_at")
    .execute();
}

export function findNotice(db: Db, id: string): Promise<DisplayNoticeTable | undefined> {
  return db.selectFrom("display_notices").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertNotice(tx: Tx, row: DisplayNoticeTable): Promise<void> {
  await tx.insertInto("display_notices").values(row).execute();
}

export async function updateNotice(tx: Tx, id: string, patch: Partial<DisplayNoticeTable>): Promise<void> {
  await tx.updateTable("display_notices").set(patch).where("id", "=", id).execute();
}

export async function deleteNotice(tx: Tx, id: string): Promise<void> {
  await tx.deleteFrom("display_notices").where("id", "=", id).execute();
}
