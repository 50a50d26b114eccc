import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { updateDevice } from "../../app/config/devices.ts";
import type { AppContext } from "../../app/context.ts";
import { deviceHeartbeat } from "../../app/devices/heartbeat.ts";
import { forbidden } from "../../app/errors.ts";
import { PRINTER_STATES } from "../../app/printing/network-printer.ts";
import { actorOf } from "../auth-plugin.ts";
import { DeviceKindSchema, errors, Id, Pattern, ShortText } from "../schemas.ts";

/** A network receipt printer's address: raw printing over TCP, `tcp://host[:port]`. */
export const PrinterUrl = Pattern(
  "^tcp://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?/?$",
  "tcp://主机:端口，如 tcp://192.168.1.50:9100",
  { maxLength: 200 },
);

const PrinterStateSchema = Type.Union(PRINTER_STATES.map((s) => Type.Literal(s)));
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const DeviceSchema = Type.Object({
  id: Type.String(),
  branchId: Type.String(),
  kind: DeviceKindSchema,
  name: Type.String(),
  counterId: Nullable(Type.String()),
  revokedAt: Nullable(Type.String({ format: "date-time" })),
  createdAt: Type.String({ format: "date-time" }),
  printerUrl: Nullable(Type.String()),
  printerState: Type.Union([PrinterStateSchema, Type.Null()]),
  printerCheckedAt: Nullable(Type.String({ format: "date-time" })),
  lastSeenAt: Nullable(Type.String({ format: "date-time" })),
  pageVersion: Nullable(Type.String()),
  online: Type.Boolean({ description: "a heartbeat within the last two minutes" }),
  kioskReturnSeconds: Type.Union([Type.Integer(), Type.Null()]),
});

const DeviceParams = Type.Object({ deviceId: Id });
const DevicePatch = Type.Object(
  {
    name: Type.Optional(ShortText),
    printerUrl: Type.Optional(Type.Union([PrinterUrl, Type.Null()])),
    kioskReturnSeconds: Type.Optional(Type.Union([Type.Integer({ minimum: 30, maximum: 600 }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
const HeartbeatBody = Type.Object(
  { pageVersion: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
const HeartbeatAnswer = Type.Object({
  printer: Type.Object({ configured: Type.Boolean(), state: Type.Union([PrinterStateSchema, Type.Null()]) }),
});

/**
 * Where a printed ticket's QR code points: DATANG_PUBLIC_URL (what customers' phones reach, behind a proxy or
 * a public name), else the origin the kiosk itself used.
 */
export function publicOrigin(req: FastifyRequest): string {
  const configured = process.env.DATANG_PUBLIC_URL;
  if (configured) return configured.replace(/\/$/, "");
  return `${req.protocol}://${req.host}`;
}

export function deviceRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.patch<{ Params: Static<typeof DeviceParams>; Body: Static<typeof DevicePatch> }>(
    "/api/devices/:deviceId",
    {
      schema: {
        operationId: "updateDevice",
        tags: ["devices"],
        summary: "Rename a device, set a kiosk's network receipt printer or its own return time (null removes it)",
        params: DeviceParams,
        body: DevicePatch,
        response: { 200: DeviceSchema, ...errors(400, 401, 403, 404) },
      },
    },
    (req) => updateDevice(ctx, actorOf(req), req.params.deviceId, req.body),
  );
  app.post<{ Body: Static<typeof HeartbeatBody> }>(
    "/api/devices/heartbeat",
    {
      schema: {
        operationId: "deviceHeartbeat",
        tags: ["devices"],
        summary: "A paired device says it is alive; a kiosk learns its printer's state",
        body: HeartbeatBody,
        response: { 200: HeartbeatAnswer, ...errors(400, 401, 403) },
      },
    },
    (req) => {
      const actor = actorOf(req);
      if (actor.type !== "device")
        throw forbidden("Only a paired device sends heartbeats.", "只有已配对的设备发送心跳。");
      return deviceHeartbeat(ctx, actor, req.body);
    },
  );
}
