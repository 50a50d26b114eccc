/**
 * A child process holding SSE clients, so that reading 2,000 streams does not share one event loop with the
 * bench's own timing. Usage: sse-clients.ts <base> <branchId> <displayToken> <count>.
 * Prints "ready <n>" once every client is attached. For each line "report <ticketId>" on stdin it waits until
 * all its clients have that ticket's `ticket.called` event (at most 5 s) and prints
 * "times <ticketId> <t1,t2,…>" with the receipt times in epoch milliseconds (performance.timeOrigin + now,
 * comparable across processes on one machine).
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";

const [base = "", branchId = "", token = "", countText = "0"] = process.argv.slice(2);
const count = Number(countText);
const CONNECT_BATCH = 200;
const REPORT_TIMEOUT_MS = 5000;
const receipts = new Map<string, number[]>();
const requests: http.ClientRequest[] = [];
const now = (): number => performance.timeOrigin + performance.now();

function connect(): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: "127.0.0.1",
      port: new URL(base).port,
      path: `/api/branches/${branchId}/events`,
      headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
      // One socket per client, as 2,000 screens and phones would have; no pooling.
      agent: false,
    });
    requests.push(req);
    const timer = setTimeout(() => reject(new Error("SSE connect timed out")), 20_000);
    req.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.once("response", (res) => {
      if (res.statusCode !== 200) {
        clearTimeout(timer);
        reject(new Error(`SSE answered ${res.statusCode}`));
        return;
      }
      res.setEncoding("utf8");
      let buffer = "";
      let first = true;
      res.on("data", (chunk: string) => {
        const at = now();
        if (first) {
          // The server's first write ("retry: 2000") says the stream is attached.
          first = false;
          clearTimeout(timer);
          resolve();
        }
        buffer += chunk;
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
          const data = block.split("\n").find((l) => l.startsWith("data: "));
          if (!data) continue;
          const event = JSON.parse(data.slice(6)) as { type: string; ticket?: { id: string } };
          if (event.type !== "ticket.called" || !event.ticket) continue;
          let list = receipts.get(event.ticket.id);
          if (!list) {
            list = [];
            receipts.set(event.ticket.id, list);
          }
          list.push(at);
        }
      });
    });
    req.end();
  });
}

async function report(ticketId: string): Promise<void> {
  const deadline = Date.now() + REPORT_TIMEOUT_MS;
  while ((receipts.get(ticketId)?.length ?? 0) < requests.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const times = receipts.get(ticketId) ?? [];
  receipts.delete(ticketId);
  process.stdout.write(`times ${ticketId} ${times.map((t) => t.toFixed(2)).join(",")}\n`);
}

for (let i = 0; i < count; i += CONNECT_BATCH) {
  await Promise.all(Array.from({ length: Math.min(CONNECT_BATCH, count - i) }, connect));
}
process.stdout.write(`ready ${requests.length}\n`);
createInterface({ input: process.stdin }).on("line", (line) => {
  const [command, ticketId] = line.split(" ");
  if (command === "report" && ticketId) void report(ticketId);
});
// The parent closing stdin (or dying) ends the clients.
process.stdin.on("end", () => {
  for (const req of requests) req.destroy();
  process.exit(0);
});
process.on("SIGTERM", () => process.exit(0));
