/**
 * The lobby display's voice and notices, and the kiosk's per-branch settings (issue 12). Staff of the branch
 * read them, its display and kiosk devices read what they need; branch managers and admins change the
 * settings and the voice clips, lobby managers too the notices. Every change is audited.
 */
import {
  audioMatchesType,
  type ClipType,
  isVoiceToken,
  type KioskIcon,
  MAX_CLIP_BYTES,
  type VoiceMode,
} from "../../domain/display/voice.ts";
import type { BranchId } from "../../domain/ids.ts";
import { findBranch } from "../../store/branches.ts";
import {
  type ClipInfo,
  deleteVoiceClip as deleteClipRow,
  deleteNotice as deleteNoticeRow,
  findDisplaySettings,
  findNotice,
  findVoiceClip,
  insertNotice,
  listNotices as listNoticeRows,
  listVoiceClips,
  saveDisplaySettings,
  saveVoiceClip,
  updateNotice as updateNoticeRow,
} from "../../store/display.ts";
import { parseJson } from "../../store/json.ts";
import type { DisplayNoticeTable, DisplaySettingsTable } from "../../store/schema.ts";
import { BRANCH_READERS, CONFIG_ROLES, requireBranchAccess, TRIAGE_ROLES } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { audit } from "../record.ts";

export interface ClipView {
  readonly token: string;
  readonly mime: string;
  readonly size: number;
  readonly updatedAt: string;
}

export interface DisplaySettingsView {
  readonly branchId: string;
  readonly voiceMode: VoiceMode;
  readonly announceTimes: number;
  readonly announceEnglish: boolean;
  readonly noticeSeconds: number;
  readonly kioskReturnSeconds: number;
  readonly kioskIcons: Readonly<Record<string, KioskIcon>>;
  /** The tokens this branch recorded itself; the display plays these instead of the shipped clips. */
  readonly customClips: readonly ClipView[];
  readonly updatedAt: string | null;
}

export interface DisplaySettingsPatch {
  readonly voiceMode?: VoiceMode;
  readonly announceTimes?: number;
  readonly announceEnglish?: boolean;
  readonly noticeSeconds?: number;
  readonly kioskReturnSeconds?: number;
  readonly kioskIcons?: Readonly<Record<string, KioskIcon>>;
}

/** Each call twice, Mandarin then English, a notice for ten seconds, the kiosk back to its start after a minute. */
export const DEFAULT_SETTINGS = {
  voiceMode: "auto" as VoiceMode,
  announceTimes: 2,
  announceEnglish: true,
  noticeSeconds: 10,
  kioskReturnSeconds: 60,
};

const iso = (ms: number) => new Date(Number(ms)).toISOString();
const clipView = (c: ClipInfo): ClipView => ({
  token: c.token,
  mime: c.mime,
  size: Number(c.size),
  updatedAt: iso(c.updated_at),
});

function settingsView(branchId: string, row: DisplaySettingsTable | undefined, clips: ClipInfo[]): DisplaySettingsView {
  return {
    branchId,
    voiceMode: (row?.voice_mode as VoiceMode | undefined) ?? DEFAULT_SETTINGS.voiceMode,
    announceTimes: row ? Number(row.announce_times) : DEFAULT_SETTINGS.announceTimes,
    announceEnglish: row ? Number(row.announce_english) === 1 : DEFAULT_SETTINGS.announceEnglish,
    noticeSeconds: row ? Number(row.notice_seconds) : DEFAULT_SETTINGS.noticeSeconds,
    kioskReturnSeconds: row ? Number(row.kiosk_return_seconds) : DEFAULT_SETTINGS.kioskReturnSeconds,
    kioskIcons: parseJson<Record<string, KioskIcon>>(row?.kiosk_icons ?? null, {}),
    customClips: clips.map(clipView),
    updatedAt: row ? iso(row.updated_at) : null,
  };
}

export async function getDisplaySettings(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
): Promise<DisplaySettingsView> {
  requireBranchAccess(actor, branchId as BranchId, BRANCH_READERS, ["display", "kiosk"]);
  if (!(await findBranch(ctx.store.db, branchId))) throw notFound("Branch", branchId);
  const [row, clips, ownReturn] = await Promise.all([
    findDisplaySettings(ctx.store.db, branchId),
    listVoiceClips(ctx.store.db, branchId),
    kioskOwnReturnSeconds(ctx, actor),
  ]);
  const view = settingsView(branchId, row, clips);
  // A kiosk with its own return time (set where devices are edited) reads that one instead of the branch's.
  return ownReturn === null ? view : { ...view, kioskReturnSeconds: ownReturn };
}

/** The asking kiosk's own auto-return seconds, or null (staff, other devices, or a kiosk without its own). */
async function kioskOwnReturnSeconds(ctx: AppContext, actor: Actor): Promise<number | null> {
  if (actor.type !== "device" || actor.kind !== "kiosk") return null;
  const row = await ctx.store.db
    .selectFrom("devices")
    .select("kiosk_return_seconds")
    .where("id", "=", actor.id)
    .executeTakeFirst();
  return row?.kiosk_return_seconds == null ? null : Number(row.kiosk_return_seconds);
}

export function updateDisplaySettings(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  patch: DisplaySettingsPatch,
): Promise<DisplaySettingsView> {
  requireBranchAccess(actor, branchId as BranchId, CONFIG_ROLES);
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    if (!(await findBranch(tx, branchId))) throw notFound("Branch", branchId);
    if (patch.kioskIcons !== undefined) {
      const ids = Object.keys(patch.kioskIcons);
      const known =
        ids.length === 0
          ? []
          : await tx
              .selectFrom("services")
              .select("id")
              .where("branch_id", "=", branchId)
              .where("id", "in", ids)
              .execute();
      const unknown = ids.filter((id) => !known.some((k) => k.id === id));
      if (unknown.length > 0)
        throw invalid(
          `kioskIcons names business types not in this branch: ${unknown.join(", ")}.`,
          { field: "kioskIcons", unknown },
          `kioskIcons 含有本网点没有的业务类型：${unknown.join("、")}。`,
        );
    }
    const current = settingsView(branchId, await findDisplaySettings(tx, branchId), []);
    const next: DisplaySettingsTable = {
      branch_id: branchId,
      voice_mode: patch.voiceMode ?? current.voiceMode,
      announce_times: patch.announceTimes ?? current.announceTimes,
      announce_english: (patch.announceEnglish ?? current.announceEnglish) ? 1 : 0,
      notice_seconds: patch.noticeSeconds ?? current.noticeSeconds,
      kiosk_return_seconds: patch.kioskReturnSeconds ?? current.kioskReturnSeconds,
      kiosk_icons: JSON.stringify(patch.kioskIcons ?? current.kioskIcons),
      updated_at: now,
    };
    await saveDisplaySettings(tx, next);
    await audit(tx, actor, now, "display_settings.update", { type: "branch", id: branchId, branchId }, patch);
    return settingsView(branchId, next, await listVoiceClips(tx, branchId));
  });
}

function checkToken(token: string): void {
  if (!isVoiceToken(token))
    throw invalid(`Unknown clip token: ${token}.`, { field: "token" }, `未知的语音片段：${token}。`);
}

/** Stores a branch's own recording of one clip token after checking its type, its bytes and its size. */
export function uploadVoiceClip(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  token: string,
  input: { mime: ClipType; data: string },
): Promise<ClipView> {
  requireBranchAccess(actor, branchId as BranchId, CONFIG_ROLES);
  checkToken(token);
  const bytes = Buffer.from(input.data, "base64");
  if (bytes.length === 0 || bytes.toString("base64").replace(/=+$/, "") !== input.data.replace(/=+$/, ""))
    throw invalid("data must be the audio in base64.", { field: "data" }, "data 须为 base64 编码的音频。");
  if (bytes.length > MAX_CLIP_BYTES)
    throw invalid(
      `A clip may have at most ${MAX_CLIP_BYTES / 1024} KB (this one has ${Math.ceil(bytes.length / 1024)} KB).`,
      { field: "data", maxBytes: MAX_CLIP_BYTES, bytes: bytes.length },
      `语音片段最大 ${MAX_CLIP_BYTES / 1024} KB（此文件 ${Math.ceil(bytes.length / 1024)} KB）。`,
    );
  if (!audioMatchesType(bytes, input.mime))
    throw invalid(
      `The file is not ${input.mime} audio.`,
      { field: "data", mime: input.mime },
      `文件内容不是 ${input.mime} 格式的音频。`,
    );
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    if (!(await findBranch(tx, branchId))) throw notFound("Branch", branchId);
    const row = { branch_id: branchId, token, mime: input.mime, size: bytes.length, data: input.data, updated_at: now };
    await saveVoiceClip(tx, row);
    await audit(
      tx,
      actor,
      now,
      "voice_clip.upload",
      { type: "voice_clip", id: token, branchId },
      {
        token,
        mime: input.mime,
        size: bytes.length,
      },
    );
    return clipView(row);
  });
}

export function removeVoiceClip(ctx: AppContext, actor: Actor, branchId: string, token: string): Promise<ClipView[]> {
  requireBranchAccess(actor, branchId as BranchId, CONFIG_ROLES);
  checkToken(token);
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    if (!(await deleteClipRow(tx, branchId, token))) throw notFound("Voice clip", token);
    await audit(tx, actor, now, "voice_clip.delete", { type: "voice_clip", id: token, branchId }, { token });
    return (await listVoiceClips(tx, branchId)).map(clipView);
  });
}

/** The audio of a branch's own clip, for its display (and its staff, to listen in admin). */
export async function voiceClipAudio(
  ctx: AppContext,
  actor: Actor,
  branchId: string,
  token: string,
): Promise<{ mime: string; bytes: Buffer }> {
  requireBranchAccess(actor, branchId as BranchId, BRANCH_READERS, ["display"]);
  checkToken(token);
  const row = await findVoiceClip(ctx.store.db, branchId, token);
  if (!row) throw notFound("Voice clip", token);
  return { mime: row.mime, bytes: Buffer.from(row.data, "base64") };
}

// ——— Notices ———

export interface NoticeView {
  readonly id: string;
  readonly branchId: string;
  readonly titleZh: string;
  readonly titleEn: string;
  readonly bodyZh: string;
  readonly bodyEn: string;
  readonly image: string | null;
  readonly sortOrder: number;
  readonly active: boolean;
  readonly updatedAt: string;
}

export interface NoticeInput {
  readonly titleZh?: string;
  readonly titleEn?: string;
  readonly bodyZh?: string;
  readonly bodyEn?: string;
  readonly image?: string | null;
  readonly sortOrder?: number;
  readonly active?: boolean;
}

const noticeView = (n: DisplayNoticeTable): NoticeView => ({
  id: n.id,
  branchId: n.branch_id,
  titleZh: n.title_zh,
  titleEn: n.title_en,
  bodyZh: n.body_zh,
  bodyEn: n.body_en,
  image: n.image,
  sortOrder: Number(n.sort_order),
  active: Number(n.active) === 1,
  updatedAt: iso(n.updated_at),
});

const IMAGE_MAGIC: Readonly<Record<string, (b: Buffer) => boolean>> = {
  png: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  jpeg: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  gif: (b) => b.subarray(0, 4).toString("latin1") === "GIF8",
  webp: (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP",
};
export const MAX_NOTICE_IMAGE_BYTES = 512 * 1024;

/** An image must be a data: URL of a PNG, JPEG, GIF or WebP whose bytes are what it says, up to 512 KB. */
function checkImage(image: string | null | undefined): void {
  if (image === undefined || image === null) return;
  const match = /^data:image\/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/]+=*)$/.exec(image);
  const bytes = match ? Buffer.from(match[2] ?? "", "base64") : Buffer.alloc(0);
  if (!match || !(IMAGE_MAGIC[match[1] ?? ""]?.(bytes) ?? false))
    throw invalid(
      "image must be a PNG, JPEG, GIF or WebP picture as a data: URL.",
      { field: "image" },
      "图片须为 PNG、JPEG、GIF 或 WebP（data: URL）。",
    );
  if (bytes.length > MAX_NOTICE_IMAGE_BYTES)
    throw invalid(
      `An image may have at most ${MAX_NOTICE_IMAGE_BYTES / 1024} KB.`,
      { field: "image", maxBytes: MAX_NOTICE_IMAGE_BYTES },
      `图片最大 ${MAX_NOTICE_IMAGE_BYTES / 1024} KB。`,
    );
}

export async function listNotices(ctx: AppContext, actor: Actor, branchId: string): Promise<NoticeView[]> {
  requireBranchAccess(actor, branchId as BranchId, BRANCH_READERS, ["display"]);
  const rows = await listNoticeRows(ctx.store.db, branchId);
  // A display shows only what is switched on; staff see everything to edit it.
  return rows.filter((r) => actor.type === "user" || Number(r.active) === 1).map(noticeView);
}

export function createNotice(ctx: AppContext, actor: Actor, branchId: string, input: NoticeInput): Promise<NoticeView> {
  requireBranchAccess(actor, branchId as BranchId, TRIAGE_ROLES);
  checkImage(input.image);
  if (!input.titleZh && !input.bodyZh && !input.image)
    throw invalid(
      "A notice needs a Chinese title, text or an image.",
      { field: "titleZh" },
      "公告须有中文标题、正文或图片。",
    );
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    if (!(await findBranch(tx, branchId))) throw notFound("Branch", branchId);
    const row: DisplayNoticeTable = {
      id: ctx.newId(),
      branch_id: branchId,
      title_zh: input.titleZh ?? "",
      title_en: input.titleEn ?? "",
      body_zh: input.bodyZh ?? "",
      body_en: input.bodyEn ?? "",
      image: input.image ?? null,
      sort_order: input.sortOrder ?? 0,
      active: input.active === false ? 0 : 1,
      created_at: now,
      updated_at: now,
    };
    await insertNotice(tx, row);
    await audit(tx, actor, now, "notice.create", { type: "notice", id: row.id, branchId }, withoutImage(input));
    return noticeView(row);
  });
}

/** The audit keeps what changed, not a half-megabyte picture. */
function withoutImage(input: NoticeInput): unknown {
  const { image, ...rest } = input;
  return image === undefined ? rest : { ...rest, image: image === null ? null : `(${image.length} characters)` };
}

export function updateNotice(ctx: AppContext, actor: Actor, noticeId: string, patch: NoticeInput): Promise<NoticeView> {
  checkImage(patch.image);
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const row = await findNotice(tx, noticeId);
    if (!row) throw notFound("Notice", noticeId);
    requireBranchAccess(actor, row.branch_id as BranchId, TRIAGE_ROLES);
    const next: DisplayNoticeTable = {
      ...row,
      title_zh: patch.titleZh ?? row.title_zh,
      title_en: patch.titleEn ?? row.title_en,
      body_zh: patch.bodyZh ?? row.body_zh,
      body_en: patch.bodyEn ?? row.body_en,
      image: patch.image === undefined ? row.image : patch.image,
      sort_order: patch.sortOrder ?? Number(row.sort_order),
      active: patch.active === undefined ? Number(row.active) : patch.active ? 1 : 0,
      updated_at: now,
    };
    const { id: _id, branch_id: _b, created_at: _c, ...changes } = next;
    await updateNoticeRow(tx, noticeId, changes);
    await audit(
      tx,
      actor,
      now,
      "notice.update",
      { type: "notice", id: noticeId, branchId: row.branch_id },
      withoutImage(patch),
    );
    return noticeView(next);
  });
}

export function deleteNotice(ctx: AppContext, actor: Actor, noticeId: string): Promise<NoticeView> {
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const row = await findNotice(tx, noticeId);
    if (!row) throw notFound("Notice", noticeId);
    requireBranchAccess(actor, row.branch_id as BranchId, TRIAGE_ROLES);
    await deleteNoticeRow(tx, noticeId);
    await audit(tx, actor, now, "notice.delete", { type: "notice", id: noticeId, branchId: row.branch_id });
    return noticeView(row);
  });
}
