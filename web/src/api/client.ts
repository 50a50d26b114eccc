import i18next from "i18next";

/** One fetch wrapper for every page: JSON in/out, cookies, and the server's single error shape. */
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

export interface RequestOptions {
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  // The server writes its error messages in the UI's language.
  const headers: Record<string, string> = {
    accept: "application/json",
    "accept-language": i18next.language === "en" ? "en" : "zh-CN",
    ...options.headers,
  };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  } else if (method === "POST" || method === "PATCH") {
    // Some routes take no body; send an empty object so the server's JSON parser is content.
    headers["content-type"] = "application/json";
    body = "{}";
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body, credentials: "same-origin", signal: options.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "network", error instanceof Error ? error.message : String(error));
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const errorBody = (parsed ?? {}) as ErrorBody;
    throw new ApiError(
      response.status,
      errorBody.error ?? `http_${response.status}`,
      errorBody.message ?? response.statusText,
      errorBody.details,
    );
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>("GET", path, options),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, "body">) =>
    request<T>("POST", path, { ...options, body }),
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
