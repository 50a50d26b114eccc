import { request } from "node:http";
import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { DEFAULT_REQUESTS_PER_TURN, registerFairTurns, requestsPerTurn, TurnGate } from "./fair-turns.ts";

/** Resolves in the check phase of the next turn of the event loop. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("TurnGate", () => {
  it("lets every request through at once while no connection is being accepted", () => {
    const gate = new TurnGate(2);
    const went: number[] = [];
    for (let i = 1; i <= 5; i++) gate.admit(() => went.push(i));
    expect(went).toEqual([1, 2, 3, 4, 5]);
    expect(gate.accepting).toBe(false);
  });

  it("while accepting, starts at most perTurn requests per turn, the rest in later turns in order of arrival", async () => {
    const gate = new TurnGate(2);
    gate.connected();
    await nextTurn(); // the turn of the connection: counting starts
    gate.connected(); // another connection in the next poll phase
    const went: number[] = [];
    for (let i = 1; i <= 7; i++) gate.admit(() => went.push(i));
    expect(went).toEqual([1, 2]);
    expect(gate.queued).toBe(5);
    await nextTurn();
    expect(went).toEqual([1, 2, 3, 4]);
    gate.connected(); // connections keep coming: still two a turn
    await nextTurn();
    expect(went).toEqual([1, 2, 3, 4, 5, 6]);
    await nextTurn();
    expect(went).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(gate.queued).toBe(0);
  });

  it("once a whole turn passes without a connection, everything waiting starts together", async () => {
    const gate = new TurnGate(1);
    gate.connected();
    const went: number[] = [];
    for (let i = 1; i <= 6; i++) gate.admit(() => went.push(i));
    expect(went).toEqual([1]);
    await nextTurn(); // the connection's turn: one more
    expect(went).toEqual([1, 2]);
    await nextTurn(); // a turn without a connection: the rest
    expect(went).toEqual([1, 2, 3, 4, 5, 6]);
    expect(gate.accepting).toBe(false);
    gate.admit(() => went.push(7));
    expect(went).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("queues a newcomer behind those already waiting, even when the new turn has room", async () => {
    const gate = new TurnGate(1);
    gate.connected();
    const went: string[] = [];
    gate.admit(() => went.push("a"));
    gate.admit(() => went.push("b"));
    gate.admit(() => went.push("c"));
    gate.connected();
    await nextTurn(); // b's turn
    gate.admit(() => went.push("d"));
    expect(went).toEqual(["a", "b"]);
    gate.connected();
    await nextTurn();
    await nextTurn();
    expect(went).toEqual(["a", "b", "c", "d"]);
  });
});

describe("requestsPerTurn (DATANG_REQUESTS_PER_TURN)", () => {
  it("defaults when unset or empty, takes 0 (no limit) and whole numbers", () => {
    expect(requestsPerTurn({})).toBe(DEFAULT_REQUESTS_PER_TURN);
    expect(requestsPerTurn({ DATANG_REQUESTS_PER_TURN: " " })).toBe(DEFAULT_REQUESTS_PER_TURN);
    expect(requestsPerTurn({ DATANG_REQUESTS_PER_TURN: "0" })).toBe(0);
    expect(requestsPerTurn({ DATANG_REQUESTS_PER_TURN: "16" })).toBe(16);
  });

  it.each(["-1", "2.5", "many", "10001"])("refuses %s, naming the variable", (raw) => {
    expect(() => requestsPerTurn({ DATANG_REQUESTS_PER_TURN: raw })).toThrow(/DATANG_REQUESTS_PER_TURN/);
  });
});

describe("registerFairTurns on a server", () => {
  it("answers every request of a burst over 40 new connections, each with its own answer", async () => {
    const app = Fastify();
    const gate = registerFairTurns(app, 1);
    const order: number[] = [];
    app.get("/n/:n", async (req) => {
      const n = Number((req.params as { n: string }).n);
      order.push(n);
      return { n };
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const { port } = app.server.address() as AddressInfo;
      const get = (n: number) =>
        new Promise<number>((resolve, reject) => {
          const req = request({ host: "127.0.0.1", port, path: `/n/${n}`, agent: false }, (res) => {
            let body = "";
            res.on("data", (c) => {
              body += c;
            });
            res.on("end", () => resolve(JSON.parse(body).n));
          });
          req.on("error", reject);
          req.end();
        });
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => get(i)));
      expect(answers).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect([...order].sort((a, b) => a - b)).toEqual(answers);
      expect(gate?.queued).toBe(0);
    } finally {
      await app.close();
    }
  });

  it("registers nothing for 0 (no limit)", () => {
    expect(registerFairTurns(Fastify(), 0)).toBeNull();
  });
});
