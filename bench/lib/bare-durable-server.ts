/**
 * The durable floor: the bare route of bare-server.ts, but each request also writes one row through
 * Datang's own SQLite store (the same group commit and WAL flush, answered only once the row is on disk).
 * Nothing else: no authentication, no use case, one small table without indexes. What a ticket operation
 * costs beyond this is Datang's own work; the gap between this and the bare route is the durable write
 * path (a row, a savepoint, a share of a commit and of a WAL flush) on this machine. Prints "listening <port>"
 * when ready.
 *   tsx bench/lib/bare-durable-server.ts <port> <sqlite path>
 */
import Fastify from "fastify";
import { sql as kyselySql } from "kysely";
import { execute, sql } from "../../src/store/sql.ts";
import { createSqliteStore } from "../../src/store/sqlite-store.ts";

const port = Number(process.argv[2] ?? 0);
const path = process.argv[3];
if (!path) throw new Error("usage: bare-durable-server.ts <port> <sqlite path>");
const store = createSqliteStore(path, {
  onDurabilityLost: () => process.exit(1),
});
await kyselySql`CREATE TABLE IF NOT EXISTS writes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, at INTEGER NOT NULL)`.execute(
  store.db,
);
const INSERT = sql("INSERT INTO writes (body, at) VALUES (?, ?)");

const app = Fastify({ logger: false });
app.post<{ Body: { serviceId?: string } }>("/bare", async (req) => {
  await store.write((tx) => execute(tx, INSERT, [String(req.body?.serviceId), Date.now()]));
  return { ok: true };
});
await app.listen({ port, host: "127.0.0.1" });
const address = app.server.address();
console.log(`listening ${typeof address === "object" && address ? address.port : port}`);
process.on("SIGTERM", () => void app.close().then(() => store.close().then(() => process.exit(0))));
