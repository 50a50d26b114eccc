import { createServer, type Server, type Socket } from "node:net";

/**
 * A receipt printer on 127.0.0.1: answers the ESC/POS real-time status requests (DLE EOT 1 and 4) with the
 * bytes it is told to, and records everything else it receives (the print job).
 */
export interface FakePrinter {
  readonly url: string;
  /** Bytes received other than status requests, per connection. */
  readonly jobs: Buffer[];
  status: { printer: number; paper: number };
  close(): Promise<void>;
}

export async function fakePrinter(): Promise<FakePrinter> {
  const jobs: Buffer[] = [];
  const sockets = new Set<Socket>();
  const printer: { status: { printer: number; paper: number } } = { status: { printer: 0x12, paper: 0x12 } };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let job = Buffer.alloc(0);
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // Status requests come first and alone; the rest is the job.
      while (pending.length >= 3 && pending[0] === 0x10 && pending[1] === 0x04) {
        socket.write(Uint8Array.of(pending[2] === 1 ? printer.status.printer : printer.status.paper));
        pending = pending.subarray(3);
      }
      if (pending.length > 0 && !(pending[0] === 0x10 && pending.length < 3)) {
        job = Buffer.concat([job, pending]);
        pending = Buffer.alloc(0);
      }
    });
    socket.on("close", () => {
      sockets.delete(socket);
      if (job.length > 0) jobs.push(job);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `tcp://127.0.0.1:${port}`,
    jobs,
    get status() {
      return printer.status;
    },
    set status(s) {
      printer.status = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
