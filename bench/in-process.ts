/**
 * The durable ceiling without HTTP: the issue-ticket use case called in-process by concurrent callers on a
 * fresh database for the bench's duration, through the same store, group commit or transactions, event
 * numbering and (on PostgreSQL) NOTIFY as the server. Whatever the server does beyond this is HTTP. With
 * several branches the callers spread over them: how far one process gets when branches do not share the
 * branch's event row. Run by bench/server.ts in a child process:
 *   tsx bench/in-process.ts <sqlite path | empty postgres:// database> <seconds> <callers> [branches]
 * Prints one JSON line {issued, rps, branches}.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { deviceActor } from "../src/app/auth/authenticate.ts";
import { loadStaff } from "../src/app/auth/login.ts";
import { createBranch } from "../src/app/config/branches.ts";
import { createDevice } from "../src/app/config/devices.ts";
import { createService } from "../src/app/config/services.ts";
import { createAppContext } from "../src/app/create-context.ts";
import { seedDemo } from "../src/app/seed-demo.ts";
import { issueTicket } from "../src/app/tickets/issue-ticket.ts";
import type { UserId } from "../src/domain/ids.ts";
import { EventBus } from "../src/realtime/event-bus.ts";
import { createPgFanout } from "../src/realtime/fanout.ts";
import { isPostgresUrl, migrateToLatest, openStore } from "../src/store/connect.ts";

const [location, seconds = "8", callers = "64", branchCount = "1"] = process.argv.slice(2);
if (!location) throw new Error("usage: in-process.ts <sqlite path | postgres:// url> [seconds] [callers] [branches]");

const store = openStore(location);
await migrateToLatest(store);
const bus = new EventBus();
// On PostgreSQL events are announced to other instances as in the server, so NOTIFY's cost is counted.
const fanout = isPostgresUrl(location)
  ? await createPgFanout((store as unknown as { pool: pg.Pool }).pool, bus, randomUUID(), () => {})
  : undefined;
const ctx = createAppContext({ store, bus, fanout });
const demo = await seedDemo(ctx, "in-process-bench-1");
const kioskRow = await store.db
  .selectFrom("devices")
  .select("id")
  .where("kind", "=", "kiosk")
  .executeTakeFirstOrThrow();
const kiosk = await deviceActor(ctx, kioskRow.id);
const adminRow = await store.db
  .selectFrom("users")
  .select("id")
  .where("username", "=", "admin")
  .executeTakeFirstOrThrow();
const admin = await loadStaff(ctx, adminRow.id as UserId, "127.0.0.1");
if (!admin) throw new Error("the demo admin is missing");

/** Who issues where: each branch's own kiosk. */
const targets: Array<{ branchId: string; serviceId: string; actor: typeof kiosk }> = [];
for (const s of await store.db.selectFrom("services").select("id").where("branch_id", "=", demo.branchId).execute())
  targets.push({ branchId: demo.branchId, serviceId: s.id, actor: kiosk });
for (let b = 1; b < Number(branchCount); b++) {
  const branch = await createBranch(ctx, admin, { code: `BENCH${b}`, nameZh: `压测支行${b}`, nameEn: `Bench ${b}` });
  const service = await createService(ctx, admin, branch.id, {
    code: "CASH",
    nameZh: "现金存取",
    nameEn: "Cash",
    category: "cash",
    expectedMinutes: 4,
    prefix: "A",
  });
  const { device } = await createDevice(ctx, admin, branch.id, { kind: "kiosk", name: `Bench kiosk ${b}` });
  const branchKiosk = await deviceActor(ctx, device.id);
  // As many entries as the demo branch has, so every branch gets the same share of the calls.
  const demoTargets = targets.filter((t) => t.branchId === demo.branchId).length;
  for (let i = 0; i < demoTargets; i++)
    targets.push({ branchId: branch.id, serviceId: service.id, actor: branchKiosk });
}

const endAt = Date.now() + Number(seconds) * 1000;
let issued = 0;
let next = 0;
const startedAt = Date.now();
await Promise.all(
  Array.from({ length: Number(callers) }, async () => {
    while (Date.now() < endAt) {
      const target = targets[next++ % targets.length];
      if (!target) throw new Error("nothing to issue");
      await issueTicket(ctx, target.actor, { branchId: target.branchId, serviceId: target.serviceId });
      issued++;
    }
  }),
);
const elapsedS = (Date.now() - startedAt) / 1000;
await fanout?.close();
await store.close();
process.stdout.write(
  `${JSON.stringify({ issued, rps: Math.round(issued / elapsedS), branches: Number(branchCount) })}\n`,
);
