import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../app/errors.ts";
import { type StoreFault, storeFaultOf } from "../store/faults.ts";
import { schemaMessageEn, schemaMessageZh } from "./validation-zh.ts";

export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly details?: unknown;
}

/** The language an error message is written in: English unless the client prefers Chinese. */
export type MessageLanguage = "en" | "zh";

/**
 * Reads `Accept-Language`: Chinese when the range with the highest q (the first of equals) is `zh` or `zh-*`,
 * English otherwise (no header, `*`, any other language).
 */
export function messageLanguage(acceptLanguage: string | string[] | undefined): MessageLanguage {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(",") : (acceptLanguage ?? "");
  let best: { tag: string; q: number } | undefined;
  for (const part of header.split(",")) {
    const [range = "", ...params] = part.trim().split(";");
    const tag = range.trim().toLowerCase();
    if (!tag) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.trim().split("=");
      if (key?.trim().toLowerCase() === "q") q = Number(value);
    }
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { tag, q };
  }
  return best && (best.tag === "zh" || best.tag.startsWith("zh-")) ? "zh" : "en";
}

/** Fastify's own errors in the common shape; `en` replaces Fastify's English text where that says too little. */
const FASTIFY_CODES: Readonly<Record<string, { status: number; error: string; zh: string; en?: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: "payload_too_large", zh: "请求内容过大。" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    error: "unsupported_media_type",
    en: "This request body's content type is not accepted; send JSON with Content-Type: application/json.",
    zh: "不支持此请求内容类型，请以 JSON 发送（Content-Type: application/json）。",
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, error: "invalid_json", zh: "请求内容为空，应为 JSON。" },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: "invalid_request", zh: "请求的 Content-Length 不正确。" },
  FST_ERR_BAD_URL: { status: 400, error: "invalid_request", zh: "网址中有无法解码的字符（% 编码不正确）。" },
};

/** What a client is told when the storage cannot serve it, and when to try again (seconds). */
export const FAULT_ANSWERS: Readonly<Record<StoreFault, { en: string; zh: string; retryAfter: number }>> = {
  database_unavailable: {
    en: "The database cannot be reached at the moment; nothing was changed. Try again shortly.",
    zh: "数据库暂时无法连接，本次操作未执行，请稍后重试。",
    retryAfter: 1,
  },
  storage_full: {
    en: "The server's disk is full; nothing was saved. Try again later.",
    zh: "服务器磁盘已满，本次操作未保存，请稍后重试。",
    retryAfter: 5,
  },
  storage_read_only: {
    en: "The database cannot be written at the moment (read-only); nothing was saved. Try again later.",
    zh: "数据库当前只读，无法写入，本次操作未保存，请稍后重试。",
    retryAfter: 5,
  },
};

/** The 503 answer of a storage fault. */
export function faultResponse(
  fault: StoreFault,
  lang: MessageLanguage,
): { status: 503; body: ErrorBody; retryAfter: number } {
  const answer = FAULT_ANSWERS[fault];
  return {
    status: 503,
    body: { error: fault, message: lang === "zh" ? answer.zh : answer.en },
    retryAfter: answer.retryAfter,
  };
}

/**
 * Every failure leaves as `{error, message, details?}`; nothing a client sends turns into a 500.
 * `message` is in Chinese when `lang` is "zh" and a Chinese text exists (schema errors are put into Chinese
 * by validation-zh.ts), in English otherwise.
 */
export function toErrorResponse(
  err: unknown,
  lang: MessageLanguage = "en",
): { status: number; body: ErrorBody; retryAfter?: number } {
  const zh = lang === "zh";
  const pick = (en: string, chinese: string | undefined) => (zh && chinese ? chinese : en);
  if (err instanceof AppError) {
    return {
      status: err.status,
      body: {
        error: err.code,
        message: pick(err.message, err.messageZh),
        ...(err.details === undefined ? {} : { details: err.details }),
      },
    };
  }
  const e = err as FastifyError & { validation?: unknown; validationContext?: string; code?: string };
  if (e.validation) {
    const chinese = zh && Array.isArray(e.validation) ? schemaMessageZh(e.validation, e.validationContext) : undefined;
    return {
      status: 400,
      body: {
        error: "invalid_request",
        message: zh
          ? (chinese ?? `请求内容不正确：${e.message}`)
          : ((Array.isArray(e.validation) ? schemaMessageEn(e.validation) : undefined) ?? e.message),
        details: e.validation,
      },
    };
  }
  const known = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (known) {
    return { status: known.status, body: { error: known.error, message: pick(known.en ?? e.message, known.zh) } };
  }
  if (e instanceof SyntaxError || e.code === "FST_ERR_CTP_INVALID_JSON_BODY") {
    return {
      status: 400,
      body: {
        error: "invalid_json",
        message: pick("The request body is not valid JSON.", "请求内容不是有效的 JSON。"),
      },
    };
  }
  // A unique constraint that a concurrent request won after our own checks passed (PostgreSQL 23505, SQLite).
  if (e.code === "23505" || e.code === "SQLITE_CONSTRAINT_UNIQUE") {
    return {
      status: 409,
      body: {
        error: "conflict",
        message: pick(
          "This conflicts with a record saved at the same moment; try again.",
          "与同时保存的另一条记录冲突，请重试。",
        ),
      },
    };
  }
  // PostgreSQL class 22 "data exception": a value the database cannot store (a NUL byte in text, say).
  if (typeof e.code === "string" && /^22[0-9A-Z]{3}$/.test(e.code)) {
    return {
      status: 400,
      body: {
        error: "invalid_request",
        message: pick("A value in the request cannot be stored as given.", "请求中有无法保存的值。"),
      },
    };
  }
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    return {
      status: e.statusCode,
      body: { error: "invalid_request", message: zh ? `请求无法处理：${e.message}` : e.message },
    };
  }
  // The database went away or the disk refuses writes: not the request's fault, and it passes.
  const fault = storeFaultOf(err);
  if (fault) return faultResponse(fault, lang);
  return {
    status: 500,
    body: {
      error: "internal_error",
      message: pick("Something went wrong on our side; it has been logged.", "系统内部出错，已记录日志。"),
    },
  };
}

/**
 * Errors Fastify raises before any route runs (a URL whose %-encoding is broken): the same shape as every
 * other error. Passed as Fastify's `frameworkErrors` option.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorResponse(err, messageLanguage(req.headers["accept-language"]));
  if (status >= 500) req.log.error({ err }, "unhandled error");
  void reply.status(status).send(body);
}

/** A storage fault is written to standard error at most this often per kind (an outage fails every request). */
const FAULT_LOG_INTERVAL_MS = 5_000;

/**
 * Writes server-side failures to standard error when the request log is off (it is on with DATANG_LOG=1 and
 * then has them): a 500 every time, a storage fault once per kind every few seconds with the count since.
 */
export function stderrErrorLog(): (err: unknown, req: FastifyRequest, code: string) => void {
  const faults = new Map<string, { at: number; suppressed: number }>();
  return (err, req, code) => {
    const where = `${req.method} ${req.url.split("?")[0]}`;
    if (code === "internal_error") {
      console.error(`Datang: ${where} failed:`, err);
      return;
    }
    const now = Date.now();
    const seen = faults.get(code);
    if (seen && now - seen.at < FAULT_LOG_INTERVAL_MS) {
      seen.suppressed++;
      return;
    }
    const more = seen?.suppressed ? ` (${seen.suppressed} more since the last report)` : "";
    faults.set(code, { at: now, suppressed: 0 });
    const e = err as { code?: unknown; message?: unknown };
    console.error(`Datang: ${code}${more}: ${where}: ${String(e.code ?? "")} ${String(e.message ?? err)}`.trim());
  };
}

export function registerErrorHandling(
  app: FastifyInstance,
  logToStderr?: (err: unknown, req: FastifyRequest, code: string) => void,
): void {
  app.setErrorHandler((err, req, reply) => {
    const { status, body, retryAfter } = toErrorResponse(err, messageLanguage(req.headers["accept-language"]));
    if (status >= 500) {
      req.log.error({ err }, status === 503 ? body.error : "unhandled error");
      logToStderr?.(err, req, body.error);
    }
    if (retryAfter !== undefined) reply.header("retry-after", String(retryAfter));
    if (body.error === "too_many_requests") {
      const details = body.details as { retryAfterSeconds?: number } | undefined;
      if (details?.retryAfterSeconds) reply.header("retry-after", String(details.retryAfterSeconds));
    }
    return reply.status(status).send(body);
  });
}
