import type { FastifyError, FastifyInstance } from "fastify";
import { AppError } from "../app/errors.ts";

export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly details?: unknown;
}

const FASTIFY_CODES: Readonly<Record<string, { status: number; error: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: "payload_too_large" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, error: "unsupported_media_type" },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, error: "invalid_json" },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: "invalid_request" },
};

/** Every failure leaves as `{error, message, details?}`; nothing a client sends turns into a 500. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof AppError) {
    return {
      status: err.status,
      body: { error: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) },
    };
  }
  const e = err as FastifyError & { validation?: unknown; code?: string };
  if (e.validation) {
    return { status: 400, body: { error: "invalid_request", message: e.message, details: e.validation } };
  }
  const known = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (known) return { status: known.status, body: { error: known.error, message: e.message } };
  if (e instanceof SyntaxError || e.code === "FST_ERR_CTP_INVALID_JSON_BODY") {
    return { status: 400, body: { error: "invalid_json", message: "The request body is not valid JSON." } };
  }
  // A unique constraint that a concurrent request won after our own checks passed (PostgreSQL 23505, SQLite).
  if (e.code === "23505" || e.code === "SQLITE_CONSTRAINT_UNIQUE") {
    return {
      status: 409,
      body: { error: "conflict", message: "This conflicts with a record saved at the same moment; try again." },
    };
  }
  // PostgreSQL class 22 "data exception": a value the database cannot store (a NUL byte in text, say).
  if (typeof e.code === "string" && /^22[0-9A-Z]{3}$/.test(e.code)) {
    return {
      status: 400,
      body: { error: "invalid_request", message: "A value in the request cannot be stored as given." },
    };
  }
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, body: { error: "invalid_request", message: e.message } };
  }
  return {
    status: 500,
    body: { error: "internal_error", message: "Something went wrong on our side; it has been logged." },
  };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const { status, body } = toErrorResponse(err);
    if (status >= 500) req.log.error({ err }, "unhandled error");
    if (body.error === "too_many_requests") {
      const details = body.details as { retryAfterSeconds?: number } | undefined;
      if (details?.retryAfterSeconds) reply.header("retry-after", String(details.retryAfterSeconds));
    }
    return reply.status(status).send(body);
  });
}
