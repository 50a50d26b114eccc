/**
 * Response serialisers compiled on a route's first answer instead of at start.
 *
 * Fastify compiles a fast-json-stringify serialiser for every route and status at `ready`: with some 250
 * routes that was about 3 s of the server's start (CPU profile of `datang serve`, 2026-12-06), paid again by
 * every test that starts a server. Compiled lazily, the same serialiser (same schema, same options, so it
 * still drops fields the schema does not name) is built when the route first answers with that status.
 * `compileAll` builds the ones not yet built, so a test can prove that every response schema compiles.
 */
import { SerializerSelector } from "@fastify/fast-json-stringify-compiler";

type Serialize = (data: unknown) => string;
type RouteSchema = { schema: unknown; method: string; url: string; httpStatus: string };
type BuildSerializer = (externalSchemas: unknown, options: unknown) => (route: RouteSchema) => Serialize;

export interface LazySerializers {
  /** For Fastify's `schemaController.compilersFactory.buildSerializer`. */
  readonly buildSerializer: BuildSerializer;
  /** Compiles every serialiser not yet compiled; throws on a schema fast-json-stringify refuses. */
  compileAll(): number;
}

export function createLazySerializers(): LazySerializers {
  const select = SerializerSelector() as unknown as BuildSerializer;
  const pending = new Set<() => Serialize>();
  return {
    buildSerializer: (externalSchemas, options) => {
      const compile = select(externalSchemas, options);
      return (route) => {
        let serialize: Serialize | undefined;
        const build = (): Serialize => {
          if (!serialize) {
            serialize = compile(route);
            pending.delete(build);
          }
          return serialize;
        };
        pending.add(build);
        return (data) => build()(data);
      };
    },
    compileAll() {
      const all = [...pending];
      for (const build of all) build();
      return all.length;
    },
  };
}
