import i18next from "i18next";
import createClient from "openapi-fetch";
import type { paths } from "./schema.ts";

/**
 * The API client: openapi-fetch over the types generated from the server's OpenAPI document (`schema.ts`,
 * `npm run gen:api`). `client` is typed by path, parameters, body and answer; `call` turns its result into the
 * answer or an `ApiError` with the server's single error shape. `api.get/post/patch` are the same client
 * addressed by a finished URL, for pages written before the typed client.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

interface ErrorBody {
  readonly error?: string;
  readonly message?: string;
  readonly details?: unknown;
}

export const client = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
client.use({
  onRequest({ request }) {
    // The server writes its error messages in the UI's language.
    request.headers.set("accept", "application/json");
    request.headers.set("accept-language", i18next.language === "en" ? "en" : "zh-CN");
    return request;
  },
});

interface Result {
  readonly data?: unknown;
  readonly error?: unknown;
  readonly response: Response;
}

/** The answer of a typed call (`await call(client.GET("/api/…", {…}))`), or an ApiError. */
export async function call<R extends Result>(pending: Promise<R>): Promise<Exclude<R["data"], undefined>> {
  let result: R;
  try {
    result = await pending;
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "network", error instanceof Error ? error.message : String(error));
  }
  const { response } = result;
  if (!response.ok) {
    const body = (result.error !== null && typeof result.error === "object" ? result.error : {}) as ErrorBody;
    throw new ApiError(
      response.status,
      body.error ?? `http_${response.status}`,
      body.message ?? response.statusText,
      body.details,
    );
  }
  return result.data as Exclude<R["data"], undefined>;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  // Some routes take no body; send an empty object so the server's JSON parser is content.
  const body = options.body ?? (method === "POST" || method === "PUT" || method === "PATCH" ? {} : undefined);
  // A finished URL (ids already in it) is not one of the document's templated paths, hence the casts.
  const untyped = client.request as unknown as (method: Method, url: string, init: object) => Promise<Result>;
  return (await call(untyped(method, path, { body, headers: options.headers, signal: options.signal }))) as T;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>("GET", path, options),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, "body">) =>
    request<T>("POST", path, { ...options, body }),
  put: <T>(path: string, body: unknown) => request<T>("PUT", path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>("PATCH", path, { body }),
  delete: <T>(path: string) => request<T>("DELETE", path),
};

/** Lists may come bare or wrapped (`{services:[…]}`); accept both so one server choice does not break a page. */
export function unwrapList<T>(value: unknown, key: string): T[] {
  if (Array.isArray(value)) return value as T[];
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const inner = record[key] ?? record.items ?? record.data;
    if (Array.isArray(inner)) return inner as T[];
  }
  return [];
}

/** Single objects may come bare or wrapped (`{ticket:{…}}`). */
export function unwrapOne<T>(value: unknown, key: string): T {
  if (value !== null && typeof value === "object" && key in (value as Record<string, unknown>)) {
    return (value as Record<string, unknown>)[key] as T;
  }
  return value as T;
}
