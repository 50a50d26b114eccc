/**
 * Fastify validates with ajv's draft-07, where a tuple is `items: [a, b]` with `additionalItems: false`; the
 * OpenAPI 3.1 document speaks JSON Schema 2020-12, where the same tuple is `prefixItems: [a, b]` with
 * `items: false`. The document gets the 2020-12 spelling; validation keeps its own.
 */
export function toOpenApi31<T>(document: T): T {
  return rewrite(document) as T;
}

function rewrite(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewrite);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  const record = value as Record<string, unknown>;
  for (const [key, inner] of Object.entries(record)) out[key] = rewrite(inner);
  if (Array.isArray(record.items)) {
    out.prefixItems = out.items;
    out.items = record.additionalItems === false ? false : (record.additionalItems ?? true);
    delete out.additionalItems;
  }
  return out;
}
