import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { gb18030 } from "../src/app/printing/gb18030.ts";
import { parsePrinterUrl, printOnNetworkPrinter, stateFromStatus } from "../src/app/printing/network-printer.ts";
import { DB_KINDS } from "./support/databases.ts";
import { type FakePrinter, fakePrinter } from "./support/fake-printer.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

const includes = (haystack: Buffer, needle: Uint8Array | number[]) => haystack.indexOf(Buffer.from(needle)) >= 0;

describe("ESC/POS pieces", () => {
  it("encodes Chinese in GB18030 as the platform decoder reads it back", () => {
    const text = "请A001号到3号窗口办理 现金存取 上海南京西路支行";
    const bytes = gb18030(text);
    expect(new TextDecoder("gb18030").decode(bytes)).toBe(text);
    expect([...gb18030("请")]).toEqual([0xc7, 0xeb]);
  });

  it("reads printer status bytes and printer addresses", () => {
    expect(stateFromStatus(0x12, 0x12)).toBe("ok");
    expect(stateFromStatus(0x1a, 0x12)).toBe("offline");
    expect(stateFromStatus(0x12, 0x72)).toBe("paper_out");
    expect(stateFromStatus(0x12, 0x1e)).toBe("paper_low");
    expect(stateFromStatus(0xff, 0x12)).toBe("unreachable");
    expect(parsePrinterUrl("tcp://192.168.1.50:9100")).toEqual({ host: "192.168.1.50", port: 9100 });
    expect(parsePrinterUrl("tcp://printer.lan")).toEqual({ host: "printer.lan", port: 9100 });
    expect(parsePrinterUrl("http://printer.lan")).toBeUndefined();
    expect(parsePrinterUrl("tcp://x:99999")).toBeUndefined();
  });

  it("calls a printer that does not answer unreachable within the time allowed", async () => {
    // A listener that accepts and never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const started = Date.now();
    expect(await printOnNetworkPrinter(`tcp://127.0.0.1:${port}`, Uint8Array.of(1), 300)).toEqual({
      state: "unreachable",
      printed: false,
    });
    expect(Date.now() - started).toBeLessThan(2000);
    silent.close();
  });
});

describe.each(DB_KINDS)("a kiosk printing on a network receipt printer on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let admin: string;
  let printer: FakePrinter;
  let kiosk = "";
  let kioskId = "";

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    admin = await t.login("admin");
    printer = await fakePrinter();
  });
  afterAll(async () => {
    await printer?.close();
    await t?.close();
  });
  afterEach(() => {
    printer.status = { printer: 0x12, paper: 0x12 };
  });

  const issue = (code: string) =>
    t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/tickets`,
      token: kiosk,
      body: { serviceId: ids.services.get(code) },
    });
  const devices = async () =>
    (await t.request({ method: "GET", url: `/api/branches/${t.branchId}/devices`, cookie: admin })).json() as Array<{
      id: string;
      printerUrl: string | null;
      printerState: string | null;
      lastSeenAt: string | null;
      pageVersion: string | null;
      online: boolean;
    }>;

  it("refuses a printer address it cannot print to, and a printer on anything but a kiosk", async () => {
    const bad = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/devices`,
      cookie: admin,
      body: { kind: "kiosk", name: "K2", printerUrl: "http://printer/" },
    });
    expect(bad.statusCode).toBe(400);
    const display = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/devices`,
      cookie: admin,
      body: { kind: "display", name: "TV2", printerUrl: "tcp://127.0.0.1:9100" },
    });
    expect(display.statusCode).toBe(400);
    expect(display.json()).toMatchObject({ error: "invalid_request", details: { field: "printerUrl" } });
  });

  it("prints each ticket the kiosk issues: initialise, Chinese mode, the number and names in GB18030, the QR code, a cut", async () => {
    const created = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/devices`,
      cookie: admin,
      body: { kind: "kiosk", name: "大厅取号机 2", printerUrl: printer.url },
    });
    expect(created.statusCode).toBe(201);
    kiosk = created.json().token;
    kioskId = created.json().device.id;
    expect(created.json().device).toMatchObject({ printerUrl: printer.url, printerState: null });
    const res = await issue("CASH");
    expect(res.statusCode).toBe(201);
    const ticket = res.json() as { id: string; number: string };
    await expect.poll(() => printer.jobs.length, { timeout: 5000 }).toBe(1);
    const job = printer.jobs[0] as Buffer;
    expect([...job.subarray(0, 2)]).toEqual([0x1b, 0x40]); // ESC @ initialise
    expect(includes(job, [0x1c, 0x26])).toBe(true); // FS & Chinese mode
    expect(includes(job, gb18030(ticket.number))).toBe(true);
    expect(includes(job, gb18030("现金存取"))).toBe(true);
    expect(includes(job, gb18030("上海南京西路支行"))).toBe(true);
    // The QR code (GS ( k, store data) holds the live page's address.
    expect(includes(job, [0x1d, 0x28, 0x6b])).toBe(true);
    expect(job.includes(Buffer.from(`/t/${ticket.id}`))).toBe(true);
    // And the paper is cut, after the QR code.
    const cut = job.lastIndexOf(Buffer.from([0x1d, 0x56]));
    expect(cut).toBeGreaterThan(job.indexOf(Buffer.from(`/t/${ticket.id}`)));
    await expect.poll(async () => (await devices()).find((d) => d.id === kioskId)?.printerState).toBe("ok");
  });

  it("issues the ticket without printing when the printer is out of paper, and says so to the kiosk and admin", async () => {
    printer.status = { printer: 0x12, paper: 0x72 };
    const res = await issue("CASH");
    expect(res.statusCode).toBe(201);
    await expect.poll(async () => (await devices()).find((d) => d.id === kioskId)?.printerState).toBe("paper_out");
    expect(printer.jobs).toHaveLength(1);
    const beat = await t.request({
      method: "POST",
      url: "/api/devices/heartbeat",
      token: kiosk,
      body: { pageVersion: "test-1" },
    });
    expect(beat.statusCode).toBe(200);
    expect(beat.json()).toEqual({ printer: { configured: true, state: "paper_out" } });
    const listed = (await devices()).find((d) => d.id === kioskId);
    expect(listed).toMatchObject({ pageVersion: "test-1", online: true, printerState: "paper_out" });
    // Paper refilled: the next heartbeat says so.
    printer.status = { printer: 0x12, paper: 0x12 };
    const again = await t.request({
      method: "POST",
      url: "/api/devices/heartbeat",
      token: kiosk,
      body: { pageVersion: "test-1" },
    });
    expect(again.json()).toEqual({ printer: { configured: true, state: "ok" } });
  });

  it("answers the ticket at once even when the printer never answers", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const patched = await t.request({
      method: "PATCH",
      url: `/api/devices/${kioskId}`,
      cookie: admin,
      body: { printerUrl: `tcp://127.0.0.1:${port}` },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ printerUrl: `tcp://127.0.0.1:${port}`, printerState: null });
    const started = Date.now();
    expect((await issue("CASH")).statusCode).toBe(201);
    expect(Date.now() - started).toBeLessThan(1500);
    // Removing the printer: the kiosk prints through the browser again.
    const removed = await t.request({
      method: "PATCH",
      url: `/api/devices/${kioskId}`,
      cookie: admin,
      body: { printerUrl: null },
    });
    expect(removed.json()).toMatchObject({ printerUrl: null });
    const beat = await t.request({
      method: "POST",
      url: "/api/devices/heartbeat",
      token: kiosk,
      body: { pageVersion: "test-1" },
    });
    expect(beat.json()).toEqual({ printer: { configured: false, state: null } });
    silent.close();
  });

  it("takes heartbeats only from paired devices", async () => {
    const manager = await t.login("manager");
    const res = await t.request({
      method: "POST",
      url: "/api/devices/heartbeat",
      cookie: manager,
      body: { pageVersion: "x" },
    });
    expect(res.statusCode).toBe(403);
  });
});
