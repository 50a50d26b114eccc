import { isDeepStrictEqual } from "node:util";
import type { FastifyInstance, FastifyRequest } from "fastify";

/**
 * Every answer is serialised through its route's response schema, which drops fields the schema does not
 * declare and coerces values to the declared types. This records each answer whose JSON after serialisation
 * differs from the handler's own value as JSON: a field the schema forgot, or a type it declares wrongly.
 * Installed by the API test harness, so every API test on both databases checks every answer it receives.
 */
export function checkAnswers(app: FastifyInstance): { readonly mismatches: string[] } {
  const mismatches: string[] = [];
  const handed = new WeakMap<FastifyRequest, unknown>();
  app.addHook("preSerialization", async (req, _reply, payload) => {
    handed.set(req, JSON.parse(JSON.stringify(payload)) as unknown);
    return payload;
  });
  app.addHook("onSend", async (req, reply, payload) => {
    if (!handed.has(req) || typeof payload !== "string") return payload;
    const before = handed.get(req);
    handed.delete(req);
    const after = payload.length > 0 ? (JSON.parse(payload) as unknown) : undefined;
    if (!isDeepStrictEqual(before, after)) {
      const route = `${req.method} ${req.routeOptions.url} → ${reply.statusCode}`;
      const message = `${route}: the response schema changed the answer\n  handler: ${JSON.stringify(before)}\n  sent:    ${payload}`;
      mismatches.push(message);
      console.error(message);
    }
    return payload;
  });
  return { mismatches };
}
