/**
 * The ceiling: a bare Fastify route in its own process, the same Fastify and Node as Datang, parsing a
 * small JSON body and answering {ok:true}. Prints "listening <port>" when ready.
 */
import Fastify from "fastify";

const app = Fastify({ logger: false });
app.post("/bare", async () => ({ ok: true }));
const port = Number(process.argv[2] ?? 0);
await app.listen({ port, host: "127.0.0.1" });
const address = app.server.address();
console.log(`listening ${typeof address === "object" && address ? address.port : port}`);
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
