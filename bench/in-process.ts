/**
 * The durable ceiling without HTTP: the issue-ticket use case called in-process by 64 concurrent callers on a
 * fresh SQLite database for the bench's duration, through the same store, group commit and WAL flush as the
 * server. Whatever the server does beyond this is HTTP. Run by bench/server.ts in a child process:
 *   tsx bench/in-process.ts <sqlite path> <seconds> <callers>
 * Prints one JSON line {issued, rps}.
 */
import { createAppContext } from "../src/app/create-context.ts";
import { seedDemo } from "../src/app/seed-demo.ts";
import { deviceActor } from "../src/app/test-context.ts";
import { issueTicket } from "../src/app/tickets/issue-ticket.ts";
import { migrateToLatest, openStore } from "../src/store/connect.ts";

const [path, seconds = "8", callers = "64"] = process.argv.slice(2);
if (!path) throw new Error("usage: in-process.ts <sqlite path> [seconds] [callers]");

const store = openStore(path);
await migrateToLatest(store);
const ctx = createAppContext({ store });
const demo = await seedDemo(ctx, "in-process-bench-1");
const kioskRow = await store.db
  .selectFrom("devices")
  .select("id")
  .where("kind", "=", "kiosk")
  .executeTakeFirstOrThrow();
const kiosk = await deviceActor(ctx, kioskRow.id);
const services = await store.db.selectFrom("services").select("id").where("branch_id", "=", demo.branchId).execute();

const endAt = Date.now() + Number(seconds) * 1000;
let issued = 0;
let next = 0;
const startedAt = Date.now();
await Promise.all(
  Array.from({ length: Number(callers) }, async () => {
    while (Date.now() < endAt) {
      const service = services[next++ % services.length];
      if (!service) throw new Error("no business types");
      await issueTicket(ctx, kiosk, { branchId: demo.branchId, serviceId: service.id });
      issued++;
    }
  }),
);
const elapsedS = (Date.now() - startedAt) / 1000;
await store.close();
process.stdout.write(`${JSON.stringify({ issued, rps: Math.round(issued / elapsedS) })}\n`);
