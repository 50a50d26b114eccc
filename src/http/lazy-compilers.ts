/**
 * Request validators and response serialisers compiled on a route's first use instead of at start.
 *
 * Fastify compiles an Ajv validator for every route's body, query and params, and a fast-json-stringify
 * serialiser for every route and status, when the server gets ready. With some 250 routes that was about 4 s
 * of a server's start (CPU profiles of `datang serve`, 2026-12-06 and 2026-12-07: about 3 s serialisers,
 * 1.2 s Ajv), paid again by every test that builds a server. Compiled lazily, the very same function (same
 * compiler, same schema, same options) is built when the route first validates or answers, so behaviour is
 * unchanged: unnamed fields are still dropped, defaults still applied, bad input still refused.
 * `compileAll` builds the ones not yet built, so a test can prove that every schema compiles.
 */
import ValidatorSelector from "@fastify/ajv-compiler";
import { SerializerSelector } from "@fastify/fast-json-stringify-compiler";

type Serialize = (data: unknown) => string;
type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };
type RouteSchema = { schema: unknown; method: string; url: string };
type Selector<F> = (externalSchemas: unknown, options: unknown) => (route: RouteSchema) => F;

export interface LazyCompilers {
  /** For Fastify's `schemaController.compilersFactory.buildValidator`. */
  readonly buildValidator: Selector<Validate>;
  /** For Fastify's `schemaController.compilersFactory.buildSerializer`. */
  readonly buildSerializer: Selector<Serialize>;
  /** Compiles every validator and serialiser not yet compiled; throws on a schema its compiler refuses. */
  compileAll(): { validators: number; serializers: number };
}

/** Wraps a selector so that each route's function is compiled on its first call; `pending` holds the rest. */
function lazySelector<F>(select: Selector<F>, pending: Set<() => F>, wrap: (build: () => F) => F): Selector<F> {
  return (externalSchemas, options) => {
    const compile = select(externalSchemas, options);
    return (route) => {
      let compiled: F | undefined;
      const build = (): F => {
        if (compiled === undefined) {
          compiled = compile(route);
          pending.delete(build);
        }
        return compiled;
      };
      pending.add(build);
      return wrap(build);
    };
  };
}

function compilePending<F>(pending: Set<() => F>): number {
  const all = [...pending];
  for (const build of all) build();
  return all.length;
}

export function createLazyCompilers(): LazyCompilers {
  const validators = new Set<() => Validate>();
  const serializers = new Set<() => Serialize>();
  return {
    buildValidator: lazySelector(ValidatorSelector() as unknown as Selector<Validate>, validators, (build) => {
      const validate: Validate = (data, context) => build()(data, context);
      // Fastify reads `errors` after a failed validation, and passes the parent object (so Ajv may replace a
      // whole request part with its defaults) only to functions that carry `schemaEnv`, as Ajv's own do.
      Object.defineProperty(validate, "errors", { get: () => build().errors });
      validate.schemaEnv = true;
      return validate;
    }),
    buildSerializer: lazySelector(
      SerializerSelector() as unknown as Selector<Serialize>,
      serializers,
      (build) => (data) => build()(data),
    ),
    compileAll: () => ({ validators: compilePending(validators), serializers: compilePending(serializers) }),
  };
}
