import { migrateToLatest, openStore } from "../store/connect.ts";
import { buildServer } from "./server.ts";

/**
 * The OpenAPI document exactly as `/api/openapi.json` serves it, built in this process on an empty in-memory
 * database: no running server is needed (the web client's generator and the contract tests use it).
 */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const store = openStore(":memory:");
  try {
    await migrateToLatest(store);
    const server = await buildServer({ store });
    try {
      await server.app.ready();
      // A copy through JSON: the same text the route sends, with no shared objects left in the live server.
      return JSON.parse(JSON.stringify(server.app.swagger())) as Record<string, unknown>;
    } finally {
      await server.close();
    }
  } finally {
    await store.close();
  }
}
