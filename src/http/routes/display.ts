import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../app/context.ts";
import {
  createNotice,
  deleteNotice,
  getDisplaySettings,
  listNotices,
  removeVoiceClip,
  updateDisplaySettings,
  updateNotice,
  uploadVoiceClip,
  voiceClipAudio,
} from "../../app/display/display.ts";
import { CLIP_TYPES, KIOSK_ICONS, MAX_CLIP_BYTES, VOICE_MODES } from "../../domain/display/voice.ts";
import { actorOf } from "../auth-plugin.ts";
import { BranchParams, errors, Id, Pattern } from "../schemas.ts";

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const VoiceModeSchema = literals(VOICE_MODES);
const KioskIconSchema = literals(KIOSK_ICONS);
const ClipTypeSchema = literals(CLIP_TYPES);
const ClipToken = Pattern("^(zh|en)-[a-zA-Z0-9-]{1,40}$", "语音片段名，如 zh-qing、en-digit-3", { maxLength: 43 });

const ClipSchema = Type.Object({
  token: Type.String(),
  mime: Type.String(),
  size: Type.Integer(),
  updatedAt: Type.String({ format: "date-time" }),
});

const SettingsSchema = Type.Object({
  branchId: Type.String(),
  voiceMode: VoiceModeSchema,
  announceTimes: Type.Integer(),
  announceEnglish: Type.Boolean(),
  noticeSeconds: Type.Integer(),
  kioskReturnSeconds: Type.Integer(),
  kioskIcons: Type.Record(Type.String(), KioskIconSchema),
  customClips: Type.Array(ClipSchema),
  updatedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});

const SettingsPatch = Type.Object(
  {
    voiceMode: Type.Optional(VoiceModeSchema),
    announceTimes: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    announceEnglish: Type.Optional(Type.Boolean()),
    noticeSeconds: Type.Optional(Type.Integer({ minimum: 3, maximum: 600 })),
    kioskReturnSeconds: Type.Optional(Type.Integer({ minimum: 30, maximum: 600 })),
    kioskIcons: Type.Optional(Type.Record(Id, KioskIconSchema, { maxProperties: 100 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const ClipParams = Type.Object({ branchId: Id, token: ClipToken });
const ClipBody = Type.Object(
  {
    mime: ClipTypeSchema,
    data: Type.String({
      minLength: 4,
      maxLength: Math.ceil(MAX_CLIP_BYTES / 3) * 4 + 4,
      description: "the audio, base64",
    }),
  },
  { additionalProperties: false },
);

const NoticeSchema = Type.Object({
  id: Type.String(),
  branchId: Type.String(),
  titleZh: Type.String(),
  titleEn: Type.String(),
  bodyZh: Type.String(),
  bodyEn: Type.String(),
  image: Type.Union([Type.String(), Type.Null()]),
  sortOrder: Type.Integer(),
  active: Type.Boolean(),
  updatedAt: Type.String({ format: "date-time" }),
});
const Title = Type.String({ maxLength: 100 });
const Body = Type.String({ maxLength: 1000 });
const Image = Type.Union([
  Type.String({ maxLength: 700_000, description: "a data: URL of a PNG, JPEG, GIF or WebP" }),
  Type.Null(),
]);
const noticeFields = {
  titleZh: Type.Optional(Title),
  titleEn: Type.Optional(Title),
  bodyZh: Type.Optional(Body),
  bodyEn: Type.Optional(Body),
  image: Type.Optional(Image),
  sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  active: Type.Optional(Type.Boolean()),
};
const NoticeBody = Type.Object(noticeFields, { additionalProperties: false });
const NoticePatch = Type.Object(noticeFields, { additionalProperties: false, minProperties: 1 });
const NoticeParams = Type.Object({ noticeId: Id });
const CLIP_BODY_LIMIT = 320 * 1024;
const NOTICE_BODY_LIMIT = 720 * 1024;

export function displayRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: Static<typeof BranchParams> }>(
    "/api/branches/:branchId/display-settings",
    {
      schema: {
        operationId: "getDisplaySettings",
        tags: ["display"],
        summary:
          "How the branch's display speaks and shows notices, and its kiosks' return time and icons (a kiosk with its own return time reads that one)",
        params: BranchParams,
        response: { 200: SettingsSchema, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => getDisplaySettings(ctx, actorOf(req), req.params.branchId),
  );
  app.patch<{ Params: Static<typeof BranchParams>; Body: Static<typeof SettingsPatch> }>(
    "/api/branches/:branchId/display-settings",
    {
      schema: {
        operationId: "updateDisplaySettings",
        tags: ["display"],
        summary:
          "Change the display's voice (clips always or only without a Mandarin voice, times per call) and the kiosk settings",
        params: BranchParams,
        body: SettingsPatch,
        response: { 200: SettingsSchema, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => updateDisplaySettings(ctx, actorOf(req), req.params.branchId, req.body),
  );
  app.put<{ Params: Static<typeof ClipParams>; Body: Static<typeof ClipBody> }>(
    "/api/branches/:branchId/voice-clips/:token",
    {
      // A clip's base64 is larger than the server's usual limit on bodies.
      bodyLimit: CLIP_BODY_LIMIT,
      schema: {
        operationId: "uploadVoiceClip",
        tags: ["display"],
        summary: "Upload the branch's own recording of one clip token (ogg, mp3, wav, webm or m4a; up to 200 KB)",
        params: ClipParams,
        body: ClipBody,
        response: { 200: ClipSchema, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => uploadVoiceClip(ctx, actorOf(req), req.params.branchId, req.params.token, req.body),
  );
  app.delete<{ Params: Static<typeof ClipParams> }>(
    "/api/branches/:branchId/voice-clips/:token",
    {
      schema: {
        operationId: "deleteVoiceClip",
        tags: ["display"],
        summary: "Remove the branch's recording of a clip token: the shipped clip is used again",
        params: ClipParams,
        response: { 200: Type.Object({ clips: Type.Array(ClipSchema) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => ({ clips: await removeVoiceClip(ctx, actorOf(req), req.params.branchId, req.params.token) }),
  );
  app.get<{ Params: Static<typeof ClipParams> }>(
    "/api/branches/:branchId/voice-clips/:token",
    {
      schema: {
        operationId: "getVoiceClip",
        tags: ["display"],
        summary: "The audio of the branch's own recording of a clip token",
        params: ClipParams,
        querystring: Type.Object({
          v: Type.Optional(Type.String({ maxLength: 64, description: "the clip's upload time, to bust caches" })),
        }),
        produces: [...CLIP_TYPES],
        response: { 200: Type.String({ format: "binary" }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const clip = await voiceClipAudio(ctx, actorOf(req), req.params.branchId, req.params.token);
      return reply.header("content-type", clip.mime).header("cache-control", "no-cache").send(clip.bytes);
    },
  );
  app.get<{ Params: Static<typeof BranchParams> }>(
    "/api/branches/:branchId/notices",
    {
      schema: {
        operationId: "listNotices",
        tags: ["display"],
        summary: "The notices and exchange rates of the branch's display (the display sees the active ones)",
        params: BranchParams,
        response: { 200: Type.Object({ notices: Type.Array(NoticeSchema) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => ({ notices: await listNotices(ctx, actorOf(req), req.params.branchId) }),
  );
  app.post<{ Params: Static<typeof BranchParams>; Body: Static<typeof NoticeBody> }>(
    "/api/branches/:branchId/notices",
    {
      bodyLimit: NOTICE_BODY_LIMIT,
      schema: {
        operationId: "createNotice",
        tags: ["display"],
        summary: "Add a notice (text and/or an image, Chinese and English) to the display",
        params: BranchParams,
        body: NoticeBody,
        response: { 201: NoticeSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => reply.code(201).send(await createNotice(ctx, actorOf(req), req.params.branchId, req.body)),
  );
  app.patch<{ Params: Static<typeof NoticeParams>; Body: Static<typeof NoticePatch> }>(
    "/api/notices/:noticeId",
    {
      bodyLimit: NOTICE_BODY_LIMIT,
      schema: {
        operationId: "updateNotice",
        tags: ["display"],
        summary: "Change a notice, its order, or switch it off",
        params: NoticeParams,
        body: NoticePatch,
        response: { 200: NoticeSchema, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => updateNotice(ctx, actorOf(req), req.params.noticeId, req.body),
  );
  app.delete<{ Params: Static<typeof NoticeParams> }>(
    "/api/notices/:noticeId",
    {
      schema: {
        operationId: "deleteNotice",
        tags: ["display"],
        summary: "Remove a notice from the display",
        params: NoticeParams,
        response: { 200: NoticeSchema, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => deleteNotice(ctx, actorOf(req), req.params.noticeId),
  );
}
