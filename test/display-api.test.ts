import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

/** A tiny but real Ogg page header and a 1×1 PNG: the server checks the bytes, not just the declared type. */
const OGG = Buffer.concat([Buffer.from("OggS"), Buffer.alloc(60, 1)]).toString("base64");
const PNG =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/** The display's voice settings, a branch's own clips and the notices, over HTTP on both databases. */
describe.each(DB_KINDS)("display settings, voice clips and notices on %s", (kind) => {
  let t: TestServer;
  let manager: string;
  let lobby: string;
  let teller: string;
  let admin: string;
  let otherBranch: string;
  let ids: Awaited<ReturnType<typeof demoIds>>;

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    manager = await t.login("manager");
    lobby = await t.login("lobby");
    teller = await t.login("teller1");
    admin = await t.login("admin");
    const created = await t.request({
      method: "POST",
      url: "/api/branches",
      cookie: admin,
      body: { code: "OTHER", nameZh: "另一网点", nameEn: "Other branch" },
    });
    expect(created.statusCode).toBe(201);
    otherBranch = created.json().id;
  });
  afterAll(() => t?.close());

  const settingsUrl = () => `/api/branches/${t.branchId}/display-settings`;
  const auditActions = async () =>
    (await t.request({ method: "GET", url: "/api/audit", cookie: await t.login("auditor") })).json();

  it("answers the defaults (twice a call, clips when there is no Mandarin voice, kiosk back after 60 s) to staff and devices", async () => {
    for (const who of [{ cookie: teller }, { token: t.deviceToken("display") }, { token: t.deviceToken("kiosk") }]) {
      const res = await t.request({ method: "GET", url: settingsUrl(), ...who });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        voiceMode: "auto",
        announceTimes: 2,
        announceEnglish: true,
        kioskReturnSeconds: 60,
        noticeSeconds: 10,
        kioskIcons: {},
        customClips: [],
        updatedAt: null,
      });
    }
    // A rating pad has no business with it; nor has a manager of another branch's settings.
    expect(
      (await t.request({ method: "GET", url: settingsUrl(), token: t.deviceToken("rating_pad") })).statusCode,
    ).toBe(403);
    const other = `/api/branches/${otherBranch}/display-settings`;
    expect(
      (await t.request({ method: "PATCH", url: other, cookie: manager, body: { announceTimes: 3 } })).statusCode,
    ).toBe(403);
  });

  it("lets a branch manager change them (audited), refuses bad values with 400 and changes nothing", async () => {
    const cash = ids.services.get("CASH") as string;
    const ok = await t.request({
      method: "PATCH",
      url: settingsUrl(),
      cookie: manager,
      body: { voiceMode: "clips", announceTimes: 3, kioskReturnSeconds: 90, kioskIcons: { [cash]: "exchange" } },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      voiceMode: "clips",
      announceTimes: 3,
      kioskReturnSeconds: 90,
      kioskIcons: { [cash]: "exchange" },
    });
    for (const body of [
      { announceTimes: 0 },
      { announceTimes: 6 },
      { kioskReturnSeconds: 10 },
      { voiceMode: "loud" },
      { kioskIcons: { [cash]: "rocket" } },
      { kioskIcons: { "no-such-service": "cash" } },
      {},
    ]) {
      const bad = await t.request({ method: "PATCH", url: settingsUrl(), cookie: manager, body });
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
      expect(bad.json().error).toBeTypeOf("string");
    }
    expect(
      (await t.request({ method: "PATCH", url: settingsUrl(), cookie: teller, body: { announceTimes: 1 } })).statusCode,
    ).toBe(403);
    const after = (await t.request({ method: "GET", url: settingsUrl(), cookie: manager })).json();
    expect(after).toMatchObject({ voiceMode: "clips", announceTimes: 3, kioskReturnSeconds: 90 });
    expect(JSON.stringify(await auditActions())).toContain("display_settings.update");
  });

  it("stores a branch's own clip, serves it to its display only, and validates token, type and size", async () => {
    const url = `/api/branches/${t.branchId}/voice-clips/zh-qing`;
    const put = await t.request({ method: "PUT", url, cookie: manager, body: { mime: "audio/ogg", data: OGG } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ token: "zh-qing", mime: "audio/ogg", size: 64 });
    const played = await t.request({ method: "GET", url, token: t.deviceToken("display") });
    expect(played.statusCode).toBe(200);
    expect(played.headers["content-type"]).toBe("audio/ogg");
    expect(played.rawPayload.subarray(0, 4).toString()).toBe("OggS");
    expect((await t.request({ method: "GET", url: settingsUrl(), cookie: manager })).json().customClips).toEqual([
      expect.objectContaining({ token: "zh-qing", size: 64 }),
    ]);
    // Wrong bytes for the type, an unknown token, too large, not base64, a teller, another branch's manager.
    const bad = [
      { url, body: { mime: "audio/wav", data: OGG } },
      { url: `/api/branches/${t.branchId}/voice-clips/zh-nonsense`, body: { mime: "audio/ogg", data: OGG } },
      {
        url,
        body: {
          mime: "audio/ogg",
          data: Buffer.concat([Buffer.from("OggS"), Buffer.alloc(210 * 1024)]).toString("base64"),
        },
      },
      { url, body: { mime: "audio/ogg", data: "!!!not base64!!!" } },
      { url, body: { mime: "text/html", data: OGG } },
    ];
    for (const b of bad) {
      const res = await t.request({ method: "PUT", url: b.url, cookie: manager, body: b.body });
      expect(res.statusCode, JSON.stringify(b.body).slice(0, 80)).toBe(400);
    }
    expect(
      (await t.request({ method: "PUT", url, cookie: teller, body: { mime: "audio/ogg", data: OGG } })).statusCode,
    ).toBe(403);
    expect(
      (
        await t.request({
          method: "PUT",
          url: `/api/branches/${otherBranch}/voice-clips/zh-qing`,
          cookie: manager,
          body: { mime: "audio/ogg", data: OGG },
        })
      ).statusCode,
    ).toBe(403);
    expect((await t.request({ method: "GET", url, token: t.deviceToken("kiosk") })).statusCode).toBe(403);
    // Removed: the shipped clip plays again, and a second removal is a 404.
    const removed = await t.request({ method: "DELETE", url, cookie: manager });
    expect(removed.statusCode).toBe(200);
    expect(removed.json().clips).toEqual([]);
    expect((await t.request({ method: "DELETE", url, cookie: manager })).statusCode).toBe(404);
    expect((await t.request({ method: "GET", url, token: t.deviceToken("display") })).statusCode).toBe(404);
    const trail = JSON.stringify(await auditActions());
    expect(trail).toContain("voice_clip.upload");
    expect(trail).toContain("voice_clip.delete");
  });

  it("keeps the display's notices: the lobby manager adds text and images, the display sees the active ones", async () => {
    const list = `/api/branches/${t.branchId}/notices`;
    const rates = await t.request({
      method: "POST",
      url: list,
      cookie: lobby,
      body: { titleZh: "今日汇率", titleEn: "Today's rates", bodyZh: "美元 7.10", bodyEn: "USD 7.10", sortOrder: 1 },
    });
    expect(rates.statusCode).toBe(201);
    const picture = await t.request({
      method: "POST",
      url: list,
      cookie: manager,
      body: { titleZh: "新产品", image: PNG },
    });
    expect(picture.statusCode).toBe(201);
    expect(picture.json().image).toBe(PNG);
    const off = await t.request({
      method: "PATCH",
      url: `/api/notices/${picture.json().id}`,
      cookie: lobby,
      body: { active: false },
    });
    expect(off.json().active).toBe(false);
    const shown = (await t.request({ method: "GET", url: list, token: t.deviceToken("display") })).json().notices;
    expect(shown.map((n: { titleZh: string }) => n.titleZh)).toEqual(["今日汇率"]);
    const staff = (await t.request({ method: "GET", url: list, cookie: teller })).json().notices;
    expect(staff).toHaveLength(2);
    // Bad input: a fake picture, a script as image, nothing at all, unknown field; a teller may not post.
    for (const body of [
      { titleZh: "x", image: "data:image/png;base64,PGh0bWw+" },
      { titleZh: "x", image: "javascript:alert(1)" },
      {},
      { titleZh: "x", colour: "red" },
      { titleZh: "x".repeat(101) },
    ]) {
      const res = await t.request({ method: "POST", url: list, cookie: manager, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await t.request({ method: "POST", url: list, cookie: teller, body: { titleZh: "x" } })).statusCode).toBe(
      403,
    );
    expect(
      (
        await t.request({
          method: "POST",
          url: `/api/branches/${otherBranch}/notices`,
          cookie: lobby,
          body: { titleZh: "x" },
        })
      ).statusCode,
    ).toBe(403);
    const gone = await t.request({ method: "DELETE", url: `/api/notices/${rates.json().id}`, cookie: lobby });
    expect(gone.statusCode).toBe(200);
    expect(
      (await t.request({ method: "DELETE", url: `/api/notices/${rates.json().id}`, cookie: lobby })).statusCode,
    ).toBe(404);
    const trail = JSON.stringify(await auditActions());
    for (const action of ["notice.create", "notice.update", "notice.delete"]) expect(trail).toContain(action);
    expect(trail).not.toContain("iVBORw0KGgo");
  });
  it("lets one kiosk keep its own return time, set where devices are edited, over the branch's (audited)", async () => {
    const devices = (
      await t.request({ method: "GET", url: `/api/branches/${t.branchId}/devices`, cookie: manager })
    ).json() as { id: string; kind: string; kioskReturnSeconds: number | null }[];
    const kiosk = devices.find((d) => d.kind === "kiosk" && d.kioskReturnSeconds === null);
    const display = devices.find((d) => d.kind === "display");
    if (!kiosk || !display) throw new Error("the demo branch has a kiosk and a display");
    const branchValue = (await t.request({ method: "GET", url: settingsUrl(), cookie: manager })).json()
      .kioskReturnSeconds as number;

    const set = await t.request({
      method: "PATCH",
      url: `/api/devices/${kiosk.id}`,
      cookie: manager,
      body: { kioskReturnSeconds: 150 },
    });
    expect(set.statusCode).toBe(200);
    expect(set.json().kioskReturnSeconds).toBe(150);
    const read = async (who: { cookie?: string; token?: string }) =>
      (await t.request({ method: "GET", url: settingsUrl(), ...who })).json().kioskReturnSeconds;
    // The kiosk reads its own; staff and the branch's settings page still see the branch's.
    expect(await read({ token: t.deviceToken("kiosk") })).toBe(150);
    expect(await read({ cookie: teller })).toBe(branchValue);
    expect(branchValue).not.toBe(150);

    // Refused: under 30 s, on a display, by a lobby manager; nothing changes.
    for (const [url, body, cookie, status] of [
      [`/api/devices/${kiosk.id}`, { kioskReturnSeconds: 10 }, manager, 400],
      [`/api/devices/${display.id}`, { kioskReturnSeconds: 120 }, manager, 400],
      [`/api/devices/${kiosk.id}`, { kioskReturnSeconds: 300 }, lobby, 403],
    ] as const)
      expect((await t.request({ method: "PATCH", url, cookie, body })).statusCode).toBe(status);
    expect(await read({ token: t.deviceToken("kiosk") })).toBe(150);

    // A kiosk created with its own time answers it; null gives the first one back to the branch's.
    const created = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/devices`,
      cookie: manager,
      body: { kind: "kiosk", name: "Seated area kiosk", kioskReturnSeconds: 240 },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().device.kioskReturnSeconds).toBe(240);
    const cleared = await t.request({
      method: "PATCH",
      url: `/api/devices/${kiosk.id}`,
      cookie: manager,
      body: { kioskReturnSeconds: null },
    });
    expect(cleared.json().kioskReturnSeconds).toBeNull();
    expect(await read({ token: t.deviceToken("kiosk") })).toBe(branchValue);

    const trail = JSON.stringify(await auditActions());
    expect(trail).toContain("kioskReturnSeconds");
  });
});
