import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateClientSchema, SCHEMA_FILE } from "../scripts/api-client.ts";
import { DOCS_PREFIX } from "../src/http/auth-plugin.ts";
import { buildServer, type Server } from "../src/http/server.ts";
import { migrateToLatest, openStore } from "../src/store/connect.ts";
import type { Store } from "../src/store/store.ts";

const run = promisify(execFile);
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

interface Operation {
  readonly operationId?: string;
  readonly tags?: readonly string[];
  readonly responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  readonly requestBody?: unknown;
  readonly parameters?: readonly unknown[];
}
interface Document {
  readonly openapi: string;
  readonly paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
}

/**
 * The published contract: every route the server has (present and future) is in the document with an
 * operationId and a schema for each success answer, the document passes redocly's linter, and the web app's
 * generated client is what the document generates today.
 */
describe("the API contract", () => {
  let store: Store;
  let server: Server;
  let document: Document;
  const operations: Array<{ key: string; op: Operation }> = [];

  beforeAll(async () => {
    store = openStore(":memory:");
    await migrateToLatest(store);
    server = await buildServer({ store });
    await server.app.ready();
    document = JSON.parse(JSON.stringify(server.app.swagger())) as Document;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (op) operations.push({ key: `${method.toUpperCase()} ${path}`, op });
      }
    }
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it("documents every route except the document and its docs page", () => {
    const hidden = server.routes
      .filter((r) => r.hidden && r.method !== "HEAD")
      .filter((r) => r.url !== "/api/openapi.json" && !r.url.startsWith(DOCS_PREFIX));
    expect(hidden.map((r) => `${r.method} ${r.url}`)).toEqual([]);
    const documented = new Set(operations.map((o) => o.key));
    const apiRoutes = server.routes.filter((r) => !r.hidden && r.method !== "HEAD" && r.url.startsWith("/api/"));
    const missing = apiRoutes
      .map((r) => `${r.method} ${r.url.replace(/:([A-Za-z]+)/g, "{$1}")}`)
      .filter((key) => !documented.has(key));
    expect(missing).toEqual([]);
    expect(operations.length).toBeGreaterThanOrEqual(50);
  });

  it("compiles every request and response schema (they are built lazily, so a bad one would only fail in use)", () => {
    const compiled = server.compileAllSchemas();
    const documentedAnswers = operations.reduce((n, o) => n + Object.keys(o.op.responses ?? {}).length, 0);
    const documentedInputs = operations.reduce(
      (n, o) => n + (o.op.requestBody ? 1 : 0) + ((o.op.parameters ?? []).length > 0 ? 1 : 0),
      0,
    );
    expect(compiled.serializers).toBeGreaterThanOrEqual(documentedAnswers / 2);
    expect(compiled.validators).toBeGreaterThanOrEqual(documentedInputs / 2);
    expect(server.compileAllSchemas()).toEqual({ validators: 0, serializers: 0 });
  });

  it("gives every operation a unique operationId, a tag, and a schema for each success answer", () => {
    const problems: string[] = [];
    const ids = new Map<string, string>();
    for (const { key, op } of operations) {
      if (!op.operationId) problems.push(`${key}: no operationId`);
      else if (ids.has(op.operationId))
        problems.push(`${key}: operationId ${op.operationId} also on ${ids.get(op.operationId)}`);
      else ids.set(op.operationId, key);
      if (!op.tags?.length) problems.push(`${key}: no tags`);
      const successes = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
      if (successes.length === 0) problems.push(`${key}: no success response declared (response: { 200: … })`);
      for (const [status, response] of successes) {
        // 204 is the one success without a body.
        if (status === "204") continue;
        const media = Object.values(response.content ?? {});
        if (media.length === 0 || media.some((m) => m.schema === undefined)) {
          problems.push(`${key}: the ${status} answer has no schema`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("passes redocly lint with no errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "datang-openapi-"));
    try {
      const file = join(dir, "openapi.json");
      writeFileSync(file, JSON.stringify(document));
      // redocly exits 1 when it finds errors; its JSON report on standard output says which.
      const output = await run("node_modules/.bin/redocly", ["lint", file, "--format=json"], { timeout: 60_000 }).catch(
        (error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }),
      );
      const report = JSON.parse(output.stdout) as {
        totals: { errors: number };
        problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }>;
      };
      const errors = report.problems
        .filter((p) => p.severity === "error")
        .map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
      expect(errors).toEqual([]);
      expect(report.totals.errors).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("publishes OpenAPI 3.1 with a server", () => {
    expect(document.openapi).toBe("3.1.0");
    expect((document as unknown as { servers: unknown[] }).servers.length).toBeGreaterThan(0);
  });

  it("has the web app's generated client in step with the document (else run `npm run gen:api`)", async () => {
    const committed = readFileSync(SCHEMA_FILE, "utf8");
    const generated = await generateClientSchema();
    expect(generated === committed, `${SCHEMA_FILE} differs from the document: run \`npm run gen:api\``).toBe(true);
  }, 30_000);
});
