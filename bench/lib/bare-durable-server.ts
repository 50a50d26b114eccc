/**
 * The durable floors: the bare route of bare-server.ts, but each request also writes through Datang's own
 * SQLite store (the same group commit and WAL flush, answered only once the write is on disk). Nothing else:
 * no authentication, no validation, no use case, no estimate, no event published. Two writes:
 * - `row`: one row of a small table without indexes. The gap between this and the bare route is the durable
 *   write path itself (a row, a savepoint, a share of a commit and of a WAL flush) on this machine.
 * - `ticket`: the rows an issued ticket needs, written by the store function the issue-ticket use case calls
 *   (`insertIssuedTicket`: the queue's next number, the ticket, its history line, the branch's event number
 *   and the event, with the payload the use case stores), into the real schema. No server can issue durable tickets faster than this on this
 *   machine without writing less; what issue-ticket costs beyond it is Datang's own work.
 * Prints "listening <port>" when ready.
 *   tsx bench/lib/bare-durable-server.ts <port> <sqlite path> [row|ticket]
 */
import Fastify from "fastify";
import { sql as kyselySql } from "kysely";
import { createAppContext } from "../../src/app/create-context.ts";
import { seedDemo } from "../../src/app/seed-demo.ts";
import { eventTicket } from "../../src/app/views.ts";
import { localDay } from "../../src/domain/local-day.ts";
import { EventBus } from "../../src/realtime/event-bus.ts";
import { migrateToLatest } from "../../src/store/connect.ts";
import { insertIssuedTicket, newTicketRow } from "../../src/store/issued-ticket.ts";
import { execute, sql } from "../../src/store/sql.ts";
import { createSqliteStore } from "../../src/store/sqlite-store.ts";

const port = Number(process.argv[2] ?? 0);
const path = process.argv[3];
const mode = process.argv[4] ?? "row";
if (!path || (mode !== "row" && mode !== "ticket"))
  throw new Error("usage: bare-durable-server.ts <port> <sqlite path> [row|ticket]");
const store = createSqliteStore(path, {
  onDurabilityLost: () => process.exit(1),
});

type Write = (serviceId: string) => Promise<unknown>;

async function oneRow(): Promise<Write> {
  await kyselySql`CREATE TABLE IF NOT EXISTS writes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, at INTEGER NOT NULL)`.execute(
    store.db,
  );
  const INSERT = sql("INSERT INTO writes (body, at) VALUES (?, ?)");
  return (serviceId) => store.write((tx) => execute(tx, INSERT, [serviceId, Date.now()]));
}

async function ticketRows(): Promise<Write> {
  await migrateToLatest(store);
  const ctx = createAppContext({ store, bus: new EventBus() });
  const { branchId } = await seedDemo(ctx, "bare-durable-floor");
  const service = await store.db
    .selectFrom("services")
    .innerJoin("branches", "branches.id", "services.branch_id")
    .select(["services.id", "services.prefix", "branches.timezone"])
    .where("services.branch_id", "=", branchId)
    .executeTakeFirstOrThrow();
  return () =>
    store.write((tx) => {
      const at = Date.now();
      const ticket = newTicketRow({
        id: ctx.newId(),
        branchId,
        serviceId: service.id,
        day: localDay(at, service.timezone),
        priority: "normal",
        channel: "kiosk",
        at,
        appointmentAt: null,
        estimatedWaitMinutes: 0,
        idempotencyKey: null,
      });
      return insertIssuedTicket(
        tx,
        {
          ticket,
          prefix: service.prefix,
          transition: {
            ticketId: ticket.id,
            branchId,
            action: "issue",
            from: null,
            to: "waiting",
            at,
            actorType: "device",
            actorId: "floor",
          },
          event: (numbered) => ({
            type: "ticket.issued",
            at: new Date(at).toISOString(),
            branchId,
            ticket: eventTicket(numbered, null),
          }),
        },
        undefined,
      );
    });
}

const write = mode === "row" ? await oneRow() : await ticketRows();
const app = Fastify({ logger: false });
app.post<{ Body: { serviceId?: string } }>("/bare", async (req) => {
  await write(String(req.body?.serviceId));
  return { ok: true };
});
await app.listen({ port, host: "127.0.0.1" });
const address = app.server.address();
console.log(`listening ${typeof address === "object" && address ? address.port : port}`);
process.on("SIGTERM", () => void app.close().then(() => store.close().then(() => process.exit(0))));
